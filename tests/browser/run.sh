#!/usr/bin/env bash
# Browser check: publish FeedService like tests/interop/run.sh does, run it on a free 127.0.0.1 port with a
# throw-away database and feeds folder, write two posts (one titled <img src=x onerror=alert(1)>), serve a host page
# from ANOTHER origin (python3 -m http.server on a second port) that embeds the script widget twice and the iframe
# widget once under a strict CSP and hostile CSS, and let headless Chromium (Debian's /usr/bin/chromium, driven by
# playwright-core: check.mjs) check the widgets, the iframe and our own pages. Screenshots go to $ARTIFACTS
# (default: artifacts/browser/ in the repository, which git ignores). Every page kind also goes through the W3C Nu
# Html Checker (vnu.jar from npm). Prints "browser: OK" on success.
# Needs: dotnet, node + npm, java (comes with jing), curl, python3, /usr/bin/chromium (see .ci/run).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$REPO/tests/browser"
cd "$REPO"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PY=/usr/bin/python3              # Debian's python (standard library only: a free port, JSON, http.server)
ARTIFACTS=${ARTIFACTS:-$REPO/artifacts/browser}
SLUG=widgets
API_KEY="browser-$(date +%s)-$$-key-0123456789"
STARTUP_TIMEOUT_S=60
XSS_TITLE='<img src=x onerror=alert(1)>'
NORMAL_TITLE='Widget check: fish & chips, “quotes” and café'
OLDER_TITLE='An older post for the iframe'

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

T0=$(date +%s%N)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
log() { printf '[browser %5.1fs] %s\n' "$(awk -v a="$T0" -v b="$(date +%s%N)" 'BEGIN{print (b-a)/1e9}')" "$*"; }
die() { printf 'browser: FAILED: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------- prerequisites
for tool in dotnet node npm curl timeout; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed"
done
[[ -x $PY ]] || PY=$(command -v python3) || die "python3 not found"
[[ -x $CHROMIUM ]] || die "$CHROMIUM not found (apt-get install chromium; .ci/run does)"
log "$("$CHROMIUM" --version 2>/dev/null || echo chromium), node $(node --version)"

# playwright-core (it never downloads a browser) and vnu-jar; the lock file pins them.
installed_as_locked() {
    (cd "$HERE" && node -e '
const lock = require("./package-lock.json").packages;
const same = (name) => require(`./node_modules/${name}/package.json`).version === lock[`node_modules/${name}`].version;
process.exit(same("playwright-core") && same("vnu-jar") ? 0 : 1);' 2>/dev/null)
}
if ! installed_as_locked; then
    log "npm ci (playwright-core, vnu-jar)"
    (cd "$HERE" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in tests/browser failed"
fi

# ---------------------------------------------------------------------------- temp dirs, cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/feedservice-browser.XXXXXX")
APP_DIR="$WORK/app"
APP_LOG="$WORK/app.log"
APP_PID=""
HOST_PID=""

stop() { # stop PID: TERM, up to 10 s, then KILL; only processes this script started
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
    stop "$HOST_PID"
    stop "$APP_PID"
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

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# ---------------------------------------------------------------------------- publish + start the app
log "publishing (dotnet publish src/FeedService/FeedService.csproj -c Release -o $APP_DIR)"
if ! timeout 900 dotnet publish src/FeedService/FeedService.csproj -c Release -o "$APP_DIR" >"$WORK/publish.log" 2>&1; then
    tail -n 40 "$WORK/publish.log" >&2
    die "dotnet publish failed"
fi

PORT=$(free_port)
APP="http://127.0.0.1:$PORT"
mkdir -p "$WORK/data" "$WORK/feeds"
log "starting the published app on $APP"
(
    cd "$APP_DIR"
    export ASPNETCORE_URLS="$APP" \
        ASPNETCORE_ENVIRONMENT=Production \
        FeedService__Site__BaseUrl="$APP" \
        FeedService__Storage__DatabasePath="$WORK/data/feedservice.db" \
        FeedService__Feeds__OutputPath="$WORK/feeds" \
        FeedService__Auth__ApiKeys__0="$API_KEY" \
        FeedService__Demo__Seed=true
    exec dotnet FeedService.dll
) >"$APP_LOG" 2>&1 </dev/null &
APP_PID=$!

deadline=$(( $(now_ms) + STARTUP_TIMEOUT_S * 1000 ))
until curl -fsS --max-time 2 -o /dev/null "$APP/healthz" 2>/dev/null; do
    kill -0 "$APP_PID" 2>/dev/null || die "the app exited during start-up"
    (( $(now_ms) < deadline )) || die "/healthz did not answer 200 within ${STARTUP_TIMEOUT_S}s"
    sleep 0.2
done
log "healthy"

# ---------------------------------------------------------------------------- content
api() { # api METHOD PATH [JSON]: body to $WORK/resp.json, prints the status code
    local args=(-sS --max-time 10 -o "$WORK/resp.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $API_KEY")
    [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
    curl "${args[@]}" "$APP$2"
}
status=$(api POST /api/categories "{\"slug\":\"$SLUG\",\"name\":\"Widgets\",\"description\":\"Posts written by tests/browser/run.sh.\"}")
[[ $status == 201 ]] || die "POST /api/categories answered $status: $(cat "$WORK/resp.json")"
post() { # post TITLE MINUTES_AGO: prints the new post's id
    local body
    body=$(TITLE="$1" WHEN="$(date -u -d "-$2 minutes" +%Y-%m-%dT%H:%M:%SZ)" SLUG="$SLUG" "$PY" -c '
import json, os
print(json.dumps({"title": os.environ["TITLE"], "summary": "<p>Excerpt of " + os.environ["TITLE"] + " <img src=x onerror=alert(2)></p>",
                  "content": "<p>Body</p>", "categories": [os.environ["SLUG"]], "publishedAt": os.environ["WHEN"]}))')
    status=$(api POST /api/posts "$body")
    [[ $status == 201 ]] || die "POST /api/posts answered $status: $(cat "$WORK/resp.json")"
    "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/resp.json"
}
post "$OLDER_TITLE" 180 >/dev/null
XSS_ID=$(post "$XSS_TITLE" 120)
post "$NORMAL_TITLE" 60 >/dev/null
log "category $SLUG with 3 posts (post $XSS_ID is titled $XSS_TITLE)"
# The pages are rendered per request, but the autodiscovered feeds come from the regeneration job: wait for them.
deadline=$(( $(now_ms) + 10000 ))
until curl -fsS --max-time 2 "$APP/feeds/$SLUG.json" 2>/dev/null | grep -qF 'Widget check'; do
    (( $(now_ms) < deadline )) || die "/feeds/$SLUG.json never showed the new posts"
    sleep 0.1
done

# ---------------------------------------------------------------------------- the host page, another origin
HOST_PORT=$(free_port)
HOST="http://127.0.0.1:$HOST_PORT"
mkdir -p "$WORK/host"
# Hostile CSS: everything red, serif and spaced, every div hidden, list items inline. None of it may reach the widgets.
cat >"$WORK/host/host.css" <<CSS
* { color: #d00 !important; font-family: serif !important; letter-spacing: 2px !important; text-transform: uppercase !important; }
div { display: none !important; }
li { display: inline !important; background: #ff0 !important; }
a { color: #0a0 !important; font-size: 28px !important; }
section { display: block; margin: 1rem 0; padding: 0.5rem; border: 2px dashed #999; max-width: 420px; }
CSS
# A strict CSP of the host's own: scripts and frames only from us, no inline style or script at all.
cat >"$WORK/host/host.html" <<HTML
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' $APP; frame-src $APP; style-src 'self'; img-src 'self' data:">
<title>Someone else's page</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="host.css">
</head>
<body>
<h1>Someone else's page</h1>
<p><a id="host-link" href="host.html">The host's own link</a>, styled by the host alone.</p>
<section id="one"><p>Widget, one post:</p>
<script src="$APP/embed/$SLUG.js" data-count="1" async></script>
</section>
<section id="two"><p>Widget, two posts with excerpts:</p>
<script src="$APP/embed/$SLUG.js" data-count="2" data-excerpt="true" async></script>
</section>
<section id="three"><p>Iframe:</p>
<iframe id="feedservice-frame" src="$APP/embed/$SLUG?count=3&amp;excerpt=true" title="Latest posts" width="400" height="330"></iframe>
</section>
</body>
</html>
HTML
# The same widget on a page with no CSP at all: there, markup that slipped through would run (and open a dialog).
cat >"$WORK/host/open.html" <<HTML
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>A page without CSP</title><link rel="icon" href="data:,"></head>
<body>
<h1>A page without CSP</h1>
<script src="$APP/embed/$SLUG.js" data-count="50" data-excerpt="true"></script>
<iframe id="feedservice-frame" src="$APP/embed/$SLUG?count=50&amp;excerpt=true" title="Latest posts" width="400" height="330"></iframe>
</body>
</html>
HTML
"$PY" -m http.server --bind 127.0.0.1 --directory "$WORK/host" "$HOST_PORT" >"$WORK/host.log" 2>&1 </dev/null &
HOST_PID=$!
deadline=$(( $(now_ms) + 10000 ))
until curl -fsS --max-time 2 -o /dev/null "$HOST/host.html" 2>/dev/null; do
    kill -0 "$HOST_PID" 2>/dev/null || die "the host page server exited"
    (( $(now_ms) < deadline )) || die "the host page server did not answer within 10 s"
    sleep 0.1
done
log "host page on $HOST/host.html"

# ---------------------------------------------------------------------------- W3C Nu Html Checker
# vnu.jar (npm's vnu-jar, run by the java that jing brings) on every kind of page we render, and the stylesheet.
# Post bodies are their authors' HTML: a skipped heading level in one is theirs to fix, not a defect of the page.
VNU="$HERE/node_modules/vnu-jar/build/dist/vnu.jar"
command -v java >/dev/null 2>&1 || die "java is not installed (it comes with jing: apt-get install jing)"
mkdir -p "$WORK/html"
for page in home:/ category:/categories/$SLUG demo-category:/categories/hm-probation-inspectorate "xss-post:/posts/$XSS_ID" \
            demo-post:/posts/9 iframe:/embed/$SLUG?count=3\&excerpt=true not-found:/posts/999999; do
    name=${page%%:*}; path=${page#*:}
    curl -sS --max-time 10 -H 'Accept: text/html' -o "$WORK/html/$name.html" "$APP$path" || die "GET $path failed"
done
curl -fsS --max-time 10 -o "$WORK/html/site.css" "$APP/assets/site.css" || die "GET /assets/site.css failed"
if ! timeout 180 java -jar "$VNU" --format gnu --also-check-css --filterpattern '.*skipping [0-9]+ heading level.*' \
        "$WORK"/html/*.html "$WORK/html/site.css" >"$WORK/vnu.out" 2>&1; then
    sed "s|$WORK/html/||" "$WORK/vnu.out" >&2
    die "the Nu Html Checker found errors in the pages"
fi
log "Nu Html Checker: $(ls "$WORK"/html | wc -l) documents valid ($(cd "$WORK/html" && echo *))"

# ---------------------------------------------------------------------------- Chromium
mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png
APP="$APP" HOST_PAGE="$HOST/host.html" OPEN_PAGE="$HOST/open.html" SLUG="$SLUG" XSS_TITLE="$XSS_TITLE" NORMAL_TITLE="$NORMAL_TITLE" OLDER_TITLE="$OLDER_TITLE" \
    XSS_POST="/posts/$XSS_ID" ARTIFACTS="$ARTIFACTS" CHROMIUM="$CHROMIUM" \
    timeout 240 node "$HERE/check.mjs" || die "the Chromium checks failed (screenshots in $ARTIFACTS)"

kill -0 "$APP_PID" 2>/dev/null || die "the app is no longer running"
log "screenshots: $ARTIFACTS"
log "done in $(awk -v a="$T0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b-a)/1e9}')s"
echo "browser: OK"
