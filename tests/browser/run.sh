#!/usr/bin/env bash
# Browser check: publish FeedService like tests/interop/run.sh does, run it on a free 127.0.0.1 port with a
# throw-away database and feeds folder, write two posts (one titled <img src=x onerror=alert(1)>), serve a host page
# from ANOTHER origin (python3 -m http.server on a second port) that embeds the script widget twice and the iframe
# widget once under a strict CSP and hostile CSS, and let headless Chromium (Debian's /usr/bin/chromium, driven by
# playwright-core: check.mjs) check the widgets, the iframe and our own pages. Screenshots go to $ARTIFACTS
# (default: artifacts/browser/ in the repository, which git ignores). Every page kind also goes through the W3C Nu
# Html Checker (vnu.jar from npm). Prints "browser: OK" on success.
# Needs: dotnet, node + npm; installs chromium, jing (for its java), curl and jq from Debian when missing.
# Env: CHROMIUM, ARTIFACTS, FEEDSERVICE_APP_DIR=<published app> skips the publish, KEEP_WORK=1 keeps the temp folder.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
HERE="$REPO/tests/browser"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ARTIFACTS=${ARTIFACTS:-$REPO/artifacts/browser}
SLUG=widgets
XSS_TITLE='<img src=x onerror=alert(1)>'
NORMAL_TITLE='Widget check: fish & chips, “quotes” and café'
OLDER_TITLE='An older post for the iframe'

# ---------------------------------------------------------------------------- prerequisites
for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed"
done
need_packages curl:curl jq:jq java:jing
[[ $CHROMIUM != /usr/bin/chromium ]] || need_packages chromium:chromium
[[ -x $CHROMIUM ]] || die "$CHROMIUM not found"
need_python   # the host page's server: python3 -m http.server
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

# ---------------------------------------------------------------------------- publish + start the app
publish_app
start_app "$WORK" FeedService:Demo:Seed=true
APP=$APP_BASE
wait_healthy
log "healthy"

# ---------------------------------------------------------------------------- content
api_expect 201 POST /api/categories "{\"slug\":\"$SLUG\",\"name\":\"Widgets\",\"description\":\"Posts written by tests/browser/run.sh.\"}"
post() { # post TITLE MINUTES_AGO: prints the new post's id
    api_expect 201 POST /api/posts "$(jq -nc --arg title "$1" --arg at "$(date -u -d "-$2 minutes" +%Y-%m-%dT%H:%M:%SZ)" --arg slug "$SLUG" '
        { title: $title, summary: ("<p>Excerpt of " + $title + " <img src=x onerror=alert(2)></p>"),
          content: "<p>Body</p>", categories: [$slug], publishedAt: $at }')"
    jq -r .id "$WORK/resp.json"
}
post "$OLDER_TITLE" 180 >/dev/null
XSS_ID=$(post "$XSS_TITLE" 120)
post "$NORMAL_TITLE" 60 >/dev/null
log "category $SLUG with 3 posts (post $XSS_ID is titled $XSS_TITLE)"
# The pages are rendered per request, but the autodiscovered feeds come from the regeneration job: wait for them.
wait_until 10 "new posts in /feeds/$SLUG.json" url_has "$APP/feeds/$SLUG.json" 'Widget check'

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
track_pid "$HOST_PID"
WAIT_PID=$HOST_PID wait_until 10 "the host page server answering" url_ok "$HOST/host.html"
log "host page on $HOST/host.html"

# ---------------------------------------------------------------------------- W3C Nu Html Checker
# vnu.jar (npm's vnu-jar, run by the java that jing brings) on every kind of page we render, and the stylesheet.
# Post bodies are their authors' HTML: a skipped heading level in one is theirs to fix, not a defect of the page.
VNU="$HERE/node_modules/vnu-jar/build/dist/vnu.jar"
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
log "done in $(elapsed_s)s"
echo "browser: OK"
