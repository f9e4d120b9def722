# A throwaway PostgreSQL cluster for tests, sourced after tests/lib/app.sh:
#   start_postgres      installs Debian's postgresql when missing, runs initdb and pg_ctl in $WORK/pg (as the
#                       unprivileged `postgres` user when this script runs as root), listening on 127.0.0.1 only on a
#                       free port, and exports FEEDSERVICE_TEST_POSTGRES (an Npgsql connection string without a database
#                       name: each user of it creates the databases it needs).
#   stop_postgres       stops it (fast shutdown) and removes its files; cleanup does the same on exit.

pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do [[ -x $dir/pg_ctl ]] && { echo "$dir"; return; }; done
    command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return; }
    return 1
}

# as_pg_user CMD...: the cluster's files and processes belong to an unprivileged user (PostgreSQL refuses root).
as_pg_user() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
    pg_bin >/dev/null || apt_install postgresql
    PG_BIN=$(pg_bin) || die "postgresql is installed but no pg_ctl was found"
    PG_DATA=$WORK/pg
    PG_PORT=$(free_port)
    mkdir -p "$PG_DATA"
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "the postgres user is missing (Debian's postgresql package creates it)"
        chown postgres "$WORK" "$PG_DATA"
        chmod 755 "$WORK"
    fi
    local password
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$password" >"$WORK/pg.pw"
    chmod 644 "$WORK/pg.pw"
    as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U feedservice --pwfile="$WORK/pg.pw" -A scram-sha-256 -E UTF8 \
        --locale=C.UTF-8 >"$WORK/pg-initdb.log" 2>&1 || { cat "$WORK/pg-initdb.log" >&2; die "initdb failed"; }
    rm -f "$WORK/pg.pw"
    # Enough connections for three instances' pools and a test run; fsync stays on (the defaults), so what is measured
    # on it is what an operator gets.
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='$PG_DATA' -c max_connections=300" \
        start >"$WORK/pg-ctl.log" 2>&1 || { cat "$WORK/pg-ctl.log" "$WORK/pg.log" >&2; die "pg_ctl start failed"; }
    PG_PID=$(head -1 "$PG_DATA/postmaster.pid")
    track_pid "$PG_PID"
    FAILURE_LOGS+=("$WORK/pg.log")
    export FEEDSERVICE_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=feedservice;Password=$password"
    export PGPASSWORD=$password
    log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (pid $PG_PID, $PG_DATA)"
}

# psql_admin SQL: runs SQL as the cluster's superuser (feedservice) against the postgres database.
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U feedservice -d postgres -c "$1"; }

stop_postgres() {
    [[ -n ${PG_DATA:-} && -f $PG_DATA/postmaster.pid ]] || return 0
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA"
}

# The cluster goes with the script, whichever way it ends (cleanup's TERM reaches the postmaster too).
on_exit() { stop_postgres; }
