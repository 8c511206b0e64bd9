#!/usr/bin/env bash
# Local channel through the full pipeline (durable file store, embedded retrieval model) versus
# a bare Hummingbird route of the same server (GET /healthz), measured in the same run with wrk.
#   bench/local-channel.sh [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-30}
port=${PORT:-18181}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
swift build -c release --product heartline --scratch-path .build-release >/dev/null
bin=.build-release/release/heartline
data=$(mktemp -d /tmp/heartline-bench.XXXXXX)
"$bin" serve --port "$port" --data-dir "$data" --log-level warning > "$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

echo "== machine"; nproc; grep -m1 "model name" /proc/cpuinfo || true
echo "== warm-up"; wrk -t2 -c32 -d5s -s bench/local-channel.lua "http://127.0.0.1:$port" >/dev/null
echo "== bare route: GET /healthz"
wrk -t2 -c32 -d"${duration}s" --latency "http://127.0.0.1:$port/healthz"
echo "== full pipeline: POST /v1/local/messages"
wrk -t2 -c32 -d"${duration}s" --latency -s bench/local-channel.lua "http://127.0.0.1:$port"
echo "== server RSS (kB)"; grep VmRSS /proc/$pid/status
echo "== sessions written"; ls "$data/sessions" | wc -l
