#!/usr/bin/env bash
# WeChat push and Q&A API benchmarks (docs/benchmarks.md, "WeChat push").
#
#   bench/wechat/run.sh            # all scenarios, 30 s each, wrk -t2 -c32
#   DURATION=10s bench/wechat/run.sh push-slow
#
# Scenarios:
#   push-slow   safe-mode pushes (decrypt, dedupe, durable inbox, `success`) while the model takes
#               MODEL_DELAY seconds per answer (an OpenAI-compatible fake) — the ack must not wait.
#   push-fast   the same with the embedded retrieval model answering and customer-service sends
#               going out while the pushes arrive.
#   ask         the mini-program Q&A API (`/ask`, synchronous) with the embedded model.
# Needs: wrk, python3 with `cryptography`, curl. Ports 8282 (server) and 9900 (fake upstream).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
COUNT=${COUNT:-300000}
MODEL_DELAY=${MODEL_DELAY:-5}
PORT=8282
SCENARIOS=${*:-push-slow push-fast ask}
RESULTS=${RESULTS:-/tmp/heartline-wechat-bench.txt}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
for port in 9900 $PORT; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is already in use" >&2; exit 1; fi
done
swift build -c release --product heartline >/dev/null
BIN=$PWD/.build/release/heartline
WORK=$(mktemp -d /tmp/heartline-bench.XXXXXX)
SERVER=""
python3 bench/wechat/fake_upstream.py --port 9900 --model-delay "$MODEL_DELAY" &
FAKE=$!
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  kill "$FAKE" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

export HEARTLINE_WECHAT_APP_ID=wx1234567890abcdef HEARTLINE_WECHAT_APP_SECRET=benchsecret
export HEARTLINE_WECHAT_TOKEN=HeartlineBenchToken HEARTLINE_WECHAT_ENCODING_AES_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
export HEARTLINE_WECHAT_API_BASE_URL=http://127.0.0.1:9900 HEARTLINE_LOG_LEVEL=warning
export HEARTLINE_QUEUE_CAPACITY=5000000 HEARTLINE_WECHAT_ASK_PER_MINUTE=10000

start_server() {
  local name=$1; shift
  env "$@" "$BIN" serve --port "$PORT" --data-dir "$WORK/data-$name" >"$WORK/serve-$name.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "server did not start; see $WORK/serve-$name.log" >&2; exit 1
}

# SIGKILL, not SIGTERM: a graceful stop drains every queued message first, which with a slow model
# and a benchmark-sized backlog takes hours. The backlog is in the durable inbox either way.
stop_server() {
  kill -KILL "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

push_run() {
  local name=$1; shift
  echo "== $name: generating $COUNT signed, encrypted pushes"
  python3 bench/wechat/gen_pushes.py --count 20000 --msgid-base 7100000000000000000 --out "$WORK/warmup.tsv"
  python3 bench/wechat/gen_pushes.py --count "$COUNT" --out "$WORK/pushes.tsv"
  start_server "$name" "$@"
  PUSHES="$WORK/warmup.tsv" THREADS=$THREADS wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/wechat/push.lua "http://127.0.0.1:$PORT" >/dev/null
  echo "== $name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
  PUSHES="$WORK/pushes.tsv" THREADS=$THREADS wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/wechat/push.lua "http://127.0.0.1:$PORT"
  echo "upstream counters: $(curl -s http://127.0.0.1:9900/stats)"
  stop_server
}

{
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for scenario in $SCENARIOS; do
  case $scenario in
    push-slow)
      push_run push-slow HEARTLINE_MODEL_NAME=bench-slow HEARTLINE_MODEL_BASE_URL=http://127.0.0.1:9900/v1 HEARTLINE_MODEL_API_KEY=bench
      ;;
    push-fast)
      push_run push-fast
      ;;
    ask)
      echo "== ask: logging in 500 users"
      start_server ask
      : >"$WORK/tokens.txt"
      for i in $(seq 500); do
        curl -s "http://127.0.0.1:$PORT/wechat/miniprogram/login" -H 'Content-Type: application/json' -d "{\"code\":\"bench$i\"}" \
          | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >>"$WORK/tokens.txt"
      done
      TOKENS="$WORK/tokens.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/wechat/ask.lua "http://127.0.0.1:$PORT" >/dev/null
      echo "== ask: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (embedded retrieval model)"
      TOKENS="$WORK/tokens.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/wechat/ask.lua "http://127.0.0.1:$PORT"
      stop_server
      ;;
    *) echo "unknown scenario $scenario" >&2; exit 1 ;;
  esac
done
} 2>&1 | tee "$RESULTS"
rm -rf "$WORK"
