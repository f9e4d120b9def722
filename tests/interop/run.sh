#!/usr/bin/env bash
# Interoperability check: publish FeedService the way the Dockerfile does, run it on a free
# 127.0.0.1 port with a throw-away database and feeds folder, write a post through the API and
# read every feed back with independent consumers:
#   - jing: Atom against RFC 4287's RELAX NG schema (atom.rnc) and its Schematron rules (atom-rules.sch)
#   - newsboat: a real feed reader, headless (-x reload), checked through its SQLite cache
#   - python3-feedparser (Debian's /usr/bin/python3): bozo, entries, ids, links, dates
#   - curl: ETag / If-None-Match -> 304, gzip negotiation
# It also aggregates its own Atom feed into a "mirror" category (provenance, a conditional second
# poll), runs the published binary's inspect command on a served feed, and starts a second instance
# with 3 items per document to walk the RFC 5005 archive chain in Atom, RSS and JSON Feed.
# Run from anywhere (it changes to the repository root). Prints "interop: OK" on success.
# Needs: dotnet, curl, gzip, jing, newsboat, /usr/bin/python3 with feedparser (see .ci/run).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$REPO/tests/interop"
cd "$REPO"

PY=/usr/bin/python3              # Debian's python: the one python3-feedparser is installed for
RNC="$HERE/atom.rnc"             # verbatim copies of ../shared/schemas/*, so shared/ is optional
SCH="$HERE/atom-rules.sch"
CATEGORY=interop
DEMO_CATEGORY=hm-probation-inspectorate
API_KEY="interop-$(date +%s)-$$-key-0123456789"
STARTUP_TIMEOUT_S=60
FRESHNESS_LIMIT_MS=2000

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

T0=$(date +%s%N)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
log() { printf '[interop %5.1fs] %s\n' "$(awk -v a="$T0" -v b="$(date +%s%N)" 'BEGIN{print (b-a)/1e9}')" "$*"; }
die() { printf 'interop: FAILED: %s\n' "$*" >&2; exit 1; }

# Checks that find something wrong with the feeds record it here and the run goes on, so one run
# reports every problem; anything that makes further checks meaningless calls die instead.
FAILURES=()
failed() { printf 'interop: FAIL: %s\n' "$*" >&2; FAILURES+=("$*"); }

# ---------------------------------------------------------------------------- prerequisites
for tool in dotnet curl gzip jing newsboat timeout; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed (run .ci/run, or apt-get install jing newsboat python3-feedparser curl)"
done
[[ -x $PY ]] || die "$PY not found (Debian's python3 with python3-feedparser is needed)"
"$PY" -c 'import feedparser, sqlite3' 2>/dev/null || die "$PY cannot import feedparser/sqlite3 (apt-get install python3-feedparser)"
[[ -f $RNC && -f $SCH ]] || die "missing $RNC or $SCH"
for f in atom.rnc atom-rules.sch; do
    shared="$REPO/../shared/schemas/$f"
    if [[ -f $shared ]] && ! cmp -s "$shared" "$HERE/$f"; then
        log "note: tests/interop/$f differs from $shared; using the copy in tests/interop"
    fi
done

# ---------------------------------------------------------------------------- temp dirs, cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/feedservice-interop.XXXXXX")
APP_DIR="$WORK/app"
APP_LOG="$WORK/app.log"
APP_PID=""
APP2_PID=""

stop_pid() { # stop_pid PID: TERM, then KILL after 10 s; only processes this script started
    local pid=$1
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done   # at most 10 s
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT
    stop_pid "$APP_PID"
    stop_pid "$APP2_PID"
    if [[ $rc -ne 0 && -s $APP_LOG ]]; then
        echo "---- last 40 lines of the app's log ($APP_LOG) ----" >&2
        tail -n 40 "$APP_LOG" >&2 || true
        echo "----" >&2
    fi
    [[ -n ${KEEP_WORK:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------- publish
# The same command as the Dockerfile's build stage, with a temp output folder.
log "publishing (dotnet publish src/FeedService/FeedService.csproj -c Release -o $APP_DIR)"
if ! timeout 900 dotnet publish src/FeedService/FeedService.csproj -c Release -o "$APP_DIR" >"$WORK/publish.log" 2>&1; then
    tail -n 40 "$WORK/publish.log" >&2
    die "dotnet publish failed"
fi
[[ -f $APP_DIR/FeedService.dll && -f $APP_DIR/appsettings.json ]] || die "publish output lacks FeedService.dll or appsettings.json"

# ---------------------------------------------------------------------------- start the app
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
mkdir -p "$WORK/data" "$WORK/feeds"

log "starting the published app on $BASE"
(
    cd "$APP_DIR"
    export ASPNETCORE_URLS="$BASE" \
        ASPNETCORE_ENVIRONMENT=Production \
        FeedService__Site__BaseUrl="$BASE" \
        FeedService__Storage__DatabasePath="$WORK/data/feedservice.db" \
        FeedService__Feeds__OutputPath="$WORK/feeds" \
        FeedService__Auth__ApiKeys__0="$API_KEY" \
        FeedService__Demo__Seed=true \
        FeedService__Aggregation__AllowPrivateNetworks=true
    exec dotnet FeedService.dll
) >"$APP_LOG" 2>&1 </dev/null &
APP_PID=$!

deadline=$(( $(now_ms) + STARTUP_TIMEOUT_S * 1000 ))
until curl -fsS --max-time 2 -o "$WORK/health.json" "$BASE/healthz" 2>/dev/null; do
    kill -0 "$APP_PID" 2>/dev/null || die "the app exited during start-up"
    (( $(now_ms) < deadline )) || die "/healthz did not answer 200 within ${STARTUP_TIMEOUT_S}s: $(curl -sS --max-time 2 "$BASE/healthz" 2>&1 || true)"
    sleep 0.2
done
log "healthy: $(cat "$WORK/health.json")"

# ---------------------------------------------------------------------------- write through the API
# api METHOD PATH [JSON]: body to $WORK/resp.json, prints the status code.
api() {
    local args=(-sS --max-time 10 -o "$WORK/resp.json" -w '%{http_code}' -X "$1"
        -H "Authorization: Bearer $API_KEY" -H 'Accept: application/json')
    [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
    curl "${args[@]}" "$BASE$2"
}
json_field() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/resp.json" "$1"; }

status=$(api POST /api/categories '{"slug":"interop","name":"Interop","description":"Posts written by tests/interop/run.sh."}')
[[ $status == 201 ]] || die "POST /api/categories answered $status: $(cat "$WORK/resp.json")"

RUN_ID="$(date -u +%H%M%S)-$$"
POST_TITLE="Interop check $RUN_ID: fish & chips, “quotes” and café"
PUBLISHED_AT=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
POST_JSON=$(POST_TITLE="$POST_TITLE" PUBLISHED_AT="$PUBLISHED_AT" "$PY" -c '
import json, os
print(json.dumps({
    "title": os.environ["POST_TITLE"],
    "summary": "<p>An <em>excerpt</em> of the interop post.</p>",
    "content": "<p>The full <strong>HTML</strong> body, with a <a href=\"https://example.org/a?b=1&amp;c=2\">link</a> &amp; an ampersand.</p><ul><li>one</li><li>two</li></ul>",
    "author": "Interop Tester",
    "categories": ["interop"],
    "publishedAt": os.environ["PUBLISHED_AT"],
}))')
status=$(api POST /api/posts "$POST_JSON")
CREATED_MS=$(now_ms)
[[ $status == 201 ]] || die "POST /api/posts answered $status: $(cat "$WORK/resp.json")"
POST_GUID=$(json_field guid)
POST_ID=$(json_field id)
log "created post $POST_ID, guid $POST_GUID"

# ---------------------------------------------------------------------------- freshness: <= 2 s
fresh=""
deadline=$(( CREATED_MS + FRESHNESS_LIMIT_MS ))
while :; do
    if curl -fsS --max-time 1 "$BASE/feeds/$CATEGORY.rss" 2>/dev/null | grep -qF -- "$POST_GUID" &&
       curl -fsS --max-time 1 "$BASE/feeds/$CATEGORY.atom" 2>/dev/null | grep -qF -- "$POST_GUID"; then
        fresh=$(( $(now_ms) - CREATED_MS ))
        break
    fi
    (( $(now_ms) < deadline )) || break
    sleep 0.1
done
if [[ -n $fresh ]]; then
    log "the post's guid was in /feeds/$CATEGORY.rss and .atom ${fresh} ms after the 201"
else
    die "the post's guid $POST_GUID was not in both /feeds/$CATEGORY.rss and /feeds/$CATEGORY.atom within ${FRESHNESS_LIMIT_MS} ms"
fi

# ---------------------------------------------------------------------------- aggregation
# The service aggregates its own Atom feed into a "mirror" category: the republished item must carry
# provenance, and a second poll must be conditional (our feed endpoint answers 304).
MIRROR=mirror
status=$(api POST /api/categories '{"slug":"mirror","name":"Mirror","description":"The interop feed, aggregated."}')
[[ $status == 201 ]] || die "POST /api/categories (mirror) answered $status: $(cat "$WORK/resp.json")"
status=$(api POST /api/sources "{\"url\":\"$BASE/feeds/$CATEGORY.atom\",\"categories\":[\"$MIRROR\"]}")
[[ $status == 201 ]] || die "POST /api/sources answered $status: $(cat "$WORK/resp.json")"
SOURCE_ID=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["source"]["id"])' "$WORK/resp.json")
added=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["poll"]["itemsAdded"])' "$WORK/resp.json")
(( added >= 1 )) || die "adding the source found no items: $(cat "$WORK/resp.json")"
deadline=$(( $(now_ms) + 5000 ))
until curl -fsS --max-time 1 "$BASE/feeds/$MIRROR.rss" 2>/dev/null | grep -qF "<source url=\"$BASE/feeds/$CATEGORY.atom\">"; do
    (( $(now_ms) < deadline )) || die "/feeds/$MIRROR.rss never showed the aggregated item with its <source>"
    sleep 0.1
done
status=$(api POST "/api/sources/$SOURCE_ID/poll")
outcome=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["poll"]["outcome"])' "$WORK/resp.json")
[[ $status == 200 && $outcome == NotModified ]] || failed "second poll of the source: HTTP $status, outcome $outcome (expected NotModified)"
log "aggregated /feeds/$CATEGORY.atom into $MIRROR ($added items, provenance shown; second poll: $outcome)"

# The inspect command of the published binary, on a feed it serves.
if (cd "$APP_DIR" && FeedService__Aggregation__AllowPrivateNetworks=true timeout 60 dotnet FeedService.dll inspect "$BASE/feeds/all.atom") >"$WORK/inspect.json" 2>"$WORK/inspect.err"; then
    "$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["format"] == "atom1.0" and d["items"], d' "$WORK/inspect.json" ||
        failed "inspect printed unexpected JSON"
    log "inspect $BASE/feeds/all.atom: $("$PY" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$WORK/inspect.json") items"
else
    failed "dotnet FeedService.dll inspect failed: $(cat "$WORK/inspect.err")"
fi

# Titles of the demo posts, as the API reports them (the reference for newsboat below).
curl -fsS --max-time 10 -o "$WORK/demo-posts.json" "$BASE/api/posts?category=$DEMO_CATEGORY&pageSize=100" ||
    die "GET /api/posts?category=$DEMO_CATEGORY failed"
DEMO_COUNT=$("$PY" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$WORK/demo-posts.json")
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
# RSS 2.0 has no official schema: require well-formed XML with an <rss version="2.0"><channel> root.
for feed in "${FEEDS[@]}"; do
    [[ $feed == *.rss ]] || continue
    if ! msg=$("$PY" - "$WORK/fetched/$feed" 2>&1 <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "rss" and root.get("version") == "2.0", f"root is <{root.tag} version={root.get('version')!r}>"
assert root.find("channel") is not None, "no <channel>"
EOF
    ); then failed "/feeds/$feed is not well-formed RSS 2.0: $msg"; else log "/feeds/$feed: well-formed RSS 2.0"; fi
done

# ---------------------------------------------------------------------------- feedparser
urls=(); for feed in "${FEEDS[@]}"; do urls+=("$BASE/feeds/$feed"); done
if ! timeout 120 env POST_TITLE="$POST_TITLE" POST_GUID="$POST_GUID" CATEGORY="$CATEGORY" \
        "$PY" - "${urls[@]}" >"$WORK/feedparser.out" 2>&1 <<'EOF'
import os, sys
import feedparser

title, guid, category = os.environ["POST_TITLE"], os.environ["POST_GUID"], os.environ["CATEGORY"]
problems = []
for url in sys.argv[1:]:
    name = url.rsplit("/", 1)[1]
    d = feedparser.parse(url)
    where = f"feedparser {feedparser.__version__} /feeds/{name}"
    if d.get("status") != 200:
        problems.append(f"{where}: HTTP status {d.get('status')}")
    if d.bozo:
        problems.append(f"{where}: bozo=1: {type(d.bozo_exception).__name__}: {d.bozo_exception}")
    expected = "rss20" if name.endswith(".rss") else "atom10"
    if d.version != expected:
        problems.append(f"{where}: detected version {d.version!r}, expected {expected!r}")
    if not d.feed.get("title"):
        problems.append(f"{where}: the feed has no title")
    if not d.feed.get("link"):
        problems.append(f"{where}: the feed has no link")
    if not d.entries:
        problems.append(f"{where}: no entries")
    for i, e in enumerate(d.entries):
        missing = [k for k in ("title", "link", "id") if not e.get(k)]
        if not (e.get("published_parsed") or e.get("updated_parsed")):
            missing.append("published_parsed/updated_parsed")
        if missing:
            problems.append(f"{where}: entry {i} ({e.get('id') or e.get('title')!r}) lacks {', '.join(missing)}")
    if name.startswith(category + ".") or name.startswith("all."):
        mine = [e for e in d.entries if e.get("title") == title]
        if not mine:
            problems.append(f"{where}: no entry titled {title!r}; titles: {[e.get('title') for e in d.entries][:5]}")
        elif not any(guid in (e.get("id") or "") for e in mine):
            # "all" also holds the mirror category's republished copy, which has its own guid.
            problems.append(f"{where}: the interop entries' ids are {[e.get('id') for e in mine]!r}, expected one to carry the guid {guid!r}")
    print(f"{where}: {d.version}, {len(d.entries)} entries")
for p in problems:
    print("PROBLEM " + p)
sys.exit(1 if problems else 0)
EOF
then
    grep -v '^PROBLEM ' "$WORK/feedparser.out" || true
    while IFS= read -r line; do failed "${line#PROBLEM }"; done < <(grep '^PROBLEM ' "$WORK/feedparser.out" || true)
    grep -q '^PROBLEM ' "$WORK/feedparser.out" || failed "feedparser check crashed: $(cat "$WORK/feedparser.out")"
else
    sed 's/^/  /' "$WORK/feedparser.out"
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
if ! "$PY" - "$NB" "$WORK/demo-posts.json" "$POST_TITLE" "$BASE" "$CATEGORY" "$DEMO_CATEGORY" "${NB_FEEDS[@]}" >"$NB/check.out" 2>&1 <<'EOF'
import json, os, sqlite3, sys

nb, demo_json, title, base, category, demo, *feeds = sys.argv[1:]
demo_titles = [p["title"] for p in json.load(open(demo_json))["items"]]
problems = []
for feed in feeds:
    path = os.path.join(nb, feed + ".cache.db")
    if not os.path.exists(path):
        problems.append(f"newsboat wrote no cache for /feeds/{feed}")
        continue
    db = sqlite3.connect(path)
    url = f"{base}/feeds/{feed}"
    feed_title = db.execute("SELECT title FROM rss_feed WHERE rssurl = ?", (url,)).fetchone()
    titles = [r[0] for r in db.execute("SELECT title FROM rss_item WHERE feedurl = ?", (url,))]
    print(f"newsboat /feeds/{feed}: feed title {feed_title[0] if feed_title else None!r}, {len(titles)} items")
    if not feed_title or not feed_title[0]:
        problems.append(f"newsboat /feeds/{feed}: no feed title in the cache")
    if not titles:
        problems.append(f"newsboat stored no items for /feeds/{feed}")
        continue
    if not feed.startswith(demo + ".") and title not in titles:
        problems.append(f"newsboat /feeds/{feed}: no item titled {title!r}; it has {titles[:5]}")
    if feed.startswith(demo + ".") or feed.startswith("all."):
        missing = [t for t in demo_titles if t not in titles]
        if missing:
            problems.append(f"newsboat /feeds/{feed}: {len(missing)} of {len(demo_titles)} demo posts missing or retitled, "
                            f"e.g. API title {missing[0]!r}; newsboat has {[t for t in titles if t != title][:3]}")
for p in problems:
    print("PROBLEM " + p)
sys.exit(1 if problems else 0)
EOF
then
    grep -v '^PROBLEM ' "$NB/check.out" || true
    while IFS= read -r line; do failed "${line#PROBLEM }"; done < <(grep '^PROBLEM ' "$NB/check.out" || true)
    grep -q '^PROBLEM ' "$NB/check.out" || failed "newsboat cache check crashed: $(cat "$NB/check.out")"
else
    sed 's/^/  /' "$NB/check.out"
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
PORT2=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE2="http://127.0.0.1:$PORT2"
mkdir -p "$WORK/data2" "$WORK/feeds2" "$WORK/archive"
(
    cd "$APP_DIR"
    export ASPNETCORE_URLS="$BASE2" FeedService__Site__BaseUrl="$BASE2" \
        FeedService__Storage__DatabasePath="$WORK/data2/feedservice.db" FeedService__Feeds__OutputPath="$WORK/feeds2" \
        FeedService__Auth__ApiKeys__0="$API_KEY" FeedService__Demo__Seed=true FeedService__Feeds__ItemsPerFeed=3
    exec dotnet FeedService.dll
) >"$WORK/app2.log" 2>&1 </dev/null &
APP2_PID=$!
deadline=$(( $(now_ms) + STARTUP_TIMEOUT_S * 1000 ))
until curl -fsS --max-time 2 "$BASE2/feeds/$DEMO_CATEGORY.atom" 2>/dev/null | grep -q 'prev-archive'; do
    kill -0 "$APP2_PID" 2>/dev/null || die "the second instance exited during start-up: $(tail -n 20 "$WORK/app2.log")"
    (( $(now_ms) < deadline )) || die "the second instance never served an archived feed"
    sleep 0.2
done
curl -fsS --max-time 10 -o "$WORK/archive/demo-posts.json" "$BASE2/api/posts?category=$DEMO_CATEGORY&pageSize=100" ||
    die "GET $BASE2/api/posts failed"
if "$PY" - "$BASE2" "$DEMO_CATEGORY" "$WORK/archive" "$WORK/archive/demo-posts.json" >"$WORK/archive/walk.out" 2>&1 <<'EOF'
import json, sys, urllib.request, xml.etree.ElementTree as ET
import feedparser

base, slug, out, demo_json = sys.argv[1:]
A = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}archive"
expected = sorted(p["guid"] for p in json.load(open(demo_json))["items"])
problems = []

def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read(), r.headers.get("Content-Type", "")

def link(root, rel):
    for l in root.iter(A + "link"):
        if l.get("rel") == rel:
            return l.get("href")
    return None

for ext in ("atom", "rss", "json"):
    url, seen, docs = f"{base}/feeds/{slug}.{ext}", [], 0
    while url and docs < 20:
        body, ctype = get(url)
        docs += 1
        name = f"{ext}-{docs}.{ext}"
        open(f"{out}/{name}", "wb").write(body)
        if ext == "json":
            d = json.loads(body)
            if not ctype.startswith("application/feed+json"): problems.append(f"{url}: Content-Type {ctype}")
            if d.get("version") != "https://jsonfeed.org/version/1.1": problems.append(f"{url}: version {d.get('version')}")
            if d.get("feed_url") != url: problems.append(f"{url}: feed_url {d.get('feed_url')}")
            for i in d["items"]:
                if not (isinstance(i.get("id"), str) and i.get("url") and i.get("title") and i.get("content_html") and i.get("date_published")):
                    problems.append(f"{url}: item lacks required fields: {list(i)}")
            seen += [i["id"] for i in d["items"]]
            url = d.get("next_url")
        else:
            root = ET.fromstring(body)
            if ext == "rss":
                f = feedparser.parse(body)
                if f.bozo: problems.append(f"{url}: feedparser bozo: {f.bozo_exception}")
                channel = root.find("channel")
                seen += [i.findtext("guid") for i in channel.findall("item")]
                if docs > 1 and channel.find(FH) is None: problems.append(f"{url}: no fh:archive")
                url = link(channel, "prev-archive")
            else:
                seen += [e.findtext(A + "id") for e in root.findall(A + "entry")]
                if docs > 1 and (root.find(FH) is None or link(root, "current") != f"{base}/feeds/{slug}.atom"):
                    problems.append(f"{url}: archive page without fh:archive or rel=current")
                url = link(root, "prev-archive")
    if sorted(seen) != expected or len(seen) != len(set(seen)):
        problems.append(f"{ext}: walking the archive saw {len(seen)} items ({len(set(seen))} distinct), expected the {len(expected)} demo posts once each")
    print(f"{ext}: {docs} documents, {len(seen)} items")
for p in problems:
    print("PROBLEM " + p)
sys.exit(1 if problems else 0)
EOF
then
    sed 's/^/  /' "$WORK/archive/walk.out"
    for page in "$WORK"/archive/atom-*.atom; do
        jing_check "atom.rnc (archive)" "$page" -c "$RNC"
        jing_check "atom-rules.sch (archive)" "$page" "$SCH"
    done
    log "archives: every demo post seen once walking back from the current Atom, RSS and JSON documents"
else
    sed 's/^/  /' "$WORK/archive/walk.out" >&2
    while IFS= read -r line; do failed "${line#PROBLEM }"; done < <(grep '^PROBLEM ' "$WORK/archive/walk.out" || echo "PROBLEM archive walk crashed")
fi
stop_pid "$APP2_PID"

# ---------------------------------------------------------------------------- verdict
kill -0 "$APP_PID" 2>/dev/null || failed "the app is no longer running"
elapsed=$(awk -v a="$T0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b-a)/1e9}')
if (( ${#FAILURES[@]} > 0 )); then
    echo >&2
    echo "interop: ${#FAILURES[@]} check(s) failed after ${elapsed}s:" >&2
    for f in "${FAILURES[@]}"; do printf ' - %s\n' "$f" >&2; done
    exit 1
fi
log "all checks passed in ${elapsed}s"
echo "interop: OK"
