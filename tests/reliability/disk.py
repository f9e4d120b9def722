"""disk.sh's driver: the feeds folder, then the database's folder, on a small tmpfs filled to the last byte.

Feeds full: only the static copy (feeds/) falls behind: readers get the new documents from memory with their new
validators (and 304s), /healthz answers 503 "degraded" with feedsFolder "behind" and the error, everything else keeps
working, no file in feeds/ is broken; once space is freed the folder catches up alone.
Database full: API writes answer 503 problem+json, reads keep working, nothing acknowledged is lost, and writes
succeed again once there is space (also after a restart).
"""
import errno
import json
import os
import sqlite3
import sys
import time

from rel import App, arguments, check_feed_folder, fail, log, result

ap = arguments()
ap.add_argument("--feeds-mount", required=True)
ap.add_argument("--db-mount", required=True)
ap.add_argument("--rounds", type=int, default=1)
args = ap.parse_args()
problems = []
figures = {}


def fill(folder):
    """Writes a filler file until the file system refuses a single byte more; returns its path and size."""
    path = os.path.join(folder, "filler.bin")
    written = 0
    with open(path, "ab", buffering=0) as f:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 512, 1):
            block = b"\0" * chunk
            while True:
                try:
                    f.write(block)
                    written += chunk
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    st = os.statvfs(folder)
    return path, os.path.getsize(path), st.f_bavail * st.f_frsize


def wait_for(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    t0 = time.monotonic()
    while time.monotonic() < deadline:
        v = predicate()
        if v:
            return v, time.monotonic() - t0
        time.sleep(0.1)
    problems.append(f"timed out after {timeout}s waiting for {what}")
    return None, timeout


def feed(app, name, headers=None):
    return app.call("GET", f"/feeds/{name}", key=None, headers=headers)


def post(app, i, size=200):
    return app.call("POST", "/api/posts", {"title": f"Disk post {i}", "content": "<p>" + "x" * size + "</p>",
                                             "categories": ["disk"], "summary": f"post {i}"})


def first_posts(app, count):
    """The category "disk" and its first count posts, all acknowledged; returns {id: title}."""
    s, _, b = app.call("POST", "/api/categories", {"slug": "disk", "name": "Disk"})
    assert s == 201, (s, b)
    ledger = {}
    for i in range(count):
        s, _, b = post(app, i)
        assert s == 201, (s, b)
        ledger[json.loads(b)["id"]] = f"Disk post {i}"
    return ledger


# ------------------------------------------------------------------------------------------------- feeds folder full
def feeds_full(round_no):
    app = App(args.app_dir, args.work, name=f"feeds-full-{round_no}", settings={"Feeds:RegenerateCron": "0/2 * * * * ?"})
    app.feeds = os.path.join(args.feeds_mount, f"round{round_no}")
    app.start()
    try:
        first_posts(app, 3)
        app.wait_regenerated(0)
        names = ["disk.rss", "disk.atom", "disk.json", "all.rss", "all.atom", "all.json"]
        _, t = wait_for("the three posts in disk.json", lambda: feed(app, "disk.json")[0] == 200 and b"Disk post 2" in feed(app, "disk.json")[2], 20)
        before = {}
        for n in names:
            s, h, body = feed(app, n)
            sg, hg, bodyg = feed(app, n, {"Accept-Encoding": "gzip"})
            before[n] = (h.get("etag"), body, hg.get("etag"), bodyg)
            if s != 200 or sg != 200:
                problems.append(f"feeds-full: /feeds/{n} answered {s}/{sg} before the disk was filled")
        filler, written, left = fill(app.feeds)
        log(f"feeds-full round {round_no}: filled the feeds tmpfs with {written} bytes ({left} bytes left)")

        s, _, b = post(app, 100)
        if s != 201:
            problems.append(f"feeds-full: a write with the feeds disk full answered {s}: {b[:200]!r}")
        (status_health, t_fail) = wait_for("/healthz to report the feeds folder behind", lambda: (lambda h: h if h[0] == 503 else None)(app.health()), 30)
        if status_health:
            code, h = status_health
            folder = h.get("feedsFolder") or {}
            err = folder.get("error") or ""
            figures["degraded_after_s"] = round(t_fail, 1)
            if h.get("status") != "degraded" or folder.get("status") != "behind" or "space" not in err.lower():
                problems.append(f"feeds-full: /healthz {code} {h}")
            if (h.get("lastRegeneration") or {}).get("error"):
                problems.append(f"feeds-full: the regeneration itself failed, though only the static copy is on the full disk: {h['lastRegeneration']}")
            log(f"feeds-full: /healthz 503 after {t_fail:.1f}s: {err}")
        wait_for("the folder's failure in the log",
                 lambda: "Writing the feeds folder" in open(app.log_path, encoding="utf-8", errors="replace").read(), 10)

        # Readers are served from memory, so the new post is in the feeds at once, with new validators that answer 304;
        # the rest of the site works.
        _, _ = wait_for("the post written while full in the served disk.json", lambda: b"Disk post 100" in feed(app, "disk.json")[2], 20)
        for n in names:
            etag, body, etag_gz, body_gz = before[n]
            s, h, got = feed(app, n)
            if s != 200 or h.get("etag") == etag or b"Disk post 100" not in got:
                problems.append(f"feeds-full: /feeds/{n} answered {s} with ETag {h.get('etag')} (before: {etag}) without the new post while the disk was full")
                continue
            s, _, _ = feed(app, n, {"If-None-Match": h.get("etag")})
            if s != 304:
                problems.append(f"feeds-full: If-None-Match on /feeds/{n} answered {s}")
            s, hg, _ = feed(app, n, {"Accept-Encoding": "gzip"})
            if s != 200 or hg.get("content-encoding") != "gzip":
                problems.append(f"feeds-full: gzip /feeds/{n} answered {s} {hg.get('content-encoding')}")
        for path in ["/", "/categories/disk", "/api/posts", "/api/categories", "/feeds.opml", "/embed/disk.js", "/openapi/v1.json"]:
            s, _, _ = app.call("GET", path, key=None)
            if s != 200:
                problems.append(f"feeds-full: GET {path} answered {s} while the feeds disk was full")
        s, _, b = post(app, 101)
        if s != 201:
            problems.append(f"feeds-full: a second write answered {s}")
        # The static copy is behind, never broken: each file whole (old or new), no temp file left.
        p0 = len(problems)
        check_feed_folder(app.feeds, problems, allow_temp=False, check_encodings=False)
        if len(problems) > p0:
            problems.append("feeds-full: the feeds folder holds a broken document or a temp file while full")

        # Free the space: the folder catches up by itself (retried with back-off), and health recovers.
        os.remove(filler)
        (ok, t_rec) = wait_for("recovery after freeing space", lambda: app.health()[0] == 200, 90)
        figures["recovered_after_s"] = round(t_rec, 1)
        for n in names:
            s, _, served = feed(app, n)
            on_disk = open(os.path.join(app.feeds, n), "rb").read() if os.path.exists(os.path.join(app.feeds, n)) else b""
            if served != on_disk:
                problems.append(f"feeds-full: after recovery feeds/{n} is not the served document")
        check_feed_folder(app.feeds, problems)
        log(f"feeds-full round {round_no}: the folder caught up {t_rec:.1f}s after the space was freed")
    finally:
        app.stop()


# ------------------------------------------------------------------------------------------------- database folder full
def db_full(round_no):
    app = App(args.app_dir, args.work, name=f"db-full-{round_no}")
    app.db = os.path.join(args.db_mount, f"round{round_no}", "feedservice.db")
    app.start()
    statuses = {}
    try:
        ledger = first_posts(app, 5)
        wait_for("disk.rss", lambda: feed(app, "disk.rss")[0] == 200 and b"Disk post 4" in feed(app, "disk.rss")[2], 20)
        filler, written, left = fill(os.path.dirname(app.db))
        log(f"db-full round {round_no}: filled the database tmpfs with {written} bytes ({left} bytes left)")
        refused = 0
        for i in range(10, 210):
            s, h, b = post(app, i, size=20_000)
            statuses[s] = statuses.get(s, 0) + 1
            if s == 201:
                ledger[json.loads(b)["id"]] = f"Disk post {i}"
            elif s == 503:
                refused += 1
                if not h.get("content-type", "").startswith("application/problem+json") or b"disk is full" not in b:
                    problems.append(f"db-full: the 503 is not the storage-full problem: {h.get('content-type')} {b[:200]!r}")
            else:
                problems.append(f"db-full: a write answered {s}: {b[:300]!r}")
            if refused >= 20:
                break
        if refused == 0:
            problems.append(f"db-full: no write was refused with 503 (statuses {statuses})")
        # Edits of an acknowledged post are refused the same way and change nothing.
        pid = next(iter(ledger))
        s, _, b = app.call("PUT", f"/api/posts/{pid}", {"title": "changed while full", "content": "<p>" + "y" * 20000 + "</p>", "categories": ["disk"]})
        statuses[s] = statuses.get(s, 0) + 1
        if s not in (200, 503):
            problems.append(f"db-full: an edit answered {s}: {b[:200]!r}")
        if s == 200:
            ledger[pid] = "changed while full"
        for path in ["/api/posts", "/feeds/disk.rss", "/", "/healthz"]:
            s2, _, _ = app.call("GET", path, key=None)
            if s2 not in (200,):
                problems.append(f"db-full: GET {path} answered {s2} while the database disk was full")
        log(f"db-full round {round_no}: write statuses while full: {statuses}")
        figures["db_write_statuses"] = "/".join(f"{k}x{v}" for k, v in sorted(statuses.items()))

        os.remove(filler)
        (ok, t_rec) = wait_for("a write to succeed after freeing space", lambda: post(app, 999)[0] == 201, 20)
        figures["db_recovered_after_s"] = round(t_rec, 1)
        app.stop()
        app.start()
        items = {}
        page = 1
        while True:
            data = json.loads(app.call("GET", f"/api/posts?page={page}&pageSize=100")[2])
            items.update({p["id"]: p["title"] for p in data["items"]})
            if page * 100 >= data["total"]:
                break
            page += 1
        lost = [pid for pid, title in ledger.items() if items.get(pid) != title]
        if lost:
            problems.append(f"db-full: acknowledged posts lost or changed after a restart: {lost[:10]}")
        figures["db_acked"] = len(ledger)
        figures["db_lost"] = len(lost)
        app.stop()
        con = sqlite3.connect(app.db)
        verdict = con.execute("PRAGMA integrity_check").fetchall()
        con.close()
        if verdict != [("ok",)]:
            problems.append(f"db-full: integrity_check {verdict[:5]}")
    finally:
        app.stop()


try:
    for r in range(1, args.rounds + 1):
        feeds_full(r)
        db_full(r)
except Exception as e:  # noqa: BLE001
    problems.append(f"driver error: {e!r}")

ok = not problems
fail("disk", problems)
result("disk", status="pass" if ok else "fail", mode=os.environ.get("MODE", "?"), rounds=args.rounds,
       feeds_degraded_after_s=figures.get("degraded_after_s"), feeds_recovered_after_s=figures.get("recovered_after_s"),
       db_write_statuses=figures.get("db_write_statuses"), db_recovered_after_s=figures.get("db_recovered_after_s"),
       db_acked=figures.get("db_acked"), db_lost=figures.get("db_lost"), problems=len(problems))
sys.exit(0 if ok else 1)
