#!/usr/bin/env bash
# Polling throughput of the published app against 2,000 local sources.
# A local server (tests/bench/poll, Kestrel) serves SOURCES RSS feeds (10 items, ~15 KB each) spread over HOSTS loopback
# addresses 127.0.10.1..127.0.10.HOSTS (each a separate host for the aggregator's one-request-per-host gate), with
# ETags and 304s. The published app (Release) runs on 127.0.0.1 with its politeness rules on (conditional GET, per-host
# gate, timeouts); only the per-source floor is lowered (MinPollInterval 1 s) and the poll job runs every second.
# The sources are imported by OPML; the first round fetches them all (200s). Then each measured round makes every source
# due at once (UPDATE sources SET next_poll_at) and is timed from the first request the server sees to the moment every
# source has recorded its poll: rounds where nothing changed (304s), one where 10% changed (a new item each), and more
# unchanged ones, with the app's CPU time (/proc/PID/stat) and memory (VmRSS, VmHWM) after each.
# DefaultPollInterval is 1 h so that nothing is polled between the rounds the script starts; the minute-timer feed
# regeneration is moved out of the way (REGENERATE_CRON) so that it does not land inside a round.
# Usage (from the repository root): bash tests/bench/poll.sh   env: SOURCES (2000) HOSTS (100) PARALLEL (32) ROUNDS (3)
# Ends with: RESULT poll sources=2000 round_unchanged_s=... round_10pct_s=... cpu_s=... peak_mb=...
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

SOURCES=${SOURCES:-2000}
HOSTS=${HOSTS:-100}
PARALLEL=${PARALLEL:-32}
ROUNDS=${ROUNDS:-3}              # unchanged rounds; the 10% round comes after the first two
ROUND_TIMEOUT_S=120
# The timed regeneration (every minute by default) is not part of polling: it is moved out of the way so it cannot land
# inside a measured round. Regeneration triggered by what a poll ingests still runs, as always, right after the ingest.
REGENERATE_CRON=${REGENERATE_CRON:-0 0 0 1 1 ? 2099}
PY=/usr/bin/python3
API_KEY="bench-$(date +%s)-$$-key-0123456789"

need=()
command -v curl >/dev/null 2>&1 || need+=(curl)
[[ -x $PY ]] && "$PY" -c 'import sqlite3, json' 2>/dev/null || need+=(python3)
if (( ${#need[@]} > 0 )); then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi
command -v dotnet >/dev/null || { echo "dotnet (the .NET 10 SDK) is not on PATH" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/feedservice-poll.XXXXXX")
SERVER_PID=""
APP_PID=""
stop_pid() { # TERM, then KILL after 10 s; only the processes this script started
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
    stop_pid "$APP_PID"
    stop_pid "$SERVER_PID"
    if [[ $rc -ne 0 && -s $WORK/app.log ]]; then echo "---- app log (last 30 lines)" >&2; tail -n 30 "$WORK/app.log" >&2; fi
    [[ -n ${KEEP_WORK:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
log() { printf '[poll] %s\n' "$*"; }

log "publishing the app (Release) and building the feed server"
timeout 600 dotnet publish src/FeedService/FeedService.csproj -c Release -o "$WORK/app" >"$WORK/publish.log" 2>&1 || { tail -n 30 "$WORK/publish.log" >&2; exit 1; }
timeout 600 dotnet build -c Release tests/bench/poll/PollServer.csproj >"$WORK/server-build.log" 2>&1 || { tail -n 30 "$WORK/server-build.log" >&2; exit 1; }

log "starting the feed server: $SOURCES feeds on $HOSTS loopback hosts"
dotnet tests/bench/poll/bin/Release/net10.0/PollServer.dll "$SOURCES" "$HOSTS" "$WORK/ready" >"$WORK/server.log" 2>&1 </dev/null &
SERVER_PID=$!
for _ in $(seq 1 300); do [[ -s $WORK/ready ]] && break; kill -0 "$SERVER_PID" || { cat "$WORK/server.log" >&2; exit 1; }; sleep 0.2; done
[[ -s $WORK/ready ]] || { echo "the feed server did not start within 60 s" >&2; exit 1; }
CONTROL=$(head -n 1 "$WORK/ready")

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
DB="$WORK/data/feedservice.db"
mkdir -p "$WORK/data" "$WORK/feeds"
log "starting the published app on $BASE (MaxParallelPolls=$PARALLEL)"
(
    cd "$WORK/app"
    export ASPNETCORE_URLS="$BASE" ASPNETCORE_ENVIRONMENT=Production \
        FeedService__Site__BaseUrl="$BASE" \
        FeedService__Storage__DatabasePath="$DB" \
        FeedService__Feeds__OutputPath="$WORK/feeds" \
        FeedService__Auth__ApiKeys__0="$API_KEY" \
        FeedService__Demo__Seed=false \
        FeedService__Aggregation__AllowPrivateNetworks=true \
        FeedService__Aggregation__MinPollInterval=00:00:01 \
        FeedService__Aggregation__DefaultPollInterval=01:00:00 \
        FeedService__Aggregation__PollCron='* * * * * ?' \
        FeedService__Aggregation__MaxParallelPolls="$PARALLEL" \
        FeedService__Feeds__RegenerateCron="$REGENERATE_CRON"
    exec dotnet FeedService.dll
) >"$WORK/app.log" 2>&1 </dev/null &
APP_PID=$!
for _ in $(seq 1 300); do curl -fsS --max-time 2 -o /dev/null "$BASE/healthz" 2>/dev/null && break; kill -0 "$APP_PID" || exit 1; sleep 0.2; done
curl -fsS --max-time 2 -o /dev/null "$BASE/healthz" || { echo "the app did not become healthy within 60 s" >&2; exit 1; }

# The app process: `dotnet FeedService.dll` was exec'd in the subshell, so APP_PID is the app itself.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP_PID/stat"; }
mem_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$APP_PID/status"; }
db() { "$PY" - "$DB" "$@" <<'PYEOF'
import sqlite3, sys, datetime
db, what = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db, timeout=30)
if what == "due-now":       # every source due one second ago
    t = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    c.execute("UPDATE sources SET next_poll_at = ?", (t,)); c.commit(); print(t)
elif what == "polled-since":
    print(c.execute("SELECT COUNT(*) FROM sources WHERE last_fetched_at >= ?", (sys.argv[3],)).fetchone()[0])
elif what == "outcomes":
    print(" ".join("%s=%d" % r for r in c.execute("SELECT COALESCE(last_outcome, 'none'), COUNT(*) FROM sources GROUP BY 1 ORDER BY 1")))
elif what == "posts":
    print(c.execute("SELECT COUNT(*) FROM posts").fetchone()[0])
PYEOF
}
wait_quiet() { # until the app uses < 10% of a core over a second, at most 20 s. The feed regeneration that the ingest
               # of 20,000 posts starts runs for minutes (it is not polling): rounds may overlap it, which only slows them.
    local before after t0=$(now_ms)
    for _ in $(seq 1 20); do
        before=$(cpu_ticks); sleep 1; after=$(cpu_ticks)
        if (( (after - before) * 100 < CLK_TCK * 10 )); then
            log "quiet after $(( ($(now_ms) - t0) / 1000 ))s"
            return 0
        fi
    done
    log "note: the app was still busy after 20 s ($(( (after - before) * 100 / CLK_TCK ))% of a core)"
}
wait_polled() { # until every source recorded a poll since $1, at most ROUND_TIMEOUT_S
    local since=$1 deadline=$(( $(now_ms) + ROUND_TIMEOUT_S * 1000 ))
    while (( $(db polled-since "$since") < SOURCES )); do
        (( $(now_ms) < deadline )) || { echo "round not finished within ${ROUND_TIMEOUT_S}s: $(db polled-since "$since")/$SOURCES polled" >&2; exit 1; }
        sleep 0.1
    done
}
stat_field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }

log "importing $SOURCES sources by OPML"
"$PY" - "$WORK/ready" "$WORK/sources.opml" <<'PYEOF'
import sys
from xml.sax.saxutils import quoteattr
urls = open(sys.argv[1]).read().split()[1:]
with open(sys.argv[2], "w") as f:
    f.write('<?xml version="1.0"?>\n<opml version="2.0"><head><title>bench</title></head><body>\n<outline text="Bench">\n')
    for u in urls: f.write("<outline type=\"rss\" text=%s xmlUrl=%s/>\n" % (quoteattr(u), quoteattr(u)))
    f.write("</outline>\n</body></opml>\n")
PYEOF
curl -fsS --max-time 2 -X POST "$CONTROL/_control/reset" >/dev/null
start_ms=$(now_ms); cpu0=$(cpu_ticks)
import_since=$(date -u +%Y-%m-%dT%H:%M:%S.0000000Z -d '-1 second')
curl -fsS --max-time 120 -X POST "$BASE/api/sources/import" -H "Authorization: Bearer $API_KEY" -H 'Content-Type: text/x-opml' \
     --data-binary @"$WORK/sources.opml" -o "$WORK/import.json"
wait_polled "$import_since"
end_ms=$(now_ms); cpu1=$(cpu_ticks)
s=$(curl -fsS --max-time 2 "$CONTROL/_control/stats")
first_round_s=$(awk -v a="$start_ms" -v b="$end_ms" 'BEGIN{printf "%.2f", (b-a)/1000}')
log "first round (import + $SOURCES x 200): ${first_round_s}s, cpu $(awk -v t=$((cpu1-cpu0)) -v h="$CLK_TCK" 'BEGIN{printf "%.2f", t/h}')s, server: $s; posts: $(db posts); outcomes: $(db outcomes)"
wait_quiet

# Rounds: unchanged, unchanged, 10% changed, then the remaining unchanged ones.
plan=(unchanged unchanged 10pct)
for _ in $(seq 3 "$ROUNDS"); do plan+=(unchanged); done
printf '| round | kind | 200 | 304 | wall s | app CPU s | VmRSS MB | VmHWM MB |\n| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n' >"$WORK/table.md"
unchanged=(); unchanged_cpu=(); rss_list=()
round_10pct=""; cpu_10pct=""
n=0
for kind in "${plan[@]}"; do
    n=$((n + 1))
    [[ $kind == 10pct ]] && changed=$(curl -fsS --max-time 5 -X POST "$CONTROL/_control/change?percent=10")
    curl -fsS --max-time 2 -X POST "$CONTROL/_control/reset" >/dev/null
    cpu0=$(cpu_ticks)
    since=$(db due-now)
    wait_polled "$since"
    end_ms=$(now_ms); cpu1=$(cpu_ticks)
    s=$(curl -fsS --max-time 2 "$CONTROL/_control/stats")
    ok=$(stat_field "$s" ok); nm=$(stat_field "$s" not_modified); first=$(stat_field "$s" first_ms)
    wall=$(awk -v a="$first" -v b="$end_ms" 'BEGIN{printf "%.2f", (b-a)/1000}')
    cpu=$(awk -v t=$((cpu1 - cpu0)) -v h="$CLK_TCK" 'BEGIN{printf "%.2f", t/h}')
    rss=$(awk -v k="$(mem_kb VmRSS)" 'BEGIN{printf "%.0f", k/1024}'); hwm=$(awk -v k="$(mem_kb VmHWM)" 'BEGIN{printf "%.0f", k/1024}')
    printf '| %d | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$kind" "$ok" "$nm" "$wall" "$cpu" "$rss" "$hwm" | tee -a "$WORK/table.md"
    if [[ $kind == 10pct ]]; then round_10pct=$wall; cpu_10pct=$cpu; else unchanged+=("$wall"); unchanged_cpu+=("$cpu"); fi
    rss_list+=("$rss")
    wait_quiet
done
echo
cat "$WORK/table.md"
log "outcomes: $(db outcomes); posts: $(db posts); changed in the 10% round: ${changed:-?}"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
peak_mb=$(awk -v k="$(mem_kb VmHWM)" 'BEGIN{printf "%.0f", k/1024}')
log "whole run: ${SECONDS}s"
echo "RESULT poll sources=$SOURCES hosts=$HOSTS parallel=$PARALLEL first_round_s=$first_round_s round_unchanged_s=$(median "${unchanged[@]}") round_10pct_s=$round_10pct cpu_s=$(median "${unchanged_cpu[@]}") cpu_10pct_s=$cpu_10pct peak_mb=$peak_mb rss_mb_per_round=$(IFS=,; echo "${rss_list[*]}")"
