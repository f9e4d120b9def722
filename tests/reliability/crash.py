"""crash.sh's driver: API writes and regenerations, SIGKILL at random moments, restart, check nothing was lost.

Each cycle: start the app, wait for its start-up regeneration, verify (every acknowledged post unchanged, every feed
file valid with matching .gz/.br and no temp file, every visible post in its category's feed or archive and in
"all"); then writers create and edit posts (and rename categories, which re-renders everything) until a random
moment when the process is killed with SIGKILL; then, before restarting, the database (a copy of its files as the
crash left them) must pass PRAGMA integrity_check and every document in feeds/ must still parse.
"""
import html
import json
import datetime as dt
import os
import random
import re
import shutil
import sqlite3
import sys
import threading
import time

from rel import App, arguments, check_feed_folder, fail, feed_ids, log, result

ap = arguments()
ap.add_argument("--kills", type=int, default=30)
ap.add_argument("--writers", type=int, default=3)
ap.add_argument("--seed", type=int, default=int(time.time()))
args = ap.parse_args()
rng = random.Random(args.seed)
log(f"seed {args.seed}, {args.kills} kills, {args.writers} writers")

CATEGORIES = ["crash-news", "crash-gov", "crash-tech"]
app = App(args.app_dir, args.work, settings={
    "Feeds:ItemsPerFeed": 20,                     # archive pages from the first cycles on: more files per run
    "Feeds:RegenerateCron": "0/2 * * * * ?",      # periodic runs on top of the ones writes trigger
    "RateLimits:WriteBurst": 100000,
    "RateLimits:WritesPerMinute": 1000000,
})

WEIRD = ["'; DROP TABLE posts;--", "\"quoted\" & <b>bold</b>", "\u05e9\u05dc\u05d5\u05dd RTL \u202e", "emoji \U0001F680\U0001F44D\U0001F3FD",
         "combining e\u0301\u0308", "tab\tand\u000bvt", "\u2028line\u2029sep", "\u00e9t\u00e9 na\u00efve", "back\\slash %s {0}"]

lock = threading.Lock()
ledger = {}      # id -> expected fields (acknowledged by 201/200)
pending = {}     # id -> fields of a PUT sent but not acknowledged (either version is acceptable after a crash)
counts = {"creates": 0, "updates": 0, "renames": 0, "errors": 0, "refused": 0}
problems = []


def new_fields(i):
    w = rng.choice(WEIRD)
    # Mostly "now" (the API's default), sometimes back-dated: a back-dated post reshuffles every archive page after it.
    when = dt.datetime.now(dt.timezone.utc) - (dt.timedelta(days=rng.uniform(0, 400)) if rng.random() < 0.03 else dt.timedelta(0))
    cats = rng.sample(CATEGORIES, rng.randint(1, 2))
    return {
        "title": f"Post {i} {w}".strip(),
        "summary": f"<p>Excerpt {i}: {w}</p>",
        "content": f"<p>Body of post {i}.</p><p>{w}</p>" + "<p>filler paragraph to make feeds bigger.</p>" * rng.randint(1, 20),
        "author": f"Author {rng.randrange(7)} {rng.choice(WEIRD)}",
        "categories": cats,
        "publishedAt": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "link": f"https://example.org/posts/{i}",
        "status": "draft" if rng.random() < 0.1 else "published",
    }


def writer(stop, n):
    k = 0
    while not stop.is_set():
        k += 1
        time.sleep(rng.uniform(0, 0.15))
        try:
            r = rng.random()
            with lock:
                ids = list(ledger)
            if r < 0.01:
                slug = rng.choice(CATEGORIES)
                status, _, _ = app.call("PUT", f"/api/categories/{slug}", {"name": f"{slug} renamed {k}", "description": "d"}, timeout=10)
                if status == 200:
                    counts["renames"] += 1
            elif r < 0.2 and ids:
                pid = rng.choice(ids)
                f = new_fields(f"{n}-{k}-edit")
                with lock:
                    pending[pid] = f
                status, _, body = app.call("PUT", f"/api/posts/{pid}", f, timeout=10)
                if status == 200:
                    with lock:
                        ledger[pid] = dict(f, guid=ledger[pid]["guid"])
                        pending.pop(pid, None)
                    counts["updates"] += 1
                else:
                    with lock:
                        pending.pop(pid, None)
                    counts["refused"] += 1
                    problems.append(f"PUT /api/posts/{pid} answered {status}: {body[:200]!r}")
            else:
                f = new_fields(f"{n}-{k}")
                status, _, body = app.call("POST", "/api/posts", f, timeout=10)
                if status == 201:
                    out = json.loads(body)
                    with lock:
                        ledger[out["id"]] = dict(f, guid=out["guid"])
                    counts["creates"] += 1
                else:
                    counts["refused"] += 1
                    problems.append(f"POST /api/posts answered {status}: {body[:200]!r}")
        except OSError:
            # The process was killed under this request: its outcome is unknown, and it was never acknowledged.
            counts["errors"] += 1
            time.sleep(0.05)
        except Exception as e:  # noqa: BLE001 - a bug in the driver must fail the run, not end a thread quietly
            problems.append(f"writer {n}: {e!r}")
            return


def parse_time(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def same_html(sent, stored):
    """HTML is sanitized at the door and stored as the sanitizer writes it: entities may be spelled differently and
    characters XML 1.0 forbids are gone, but the text is the same."""
    return html.unescape(stored) == html.unescape(XML_ILLEGAL.sub("", sent))


def same(expected, actual):
    return (actual["title"] == expected["title"] and same_html(expected["summary"], actual["summary"])
            and same_html(expected["content"], actual["content"]) and actual["author"] == expected["author"]
            and sorted(actual["categories"]) == sorted(set(expected["categories"])) and actual["status"] == expected["status"]
            and parse_time(actual["publishedAt"]) == parse_time(expected["publishedAt"])
            and actual["link"] == expected["link"] and actual["guid"] == expected["guid"])


def verify(cycle):
    """After a restart and its first regeneration: the ledger against the API, the feed files, feed membership."""
    stored = {}
    page = 1
    while True:
        status, _, body = app.call("GET", f"/api/posts?page={page}&pageSize=100")
        if status != 200:
            problems.append(f"cycle {cycle}: GET /api/posts answered {status}")
            return
        data = json.loads(body)
        for p in data["items"]:
            stored[p["id"]] = p
        if page * 100 >= data["total"]:
            break
        page += 1
    lost = changed = 0
    with lock:
        for pid, exp in list(ledger.items()):
            act = stored.get(pid)
            if act is None:
                lost += 1
                problems.append(f"cycle {cycle}: acknowledged post {pid} ({exp['title']!r}) is gone")
            elif not same(exp, act):
                alt = pending.pop(pid, None)
                if alt is not None and same(dict(alt, guid=exp["guid"]), act):
                    ledger[pid] = dict(alt, guid=exp["guid"])     # the unacknowledged edit landed: fine
                else:
                    changed += 1
                    problems.append(f"cycle {cycle}: post {pid} differs from what was acknowledged: {exp} vs {act}")
        pending.clear()
        snapshot = dict(ledger)
    p0 = len(problems)
    docs, _ = check_feed_folder(app.feeds, problems)
    invalid = len(problems) - p0
    now = dt.datetime.now(dt.timezone.utc)
    ids = {slug: set(feed_ids(app, slug)) for slug in CATEGORIES + ["all"]}
    missing = 0
    for pid, exp in snapshot.items():
        if exp["status"] != "published" or parse_time(exp["publishedAt"]) > now:
            continue
        for slug in set(exp["categories"]) | {"all"}:
            if exp["guid"] not in ids[slug]:
                missing += 1
                problems.append(f"cycle {cycle}: post {pid} is not in the {slug} feed or its archive after the start-up regeneration")
    totals["lost"] += lost
    totals["changed"] += changed
    totals["invalid_files"] += invalid
    totals["missing_from_feeds"] += missing
    totals["docs_checked"] += docs
    return len(snapshot)


def integrity_after_crash(cycle):
    """PRAGMA integrity_check on a copy of the database files exactly as the crash left them."""
    copy = os.path.join(args.work, "crash-copy")
    shutil.rmtree(copy, ignore_errors=True)
    os.makedirs(copy)
    for suffix in ("", "-wal"):
        if os.path.exists(app.db + suffix):
            shutil.copyfile(app.db + suffix, os.path.join(copy, "feedservice.db" + suffix))
    con = sqlite3.connect(os.path.join(copy, "feedservice.db"))
    try:
        verdict = con.execute("PRAGMA integrity_check").fetchall()
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()
    if verdict != [("ok",)] or fk:
        totals["integrity_failures"] += 1
        problems.append(f"cycle {cycle}: integrity_check {verdict[:5]}, foreign_key_check {fk[:5]}")


totals = {"lost": 0, "changed": 0, "invalid_files": 0, "missing_from_feeds": 0, "docs_checked": 0, "integrity_failures": 0,
          "midwrite_kills": 0, "torn_sets": 0}
catchup_ms = []
try:
    app.start()
    for slug in CATEGORIES:
        status, _, body = app.call("POST", "/api/categories", {"slug": slug, "name": slug, "description": "crash test"})
        if status != 201:
            raise RuntimeError(f"creating {slug}: {status} {body!r}")
    for cycle in range(1, args.kills + 1):
        stop = threading.Event()
        threads = [threading.Thread(target=writer, args=(stop, f"c{cycle}w{n}"), daemon=True) for n in range(args.writers)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.5, 4.0))
        app.kill()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        # As the crash left things: temp files are allowed (and tell that the kill landed mid-write), documents must parse.
        pre = []
        _, temps = check_feed_folder(app.feeds, pre, allow_temp=True, check_encodings=False)
        enc = []
        check_feed_folder(app.feeds, enc, allow_temp=True, check_encodings=True)
        totals["midwrite_kills"] += 1 if temps else 0
        totals["torn_sets"] += 1 if enc else 0
        for p in pre:
            problems.append(f"cycle {cycle}, before restart: {p}")
        totals["invalid_files"] += len(pre)
        integrity_after_crash(cycle)

        t0 = time.monotonic()
        app.start()
        status, health = app.wait_regenerated(0, timeout=120)
        catchup_ms.append((time.monotonic() - t0) * 1000)
        app.wait_folder_current()   # feeds/ is written from the documents in the background
        if status != 200 or health["lastRegeneration"].get("error"):
            problems.append(f"cycle {cycle}: after restart /healthz answered {status}: {health}")
        n = verify(cycle)
        log(f"kill {cycle}/{args.kills}: {n} acknowledged posts ({counts['creates']} creates, {counts['updates']} edits, "
            f"{counts['renames']} renames so far); temp files at the kill: {temps}; torn .gz/.br before restart: {len(enc)}; "
            f"restart to first regeneration {catchup_ms[-1]:.0f} ms; problems so far: {len(problems)}")
        if len(problems) > 200:
            break
    app.stop()
except Exception as e:  # noqa: BLE001
    problems.append(f"driver error: {e!r}")
    app.kill()

if counts["creates"] == 0:
    problems.append("no post was acknowledged: the run proved nothing")
ok = not problems
fail("crash", problems)
result("crash", status="pass" if ok else "fail", mode=os.environ.get("MODE", "?"), kills=args.kills,
       acked_posts=len(ledger), creates=counts["creates"], edits=counts["updates"], renames=counts["renames"],
       lost=totals["lost"], changed=totals["changed"], integrity_failures=totals["integrity_failures"],
       invalid_files=totals["invalid_files"], missing_from_feeds=totals["missing_from_feeds"],
       midwrite_kills=totals["midwrite_kills"], torn_sets_before_restart=totals["torn_sets"],
       restart_to_regenerated_ms_max=int(max(catchup_ms or [0])), seed=args.seed)
sys.exit(0 if ok else 1)
