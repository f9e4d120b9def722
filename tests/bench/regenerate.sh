#!/usr/bin/env bash
# Regeneration benchmark: how long the published app (Release) takes to render its feeds, against Hugo.
#
# Builds a store of 10,000 posts in 50 categories (~1.5 KB HTML body, excerpt, 1-3 categories each, dates
# over 5 years) by starting the app once on an empty database (it migrates the schema), stopping it and
# bulk-inserting with tests/bench/regenerate/Seeder. Then, with the published app on that store:
#   (a) full:        a cold regeneration of every feed in every format (the start-up run on an empty feeds
#                    folder: current documents written, RFC 5005 archive pages indexed for rendering on request),
#                    read from the run's log line "Regenerated N feeds in X ms"; median of BENCH_FULL_RUNS cold starts
#   (b) incremental: after POST /api/posts of one new post (2 categories), the regeneration run that
#                    renders its feeds (its log line); median of BENCH_POSTS posts
#   (c) post→feed:   from POST /api/posts returning to the new guid being served in its category's Atom
#                    feed (GET polled every few ms, bounded)
#   (c') archive walk: every archive page of every feed in every format requested once (one curl, one
#                    connection), each rendered on its request: the work the run leaves to the first reader
#   (d) the cold full regeneration of 100,000 posts in 500 categories, with the process's peak memory
#       (VmHWM from /proc/<pid>/status when its log line appears)
# Anchor, same run: Hugo building the same 10,000 posts (content/posts/*.md with the HTML body, one RSS
# feed of the newest 50 items per category and one for the home page, no HTML pages), median of
# BENCH_HUGO_RUNS builds into a temp folder, timed by Hugo's own "Total in X ms". Each of our cold runs comes right
# after one Hugo build (nothing else running, written files flushed first), so both sides of ratio_hugo see the same
# state of the machine.
# Ends with one line:
#   RESULT regenerate posts=10000 ours_full_ms=… hugo_ms=… ratio_hugo=<hugo/ours> incremental_ms=… post_to_feed_ms=… peak_mb_100k=… archive_walk_ms=…
#          incr_all_prints_ms=… incr_documents_ms=… (per-feed stages of the one-post runs, from the app's debug log)
#
# Run from the repository root: bash tests/bench/regenerate.sh
# Knobs (environment): BENCH_FULL_RUNS (3), BENCH_POSTS (5), BENCH_HUGO_RUNS (3), BENCH_BIG=0 skips the
# 100,000-post run, KEEP_WORK=1 keeps the temp folder, FEEDSERVICE_APP_DIR=<published app> skips the publish.
# Installs hugo, curl and jq from Debian when missing.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
HERE="$REPO/tests/bench/regenerate"
# REGEN_TIMEOUT: seconds per cold run of 10,000 posts; BIG_TIMEOUT: of the cold run of 100,000 posts.
bench_knobs FULL_RUNS=3 POSTS=5 HUGO_RUNS=3 BIG=1 REGEN_TIMEOUT=240 BIG_TIMEOUT=540

# ---------------------------------------------------------------------------- tools
need_packages hugo curl jq sqlite3
HUGO_VERSION=$(hugo version | sed -n 's/^hugo v\([0-9.]*\).*/\1/p')

publish_app
build_project "$HERE/Seeder"
seeder() { dotnet run -c Release --no-build --project "$HERE/Seeder" -- "$@"; }

# run_app STORE: starts the published app on STORE/data and STORE/feeds; leaves APP_PID, APP_BASE and APP_LOG.
run_app() {
    # No periodic run during the measurements (the cron fires in 2099); writes and start-up still trigger runs.
    # Debug for the app's own categories: the regenerator's per-feed stage times (read for the one-post runs below).
    start_app "$1" "FeedService:Feeds:RegenerateCron=0 0 0 1 1 ? 2099" Logging:LogLevel:FeedService=Debug
}

# regeneration_line LOG SECONDS [SKIP [PATTERN]]: waits for a log line of a finished regeneration run after the
# first SKIP runs (that also contains PATTERN) and prints it.
regeneration_line() {
    local logfile=$1 deadline=$(( $(now_ms) + $2 * 1000 )) skip=${3:-0} pattern=${4:-}
    while :; do
        line=$(grep -a 'Regenerated [0-9]* feeds in' "$logfile" | tail -n +"$(( skip + 1 ))" | grep -aF -- "$pattern" | head -n 1 || true)
        [[ -n $line ]] && { echo "$line"; return 0; }
        grep -aq 'Regeneration failed' "$logfile" && die "regeneration failed: $(grep -a -A3 'Regeneration failed' "$logfile" | head -n 4)"
        kill -0 "$APP_PID" 2>/dev/null || die "the app exited"
        (( $(now_ms) < deadline )) || die "no regeneration finished within $2 s"
        sleep 0.05
    done
}
ms_of() { sed -n 's/.*Regenerated \([0-9]*\) feeds in \([0-9.]*\) ms.*/\2/p' <<<"$1"; }
feeds_of() { sed -n 's/.*Regenerated \([0-9]*\) feeds in.*/\1/p' <<<"$1"; }
files_of() { sed -n 's/.*; \([0-9]*\) changed: .*/\1/p' <<<"$1"; }

# build_store DIR POSTS CATEGORIES: a migrated database filled by the seeder.
build_store() {
    local dir=$1 posts=$2 categories=$3
    mkdir -p "$dir/data" "$dir/feeds"
    run_app "$dir"
    wait_healthy
    stop_pid "$APP_PID"; APP_PID=""
    rm -rf "$dir/feeds"
    log "seeding $posts posts in $categories categories"
    seeder --db "$dir/data/feedservice.db" --posts "$posts" --categories "$categories" \
        --end "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$dir/seed.log" 2>&1 || { cat "$dir/seed.log" >&2; die "seeding failed"; }
    log "$(tail -n 1 "$dir/seed.log")"
}

# cold_run STORE SECONDS: starts the app with no stored documents and an empty feeds folder, so its start-up run
# renders, encodes and stores every document, and waits for that run; leaves the app running. Prints
# "ms feeds files peak_kb". (feeds/ is written from the stored documents in the background, after the run.)
cold_run() {
    local dir=$1 line peak
    rm -rf "$dir/feeds"; mkdir -p "$dir/feeds"
    sqlite3 "$dir/data/feedservice.db" "DELETE FROM feed_documents; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    sync
    run_app "$dir"
    line=$(regeneration_line "$APP_LOG" "$2")
    peak=$(awk '/^VmHWM:/{print $2}' "/proc/$APP_PID/status")
    echo "$(ms_of "$line") $(feeds_of "$line") $(files_of "$line") $peak"
}

# ---------------------------------------------------------------------------- 10,000 posts
SMALL="$WORK/store-10k"
build_store "$SMALL" 10000 50

# ---------------------------------------------------------------------------- Hugo on the same posts
# The site is exported from the store before any cold run, so Hugo builds exactly the 10,000 posts our cold runs render.
SITE="$WORK/hugo"
mkdir -p "$SITE/layouts/_default"
seeder hugo --db "$SMALL/data/feedservice.db" --site "$SITE" >"$WORK/hugo-export.out" 2>&1 || { cat "$WORK/hugo-export.out" >&2; die "export to Hugo failed"; }
log "$(tail -n 1 "$WORK/hugo-export.out")"
# rssLimit became services.rss.limit in Hugo 0.114.
if [[ $(printf '%s\n0.114.0\n' "$HUGO_VERSION" | sort -V | head -n 1) == 0.114.0 ]]; then LIMIT=$'[services.rss]\n  limit = 50'; else LIMIT='rssLimit = 50'; fi
cat >"$SITE/hugo.toml" <<EOF
baseURL = "https://feeds.example.org/"
title = "FeedService bench"
languageCode = "en"
$LIMIT
disableKinds = ["section", "taxonomy", "sitemap", "robotsTXT", "404"]
# "taxonomy" is meant: the list of all categories; each category's own page ("term") keeps its feed.
ignoreErrors = ["error-disable-taxonomy"]
[taxonomies]
  category = "categories"
[outputs]
  home = ["RSS"]
  term = ["RSS"]
# The posts are listed in the feeds but get no page of their own.
[[cascade]]
  [cascade._build]
    render = "never"
    list = "always"
  [cascade._target]
    kind = "page"
[markup.goldmark.renderer]
  unsafe = true
EOF
# One RSS 2.0 template for the home page (every post) and each category: the newest 50 items with the excerpt as
# description and the full HTML as content:encoded, as the app's RSS carries them.
cat >"$SITE/layouts/_default/rss.xml" <<'EOF'
{{- $pages := .Pages -}}
{{- if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end -}}
{{- printf "<?xml version=\"1.0\" encoding=\"utf-8\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>{{ .Title }}</title>
<link>{{ .Permalink }}</link>
<description>Posts in {{ .Title }}</description>
<atom:link href="{{ .Permalink }}index.xml" rel="self" type="application/rss+xml"/>
{{- range first 50 $pages.ByDate.Reverse }}
<item>
<title>{{ .Title }}</title>
<link>{{ with .Params.link }}{{ . }}{{ else }}{{ .Permalink }}{{ end }}</link>
<guid isPermaLink="false">{{ .Params.guid }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate>
<description>{{ .Params.summary }}</description>
<content:encoded>{{ .Content | html }}</content:encoded>
{{- range .Params.categories }}
<category>{{ . }}</category>
{{- end }}
</item>
{{- end }}
</channel>
</rss>
EOF
# hugo_run RUN: one Hugo build into a temp folder; appends its time to HUGO_MS.
HUGO_MS=()
hugo_run() {
    local run=$1 ms
    rm -rf "$WORK/hugo-out"
    sync # the last run's files are flushed before this one is timed, not during it (on both sides)
    (cd "$SITE" && timeout 300 hugo --quiet=false --destination "$WORK/hugo-out" --cleanDestinationDir) >"$WORK/hugo-$run.out" 2>&1 \
        || { tail -n 20 "$WORK/hugo-$run.out" >&2; die "hugo failed"; }
    ms=$(sed -n 's/^Total in \([0-9.]*\) ms.*/\1/p' "$WORK/hugo-$run.out")
    [[ -n $ms ]] || { cat "$WORK/hugo-$run.out" >&2; die "hugo printed no 'Total in'"; }
    HUGO_MS+=("$ms")
    log "hugo run $run: $(find "$WORK/hugo-out" -name '*.xml' | wc -l) RSS files in $ms ms"
}

# ---------------------------------------------------------------------------- cold runs, each after a Hugo build
# Interleaved, so that both sides of the ratio see the same state of this shared machine (it drifts over minutes).
FULL_MS=()
for run in $(seq 1 "$FULL_RUNS"); do
    # Hugo first: the app of the previous run is stopped by then, and this run's app must stay up afterwards.
    (( run <= HUGO_RUNS )) && hugo_run "$run"
    cold_run "$SMALL" "$REGEN_TIMEOUT" >"$WORK/cold.txt"
    read -r ms feeds files peak <"$WORK/cold.txt"
    FULL_MS+=("$ms")
    log "cold run $run: $feeds feeds, $files documents in $ms ms, peak $(( peak / 1024 )) MB"
    (( run < FULL_RUNS )) && { stop_pid "$APP_PID"; APP_PID=""; }
done
HUGO_FEEDS=$(find "$WORK/hugo-out" -name '*.xml' | wc -l)
grep -q '<content:encoded>' "$WORK/hugo-out/categories/topic-001/index.xml" || die "Hugo's category feed lacks the content"
[[ $(grep -c '<item>' "$WORK/hugo-out/categories/topic-001/index.xml") == 50 ]] || die "Hugo's category feed does not hold 50 items"
PEAK_10K_MB=$(( peak / 1024 ))
OUT_FILES=$(find "$SMALL/feeds" -type f | wc -l)
OUT_MB=$(du -sm "$SMALL/feeds" | cut -f1)
log "feeds/: $OUT_FILES files (current documents with their .gz and .br), $OUT_MB MB"

# The app from the last cold run is still up: one new post at a time.
wait_healthy 30
INCREMENTAL_MS=(); POST_TO_FEED_MS=()
LOG_LINES_BEFORE=$(wc -l <"$APP_LOG")
for i in $(seq 1 "$POSTS"); do
    a=$(printf 'topic-%03d' $(( (i * 7) % 50 + 1 ))); b=$(printf 'topic-%03d' $(( (i * 13 + 5) % 50 + 1 )))
    [[ $a == "$b" ]] && b=topic-050
    body=$(jq -nc --arg a "$a" --arg b "$b" --arg i "$i" --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '{
        title: "Incremental benchmark post \($i)", summary: "<p>What changed, in one sentence.</p>",
        content: ("<p>" + ("A new post written through the API. " * 30) + "</p><p><a href=\"/more\">More</a></p>"),
        author: "Bench Writer", categories: [$a, $b], publishedAt: $at }')
    runs_before=$(grep -ac 'Regenerated [0-9]* feeds in' "$APP_LOG" || true)
    api_expect 201 POST /api/posts "$body"
    guid=$(jq -r .guid "$WORK/resp.json")
    returned=$(date +%s%N)
    deadline=$(( returned / 1000000 + 10000 ))
    # Polled every 2 ms, not wait_until's 100: this wait is the measurement.
    until url_has "$APP_BASE/feeds/$a.atom" "$guid"; do
        (( $(now_ms) < deadline )) || die "post $guid did not reach /feeds/$a.atom within 10 s"
        sleep 0.002
    done
    seen=$(date +%s%N)
    POST_TO_FEED_MS+=("$(( (seen - returned) / 1000000 ))")
    # The run that wrote this post's feed: the first one after the write whose changed files include it.
    line=$(regeneration_line "$APP_LOG" 10 "$runs_before" " $a.atom")
    INCREMENTAL_MS+=("$(ms_of "$line")")
    log "new post $i in $a and $b: run of $(feeds_of "$line") feeds, $(files_of "$line") documents in $(ms_of "$line") ms; in $a.atom $(( (seen - returned) / 1000000 )) ms after the API returned"
done

# Where the one-post runs' time went, per feed (the regenerator's debug line): medians in ms.
tail -n +"$(( LOG_LINES_BEFORE + 1 ))" "$APP_LOG" | { grep -a 'Rendered feed ' || true; } | sed -n \
    's/.*Rendered feed \([^:]*\): fingerprints \([0-9.]*\) ms ([0-9]* posts), current posts \([0-9.]*\) ms, documents \([0-9.]*\) ms.*/\1 \2 \3 \4/p' \
    >"$WORK/stages.txt"
stage_median() { median $(awk -v want="$1" -v col="$2" '(want == "all") == ($1 == "all") {print $col}' "$WORK/stages.txt"); }
INCR_ALL_PRINTS_MS=$(stage_median all 2); INCR_CATEGORY_PRINTS_MS=$(stage_median category 2)
INCR_POSTS_MS=$(median $(awk '{print $3}' "$WORK/stages.txt")); INCR_DOCUMENTS_MS=$(median $(awk '{print $4}' "$WORK/stages.txt"))
log "one-post runs, per feed (medians of $(wc -l <"$WORK/stages.txt") feeds): fingerprints of all ${INCR_ALL_PRINTS_MS} ms, of a category ${INCR_CATEGORY_PRINTS_MS} ms; newest posts ${INCR_POSTS_MS} ms; three documents rendered, compressed and written ${INCR_DOCUMENTS_MS} ms"

# Archive pages are rendered when first asked for, not by the run: walk every page of every feed in every format once
# (each request renders its page), so the work the run no longer does is measured too.
: >"$WORK/archive.cfg"
ARCHIVE_PAGES=0
for json in "$SMALL"/feeds/*.json; do
    slug=$(basename "$json" .json)
    newest=$(jq -r '.next_url // empty' "$json" | sed -n 's#.*/archive/[^/]*/\([0-9]*\)\.json$#\1#p')
    [[ -n $newest ]] || continue
    for page in $(seq 1 "$newest"); do
        for ext in rss atom json; do
            printf 'url = "%s/feeds/archive/%s/%s.%s"\noutput = "/dev/null"\n' "$APP_BASE" "$slug" "$page" "$ext" >>"$WORK/archive.cfg"
            ARCHIVE_PAGES=$(( ARCHIVE_PAGES + 1 ))
        done
    done
done
walk_started=$(now_ms)
codes=$(timeout 300 curl -sS --max-time 30 -K "$WORK/archive.cfg" -w '%{http_code}\n' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
ARCHIVE_WALK_MS=$(( $(now_ms) - walk_started ))
[[ $codes == " $ARCHIVE_PAGES 200 " ]] || die "archive walk: expected $ARCHIVE_PAGES x 200, got: $codes"
log "archive walk: $ARCHIVE_PAGES archive documents requested once each (each rendered on its request) in $ARCHIVE_WALK_MS ms"
stop_pid "$APP_PID"; APP_PID=""
for run in $(seq $(( FULL_RUNS + 1 )) "$HUGO_RUNS"); do hugo_run "$run"; done

# ---------------------------------------------------------------------------- 100,000 posts
PEAK_100K_MB=n/a; FULL_100K_MS=n/a; FEEDS_100K=n/a; FILES_100K=n/a
if [[ $BIG == 1 ]]; then
    BIGSTORE="$WORK/store-100k"
    build_store "$BIGSTORE" 100000 500
    cold_run "$BIGSTORE" "$BIG_TIMEOUT" >"$WORK/cold.txt"
    read -r FULL_100K_MS FEEDS_100K FILES_100K peak <"$WORK/cold.txt"
    PEAK_100K_MB=$(( peak / 1024 ))
    log "100k cold run: $FEEDS_100K feeds, $FILES_100K documents in $FULL_100K_MS ms, peak $PEAK_100K_MB MB"
    stop_pid "$APP_PID"; APP_PID=""
fi

# ---------------------------------------------------------------------------- report
ours=$(median "${FULL_MS[@]}"); hugo_ms=$(median "${HUGO_MS[@]}")
incremental=$(median "${INCREMENTAL_MS[@]}"); post_to_feed=$(median "${POST_TO_FEED_MS[@]}")
fmt() { awk -v x="$1" 'BEGIN{printf "%.0f", x}'; }
printf '\nregeneration on %s cores; medians\n' "$(nproc)"
printf '%-52s | %12s | %s\n' what ms runs
printf '%s\n' "-----------------------------------------------------+--------------+------------------------------"
printf '%-52s | %12s | %s\n' "ours: full, 10,000 posts / 50 categories" "$(fmt "$ours")" "${FULL_MS[*]}"
printf '%-52s | %12s | %s\n' "hugo $HUGO_VERSION: same posts, $HUGO_FEEDS RSS feeds" "$(fmt "$hugo_ms")" "${HUGO_MS[*]}"
printf '%-52s | %12s | %s\n' "ours: one new post (its 2 categories and all)" "$incremental" "${INCREMENTAL_MS[*]}"
printf '%-52s | %12s | %s\n' "ours: POST returned -> guid in its Atom feed" "$post_to_feed" "${POST_TO_FEED_MS[*]}"
printf '%-52s | %12s | %s\n' "  per feed: fingerprints of all / of a category" "$INCR_ALL_PRINTS_MS / $INCR_CATEGORY_PRINTS_MS" "medians over the one-post runs' feeds"
printf '%-52s | %12s | %s\n' "  per feed: its 3 documents rendered+compressed+written" "$INCR_DOCUMENTS_MS" "3 feeds a run, 2 at a time on 2 cores"
printf '%-52s | %12s | %s\n' "ours: full, 100,000 posts / 500 categories" "$FULL_100K_MS" "peak $PEAK_100K_MB MB (VmHWM)"
printf '%-52s | %12s | %s\n' "ours: then every archive page requested once" "$ARCHIVE_WALK_MS" "$ARCHIVE_PAGES documents, rendered on request"
printf 'output of the 10,000-post run: %s files, %s MB (RSS, Atom and JSON Feed current documents, each with .gz and .br); peak %s MB\n' \
    "$OUT_FILES" "$OUT_MB" "$PEAK_10K_MB"
printf 'Hugo renders RSS only, the newest 50 items per feed, no archives, no compression, no sanitizing.\n\n'
echo "RESULT regenerate posts=10000 ours_full_ms=$(fmt "$ours") hugo_ms=$(fmt "$hugo_ms") ratio_hugo=$(ratio "$hugo_ms" "$ours") incremental_ms=$incremental post_to_feed_ms=$post_to_feed full_100k_ms=$FULL_100K_MS peak_mb_100k=$PEAK_100K_MB archive_pages=$ARCHIVE_PAGES archive_walk_ms=$ARCHIVE_WALK_MS incr_all_prints_ms=$INCR_ALL_PRINTS_MS incr_documents_ms=$INCR_DOCUMENTS_MS"
