#!/usr/bin/env bash
# Power cut: the published app with its database and feeds/ on lossyfs (powercut/: a FUSE filesystem that keeps every
# write not yet fsynced in memory and drops it at the cut), writers posting, then the cut at a random moment. After
# each cut every acknowledged post is back with its guid, every feed file is whole, the generated API key is intact,
# the database passes integrity_check with every migration, and no id is handed out twice. Runs with lossyfs's strict
# (lazy) and journaling-like (eager) metadata, plus a control run with Storage:Synchronous=Normal that must lose posts,
# which shows the cuts really drop what was not synced. First the filesystem's own self-test runs.
# Where FUSE cannot be used (no /dev/fuse, mount refused), it prints why and a RESULT line with status=skipped, and
# exits 0.
# Usage: bash tests/reliability/powercut.sh [--short]   (env: CUTS=N, SEED=N, KEEP_WORK=1, FEEDSERVICE_APP_DIR=published app)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
RESULT_ON_DIE=1

need_packages curl:curl brotli:brotli sqlite3:sqlite3
on_exit() {   # a driver that died mid-run may leave its mount behind
    local m
    for m in "$WORK"/*-mnt; do mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m"; }; done
    return 0
}
need_python sqlite3 json gzip
CUTS=${CUTS:-$([[ $SHORT == 1 ]] && echo 3 || echo 10)}
CONTROL_CUTS=${CONTROL_CUTS:-$([[ $SHORT == 1 ]] && echo 2 || echo 4)}

set +e
bash tests/reliability/powercut/selftest.sh >"$WORK/selftest.log" 2>&1
selftest=$?
set -e
if [[ $selftest -eq 77 ]]; then
    reason=$(grep -m1 '^SKIP:' "$WORK/selftest.log" | cut -c7-)
    log "skipped: ${reason:-FUSE cannot be used here}"
    result "$NAME" status=skipped "reason=$(echo "${reason:-no_fuse}" | tr ' =' '_:' | cut -c1-80)"
    exit 0
fi
[[ $selftest -eq 0 ]] || { cat "$WORK/selftest.log" >&2; die "the lossyfs self-test failed"; }
log "lossyfs self-test: $(grep -c '^PASS' "$WORK/selftest.log") cases passed"
LOSSYFS=$(bash tests/reliability/powercut/build.sh)

publish_app
log "mode $MODE: $CUTS cuts per metadata mode, $CONTROL_CUTS in the control run"
for run in "lazy Full $CUTS" "eager Full $CUTS" "lazy Normal $CONTROL_CUTS"; do
    read -r meta sync cuts <<<"$run"
    MODE=$MODE NAME=$NAME "$PY" tests/reliability/powercut.py --app-dir "$APP_DIR" --work "$WORK" --lossyfs "$LOSSYFS" \
        --meta "$meta" --synchronous "$sync" --cuts "$cuts" ${SEED:+--seed "$SEED"}
done
