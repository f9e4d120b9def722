#!/usr/bin/env bash
# Sustained load on 127.0.0.1, bounded in time: wrk on the feeds (200 / gzip / 304), API writers, the poller on 500
# local sources (OPML import, MinPollInterval 10 s) and regeneration, for 5 minutes (--short: 45 s). Zero 5xx and zero
# failed writes; feed latency p50/p99; VmRSS sampled every 3 s must stay flat (last third vs first third).
# Usage: bash tests/reliability/load.sh [--short]   (env: SECONDS_OF_LOAD=N, SOURCES=N)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_packages curl:curl wrk:wrk
need_python
publish_app
# dotnet-gcdump (a .NET tool from NuGet) measures the live managed heap after a full collection: RSS alone cannot tell
# a leak from memory the GC keeps committed. Without it the run goes on and reports -1.
GCDUMP=""
if timeout 180 dotnet tool install --tool-path "$WORK/tools" dotnet-gcdump >"$WORK/gcdump-install.out" 2>&1; then
    GCDUMP="$WORK/tools/dotnet-gcdump"
else
    log "note: dotnet-gcdump could not be installed ($(tail -n 1 "$WORK/gcdump-install.out")); live heap not measured"
fi
DURATION=${SECONDS_OF_LOAD:-$([[ $SHORT == 1 ]] && echo 45 || echo 300)}
MODE=$MODE NAME=load "$PY" "$REL/load.py" --app-dir "$APP_DIR" --work "$WORK" --seconds "$DURATION" --sources "${SOURCES:-500}" --gcdump "$GCDUMP"
