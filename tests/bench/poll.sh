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
# FEEDSERVICE_APP_DIR=<published app> skips the publish; KEEP_WORK=1 keeps the temp folder.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
HERE=tests/bench/poll

SOURCES=${SOURCES:-2000}
HOSTS=${HOSTS:-100}
PARALLEL=${PARALLEL:-32}
ROUNDS=${ROUNDS:-3}              # unchanged rounds; the 10% round comes after the first two
ROUND_TIMEOUT_S=120
# The timed regeneration (every minute by default) is not part of polling: it is moved out of the way so it cannot land
# inside a measured round. Regeneration triggered by what a poll ingests still runs, as always, right after the ingest.
REGENERATE_CRON=${REGENERATE_CRON:-0 0 0 1 1 ? 2099}

need_packages curl:curl
need_python sqlite3 json
publish_app
build_project "$HERE/PollServer.csproj" "$WORK/server"

log "starting the feed server: $SOURCES feeds on $HOSTS loopback hosts"
dotnet "$WORK/server/PollServer.dll" "$SOURCES" "$HOSTS" "$WORK/ready" >"$WORK/server.log" 2>&1 </dev/null &
SERVER_PID=$!
track_pid "$SERVER_PID"
WAIT_PID=$SERVER_PID wait_until 60 "the feed server's ready file" test -s "$WORK/ready"
CONTROL=$(head -n 1 "$WORK/ready")

log "starting the published app (MaxParallelPolls=$PARALLEL)"
start_app "$WORK" FeedService:Aggregation:AllowPrivateNetworks=true FeedService:Aggregation:MinPollInterval=00:00:01 \
    FeedService:Aggregation:DefaultPollInterval=01:00:00 "FeedService:Aggregation:PollCron=* * * * * ?" \
    FeedService:Aggregation:MaxParallelPolls="$PARALLEL" "FeedService:Feeds:RegenerateCron=$REGENERATE_CRON"
BASE=$APP_BASE
DB="$WORK/data/feedservice.db"
wait_healthy

# The app process: `dotnet FeedService.dll` was exec'd in the subshell, so APP_PID is the app itself.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP_PID/stat"; }
mem_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$APP_PID/status"; }
db() { "$PY" "$HERE/sources.py" "$DB" "$@"; }
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
        (( $(now_ms) < deadline )) || die "round not finished within ${ROUND_TIMEOUT_S}s: $(db polled-since "$since")/$SOURCES polled"
        sleep 0.1
    done
}
stat_field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }

log "importing $SOURCES sources by OPML"
"$PY" "$HERE/sources.py" opml "$WORK/ready" "$WORK/sources.opml"
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
peak_mb=$(awk -v k="$(mem_kb VmHWM)" 'BEGIN{printf "%.0f", k/1024}')
log "whole run: ${SECONDS}s"
echo "RESULT poll sources=$SOURCES hosts=$HOSTS parallel=$PARALLEL first_round_s=$first_round_s round_unchanged_s=$(median "${unchanged[@]}") round_10pct_s=$round_10pct cpu_s=$(median "${unchanged_cpu[@]}") cpu_10pct_s=$cpu_10pct peak_mb=$peak_mb rss_mb_per_round=$(IFS=,; echo "${rss_list[*]}")"
