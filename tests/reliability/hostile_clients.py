"""hostile-clients.sh's driver: the published app against clients that try what they should not.

1. every POST/PUT/DELETE under /api (from /openapi/v1.json) answers 401 to a missing or wrong key;
2. a body over the limit gets 413 (with Content-Length and chunked);
3. SQL metacharacters and Unicode in every field come back intact through the API, and through the feeds with only
   the characters XML 1.0 forbids removed;
4. path tricks on every route with a slug or id answer 400/404 (405 for a wrong method), never 5xx, never a file
   outside feeds/ (a sentinel file is planted beside the feeds folder);
5. markup in titles, excerpts and content is inert on pages, in the widget and in the feeds;
6. page headers (CSP, nosniff, frame rules);
7. the write API answers 429 problem+json with Retry-After past its limit; so does WebSub subscribe when the hub exists.
"""
import html
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

from rel import App, arguments, fail, log, request, result

ap = arguments()
args = ap.parse_args()
problems = []
counts = {}


def count(k, n=1):
    counts[k] = counts.get(k, 0) + n


app = App(args.app_dir, args.work, name="clients", settings={"RateLimits:WriteBurst": 100000, "RateLimits:WritesPerMinute": 1000000})
SENTINEL = b"SENTINEL-OUTSIDE-FEEDS-7f3a"

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WEIRD = "'; DROP TABLE posts;-- \" OR 1=1 -- `x` \\ %s %% {0} \u202eRTL\u202c \u05e9\u05dc\u05d5\u05dd \U0001F680\U0001F469\u200d\U0001F4BB e\u0301\u0308 \u0007bell\u000bvt \u2028"
XSS_TITLE = "<script>alert('t')</script><img src=x onerror=alert(1)>"
XSS_HTML = "<p>ok</p><script>alert('c')</script><img src=x onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">j</a><iframe src=//evil></iframe><svg onload=alert(4)>"


def api_write_routes():
    doc = json.loads(app.call("GET", "/openapi/v1.json", key=None)[2])
    routes = []
    for path, ops in doc["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, op in ops.items():
            if method in ("post", "put", "delete"):
                media = next(iter(op.get("requestBody", {}).get("content", {"application/json": {}})))
                routes.append((method.upper(), path, media))
    return routes


def fill(path, slug="x-slug", pid="1"):
    return re.sub(r"\{(\w+)[^}]*\}", lambda m: slug if m.group(1) == "slug" else pid, path)


# ------------------------------------------------------------------------------------------------ 1. keys
def keys():
    routes = api_write_routes()
    count("write_routes", len(routes))
    if len(routes) < 11:
        problems.append(f"only {len(routes)} write routes in the OpenAPI document: {routes}")
    k = app.key
    wrong = [None, "", "Bearer", "Bearer " + k[:-1], "Bearer " + k + "x", "Bearer " + k[:1], "Bearer " + k.upper(), "Bearer " + k * 3,
             "Bearer " + "z" * 4096, "Basic " + k, k, "Bearer " + k[1:], "Bearer null", "Bearer ' OR '1'='1"]
    for method, path, media in routes:
        body = json.dumps({"slug": "x-slug", "name": "x", "title": "t", "content": "c", "categories": ["x-slug"], "url": "http://127.0.0.1:9/"}) \
            if "json" in media else '<opml version="2.0"><body><outline xmlUrl="http://127.0.0.1:9/f"/></body></opml>'
        for auth in wrong:
            headers = {"Content-Type": media}
            if auth is not None:
                headers["Authorization"] = auth
            s, h, b = request(app.base, method, fill(path), body=None if method == "DELETE" else body, headers=headers)
            count("key_probes")
            if s != 401 or "bearer" not in h.get("www-authenticate", "").lower():
                problems.append(f"{method} {path} with Authorization {auth!r:.40} answered {s} (WWW-Authenticate {h.get('www-authenticate')!r})")
    s, _, b = app.call("GET", "/api/sources", key=None)
    if b.strip() != b"[]":
        problems.append(f"a refused write left a source: {b[:200]!r}")


# ------------------------------------------------------------------------------------------------ 2. body size
def big_post(path, media, total, chunked):
    """Sends a body of total bytes (Content-Length, or chunked) and returns the status, or "closed" when the server cut
    the connection after refusing (it may stop reading as soon as the limit is passed)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Authorization", f"Bearer {app.key}")
        conn.putheader("Content-Type", media)
        conn.putheader("Transfer-Encoding", "chunked") if chunked else conn.putheader("Content-Length", str(total + 10 if "json" in media else total + 33))
        conn.endheaders()
        chunk = b"x" * 65536
        prefix = b'{"title":"' if "json" in media else b'<opml version="2.0"><head><title>'
        try:
            conn.send(b"%x\r\n%s\r\n" % (len(prefix), prefix) if chunked else prefix)
            for _ in range(total // len(chunk)):
                conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                conn.send(b"0\r\n\r\n")
        except OSError:
            pass
        try:
            return conn.getresponse().status
        except (OSError, http.client.HTTPException):
            return "closed"
    finally:
        conn.close()


def body_limits():
    size = 5 * 1024 * 1024
    for path, media in (("/api/posts", "application/json"), ("/api/categories", "application/json"), ("/api/sources/import", "text/x-opml")):
        for chunked in (False, True):
            status = big_post(path, media, size, chunked)
            count("oversize_probes")
            if status != 413:
                problems.append(f"POST {path} with a {size >> 20} MiB {'chunked ' if chunked else ''}body answered {status}, expected 413")
    # Just under the limit is still read (and judged on its content: a title over 500 characters is a 400).
    s, _, _ = app.call("POST", "/api/posts", body={"title": "x" * 600, "content": "y" * (3 * 1024 * 1024), "categories": ["nope"]})
    if s != 400:
        problems.append(f"a 3 MiB post answered {s}, expected 400 (read, then refused on its fields)")


# ------------------------------------------------------------------------------------------------ 3. metacharacters
def round_trip():
    cat = {"slug": "weird", "name": "Name " + WEIRD, "description": "Desc " + WEIRD}
    s, _, b = app.call("POST", "/api/categories", cat)
    if s != 201:
        problems.append(f"creating a category with odd characters answered {s}: {b[:200]!r}")
        return
    got = cat_got = json.loads(app.call("GET", "/api/categories/weird", key=None)[2])
    if got["name"] != cat["name"].strip() or got["description"] != cat["description"].strip():
        problems.append(f"category fields changed: {got['name']!r} vs {cat['name']!r}")
    post = {"title": "Title " + WEIRD.strip(), "summary": "<p>Summary " + html.escape(WEIRD) + "</p>", "content": "<p>Content " + html.escape(WEIRD) + "</p>",
            "author": "Author " + WEIRD.strip(), "categories": ["weird"], "link": "https://example.org/p?q=%27%3B+DROP+TABLE+posts%3B--&x=\u00e9"}
    s, _, b = app.call("POST", "/api/posts", post)
    if s != 201:
        problems.append(f"creating a post with odd characters answered {s}: {b[:300]!r}")
        return
    created = json.loads(b)
    got = json.loads(app.call("GET", f"/api/posts/{created['id']}", key=None)[2])
    for field in ("title", "author"):
        count("fields_round_tripped")
        if got[field] != post[field]:
            problems.append(f"post {field} came back as {got[field]!r}, sent {post[field]!r}")
    # HTML is sanitized at the door and stored as the sanitizer writes it: entities may be spelled
    # differently and characters XML 1.0 forbids are gone, but the text a reader sees is the same.
    for field in ("summary", "content"):
        count("fields_round_tripped")
        if html.unescape(got[field]) != html.unescape(XML_ILLEGAL.sub("", post[field])):
            problems.append(f"post {field} came back as {got[field]!r}, sent {post[field]!r}")
    if got["link"] != created["link"]:
        problems.append(f"post link changed: {got['link']!r}")
    # The posts table is still there, and so is everything else.
    s, _, b = app.call("GET", "/api/posts?category=weird", key=None)
    if s != 200 or json.loads(b)["total"] != 1:
        problems.append(f"GET /api/posts?category=weird answered {s}: {b[:200]!r}")
    # Feeds: intact but for the characters XML 1.0 forbids.
    expect_title = XML_ILLEGAL.sub("", post["title"])
    expect_author = XML_ILLEGAL.sub("", post["author"])
    expect_cat = XML_ILLEGAL.sub("", cat_got["name"])   # the API trims names (U+2028 at the end is white space)
    import time
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        s, _, body = app.call("GET", "/feeds/weird.json", key=None)
        if s == 200 and json.loads(body)["items"]:
            break
        time.sleep(0.2)
    jf = json.loads(body)
    item = jf["items"][0]
    if item["title"] != expect_title:
        problems.append(f"JSON Feed title {item['title']!r}, expected {expect_title!r}")
    if item.get("authors", [{}])[0].get("name") != expect_author:
        problems.append(f"JSON Feed author {item.get('authors')!r}, expected {expect_author!r}")
    if expect_cat not in item.get("tags", []):
        problems.append(f"JSON Feed tags {item.get('tags')!r} lack {expect_cat!r}")
    for ext in ("rss", "atom"):
        s, _, body = app.call("GET", f"/feeds/weird.{ext}", key=None)
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            problems.append(f"/feeds/weird.{ext} is not well-formed XML: {e}")
            continue
        texts = {"".join(e.itertext()) for e in root.iter() if e.tag.split("}")[-1] in ("title", "name", "creator", "category")}
        texts |= {e.get("label") for e in root.iter() if e.tag.split("}")[-1] == "category"}
        for expect in (expect_title, expect_author, expect_cat):
            count("feed_fields_checked")
            if expect not in texts:
                problems.append(f"/feeds/weird.{ext} lacks {expect!r}")


# ------------------------------------------------------------------------------------------------ 4. path tricks
def path_tricks():
    # A file beside feeds/ that no URL may reach, and one in the feeds folder's parent's parent.
    parent = os.path.dirname(app.feeds)
    for name in ("secret.rss", "secret.json", "secret.atom", "all.rss"):
        with open(os.path.join(parent, name), "wb") as f:
            f.write(SENTINEL)
    tricks = ["..", "%2e%2e", "..%2F..%2Fsecret.rss", "%2e%2e%2fsecret.rss", "..%2fsecret.rss", "%2F", "%2Fetc%2Fpasswd", "..%5csecret.rss",
              "....//secret.rss", ".%2e/secret.rss", "%252e%252e%252fsecret.rss", "9" * 40, "-1", "0", "00001", "1e3", "0x10",
              "caf%C3%A9", "%E2%80%AE", "%F0%9F%9A%80", "%00", "a%00.rss", "all.rss%00.json", "a" * 5000, "%C0%AE%C0%AE", "CON", "all.rss.", "ALL.RSS",
              "all.rss.gz", "all.rss.br", ".all.rss.tmp", "all..rss", "%20", "weird%2F..%2F..%2Fsecret"]
    templates = ["/feeds/{x}", "/feeds/{x}.rss", "/feeds/archive/{x}/1.rss", "/feeds/archive/all/{x}", "/feeds/archive/{x}/{x}",
                 "/categories/{x}", "/posts/{x}", "/embed/{x}.js", "/embed/{x}", "/api/categories/{x}", "/api/posts/{x}",
                 "/api/sources/{x}", "/api/posts?category={x}", "/categories/weird?page={x}", "/embed/all?count={x}",
                 "/websub/callback/{x}", "/assets/{x}"]
    writes = [("PUT", "/api/categories/{x}", {"name": "n"}), ("DELETE", "/api/categories/{x}", None), ("PUT", "/api/posts/{x}", {"title": "t"}),
              ("DELETE", "/api/posts/{x}", None), ("DELETE", "/api/sources/{x}", None), ("POST", "/api/sources/{x}/poll", None),
              ("POST", "/websub/callback/{x}", "<rss/>")]
    probes = [("GET", t, None) for t in templates] + [("HEAD", t, None) for t in templates[:9]] + writes
    for method, template, body in probes:
        for x in tricks:
            if method in ("PUT", "DELETE", "POST") and x in ("00001", "..", "%2e%2e"):
                continue   # these name real things (post 1, the collection): not a trick for a write
            path = template.replace("{x}", x)
            try:
                s, h, b = app.call(method, path, body=body, headers={"Accept": "text/html" if "posts/" in template else "*/*"})
            except OSError as e:
                problems.append(f"{method} {path[:80]}: connection failed: {e}")
                continue
            count("path_probes")
            # A whole ".." segment is removed by the server before routing (RFC 3986 5.2.4): "/feeds/.." is "/", the home
            # page. Query parameters and assets have answers of their own for odd values; "00001" is the number 1.
            may_succeed = x in ("..", "%2e%2e", "00001") or "?" in template or template.startswith("/assets/")
            if s >= 500 or (s in (200, 201, 204) and not may_succeed):
                problems.append(f"{method} {path[:100]} answered {s}")
            if s not in (400, 404, 405, 200, 304, 401, 414, 431) and not (s == 410 and template.startswith("/websub/callback/")):
                problems.append(f"{method} {path[:100]} answered an unexpected {s}")
            if SENTINEL in b:
                problems.append(f"{method} {path[:100]} served a file outside feeds/")
    # Raw (unnormalised) traversal on the socket, as a hostile client sends it.
    for raw in ["/feeds/../secret.rss", "/feeds/archive/../../secret.rss", "/feeds/./../secret.json", "/feeds//../secret.atom", "/feeds/archive/all/../../../secret.rss"]:
        s, _, b = app.call("GET", raw, key=None)
        count("path_probes")
        if s >= 500 or SENTINEL in b:
            problems.append(f"GET {raw} answered {s} {'with the sentinel' if SENTINEL in b else ''}")
    s, _, b = app.call("GET", "/api/categories/weird", key=None)
    if s != 200:
        problems.append("the category 'weird' did not survive the path tricks")


# ------------------------------------------------------------------------------------------------ 5. markup inert
def markup_inert():
    s, _, b = app.call("POST", "/api/categories", {"slug": "xss", "name": "XSS <b onmouseover=alert(5)>cat</b>", "description": "<script>alert(6)</script>"})
    if s != 201:
        problems.append(f"creating the xss category answered {s}")
        return
    s, _, b = app.call("POST", "/api/posts", {"title": XSS_TITLE, "summary": XSS_HTML, "content": XSS_HTML, "author": "<script>alert(7)</script>",
                                             "categories": ["xss"]})
    if s != 201:
        problems.append(f"creating the xss post answered {s}: {b[:200]!r}")
        return
    pid = json.loads(b)["id"]
    import time
    time.sleep(0.5)
    for _ in range(100):
        if app.call("GET", "/feeds/xss.json", key=None)[0] == 200:
            break
        time.sleep(0.2)

    def live_markup(text):
        """Markup a browser would run or load, found by parsing the HTML as a browser would (attribute values and text
        are data, not markup): script elements, event-handler attributes, javascript: URLs, frames, objects, SVG."""
        from html.parser import HTMLParser
        found = []

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag in ("script", "iframe", "object", "embed", "svg", "frame", "base", "form"):
                    found.append(f"<{tag}>")
                for name, value in attrs:
                    if name.startswith("on"):
                        found.append(f"<{tag} {name}=...>")
                    if name in ("href", "src", "action", "formaction", "xlink:href") and value and value.strip().lower().startswith(("javascript:", "vbscript:", "data:text/html")):
                        found.append(f"<{tag} {name}={value[:40]!r}>")
        P().feed(text)
        return found

    # The detector itself: it must see what it looks for, and not what is only text.
    assert live_markup('<p><img src=x onerror="alert(1)"></p>') and live_markup("<a href=' javascript:x'>") and live_markup("<script>x</script>")
    assert not live_markup('<p title="&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;</p>')
    for path in ["/", f"/posts/{pid}", "/categories/xss", "/embed/xss", "/embed/xss?excerpt=true"]:
        s, h, b = app.call("GET", path, key=None, headers={"Accept": "text/html"})
        text = b.decode("utf-8", "replace")
        count("inert_checks")
        bad = live_markup(text)
        if s != 200 or bad:
            problems.append(f"GET {path} ({s}) has live markup: {bad}")
        if "alert('t')" in text and "&lt;script&gt;alert(" not in text and "&lt;script&gt;alert(&#39;t&#39;)" not in text:
            problems.append(f"GET {path}: the title is not shown as escaped text")
    s, h, b = app.call("GET", "/embed/xss.js", key=None)
    text = b.decode("utf-8", "replace")
    count("inert_checks")
    if "<script" in text.lower() or "<img" in text.lower() or "</" in text or "innerHTML" in text:
        problems.append("the widget script carries raw markup or uses innerHTML")
    # Feeds: titles are text (escaped in XML), HTML is sanitized before it is embedded.
    for ext in ("rss", "atom"):
        s, _, body = app.call("GET", f"/feeds/xss.{ext}", key=None)
        root = ET.fromstring(body)
        for e in root.iter():
            tag = e.tag.split("}")[-1]
            value = "".join(e.itertext())
            # HTML-bearing fields; titles and the channel description are text (RSS 2.0, and Atom type="text").
            if tag in ("encoded", "content", "summary") or (tag == "description" and any(e is d for i in root.iter("item") for d in i)):
                count("inert_checks")
                bad = live_markup(value)
                if bad:
                    problems.append(f"/feeds/xss.{ext} <{tag}> carries live markup after unescaping: {bad}: {value[:200]!r}")
    jf = json.loads(app.call("GET", "/feeds/xss.json", key=None)[2])
    for item in jf["items"]:
        count("inert_checks")
        bad = live_markup(item.get("content_html", ""))
        if bad:
            problems.append(f"/feeds/xss.json content_html carries live markup: {bad}")


# ------------------------------------------------------------------------------------------------ 6. headers
def headers():
    s, _, b = app.call("GET", "/api/posts?category=weird", key=None)
    pid = json.loads(b)["items"][0]["id"]
    for path in ["/", "/categories/weird", f"/posts/{pid}", "/posts/999999", "/categories/nope"]:
        s, h, _ = app.call("GET", path, key=None, headers={"Accept": "text/html"})
        csp = h.get("content-security-policy", "")
        count("header_checks")
        missing = [d for d in ("default-src", "script-src 'none'", "frame-ancestors 'none'", "base-uri", "object-src 'none'") if d not in csp and not (d == "object-src 'none'" and "default-src 'self'" in csp)]
        if missing or h.get("x-content-type-options") != "nosniff" or h.get("x-frame-options", "").upper() != "DENY":
            problems.append(f"GET {path} ({s}) headers: CSP {csp!r} lacks {missing}; nosniff {h.get('x-content-type-options')!r}; X-Frame-Options {h.get('x-frame-options')!r}")
        if "referrer-policy" not in h:
            problems.append(f"GET {path}: no Referrer-Policy")
    s, h, _ = app.call("GET", "/embed/weird", key=None)
    count("header_checks")
    if "frame-ancestors *" not in h.get("content-security-policy", "") or "script-src" in h.get("content-security-policy", "") and "'none'" not in h.get("content-security-policy", "") \
            or h.get("x-content-type-options") != "nosniff":
        problems.append(f"the iframe widget's headers: {h.get('content-security-policy')!r} nosniff={h.get('x-content-type-options')!r}")
    s, h, _ = app.call("GET", "/embed/weird.js", key=None)
    count("header_checks")
    if h.get("x-content-type-options") != "nosniff" or not h.get("content-type", "").startswith("text/javascript"):
        problems.append(f"GET /embed/weird.js: Content-Type {h.get('content-type')!r}, X-Content-Type-Options {h.get('x-content-type-options')!r}")


# ------------------------------------------------------------------------------------------------ 7. rate limits
def rate_limits():
    tight = App(args.app_dir, args.work, name="clients-limited", settings={"RateLimits:WriteBurst": 20, "RateLimits:WritesPerMinute": 60})
    tight.start()
    try:
        statuses = []
        retry = None
        for i in range(40):
            s, h, b = tight.call("POST", "/api/categories", {"slug": f"rl-{i}", "name": "r"})
            statuses.append(s)
            if s == 429 and retry is None:
                retry = h.get("retry-after")
                if not h.get("content-type", "").startswith("application/problem+json"):
                    problems.append(f"the 429 is {h.get('content-type')}, not problem+json")
        ok, limited = statuses.count(201), statuses.count(429)
        counts["write_burst_ok"], counts["write_burst_429"] = ok, limited
        if not (18 <= ok <= 22 and limited >= 18 and retry and int(retry) >= 1):
            problems.append(f"40 writes against a burst of 20: {ok} created, {limited} refused, Retry-After {retry!r}")
        # Wrong keys from one address are limited too.
        wrong = [tight.call("POST", "/api/posts", {"title": "x"}, key=f"guess-{i}-0123456789abcdef")[0] for i in range(30)]
        if 429 not in wrong:
            problems.append(f"30 wrong-key writes from one address were never limited: {sorted(set(wrong))}")
        # Reads are not limited.
        reads = {tight.call("GET", "/api/categories", key=None)[0] for _ in range(60)}
        if reads != {200}:
            problems.append(f"reads answered {reads}")
        # WebSub subscribe, when the built-in hub is there (another change adds it).
        form = "hub.mode=subscribe&hub.topic=" + tight.base + "/feeds/all.rss&hub.callback=http://127.0.0.1:9/cb"
        first = tight.call("POST", "/websub", body=form, key=None, headers={"Content-Type": "application/x-www-form-urlencoded"})[0]
        if first in (404, 405):
            counts["websub_limit"] = "absent"
        else:
            seen = [tight.call("POST", "/websub", body=form, key=None, headers={"Content-Type": "application/x-www-form-urlencoded"})[0] for _ in range(300)]
            counts["websub_limit"] = "429" if 429 in seen else "none"
            if 429 not in seen:
                problems.append(f"300 WebSub subscribe requests from one address were never limited: {sorted(set(seen))}")
    finally:
        tight.stop()


try:
    app.start()
    for step in (keys, body_limits, round_trip, path_tricks, markup_inert, headers, rate_limits):
        before = len(problems)
        step()
        log(f"{step.__name__}: {len(problems) - before} problems")
    if not app.alive():
        problems.append("the app died")
    logged = open(app.log_path, encoding="utf-8", errors="replace").read()
    unhandled = logged.count("An unhandled exception has occurred")
    counts["unhandled_exceptions"] = unhandled
    if unhandled:
        problems.append(f"{unhandled} unhandled exceptions in the app's log")
    app.stop()
except Exception as e:  # noqa: BLE001
    import traceback
    traceback.print_exc()
    problems.append(f"driver error: {e!r}")
    app.kill()

ok = not problems
fail("hostile-clients", problems)
result("hostile-clients", status="pass" if ok else "fail", mode=os.environ.get("MODE", "?"), **counts, problems=len(problems))
sys.exit(0 if ok else 1)
