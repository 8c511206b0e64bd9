#!/usr/bin/env bash
# Local channel through the full pipeline (embedded SQLite store, safety layer, embedded retrieval
# model) versus a bare Hummingbird route of the same server (GET /healthz), in the same run.
# Distinct questions from 5,000 users; per-user limits raised so that every message reaches the
# model (the output prints the share of replies by source); server CPU per message read from
# /proc/<pid>/stat around the measured run.
#   bench/local-channel.sh [DURATION_SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-30}
connections=${2:-32}
port=${PORT:-18181}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
swift build -c release --product heartline --scratch-path .build-release >/dev/null
bin=.build-release/release/heartline
data=$(mktemp -d /tmp/heartline-bench.XXXXXX)
HEARTLINE_SAFETY_RATE_LIMIT_PER_MINUTE=10000 HEARTLINE_SAFETY_RATE_LIMIT_PER_DAY=1000000 HEARTLINE_SAFETY_MAX_REPEATS=1000 \
  HEARTLINE_QUEUE_CAPACITY=100000 \
  "$bin" serve --port "$port" --data-dir "$data" --log-level warning > "$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "the server did not start:"; cat "$data/serve.log"; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
ticks_per_second=$(getconf CLK_TCK)

echo "== machine"; nproc; grep -m1 "model name" /proc/cpuinfo || true; uptime
echo "== warm-up"; wrk -t2 -c"$connections" -d5s -s bench/local-channel.lua "http://127.0.0.1:$port" -- warm >/dev/null
echo "== bare route: GET /healthz"
wrk -t2 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port/healthz"
echo "== full pipeline: POST /v1/local/messages"
before=$(cpu_ticks)
out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/local-channel.lua "http://127.0.0.1:$port" -- run)
after=$(cpu_ticks)
echo "$out"
requests=$(echo "$out" | sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p')
awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" \
  'BEGIN { printf "SERVER_CPU seconds=%.2f per_message_ms=%.3f\n", t / hz, (n > 0 ? 1000 * t / hz / n : 0) }'
echo "== server RSS (kB)"; grep VmRSS /proc/$pid/status
echo "== store"; ls -la "$data" | grep heartline.db || true
