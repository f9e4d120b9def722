#!/usr/bin/env bash
# What durability costs a writer: POST /api/posts against the published app on this machine's disk, with
# Storage:Synchronous=Full (the default: the WAL is fsynced before each 201) and Normal (synced at checkpoints only),
# interleaved, 3 rounds each. Ends with one RESULT line (full_ms, normal_ms, sync_cost_ms and the concurrent rates).
# Usage: bash tests/bench/write.sh   (env: BENCH_QUICK=1 for 200 posts and 1 round; POSTS=N ROUNDS=N; WORK is on $TMPDIR:
# set TMPDIR to put the database on the disk you want to measure; tmpfs would measure nothing)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
need_python json
QUICK=${BENCH_QUICK:-0}
POSTS=${POSTS:-$([[ $QUICK == 1 ]] && echo 200 || echo 1000)}
ROUNDS=${ROUNDS:-$([[ $QUICK == 1 ]] && echo 1 || echo 3)}
log "database on $(df --output=fstype,source "$WORK" | tail -1)"
publish_app
NAME=$NAME "$PY" tests/bench/write.py --app-dir "$APP_DIR" --work "$WORK" --posts "$POSTS" --rounds "$ROUNDS"
