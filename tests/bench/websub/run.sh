#!/usr/bin/env bash
# WebSub hub scale measurement: one feed change pushed to 1,000 subscribers, and another feed's change
# pushed at the same moment.
#
# Publishes FeedService (Release, as the Dockerfile does), starts it on 127.0.0.1 with a temp database
# and feeds folder, then runs tests/bench/websub/WebSubBench: a subscriber server on 127.0.0.1 (Kestrel)
# with 1,000 distinct callbacks /cb/big/1…1000 subscribed to the category feed bench-big.atom and 5
# (/cb/other/1…5) to bench-other.atom, all through POST /websub and verified by the hub. Each round
# creates one post in each category at the same moment and measures, from each post's 201, when every
# callback received the new document:
#   warm-up         first round after start (JIT, connection pool)
#   other alone     only the other feed changes: its latency without a storm, for comparison
#   measured 1-3    the figure (their median): callbacks answer at once
#   slow (50 ms)    every callback takes 50 ms to answer, so DeliveryConcurrency (32) bounds the storm
# Columns: first/p50/p95/p99/last delivery after the 201 (ms), deliveries per second, the most
# deliveries the subscriber server handled at once, the other feed's last delivery after its own 201,
# and duplicate deliveries (must be 0). Those times include the regeneration that writes the new
# document; the hub's own share (change announced → last subscriber answered) comes from its log
# line per push. Ends with one line
#   RESULT websub subscribers=1000 all_delivered_s=… p50_ms=… other_feed_ms=… … hub_push_ms=…
# and fails when the other feed's subscribers (posted during the storm) or the storm's first
# subscriber waited 2 s or more: a post reaches its subscribers within 2 s.
#
# Run from anywhere: bash tests/bench/websub/run.sh
# Knobs (environment): BENCH_SUBSCRIBERS (1000), BENCH_OTHERS (5), BENCH_SLOW_MS (50),
# BENCH_TIMEOUT_S (120, per wait), KEEP_WORK=1 keeps the temp folder, FEEDSERVICE_APP_DIR=<published app> skips
# the publish. Needs dotnet; installs curl from Debian when missing.
source "$(dirname "${BASH_SOURCE[0]}")/../../lib/app.sh"
HERE="$REPO/tests/bench/websub"
bench_knobs SUBSCRIBERS=1000 OTHERS=5 SLOW_MS=50 TIMEOUT_S=120
FRESHNESS_LIMIT_MS=2000

# ---------------------------------------------------------------------------- build
need_packages curl:curl
publish_app
build_project "$HERE/WebSubBench/WebSubBench.csproj" "$WORK/bench"

# ---------------------------------------------------------------------------- the app
# The subscribers live on 127.0.0.1; the bench makes 1,000 subscription requests from one address and
# polls the keyed API, which the default limits (60 a minute, and the write limit) are there to stop.
start_app "$WORK" FeedService:Aggregation:AllowPrivateNetworks=true FeedService:WebSub:RateLimit:PermitLimit=1000000 \
    FeedService:RateLimits:Enabled=false
BASE=$APP_BASE
wait_healthy

# ---------------------------------------------------------------------------- measure
log "running the bench: $SUBSCRIBERS + $OTHERS subscribers"
timeout $(( TIMEOUT_S * 8 + 60 )) dotnet "$WORK/bench/WebSubBench.dll" --app "$BASE" --key "$API_KEY" \
    --subscribers "$SUBSCRIBERS" --others "$OTHERS" --slow-ms "$SLOW_MS" --timeout-s "$TIMEOUT_S" \
    > >(tee "$WORK/bench.txt") 2>&1 &
BENCH_PID=$!
track_pid "$BENCH_PID"
wait "$BENCH_PID" || die "the bench tool failed (exit $?)"
kill -0 "$APP_PID" 2>/dev/null || die "the app exited during the bench"

measured=$(grep '^MEASURED websub ' "$WORK/bench.txt") || die "the bench tool printed no MEASURED line"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$measured"; }
other_ms=$(field other_feed_ms)
first_ms=$(field first_ms)

# The hub's own share, from its log: "Pushed {topic} (… bytes) to N of M subscribers in X ms", from the change
# reaching the hub to the last answer. Big feed pushes: warm-up, measured 1-3, slow; other feed: warm-up,
# alone, measured 1-3, slow. (Everything before a push is the regeneration that wrote the document.)
pushes() { grep -o "Pushed [^ ]*/feeds/$1 ([0-9]* bytes) to [0-9]* of [0-9]* subscribers in [0-9]* ms" "$WORK/app.log" | awk '{print $(NF-1)}'; }
mapfile -t big_push < <(pushes bench-big.atom)
mapfile -t other_push < <(pushes bench-other.atom)
(( ${#big_push[@]} == 5 && ${#other_push[@]} == 6 )) || die "expected 5 + 6 push summaries in the app log, found ${#big_push[@]} + ${#other_push[@]}"
push_ms=$(median "${big_push[1]}" "${big_push[2]}" "${big_push[3]}")
push_other_ms=$(median "${other_push[2]}" "${other_push[3]}" "${other_push[4]}")
errors=$(grep -cE '^(fail|crit):' "$WORK/app.log" || true)
echo
echo "hub push durations (app log, ms): big feed ${big_push[*]} (warm-up, measured 1-3, slow); other feed ${other_push[*]} (warm-up, alone, measured 1-3, slow); app errors logged: $errors"
awk -v o="$other_ms" -v f="$first_ms" -v l="$FRESHNESS_LIMIT_MS" 'BEGIN { exit !(o < l && f < l) }' \
    || die "a post took 2 s or more to reach its first subscribers (other feed ${other_ms} ms, storm's first ${first_ms} ms)"
(( errors == 0 )) || die "the app logged $errors errors"
echo "RESULT ${measured#MEASURED } hub_push_ms=$push_ms hub_push_other_ms=$push_other_ms hub_push_slow_ms=${big_push[4]}"
