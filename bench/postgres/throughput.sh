#!/usr/bin/env bash
# POST /v1/local/messages with unique ids through the full pipeline (embedded retrieval model):
#   1. one instance on the file store (the default),
#   2. one instance on PostgreSQL,
#   3. two instances on one PostgreSQL database, each on its own port, one wrk process each.
# Release build; PostgreSQL with fsync and synchronous_commit on.
#   bench/postgres/throughput.sh [DURATION_SECONDS] [CONNECTIONS_PER_INSTANCE] [PG_URL_OPTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-30}
conns=${2:-32}
options=${3:-}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
. bench/postgres/cluster.sh
swift build -c release --product heartline --scratch-path .build-release >/dev/null
bin=.build-release/release/heartline
work=$(mktemp -d /tmp/heartline-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pg_cluster_stop; rm -rf "$work"; }
trap cleanup EXIT

serve() { # PORT DATADIR [STORE]
    local env=()
    [ -n "${3:-}" ] && env=(env "HEARTLINE_STORE=$3")
    mkdir -p "$2"
    "${env[@]}" "$bin" serve --port "$1" --data-dir "$2" --log-level warning > "$2/serve.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0; sleep 0.1; done
    echo "instance on $1 did not become ready"; cat "$2/serve.log"; exit 1
}
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }

# wrk against each URL at once; prints the sum of requests/s and the worst p99.
load() { # SECONDS CONNS URL...
    local seconds=$1 c=$2; shift 2
    local i=0 outs=()
    for url in "$@"; do
        i=$((i + 1))
        wrk -t1 -c"$c" -d"${seconds}s" --latency -s bench/local-channel.lua "$url" -- "r$RANDOM$i" > "$work/wrk.$i" 2>&1 &
        outs+=($!)
    done
    for p in "${outs[@]}"; do wait "$p"; done
    cat "$work"/wrk.* | grep -E "non-2xx|RESULT" | sed 's/^/  /'
    cat "$work"/wrk.* | awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        total += v["requests"] / v["seconds"]; if (v["p99_ms"] > p99) p99 = v["p99_ms"] }
        END { printf "  => %.0f msg/s, p99 %.1f ms\n", total, p99 }'
    rm -f "$work"/wrk.*
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 1. one instance, file store"
serve 18301 "$work/file"
load 5 "$conns" http://127.0.0.1:18301 >/dev/null
load "$duration" "$conns" http://127.0.0.1:18301
stop_all

pg_cluster_start 18399
pg_createdb one
pg_createdb two
url_one="$PGURL_BASE/one${options:+?$options}"
url_two="$PGURL_BASE/two${options:+?$options}"

echo "== 2. one instance, PostgreSQL ($options)"
serve 18311 "$work/pg1" "$url_one"
load 5 "$conns" http://127.0.0.1:18311 >/dev/null
load "$duration" "$conns" http://127.0.0.1:18311
stop_all
echo "  answered: $(pg_sql one "SELECT count(*) FROM heartline_inbox WHERE done_at IS NOT NULL"), pending: $(pg_sql one "SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL")"

echo "== 3. two instances, one PostgreSQL database ($options)"
serve 18321 "$work/pgA" "$url_two"
serve 18322 "$work/pgB" "$url_two"
load 5 "$conns" http://127.0.0.1:18321 http://127.0.0.1:18322 >/dev/null
load "$duration" "$conns" http://127.0.0.1:18321 http://127.0.0.1:18322
stop_all
echo "  answered: $(pg_sql two "SELECT count(*) FROM heartline_inbox WHERE done_at IS NOT NULL"), pending: $(pg_sql two "SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL"), answered twice or more: $(pg_sql two "SELECT count(*) FROM heartline_inbox WHERE attempts > 1")"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
