# Sourced by the reliability scripts (crash.sh, disk.sh, hostile-feeds.sh, hostile-clients.sh, load.sh).
# Gives them: REPO (and a cd to it), WORK (a temp folder removed on exit), log/die, need_packages, publish_app,
# and a cleanup that stops every process the script's drivers started (their PIDs are listed in $WORK/pids) and
# runs the script's own on_exit hook (disk.sh unmounts there).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REL="$REPO/tests/reliability"
PY=/usr/bin/python3
cd "$REPO"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

NAME=${NAME:-$(basename "$0" .sh)}
T0=$(date +%s%N)
log() { printf '[%s %6.1fs] %s\n' "$NAME" "$(awk -v a="$T0" -v b="$(date +%s%N)" 'BEGIN{print (b-a)/1e9}')" "$*"; }
die() { printf '%s: FAILED: %s\n' "$NAME" "$*" >&2; echo "RESULT $NAME status=error reason=$(echo "$*" | tr ' =' '_:' | cut -c1-80)"; exit 1; }

# --short (or RELIABILITY_SHORT=1) picks the CI-sized run.
SHORT=${RELIABILITY_SHORT:-0}
for arg in "$@"; do
    case $arg in
        --short) SHORT=1 ;;
        --full) SHORT=0 ;;
    esac
done
MODE=$([[ $SHORT == 1 ]] && echo short || echo full)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/feedservice-$NAME.XXXXXX")
: >"$WORK/pids"
on_exit() { :; }   # scripts may redefine

stop_pid() { # stop_pid PID: TERM, then KILL after 10 s; only processes this script started
    local pid=$1
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT
    while read -r pid; do [[ -n $pid ]] && stop_pid "$pid"; done <"$WORK/pids"
    on_exit || true
    if [[ $rc -ne 0 ]]; then
        for f in "$WORK"/*.log; do
            [[ -s $f ]] || continue
            echo "---- last 30 lines of $f ----" >&2
            tail -n 30 "$f" >&2 || true
        done
    fi
    [[ -n ${KEEP_WORK:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK" 2>/dev/null || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# need_packages CMD:PACKAGE ...: installs the Debian packages whose command is missing.
need_packages() {
    local missing=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    (( ${#missing[@]} == 0 )) && return 0
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install ${missing[*]}"
        sudo=(sudo)
    fi
    log "installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# publish_app: sets APP_DIR. Reuses $RELIABILITY_APP_DIR when it holds a published app (the CI step publishes once
# for all scripts); otherwise publishes the way the Dockerfile does into $WORK/app.
publish_app() {
    command -v dotnet >/dev/null 2>&1 || die "dotnet (the .NET 10 SDK) is not on PATH"
    if [[ -n ${RELIABILITY_APP_DIR:-} && -f $RELIABILITY_APP_DIR/FeedService.dll ]]; then
        APP_DIR=$RELIABILITY_APP_DIR
        log "using the published app in $APP_DIR"
        return 0
    fi
    APP_DIR="$WORK/app"
    log "publishing (dotnet publish src/FeedService/FeedService.csproj -c Release -o $APP_DIR)"
    if ! timeout 900 dotnet publish src/FeedService/FeedService.csproj -c Release -o "$APP_DIR" >"$WORK/publish.out" 2>&1; then
        tail -n 40 "$WORK/publish.out" >&2
        die "dotnet publish failed"
    fi
}

need_python() {
    if [[ ! -x $PY ]]; then
        # Debian's own python3 (a python3 elsewhere on PATH, e.g. pyenv's, does not count).
        local sudo=()
        [[ $(id -u) -eq 0 ]] || sudo=(sudo)
        log "installing python3"
        "${sudo[@]}" apt-get update -qq >/dev/null
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 >/dev/null
    fi
    "$PY" -c 'import sqlite3, json, gzip' 2>/dev/null || die "$PY lacks sqlite3/json/gzip"
}
