# Sourced by the PostgreSQL benchmarks: a throwaway cluster in a temp dir on a loopback port,
# fsync on (the durability being measured), run as `postgres` when we are root.
#   pg_cluster_start PORT   → sets PGDIR, PGURL_BASE (postgres://heartline@127.0.0.1:PORT)
#   pg_sql DB "SQL"         → psql, unaligned tuples
#   pg_cluster_stop
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pg_bin" ] || pg_bin=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
[ -x "$pg_bin/initdb" ] || { echo "needs the PostgreSQL server binaries (apt-get install postgresql)"; exit 1; }

pg_as() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_cluster_start() {
    PGPORT_BENCH=$1
    PGDIR=$(mktemp -d /tmp/heartline-pgbench.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres: "$PGDIR"
    pg_as "$pg_bin/initdb" -D "$PGDIR/data" -U heartline --auth=trust -E UTF8 --locale=C >/dev/null
    cat >> "$PGDIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT_BENCH
unix_socket_directories = '$PGDIR'
max_connections = 200
shared_buffers = '256MB'
fsync = on
synchronous_commit = on
CONF
    pg_as "$pg_bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w start >/dev/null
    PGURL_BASE="postgres://heartline@127.0.0.1:$PGPORT_BENCH"
}

pg_sql() {
    pg_as "$pg_bin/psql" -X -q -A -t -h 127.0.0.1 -p "$PGPORT_BENCH" -U heartline -d "$1" -c "$2"
}

pg_createdb() {
    pg_as "$pg_bin/createdb" -h 127.0.0.1 -p "$PGPORT_BENCH" -U heartline "$1"
}

pg_cluster_stop() {
    [ -n "${PGDIR:-}" ] || return 0
    pg_as "$pg_bin/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
}
