#!/usr/bin/env bash
# Database restarts under load (see restart.py): two instances on one PostgreSQL database,
# the database restarted ROUNDS times; prints how long each instance takes to answer again.
#   bench/postgres/restart.sh [MODE fast|immediate|down] [ROUNDS] [CLIENTS] [DOWN_SECONDS] [PG_URL_OPTIONS]
# HEARTLINE_BIN=path uses that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-fast}
rounds=${2:-5}
clients=${3:-8}
down=${4:-30}
options=${5:-poll_ms=1000}
. bench/postgres/cluster.sh
bin=${HEARTLINE_BIN:-}
if [ -z "$bin" ]; then
    swift build -c release --product heartline --scratch-path .build-release >/dev/null
    bin=.build-release/release/heartline
fi
trap pg_cluster_stop EXIT
pg_cluster_start 18799
pg_createdb restart
as=""
[ "$(id -u)" = 0 ] && as="runuser -u postgres --"
echo "== $bin, mode $mode, $rounds rounds, $clients clients, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/postgres/restart.py "$bin" "$PGURL_BASE/restart?$options" \
    "$as $pg_bin/pg_ctl -D $PGDIR/data -l $PGDIR/server.log" \
    "$pg_bin/pg_isready -q -h 127.0.0.1 -p $PGPORT_BENCH -U heartline -d restart" \
    "$as $pg_bin/psql -X -q -A -t -h 127.0.0.1 -p $PGPORT_BENCH -U heartline -d restart" \
    "$mode" "$rounds" "$clients" "$down"
