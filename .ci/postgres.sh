# A throwaway PostgreSQL cluster for the tests and benchmarks (sourced by .ci/test.sh,
# bench/booking-load.sh and bench/two-instances.sh). Debian's postgresql, installed when missing;
# initdb in a temp folder outside /root (the postgres user can't enter /root) as the postgres user
# when run as root; listens on a free loopback port and a socket in that folder only.
#   pg_cluster_start [server options…]  sets PG_DIR, PG_PORT, PG_SERVER (a connection string without a database)
#   pg_cluster_stop                     stops it and removes the folder (call it from an EXIT trap)

pg_as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

pg_install_if_missing() {
    [ -n "$(pg_bin_dir)" ] && [ -x "$(pg_bin_dir)/initdb" ] && return 0
    echo "== Installing Debian's postgresql"
    # Only the server binaries are wanted: no default cluster running on port 5432 afterwards.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        pg_as_root mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" | pg_as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
    pg_as_root apt-get update -qq
    pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

pg_free_port() {
    local py p
    for py in /usr/bin/python3 python3; do
        if command -v "$py" >/dev/null 2>&1; then
            "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' && return
        fi
    done
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    return 1
}

# Runs a server binary as the cluster's owner: postgres when we are root (it refuses to run as root).
pg_run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_cluster_start() {
    pg_install_if_missing
    local bin
    bin="$(pg_bin_dir)"
    PG_DIR="$(mktemp -d /tmp/consulting-pg.XXXXXX)"
    [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
    PG_PORT="$(pg_free_port)"
    # C.UTF-8: text sorts by code point, as SQLite's does.
    pg_run "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    pg_run "$bin/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" \
        -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR $*" start >/dev/null \
        || { cat "$PG_DIR/server.log" >&2; return 1; }
    PG_SERVER="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
    export PG_DIR PG_PORT PG_SERVER
}

pg_cluster_stop() {
    [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] || return 0
    pg_run "$(pg_bin_dir)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}
