#!/usr/bin/env bash
# Inbox recovery: N pending entries (default 10,000; 1,000 users) already in heartline_inbox,
# as after an outage; start instances and time until every entry is answered.
#   bench/postgres/recovery.sh [ENTRIES] [INSTANCES]
set -euo pipefail
cd "$(dirname "$0")/../.."
entries=${1:-10000}
instances=${2:-1}
. bench/postgres/cluster.sh
swift build -c release --product heartline --scratch-path .build-release >/dev/null
bin=.build-release/release/heartline
work=$(mktemp -d /tmp/heartline-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pg_cluster_stop; rm -rf "$work"; }
trap cleanup EXIT

pg_cluster_start 18499
pg_createdb recovery
url="$PGURL_BASE/recovery"
start() { # PORT
    mkdir -p "$work/$1"
    HEARTLINE_STORE="$url" "$bin" serve --port "$1" --data-dir "$work/$1" --log-level warning > "$work/$1/serve.log" 2>&1 &
    pids+=($!)
}
# Once, to create the schema.
start 18401
for _ in $(seq 1 200); do curl -sf http://127.0.0.1:18401/readyz >/dev/null && break; sleep 0.1; done
kill "${pids[0]}"; wait "${pids[0]}" || true; pids=()

pg_sql recovery "
INSERT INTO heartline_inbox (id, user_hash, origin, keeps_reply, entry, recorded_at)
SELECT 'rec-' || g, md5('u' || (g % 1000)), 'bench', true,
  json_build_object(
    'id', 'rec-' || g, 'userHash', json_build_object('value', md5('u' || (g % 1000))), 'attempts', 0,
    'recordedAt', 1700000000000,
    'message', json_build_object(
      'channel', 'local', 'userKey', 'local:u' || (g % 1000), 'chatKey', 'u' || (g % 1000),
      'platformMessageID', 'rec-' || g, 'text', '最近总是失眠，晚上翻来覆去睡不着怎么办',
      'kind', json_build_object('text', json_build_object()), 'receivedAt', 1700000000000,
      'routing', json_build_object()))::text,
  now()
FROM generate_series(1, $entries) g"
echo "== $(pg_sql recovery "SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL") pending entries; starting $instances instance(s)"
t0=$(date +%s.%N)
for i in $(seq 1 "$instances"); do start $((18410 + i)); done
while [ "$(pg_sql recovery "SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL")" != 0 ]; do
    sleep 0.1
    if (( $(echo "$(date +%s.%N) - $t0 > 300" | bc) )); then echo "gave up after 300 s"; exit 1; fi
done
t1=$(date +%s.%N)
printf "== all %s answered %.2f s after start (%.0f msg/s)\n" "$entries" "$(echo "$t1 - $t0" | bc)" "$(echo "$entries / ($t1 - $t0)" | bc -l)"
echo "   processed more than once: $(pg_sql recovery "SELECT count(*) FROM heartline_inbox WHERE attempts > 1")"
