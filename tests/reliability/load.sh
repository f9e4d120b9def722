#!/usr/bin/env bash
# Sustained load on 127.0.0.1, bounded in time: wrk on the feeds (200 / gzip / 304), API writers, the poller on 500
# local sources (OPML import, MinPollInterval 10 s) and regeneration, for 5 minutes (--short: 60 s). Zero 5xx and zero
# failed writes; feed latency p50/p99; memory over time: VmRSS every 3 s (the last third's median within 25% of the
# first third's; short: 50%) and the live managed heap after a full collection (dotnet-gcdump), sampled under load 6
# times (short: 3), which must not grow by more than 5 MiB from the sample at 2/3 to the last (see load.py).
# Usage: bash tests/reliability/load.sh [--short]   (env: SECONDS_OF_LOAD=N, SOURCES=N, HEAP_SAMPLES=N)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
RESULT_ON_DIE=1

need_packages curl:curl wrk:wrk
need_python sqlite3 json gzip
publish_app

# dotnet-gcdump, a .NET tool from NuGet, induces a full blocking collection in the app and counts what survives: RSS
# alone cannot tell a leak from memory the GC keeps committed. Installed once per machine (pinned version) into a cache
# folder, reused after; the heap is part of the proof, so the run fails without it.
GCDUMP_VERSION=${GCDUMP_VERSION:-10.0.750501}
TOOLS_ROOT=${RELIABILITY_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/feedservice-reliability}
mkdir -p "$TOOLS_ROOT" 2>/dev/null && [[ -w $TOOLS_ROOT ]] || TOOLS_ROOT="$WORK/tools"
GCDUMP_DIR="$TOOLS_ROOT/dotnet-gcdump-$GCDUMP_VERSION"
GCDUMP="$GCDUMP_DIR/dotnet-gcdump"
if ! "$GCDUMP" --version >/dev/null 2>&1; then
    log "installing dotnet-gcdump $GCDUMP_VERSION (NuGet) into $GCDUMP_DIR"
    mkdir -p "$TOOLS_ROOT"
    tmp=$(mktemp -d "$GCDUMP_DIR.XXXXXX")
    # From $WORK, so no NuGet.config or Directory.Packages.props of the repository applies to the tool.
    if ! (cd "$WORK" && timeout 300 dotnet tool install --tool-path "$tmp" dotnet-gcdump --version "$GCDUMP_VERSION") >"$WORK/gcdump-install.out" 2>&1; then
        tail -n 20 "$WORK/gcdump-install.out" >&2
        rm -rf "$tmp"
        die "dotnet tool install dotnet-gcdump $GCDUMP_VERSION failed"
    fi
    # The tool folder is relocatable; a rename makes it appear whole (a concurrent run may have put one there first).
    rm -rf "$GCDUMP_DIR"
    mv -T "$tmp" "$GCDUMP_DIR" 2>/dev/null || rm -rf "$tmp"
    "$GCDUMP" --version >/dev/null 2>&1 || die "dotnet-gcdump does not run after its install ($GCDUMP)"
fi

DURATION=${SECONDS_OF_LOAD:-$([[ $SHORT == 1 ]] && echo 60 || echo 300)}
HEAP_SAMPLES=${HEAP_SAMPLES:-$([[ $SHORT == 1 ]] && echo 3 || echo 6)}
MODE=$MODE NAME=$NAME "$PY" "tests/reliability/load.py" --app-dir "$APP_DIR" --work "$WORK" --seconds "$DURATION" --sources "${SOURCES:-500}" \
    --gcdump "$GCDUMP" --heap-samples "$HEAP_SAMPLES"
