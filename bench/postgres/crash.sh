#!/usr/bin/env bash
# Crash test (see crash.py): two instances on PostgreSQL, SIGKILL one of them KILLS times.
#   bench/postgres/crash.sh [KILLS] [CLIENTS] [PG_URL_OPTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
kills=${1:-20}
clients=${2:-16}
options=${3:-lease_ms=3000&poll_ms=500}
. bench/postgres/cluster.sh
swift build -c release --product heartline --scratch-path .build-release >/dev/null
trap pg_cluster_stop EXIT
pg_cluster_start 18699
pg_createdb crash
psql_cmd="$pg_bin/psql -X -q -A -t -h 127.0.0.1 -p $PGPORT_BENCH -U heartline -d crash"
[ "$(id -u)" = 0 ] && psql_cmd="runuser -u postgres -- $psql_cmd"
python3 bench/postgres/crash.py .build-release/release/heartline "$PGURL_BASE/crash?$options" "$psql_cmd" "$kills" "$clients"
