#!/usr/bin/env bash
# Sustained load on 127.0.0.1, bounded in time: wrk on the feeds (200 / gzip / 304), API writers, the poller on 500
# local sources (OPML import, MinPollInterval 10 s) and regeneration, for 5 minutes (--short: 45 s). Zero 5xx and zero
# failed writes; feed latency p50/p99; VmRSS sampled every 3 s must stay flat (last third vs first third).
# Usage: bash tests/reliability/load.sh [--short]   (env: SECONDS_OF_LOAD=N, SOURCES=N)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_packages curl:curl wrk:wrk
need_python
publish_app
DURATION=${SECONDS_OF_LOAD:-$([[ $SHORT == 1 ]] && echo 45 || echo 300)}
MODE=$MODE NAME=load "$PY" "$REL/load.py" --app-dir "$APP_DIR" --work "$WORK" --seconds "$DURATION" --sources "${SOURCES:-500}"
