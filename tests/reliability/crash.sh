#!/usr/bin/env bash
# Crash safety: the published app under a steady stream of API writes and regenerations is killed with SIGKILL at
# random moments (30 times; --short: 5) and restarted. After every restart nothing acknowledged is lost or changed,
# the database passes PRAGMA integrity_check, every feed file is a complete document whose .gz/.br decode to it,
# no temp file is left, and the feeds hold every visible post after the start-up regeneration.
# Usage: bash tests/reliability/crash.sh [--short]   (env: KILLS=N, SEED=N, KEEP_WORK=1, FEEDSERVICE_APP_DIR=published app)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
RESULT_ON_DIE=1

need_packages curl:curl sqlite3:sqlite3 brotli:brotli
need_python sqlite3 json gzip
KILLS=${KILLS:-$([[ $SHORT == 1 ]] && echo 5 || echo 30)}
publish_app
log "mode $MODE: $KILLS kills"
MODE=$MODE NAME=$NAME "$PY" tests/reliability/crash.py --app-dir "$APP_DIR" --work "$WORK" --kills "$KILLS" ${SEED:+--seed "$SEED"}
