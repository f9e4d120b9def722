#!/usr/bin/env bash
# Cluster: three instances of the published app on one PostgreSQL database behave as one service. node1 and node2 are
# Web,Worker, node3 is Web only. Checked (tests/cluster/cluster.py does the work):
#   1. posts written through every node show in every node's feeds within 1 s, with the same bytes and ETag everywhere;
#   2. a polling round over 200 sources on 20 hosts fetches each source once, never two requests at once to one host;
#   3. each cron trigger fire runs on one node only, the Web-only node runs no job, WebSub delivers each body once;
#   4. node1 killed (SIGKILL) mid-round and mid-delivery: nothing acknowledged is lost, its work is finished by the
#      others; the time that takes is printed.
# Prints one `RESULT cluster status=ok|fail ...` line; exits non-zero when any check fails (reasons on stderr).
# Usage: bash tests/cluster/run.sh [--short|--full]   (env: KEEP_WORK=1, FEEDSERVICE_APP_DIR=published app)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/postgres.sh"
RESULT_ON_DIE=1

need_packages curl:curl psql:postgresql-client
need_python json hashlib
publish_app
start_postgres
# A database of the run's own: the app migrates it (all three nodes at once) and Quartz keeps its tables there too.
DB_NAME=cluster_$$
psql_admin "CREATE DATABASE $DB_NAME" >/dev/null
log "mode $MODE: database $DB_NAME"
MODE=$MODE NAME=$NAME "$PY" tests/cluster/cluster.py --app-dir "$APP_DIR" --work "$WORK" --mode "$MODE" \
    --connection-string "$FEEDSERVICE_TEST_POSTGRES;Database=$DB_NAME" --api-key "$API_KEY"
