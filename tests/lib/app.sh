# The one library of the test scripts (tests/interop, tests/browser, tests/bench, tests/reliability; .ci/run uses its
# installer). Sourced, never run:
#     source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
# It cds to the repository root and gives:
#   REPO, NAME, PY (Debian's python3), API_KEY, WORK (a temp folder removed on exit; KEEP_WORK=1 keeps it),
#   SHORT/MODE (--short or --full on the command line; RELIABILITY_SHORT=1 means --short)
#   log, die, result, now_ms, median, ratio, bench_knobs  messages, the final RESULT line, figures, BENCH_* knobs
#   need_packages, need_python                            Debian packages installed when missing (root or sudo)
#   publish_app, build_project                            the published app (APP_DIR) and the helper .NET projects
#   free_port, start_app, api, api_expect, url_ok, url_has, wait_until, wait_healthy, wait_regenerated, wait_feeds_folder
#   track_pid, stop_pid                                   every process started is stopped by its PID on exit
# and a cleanup on exit: it stops every PID recorded in $WORK/pids (by start_app, track_pid or a Python driver), runs
# the script's on_exit hook, and on failure shows the end of the logs.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No __pycache__ beside the drivers; their output as it happens.
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

# NAME, in logs and RESULT lines: the script's name, or its folder's for a run.sh (interop, browser, websub) and .ci/run.
# Never taken from the environment (some systems export a NAME); a script may set its own after sourcing.
NAME=$(basename "$0" .sh)
[[ $NAME != run ]] || NAME=$(basename "$(dirname "$0")")
NAME=${NAME#.}
# Debian's python3: the one Debian's python3-* packages install for (a python3 earlier on PATH, e.g. pyenv's, is not).
PY=/usr/bin/python3
API_KEY="$NAME-$(date +%s)-$$-key-0123456789"

# Sourcing without arguments hands the library the script's own: --short/--full pick the CI-sized run or the full one.
SHORT=${RELIABILITY_SHORT:-0}
for arg in "$@"; do
    case $arg in
        --short) SHORT=1 ;;
        --full) SHORT=0 ;;
    esac
done
MODE=$([[ $SHORT == 1 ]] && echo short || echo full)

T0=$(date +%s%N)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
elapsed_s() { awk -v a="$T0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b-a)/1e9}'; }
# Logs go to stderr: stdout is for what callers capture and for the RESULT line.
log() { printf '[%s %6.1fs] %s\n' "$NAME" "$(elapsed_s)" "$*" >&2; }
result() { local name=$1; shift; echo "RESULT $name $*"; }
die() {
    printf '%s: FAILED: %s\n' "$NAME" "$*" >&2
    # tests/reliability/all.sh sums up RESULT lines: its scripts say how they failed in one too.
    [[ -z ${RESULT_ON_DIE:-} ]] || result "$NAME" status=error "reason=$(echo "$*" | tr ' =' '_:' | cut -c1-80)"
    exit 1
}

# bench_knobs NAME=DEFAULT...: sets each NAME from the environment's BENCH_NAME (the bench scripts' documented knobs),
# else to DEFAULT.
bench_knobs() {
    local knob env
    for knob in "$@"; do
        env=BENCH_${knob%%=*}
        printf -v "${knob%%=*}" '%s' "${!env:-${knob#*=}}"
    done
}

# median NUMBER...; ratio A B: A/B with 2 decimals
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b+0 == 0) print "n/a"; else printf "%.2f", a/b }'; }

# ---------------------------------------------------------------------------- temp folder, processes, cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/feedservice-$NAME.XXXXXX")
: >"$WORK/pids"
FAILURE_LOGS=()    # shown on failure, besides $WORK/*.log
on_exit() { :; }   # scripts may redefine (disk.sh unmounts there)

# A PID is recorded with its start time, so that cleanup never signals another process that got the number later.
start_time() { awk '{sub(/.*\) /, ""); print $20}' "/proc/$1/stat" 2>/dev/null || true; }
track_pid() { echo "$1 $(start_time "$1")" >>"$WORK/pids"; }

# stop_pid PID [SECONDS]: TERM, then KILL after SECONDS (20); only for processes this script started.
stop_pid() {
    local pid=${1:-} seconds=${2:-20} i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for (( i = 0; i < seconds * 10; i++ )); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$? pid started f
    trap - EXIT
    while read -r pid started; do
        [[ -n $pid && $(start_time "$pid") == "${started:-}" ]] && stop_pid "$pid"
    done < <(tac "$WORK/pids" 2>/dev/null)
    on_exit || true
    if (( rc != 0 )); then
        declare -A shown=()
        for f in "$WORK"/*.log "${FAILURE_LOGS[@]}"; do
            [[ -s $f && -z ${shown[$f]:-} ]] || continue
            shown[$f]=1
            echo "---- last 40 lines of $f ----" >&2
            tail -n 40 "$f" >&2 || true
        done
    fi
    [[ -n ${KEEP_WORK:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK" 2>/dev/null || true
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------- Debian packages
# apt_install PACKAGE...: as root, or through sudo. Debian's maintainer scripts start the services they install (nginx
# on port 80 of every address): a temporary policy-rc.d keeps them stopped, unless the machine has its own.
apt_install() {
    local sudo=() policy=/usr/sbin/policy-rc.d made_policy="" rc=0
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install $*"
        sudo=(sudo)
    fi
    log "installing $*"
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod +x "$policy"
        made_policy=1
    fi
    "${sudo[@]}" apt-get update -qq >"$WORK/apt.out" 2>&1 &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$WORK/apt.out" 2>&1 ||
        rc=$?
    [[ -z $made_policy ]] || "${sudo[@]}" rm -f "$policy"
    (( rc == 0 )) || { tail -n 20 "$WORK/apt.out" >&2; die "apt-get install $* failed"; }
}

# need_packages ITEM...: installs what is missing. ITEM is COMMAND:PACKAGE (missing when COMMAND is not on PATH) or a
# PACKAGE alone (missing when dpkg has not installed it).
need_packages() {
    local missing=() item
    for item in "$@"; do
        if [[ $item == *:* ]]; then
            command -v "${item%%:*}" >/dev/null 2>&1 || missing+=("${item#*:}")
        else
            dpkg-query -W -f='${Status}' "$item" 2>/dev/null | grep -q 'install ok installed' || missing+=("$item")
        fi
    done
    (( ${#missing[@]} == 0 )) || apt_install "${missing[@]}"
}

# need_python [MODULE[:PACKAGE]]...: Debian's python3 ($PY), able to import every MODULE; a missing one is installed
# from its PACKAGE (a MODULE without one, e.g. sqlite3, comes with python3).
need_python() {
    local missing=() item
    [[ -x $PY ]] || missing+=(python3)
    for item in "$@"; do
        [[ $item == *:* ]] && ! { [[ -x $PY ]] && "$PY" -c "import ${item%%:*}" 2>/dev/null; } && missing+=("${item#*:}")
    done
    (( ${#missing[@]} == 0 )) || apt_install "${missing[@]}"
    for item in "$@"; do
        "$PY" -c "import ${item%%:*}" 2>/dev/null || die "$PY cannot import ${item%%:*}"
    done
}

# ---------------------------------------------------------------------------- .NET
# publish_app: sets APP_DIR. Reuses $FEEDSERVICE_APP_DIR (or RELIABILITY_APP_DIR, its older name) when it holds
# FeedService.dll; otherwise publishes the way the Dockerfile does into $WORK/app. Exports FEEDSERVICE_APP_DIR, so the
# scripts this one runs (all.sh) publish once between them.
publish_app() {
    command -v dotnet >/dev/null 2>&1 || die "dotnet (the .NET 10 SDK) is not on PATH"
    local given=${FEEDSERVICE_APP_DIR:-${RELIABILITY_APP_DIR:-}}
    if [[ -n $given && -f $given/FeedService.dll ]]; then
        APP_DIR=$given
        log "using the published app in $APP_DIR"
    else
        APP_DIR=$WORK/app
        log "publishing (dotnet publish src/FeedService/FeedService.csproj -c Release -o $APP_DIR)"
        timeout 900 dotnet publish src/FeedService/FeedService.csproj -c Release -o "$APP_DIR" >"$WORK/publish.out" 2>&1 ||
            { tail -n 40 "$WORK/publish.out" >&2; die "dotnet publish failed"; }
        [[ -f $APP_DIR/FeedService.dll && -f $APP_DIR/appsettings.json ]] || die "publish output lacks FeedService.dll or appsettings.json"
    fi
    export FEEDSERVICE_APP_DIR=$APP_DIR
}

# build_project PROJECT [OUT]: dotnet build -c Release of a helper project (a folder or .csproj), into OUT when given
# (else the project's own bin/Release).
build_project() {
    local out=$WORK/build-$(basename "${1%.csproj}").out args=(-c Release "$1")
    [[ -z ${2:-} ]] || args+=(-o "$2")
    log "building $1 (Release)"
    timeout 600 dotnet build "${args[@]}" >"$out" 2>&1 || { tail -n 30 "$out" >&2; die "building $1 failed"; }
}

# ---------------------------------------------------------------------------- the app on 127.0.0.1
# free_port: a TCP port on 127.0.0.1 nothing listens on (nothing answers a connect), below the kernel's range of
# ephemeral ports (whose ports client connections of other programs hold without listening).
free_port() {
    local port low
    low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    (( low > 12000 )) || low=32768
    for _ in $(seq 1 200); do
        port=$(( 10000 + RANDOM % (low - 10000) ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    done
    die "no free port found"
}

# start_app ROOT [KEY=VALUE]...: starts the published app ($APP_DIR) in the background on a free port of 127.0.0.1,
# with its database in ROOT/data, its feeds in ROOT/feeds, its log in ROOT/app.log (overwritten), API key $API_KEY and
# no demo data. KEY=VALUE are further configuration keys (FeedService:Demo:Seed=true, Logging:LogLevel:FeedService=Debug),
# passed as environment variables. Sets APP_PID (the dotnet process itself, recorded for cleanup), APP_BASE and APP_LOG.
start_app() {
    local root=$1 setting key
    shift
    APP_BASE=http://127.0.0.1:$(free_port)
    APP_LOG=$root/app.log
    mkdir -p "$root/data" "$root/feeds"
    local env=(ASPNETCORE_URLS="$APP_BASE" ASPNETCORE_ENVIRONMENT=Production FeedService__Site__BaseUrl="$APP_BASE"
        FeedService__Storage__DatabasePath="$root/data/feedservice.db" FeedService__Feeds__OutputPath="$root/feeds"
        FeedService__Auth__ApiKeys__0="$API_KEY" FeedService__Demo__Seed=false)
    for setting in "$@"; do
        key=${setting%%=*}
        env+=("${key//:/__}=${setting#*=}")
    done
    (cd "$APP_DIR" && exec env "${env[@]}" dotnet FeedService.dll) >"$APP_LOG" 2>&1 </dev/null &
    APP_PID=$!
    track_pid "$APP_PID"
    FAILURE_LOGS+=("$APP_LOG")
    log "started the app (pid $APP_PID) on $APP_BASE"
}

# api METHOD PATH [JSON]: a request to the app ($APP_BASE) with the API key; the body goes to $WORK/resp.json and the
# status code is printed. api_expect STATUS METHOD PATH [JSON]: the same, dying on any other status.
api() {
    local args=(-sS --max-time 10 -o "$WORK/resp.json" -w '%{http_code}' -X "$1"
        -H "Authorization: Bearer $API_KEY" -H 'Accept: application/json')
    [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
    curl "${args[@]}" "$APP_BASE$2"
}
api_expect() {
    local want=$1 got
    shift
    got=$(api "$@")
    [[ $got == "$want" ]] || die "$1 $2 answered $got: $(head -c 400 "$WORK/resp.json")"
}

# url_ok URL: it answers 2xx. url_has URL TEXT: its body contains TEXT (read from a file: grep -q in a pipe would stop
# reading at the first match, and curl's failure to write the rest fail the pipe).
url_ok() { curl -fsS --max-time 2 -o /dev/null "$1" 2>/dev/null; }
url_has() { curl -fsS --max-time 2 -o "$WORK/url_has.body" "$1" 2>/dev/null && grep -qF -- "$2" "$WORK/url_has.body"; }

# wait_until SECONDS WHAT COMMAND...: runs COMMAND every 0.1 s until it succeeds. Dies after SECONDS, or as soon as the
# process it serves has exited: WAIT_PID, by default the app's ($APP_PID).
wait_until() {
    local seconds=$1 what=$2 pid=${WAIT_PID:-${APP_PID:-}}
    shift 2
    local deadline=$(( $(now_ms) + seconds * 1000 ))
    until "$@"; do
        [[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || die "process $pid exited while waiting for $what"
        (( $(now_ms) < deadline )) || die "no $what within $seconds s"
        sleep 0.1
    done
}

# wait_healthy [SECONDS]: /healthz answers 200 (60 s). wait_regenerated [SECONDS]: and reports a finished regeneration.
wait_healthy() { wait_until "${1:-60}" "/healthz answering 200 from $APP_BASE" url_ok "$APP_BASE/healthz"; }
wait_regenerated() { wait_until "${1:-60}" "regeneration reported by $APP_BASE/healthz" url_has "$APP_BASE/healthz" '"lastRegeneration":{'; }
# wait_feeds_folder [SECONDS]: feeds/ holds exactly the served documents (it is written in the background after a run).
wait_feeds_folder() { wait_until "${1:-60}" "feeds/ current per $APP_BASE/healthz" url_has "$APP_BASE/healthz" '"feedsFolder":{"status":"ok"'; }
