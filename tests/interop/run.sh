#!/usr/bin/env bash
# Interoperability check: publish FeedService the way the Dockerfile does, run it on a free
# 127.0.0.1 port with a throw-away database and feeds folder, write a post through the API and
# read every feed back with independent consumers:
#   - jing: Atom against RFC 4287's RELAX NG schema (atom.rnc) and its Schematron rules (atom-rules.sch)
#   - newsboat: a real feed reader, headless (-x reload), checked through its SQLite cache (newsboat_check.py)
#   - python3-feedparser (Debian's /usr/bin/python3): bozo, entries, ids, links, dates (feedparser_check.py)
#   - curl: ETag / If-None-Match -> 304, gzip negotiation
# It also aggregates its own Atom feed into a "mirror" category (provenance, a conditional second
# poll), runs the published binary's inspect command on a served feed, and starts a second instance
# with 3 items per document to walk the RFC 5005 archive chain in Atom, RSS and JSON Feed (archive_walk.py).
# Run from anywhere (it changes to the repository root). Prints "interop: OK" on success.
# Needs: dotnet; installs jing, newsboat, python3-feedparser, curl and jq from Debian when missing.
# Env: FEEDSERVICE_APP_DIR=<published app> skips the publish; KEEP_WORK=1 keeps the temp folder.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
HERE=tests/interop

RNC="$REPO/$HERE/atom.rnc"       # verbatim copies of ../shared/schemas/*, so shared/ is optional
SCH="$REPO/$HERE/atom-rules.sch"
CATEGORY=interop
DEMO_CATEGORY=hm-probation-inspectorate
FRESHNESS_LIMIT_S=2

# Checks that find something wrong with the feeds record it here and the run goes on, so one run
# reports every problem; anything that makes further checks meaningless calls die instead.
FAILURES=()
failed() { printf 'interop: FAIL: %s\n' "$*" >&2; FAILURES+=("$*"); }

# py_check OUT WHAT SCRIPT ARGS...: one of the Python checks beside this script, output in OUT; each PROBLEM line it
# prints is a failure. Returns non-zero when it found any.
py_check() {
    local out=$1 what=$2 line
    shift 2
    if timeout 120 "$PY" "$@" >"$out" 2>&1; then
        sed 's/^/  /' "$out"
        return 0
    fi
    grep -v '^PROBLEM ' "$out" >&2 || true
    grep -q '^PROBLEM ' "$out" || { failed "$what crashed: $(cat "$out")"; return 1; }
    while IFS= read -r line; do failed "${line#PROBLEM }"; done < <(grep '^PROBLEM ' "$out")
    return 1
}

# ---------------------------------------------------------------------------- prerequisites
need_packages curl:curl gzip:gzip jing:jing newsboat:newsboat jq:jq
need_python feedparser:python3-feedparser sqlite3
[[ -f $RNC && -f $SCH ]] || die "missing $RNC or $SCH"
for f in atom.rnc atom-rules.sch; do
    shared="$REPO/../shared/schemas/$f"
    if [[ -f $shared ]] && ! cmp -s "$shared" "$HERE/$f"; then
        log "note: tests/interop/$f differs from $shared; using the copy in tests/interop"
    fi
done

# ---------------------------------------------------------------------------- publish, start the app
publish_app
start_app "$WORK" FeedService:Demo:Seed=true FeedService:Aggregation:AllowPrivateNetworks=true
BASE=$APP_BASE
MAIN_PID=$APP_PID
wait_healthy
log "healthy: $(curl -fsS --max-time 2 "$BASE/healthz")"

# ---------------------------------------------------------------------------- write through the API
api_expect 201 POST /api/categories '{"slug":"interop","name":"Interop","description":"Posts written by tests/interop/run.sh."}'

RUN_ID="$(date -u +%H%M%S)-$$"
POST_TITLE="Interop check $RUN_ID: fish & chips, “quotes” and café"
POST_JSON=$(jq -nc --arg title "$POST_TITLE" --arg at "$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)" '{
    title: $title,
    summary: "<p>An <em>excerpt</em> of the interop post.</p>",
    content: "<p>The full <strong>HTML</strong> body, with a <a href=\"https://example.org/a?b=1&amp;c=2\">link</a> &amp; an ampersand.</p><ul><li>one</li><li>two</li></ul>",
    author: "Interop Tester",
    categories: ["interop"],
    publishedAt: $at }')
api_expect 201 POST /api/posts "$POST_JSON"
CREATED_MS=$(now_ms)
POST_GUID=$(jq -r .guid "$WORK/resp.json")
POST_ID=$(jq -r .id "$WORK/resp.json")
log "created post $POST_ID, guid $POST_GUID"

# ---------------------------------------------------------------------------- freshness: <= 2 s
in_both_feeds() { url_has "$BASE/feeds/$CATEGORY.rss" "$1" && url_has "$BASE/feeds/$CATEGORY.atom" "$1"; }
wait_until "$FRESHNESS_LIMIT_S" "guid $POST_GUID in both /feeds/$CATEGORY.rss and /feeds/$CATEGORY.atom" in_both_feeds "$POST_GUID"
log "the post's guid was in /feeds/$CATEGORY.rss and .atom $(( $(now_ms) - CREATED_MS )) ms after the 201"

# ---------------------------------------------------------------------------- aggregation
# The service aggregates its own Atom feed into a "mirror" category: the republished item must carry
# provenance, and a second poll must be conditional (our feed endpoint answers 304).
MIRROR=mirror
api_expect 201 POST /api/categories '{"slug":"mirror","name":"Mirror","description":"The interop feed, aggregated."}'
api_expect 201 POST /api/sources "{\"url\":\"$BASE/feeds/$CATEGORY.atom\",\"categories\":[\"$MIRROR\"]}"
SOURCE_ID=$(jq -r .source.id "$WORK/resp.json")
added=$(jq -r .poll.itemsAdded "$WORK/resp.json")
(( added >= 1 )) || die "adding the source found no items: $(cat "$WORK/resp.json")"
wait_until 5 "aggregated item with its <source> in /feeds/$MIRROR.rss" url_has "$BASE/feeds/$MIRROR.rss" "<source url=\"$BASE/feeds/$CATEGORY.atom\">"
status=$(api POST "/api/sources/$SOURCE_ID/poll")
outcome=$(jq -r .poll.outcome "$WORK/resp.json")
[[ $status == 200 && $outcome == NotModified ]] || failed "second poll of the source: HTTP $status, outcome $outcome (expected NotModified)"
log "aggregated /feeds/$CATEGORY.atom into $MIRROR ($added items, provenance shown; second poll: $outcome)"

# The inspect command of the published binary, on a feed it serves.
if (cd "$APP_DIR" && FeedService__Aggregation__AllowPrivateNetworks=true timeout 60 dotnet FeedService.dll inspect "$BASE/feeds/all.atom") >"$WORK/inspect.json" 2>"$WORK/inspect.err"; then
    jq -e '.format == "atom1.0" and (.items | length > 0)' "$WORK/inspect.json" >/dev/null || failed "inspect printed unexpected JSON"
    log "inspect $BASE/feeds/all.atom: $(jq '.items | length' "$WORK/inspect.json") items"
else
    failed "dotnet FeedService.dll inspect failed: $(cat "$WORK/inspect.err")"
fi

# Titles of the demo posts, as the API reports them (the reference for newsboat below).
curl -fsS --max-time 10 -o "$WORK/demo-posts.json" "$BASE/api/posts?category=$DEMO_CATEGORY&pageSize=100" ||
    die "GET /api/posts?category=$DEMO_CATEGORY failed"
DEMO_COUNT=$(jq '.items | length' "$WORK/demo-posts.json")
(( DEMO_COUNT > 0 )) || die "Demo:Seed=true but category $DEMO_CATEGORY has no posts"
log "demo category $DEMO_CATEGORY has $DEMO_COUNT posts"

# ---------------------------------------------------------------------------- fetch + media types
FEEDS=("$CATEGORY.rss" "$CATEGORY.atom" all.rss all.atom "$DEMO_CATEGORY.rss" "$DEMO_CATEGORY.atom" "$MIRROR.rss" "$MIRROR.atom")
mkdir -p "$WORK/fetched"
for feed in "${FEEDS[@]}"; do
    code=$(curl -sS --max-time 10 -D "$WORK/fetched/$feed.headers" -o "$WORK/fetched/$feed" -w '%{http_code}' "$BASE/feeds/$feed")
    [[ $code == 200 ]] || die "GET /feeds/$feed answered $code"
    ctype=$(grep -i '^content-type:' "$WORK/fetched/$feed.headers" | tr -d '\r' | cut -d: -f2- | sed 's/^ *//')
    case $feed in
        *.rss)  [[ $ctype == application/rss+xml* ]]  || failed "/feeds/$feed: Content-Type is '$ctype', expected application/rss+xml" ;;
        *.atom) [[ $ctype == application/atom+xml* ]] || failed "/feeds/$feed: Content-Type is '$ctype', expected application/atom+xml" ;;
    esac
done

# ---------------------------------------------------------------------------- jing (Atom)
# jing's Debian wrapper prints "[warning] /usr/bin/jing: Unable to locate <jar>" on stderr for
# optional jars; only jing's own messages (stdout) are shown.
jing_check() { # jing_check LABEL FILE ARGS...
    local label=$1 file=$2; shift 2
    if ! timeout 120 jing "$@" "$file" >"$WORK/jing.out" 2>"$WORK/jing.err"; then
        failed "jing $label rejects /feeds/$(basename "$file"):"$'\n'"$({ sed "s|$WORK/fetched/||" "$WORK/jing.out"; grep -v '^\[warning\] /usr/bin/jing' "$WORK/jing.err" || true; } | head -n 40)"
        return
    fi
    log "jing $label: /feeds/$(basename "$file") valid"
}
for feed in "${FEEDS[@]}"; do
    [[ $feed == *.atom ]] || continue
    jing_check "atom.rnc (RELAX NG)" "$WORK/fetched/$feed" -c "$RNC"
    jing_check "atom-rules.sch (Schematron)" "$WORK/fetched/$feed" "$SCH"
done
rss=()
for feed in "${FEEDS[@]}"; do [[ $feed == *.rss ]] && rss+=("$WORK/fetched/$feed"); done
py_check "$WORK/rss.out" "the RSS 2.0 check" "$HERE/rss_wellformed.py" "${rss[@]}" || true

# ---------------------------------------------------------------------------- feedparser
urls=(); for feed in "${FEEDS[@]}"; do urls+=("$BASE/feeds/$feed"); done
if py_check "$WORK/feedparser.out" "feedparser check" "$HERE/feedparser_check.py" "$POST_TITLE" "$POST_GUID" "$CATEGORY" "${urls[@]}"; then
    log "feedparser: all feeds parse cleanly"
fi

# ---------------------------------------------------------------------------- newsboat
# newsboat keys its cache by item guid across all feeds (an item that is in both interop.rss and
# all.rss is stored once, under whichever feed was reloaded last), so each feed gets its own
# urls file and cache to make "this feed delivered these items" checkable.
NB="$WORK/newsboat"
NB_FEEDS=("$CATEGORY.rss" "$CATEGORY.atom" all.rss "$DEMO_CATEGORY.rss" "$DEMO_CATEGORY.atom" "$MIRROR.rss")
mkdir -p "$NB/home"
: >"$NB/config"
for feed in "${NB_FEEDS[@]}"; do
    echo "$BASE/feeds/$feed" >"$NB/$feed.urls"
    if ! HOME="$NB/home" XDG_CONFIG_HOME="$NB/home/.config" XDG_DATA_HOME="$NB/home/.local/share" TERM=dumb \
            timeout 60 newsboat -u "$NB/$feed.urls" -c "$NB/$feed.cache.db" -C "$NB/config" \
            -d "$NB/$feed.log" -l 3 -x reload >"$NB/$feed.out" 2>&1 </dev/null; then
        failed "newsboat -x reload of /feeds/$feed failed: $(cat "$NB/$feed.out")"
    fi
    [[ -s $NB/$feed.out ]] && { echo "newsboat said, reloading /feeds/$feed:"; sed 's/^/  /' "$NB/$feed.out"; }
    if grep -qiE 'error' "$NB/$feed.log" 2>/dev/null; then
        failed "newsboat logged errors for /feeds/$feed:"$'\n'"$(grep -iE 'error' "$NB/$feed.log" | head -20)"
    fi
done
if py_check "$NB/check.out" "newsboat cache check" "$HERE/newsboat_check.py" "$NB" "$WORK/demo-posts.json" "$POST_TITLE" "$BASE" "$CATEGORY" "$DEMO_CATEGORY" "${NB_FEEDS[@]}"; then
    log "newsboat: every feed loaded, with the interop post and the demo posts where expected"
fi

# ---------------------------------------------------------------------------- HTTP caching + gzip
header() { grep -i "^$1:" "$2" | tail -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }
for feed in "$CATEGORY.rss" "$CATEGORY.atom" all.atom; do
    url="$BASE/feeds/$feed"; h="$WORK/http-$feed"; gz_etag=""
    curl -fsS --max-time 10 -D "$h.1" -o "$h.body" "$url" || die "GET /feeds/$feed failed"
    etag=$(header ETag "$h.1")
    if [[ -z $etag ]]; then failed "/feeds/$feed: no ETag header"; continue; fi

    code=$(curl -sS --max-time 10 -D "$h.2" -o "$h.304" -w '%{http_code}' -H "If-None-Match: $etag" "$url")
    [[ $code == 304 ]] || failed "/feeds/$feed: If-None-Match $etag answered $code, expected 304"
    [[ ! -s $h.304 ]] || failed "/feeds/$feed: the 304 has a body"

    code=$(curl -sS --max-time 10 -D "$h.3" -o "$h.gz" -w '%{http_code}' -H 'Accept-Encoding: gzip' "$url")
    enc=$(header Content-Encoding "$h.3")
    if [[ $code != 200 || $enc != gzip ]]; then
        failed "/feeds/$feed: Accept-Encoding: gzip answered $code with Content-Encoding '$enc'"
    elif ! gzip -dc <"$h.gz" | cmp -s - "$h.body"; then
        failed "/feeds/$feed: the gzip body does not decode to the identity body"
    else
        gz_etag=$(header ETag "$h.3")
        [[ -n $gz_etag && $gz_etag != "$etag" ]] || failed "/feeds/$feed: the gzip response's ETag '$gz_etag' should exist and differ from the identity one '$etag'"
        [[ $(header Vary "$h.3") == *[Aa]ccept-[Ee]ncoding* ]] || failed "/feeds/$feed: gzip response without Vary: Accept-Encoding"
        code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H 'Accept-Encoding: gzip' -H "If-None-Match: $gz_etag" "$url")
        [[ $code == 304 ]] || failed "/feeds/$feed: gzip + If-None-Match $gz_etag answered $code, expected 304"
    fi

    # Whatever curl offers with --compressed (br, gzip, ...) must decode to the same bytes.
    curl -fsS --max-time 10 --compressed -o "$h.any" "$url" || die "GET --compressed /feeds/$feed failed"
    cmp -s "$h.any" "$h.body" || failed "/feeds/$feed: curl --compressed body differs from the identity body"
    log "HTTP: /feeds/$feed ETag $etag -> 304, gzip ($gz_etag) decodes to the same $(wc -c <"$h.body") bytes"
done

# ---------------------------------------------------------------------------- RFC 5005 archives
# A second instance with 3 items per document, so the 9 demo posts make a current feed of 3 and
# archive pages of 3 and 3. Every document of the chain, in every format, goes to the judges, and the
# walk from the current document must see every demo post exactly once.
start_app "$WORK/second" FeedService:Demo:Seed=true FeedService:Feeds:ItemsPerFeed=3
BASE2=$APP_BASE
wait_regenerated
mkdir -p "$WORK/archive"
curl -fsS --max-time 10 -o "$WORK/archive/demo-posts.json" "$BASE2/api/posts?category=$DEMO_CATEGORY&pageSize=100" ||
    die "GET $BASE2/api/posts failed"
if py_check "$WORK/archive/walk.out" "archive walk" "$HERE/archive_walk.py" "$BASE2" "$DEMO_CATEGORY" "$WORK/archive" "$WORK/archive/demo-posts.json"; then
    for page in "$WORK"/archive/atom-*.atom; do
        jing_check "atom.rnc (archive)" "$page" -c "$RNC"
        jing_check "atom-rules.sch (archive)" "$page" "$SCH"
    done
    log "archives: every demo post seen once walking back from the current Atom, RSS and JSON documents"
fi
stop_pid "$APP_PID"

# ---------------------------------------------------------------------------- verdict
kill -0 "$MAIN_PID" 2>/dev/null || failed "the app is no longer running"
if (( ${#FAILURES[@]} > 0 )); then
    echo >&2
    echo "interop: ${#FAILURES[@]} check(s) failed after $(elapsed_s)s:" >&2
    for f in "${FAILURES[@]}"; do printf ' - %s\n' "$f" >&2; done
    exit 1
fi
log "all checks passed in $(elapsed_s)s"
echo "interop: OK"
