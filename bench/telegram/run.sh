#!/usr/bin/env bash
# Telegram webhook throughput through the full pipeline (docs/benchmarks.md, "Telegram webhook").
#
# Starts, on loopback: the strict fake Bot API, a bare Hummingbird route, and the real
# `heartline serve` (release build, embedded retrieval model, durable file inbox in a temporary
# directory, webhook mode with a secret token, Bot API pointed at the fake). Then drives both HTTP
# servers with wrk (32 connections, distinct updates) and reports updates/s, p50/p99 and the ratio
# to the bare route, plus how many replies reached the fake Bot API.
#
#   bench/telegram/run.sh                 # 30 s per run
#   DURATION=10s CONNECTIONS=32 bench/telegram/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT_APP=${PORT_APP:-18180}
PORT_FAKE=${PORT_FAKE:-18181}
PORT_BARE=${PORT_BARE:-18182}
TOKEN="7000000002:AAH_bench-Token"
export BENCH_SECRET="bench_secret-123"

if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  sudo apt-get install -y wrk || apt-get install -y wrk
fi

swift build -c release --scratch-path .build-release >/dev/null
BIN=$(swift build -c release --scratch-path .build-release --show-bin-path)
# DATA_ROOT=/dev/shm measures the same run without the disk (tmpfs), to see what storage costs.
DATA=$(mktemp -d "${DATA_ROOT:-/tmp}/heartline-bench-XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

"$BIN/TelegramWebhookBench" fake-api "$PORT_FAKE" "$TOKEN" >"$DATA/fake.log" 2>&1 & PIDS+=($!)
"$BIN/TelegramWebhookBench" bare "$PORT_BARE" >"$DATA/bare.log" 2>&1 & PIDS+=($!)
HEARTLINE_TELEGRAM_TOKEN="$TOKEN" \
HEARTLINE_TELEGRAM_WEBHOOK_SECRET="$BENCH_SECRET" \
HEARTLINE_TELEGRAM_API_BASE_URL="http://127.0.0.1:$PORT_FAKE" \
HEARTLINE_TELEGRAM_RATE_PER_CHAT_MS=0 \
HEARTLINE_TELEGRAM_RATE_GLOBAL_PER_SECOND=1000000 \
HEARTLINE_TELEGRAM_RATE_PER_GROUP_PER_MINUTE=1000000 \
HEARTLINE_LOG_LEVEL=warning \
HEARTLINE_QUEUE_CAPACITY=${QUEUE_CAPACITY:-10000} \
  "$BIN/heartline" serve --port "$PORT_APP" --data-dir "$DATA/data" >"$DATA/serve.log" 2>&1 & PIDS+=($!)

for port in "$PORT_FAKE" "$PORT_BARE" "$PORT_APP"; do
  for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then break; fi
    sleep 0.1
  done
done

sent() { curl -s "http://127.0.0.1:$PORT_FAKE/_stats" | sed -n 's/.*"sendMessage":\([0-9]*\).*/\1/p'; }

run() { # name port id-base duration
  BENCH_ID_BASE=$3 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$4" --latency -s bench/telegram/webhook.lua "http://127.0.0.1:$2/telegram/webhook" \
    | grep '^RESULT' | sed "s/^RESULT/$1/"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "swift: $(swift --version 2>&1 | head -1)"
echo "data: $(df -T "$DATA" | awk 'NR==2{print $2" on "$1}') · queue capacity ${QUEUE_CAPACITY:-10000} · $CONNECTIONS connections, $THREADS wrk threads, $DURATION"
run warmup-bare "$PORT_BARE" 1000000000000 "$WARMUP" >/dev/null
run warmup-heartline "$PORT_APP" 2000000000000 "$WARMUP" >/dev/null
sleep 2
BEFORE=$(sent)
BARE=$(run bare "$PORT_BARE" 3000000000000 "$DURATION")
APP=$(run heartline "$PORT_APP" 4000000000000 "$DURATION")
echo "$BARE"
echo "$APP"
OK=$(echo "$APP" | sed -n 's/.* ok=\([0-9]*\).*/\1/p')
# Replies go out after the acknowledgement; wait until the queue has drained.
START=$(date +%s.%N)
for _ in $(seq 600); do
  NOW=$(( $(sent) - BEFORE ))
  if [ "$NOW" -ge "$OK" ]; then break; fi
  sleep 0.1
done
DRAIN=$(echo "$(date +%s.%N) - $START" | bc)
echo "replies: $(( $(sent) - BEFORE )) sendMessage calls for $OK acknowledged updates (queue drained ${DRAIN}s after wrk stopped)"
BARE_RPS=$(echo "$BARE" | sed -n 's/.*ok_per_s=\([0-9]*\).*/\1/p')
APP_RPS=$(echo "$APP" | sed -n 's/.*ok_per_s=\([0-9]*\).*/\1/p')
echo "ratio heartline/bare: $(echo "scale=3; $APP_RPS / $BARE_RPS" | bc)"
