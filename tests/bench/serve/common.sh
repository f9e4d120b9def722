# Shared by tests/bench/serve.sh and tests/bench/regenerate.sh (sourced, not run).
# Installing Debian packages, publishing the app, starting and stopping it on 127.0.0.1.
# The caller sets WORK (its temp folder) and REPO (the repository root) first.

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

BENCH_T0=$(date +%s%N)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
log() { printf '[%s %6.1fs] %s\n' "${BENCH_NAME:-bench}" "$(awk -v a="$BENCH_T0" -v b="$(date +%s%N)" 'BEGIN{print (b-a)/1e9}')" "$*" >&2; }
die() { printf '%s: FAILED: %s\n' "${BENCH_NAME:-bench}" "$*" >&2; exit 1; }

# bench_install PACKAGE...: apt-get installs the packages that are missing. Services that Debian's
# maintainer scripts would start (nginx on port 80 of every address) are kept stopped with a
# temporary policy-rc.d when the machine has none.
bench_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    (( ${#missing[@]} == 0 )) && return 0
    log "installing ${missing[*]}"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install ${missing[*]}"
        sudo=(sudo)
    fi
    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod +x "$policy"
        made_policy=1
    fi
    "${sudo[@]}" apt-get update -qq >"$WORK/apt.log" 2>&1 || { tail -n 20 "$WORK/apt.log" >&2; die "apt-get update failed"; }
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$WORK/apt.log" 2>&1 \
        || { tail -n 20 "$WORK/apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
    [[ -n $made_policy ]] && "${sudo[@]}" rm -f "$policy"
    return 0
}

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

# publish_app OUT: the Release build the Dockerfile and tests/interop/run.sh publish.
publish_app() {
    local out=$1
    log "publishing (dotnet publish src/FeedService/FeedService.csproj -c Release -o $out)"
    if ! timeout 600 dotnet publish "$REPO/src/FeedService/FeedService.csproj" -c Release -o "$out" >"$WORK/publish.log" 2>&1; then
        tail -n 40 "$WORK/publish.log" >&2
        die "dotnet publish failed"
    fi
    [[ -f $out/FeedService.dll ]] || die "publish output lacks FeedService.dll"
}

# start_app APP_DIR BASE DB FEEDS KEY LOG: starts the published app in the background on BASE
# (http://127.0.0.1:PORT); its PID is left in APP_PID. Extra environment comes from the caller's exports.
start_app() {
    local app_dir=$1 base=$2 db=$3 feeds=$4 key=$5 logfile=$6
    mkdir -p "$(dirname "$db")" "$feeds"
    (
        cd "$app_dir"
        export ASPNETCORE_URLS="$base" \
            ASPNETCORE_ENVIRONMENT=Production \
            FeedService__Site__BaseUrl="$base" \
            FeedService__Storage__DatabasePath="$db" \
            FeedService__Feeds__OutputPath="$feeds" \
            FeedService__Auth__ApiKeys__0="$key" \
            FeedService__Demo__Seed=false
        exec dotnet FeedService.dll
    ) >"$logfile" 2>&1 </dev/null &
    APP_PID=$!
}

# wait_healthy BASE PID SECONDS: until /healthz answers 200.
wait_healthy() {
    local base=$1 pid=$2 deadline=$(( $(now_ms) + $3 * 1000 ))
    until curl -fsS --max-time 2 -o /dev/null "$base/healthz" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || die "the app exited during start-up"
        (( $(now_ms) < deadline )) || die "/healthz did not answer 200 within $3 s"
        sleep 0.1
    done
}

# stop_pid PID: TERM, then KILL after 20 s; only for processes this script started.
stop_pid() {
    local pid=${1:-}
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# ratio A B with 2 decimals (A/B)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b+0 == 0) print "n/a"; else printf "%.2f", a/b }'; }
