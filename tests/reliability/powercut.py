"""powercut.sh's driver: the published app on lossyfs, writers posting, the power cut at a random moment, the checks.

Each cut: mount lossyfs (a FUSE filesystem that keeps every write not fsynced in memory only), start the app with its
database and feeds/ on it, create posts from several writers and record every 201, then at a random moment SIGKILL
the app and unmount: only what was made durable is left. Before the app starts again, the files must be whole (every
feed document parses and its .gz/.br decode to it, the generated API key is intact, PRAGMA integrity_check is ok,
every migration is recorded); after it starts, every acknowledged post is there with its guid and title, and a new
post takes an id above every id ever acknowledged.

The first cut of a run comes right after the first start (the schema and the generated key must already be durable).
With --synchronous Normal the run is the control: it must lose acknowledged posts (else the filesystem did not cut
anything), and even then no id may be handed out twice.
"""
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rel import App, arguments, check_feed_folder, fail, log, result, track_pid  # noqa: E402

ap = arguments()
ap.add_argument("--lossyfs", required=True)
ap.add_argument("--meta", choices=["lazy", "eager"], default="lazy")
ap.add_argument("--cuts", type=int, default=3)
ap.add_argument("--writers", type=int, default=4)
ap.add_argument("--synchronous", choices=["Full", "Normal"], default="Full")
ap.add_argument("--seed", type=int, default=int(time.time()))
args = ap.parse_args()
rng = random.Random(args.seed)
control = args.synchronous == "Normal"
name = f"powercut-{args.meta}-{args.synchronous.lower()}"
log(f"{name}: seed {args.seed}, {args.cuts} cuts, {args.writers} writers")

backing = os.path.join(args.work, f"{name}-backing")
mnt = os.path.join(args.work, f"{name}-mnt")
os.makedirs(backing, exist_ok=True)
os.makedirs(mnt, exist_ok=True)
CATEGORIES = ["cut-news", "cut-gov"]

app = App(args.app_dir, args.work, name=name, create_folders=False, settings={
    "Storage:Synchronous": args.synchronous,
    "Feeds:ItemsPerFeed": 20,
    "RateLimits:Enabled": "false",
})
# Everything the app writes lives on the mount; the folders are created by the app itself, durably.
app.db = os.path.join(mnt, "data", "feedservice.db")
app.feeds = os.path.join(mnt, "feeds")
app.key = None
key_file = os.path.join(mnt, "data", "api-key")
_MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "FeedService", "Storage", "Migrations")
# Shared scripts, and SQLite's own where it has one of the same number.
MIGRATIONS = len({f[:4] for d in ("Shared", "Sqlite") for f in os.listdir(os.path.join(_MIGRATIONS_DIR, d)) if f.endswith(".sql")})

problems = []
acknowledged = {}      # id -> (guid, title), from 201s
highest_id = 0
figures = {"cuts": 0, "acknowledged": 0, "lost": 0, "lost_categories": 0, "bytes_dropped": 0, "feed_files_checked": 0, "reused_ids": 0}
fs = None


def mount(cut):
    global fs
    stats = os.path.join(args.work, f"{name}-stats-{cut}.json")
    logf = open(os.path.join(args.work, f"{name}-lossyfs.log"), "ab")
    fs = subprocess.Popen([args.lossyfs, backing, mnt, f"--meta={args.meta}", f"--stats={stats}"], stdout=logf, stderr=subprocess.STDOUT)
    logf.close()
    track_pid(args.work, fs.pid)
    deadline = time.monotonic() + 20
    while subprocess.run(["mountpoint", "-q", mnt]).returncode != 0:
        if fs.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"lossyfs did not mount {mnt}; see {name}-lossyfs.log")
        time.sleep(0.05)
    return stats


def cut(stats):
    """The power cut: the app dies at once, then the filesystem keeps only what was made durable."""
    app.kill()
    subprocess.run(["fusermount3", "-u", mnt], check=True)
    fs.wait(timeout=60)
    if fs.returncode != 0:
        raise RuntimeError(f"lossyfs exited with {fs.returncode} while writing the durable state")
    dropped = json.load(open(stats))
    figures["bytes_dropped"] += dropped.get("bytes_lost", 0)
    return dropped


def write_posts(stop, lock, r):
    """One writer: posts until the cut, recording each 201 (a request cut short is not acknowledged)."""
    while not stop.is_set():
        title = f"Cut post {r.randrange(1 << 40):x}"
        body = {"title": title, "content": f"<p>{title}</p>" + "<p>filler for the feeds.</p>" * r.randint(1, 8),
                "categories": r.sample(CATEGORIES, r.randint(1, 2))}
        try:
            status, _, payload = app.call("POST", "/api/posts", body, key=app.key, timeout=10)
        except OSError:
            continue
        if status == 201:
            post = json.loads(payload)
            with lock:
                acknowledged[post["id"]] = (post["guid"], title)


def wait_for_file(path, timeout=30):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} never appeared")
        time.sleep(0.05)
    return open(path).read()


def check_files_as_the_cut_left_them(cut_no, key_before):
    """Reads the remounted filesystem before the app touches it."""
    docs, _ = check_feed_folder(app.feeds, problems, allow_temp=True)
    figures["feed_files_checked"] += docs
    if key_before is not None:
        key_after = open(key_file).read() if os.path.exists(key_file) else None
        if key_after != key_before:
            problems.append(f"cut {cut_no}: data/api-key is {key_after!r} after the cut, {key_before!r} before")
    copy = os.path.join(args.work, f"{name}-copy")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(os.path.join(mnt, "data"), copy)
    with sqlite3.connect(os.path.join(copy, "feedservice.db")) as c:
        integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
        migrations = c.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
    if integrity != "ok":
        problems.append(f"cut {cut_no}: integrity_check says {integrity}")
    if migrations != MIGRATIONS:
        problems.append(f"cut {cut_no}: {migrations} of {MIGRATIONS} migrations recorded after the cut")
    return docs


def check_after_restart(cut_no):
    global highest_id
    lost = []
    for slug in CATEGORIES:   # acknowledged with 201 at the first start
        if app.call("GET", f"/api/categories/{slug}", key=None)[0] == 200:
            continue
        figures["lost_categories"] += 1
        if not control:
            problems.append(f"cut {cut_no}: category {slug} was lost")
        s, _, b = app.call("POST", "/api/categories", {"slug": slug, "name": slug}, key=app.key)
        if s != 201:
            raise RuntimeError(f"creating {slug} again answered {s}: {b[:200]!r}")
    for post_id, (guid, title) in sorted(acknowledged.items()):
        status, _, payload = app.call("GET", f"/api/posts/{post_id}", key=app.key)
        if status != 200:
            lost.append(post_id)
            continue
        post = json.loads(payload)
        if (post["guid"], post["title"]) != (guid, title):
            problems.append(f"cut {cut_no}: post {post_id} came back as {post['guid']} {post['title']!r}, acknowledged as {guid} {title!r}")
    figures["lost"] += len(lost)
    if lost and not control:
        problems.append(f"cut {cut_no}: {len(lost)} acknowledged posts lost: {lost[:20]}")
    if acknowledged:
        highest_id = max(highest_id, max(acknowledged))
    status, _, payload = app.call("POST", "/api/posts", {"title": f"After cut {cut_no}", "content": "<p>after</p>", "categories": CATEGORIES[:1]}, key=app.key)
    if status != 201:
        problems.append(f"cut {cut_no}: a post after the restart answered {status}: {payload[:200]!r}")
        return lost
    after = json.loads(payload)
    new_id = after["id"]
    # The regeneration that write asks for publishes it, the whole path working again on what the cut left.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and after["guid"].encode() not in app.call("GET", f"/feeds/{CATEGORIES[0]}.json", key=None)[2]:
        time.sleep(0.1)
    if time.monotonic() >= deadline:
        problems.append(f"cut {cut_no}: the post written after the restart never reached /feeds/{CATEGORIES[0]}.json")
    if new_id <= highest_id:
        figures["reused_ids"] += 1
        problems.append(f"cut {cut_no}: the post after the restart took id {new_id}, not above {highest_id}, the highest id acknowledged before")
    highest_id = max(highest_id, new_id)
    for post_id in lost:
        acknowledged.pop(post_id)   # the control run: lost for good, not to be counted again
    return lost


key_before = None
for cut_no in range(args.cuts):
    stats = mount(cut_no)
    if cut_no > 0:
        check_files_as_the_cut_left_them(cut_no, key_before)
    app.start(timeout=120)
    if cut_no == 0:
        # No key configured: the first start generates data/api-key, which must survive every cut from the first on.
        app.key = wait_for_file(key_file).strip()
        key_before = open(key_file).read()
        for slug in CATEGORIES:
            s, _, b = app.call("POST", "/api/categories", {"slug": slug, "name": slug}, key=app.key)
            if s != 201:
                raise RuntimeError(f"creating {slug} answered {s}: {b[:200]!r}")
        # Cut right after the first start: the schema, the key and the categories must be on disk already.
        log("cut 0: right after the first start")
        cut(stats)
        figures["cuts"] += 1
        continue
    check_after_restart(cut_no)
    stop, lock = threading.Event(), threading.Lock()
    before = len(acknowledged)
    writers = [threading.Thread(target=write_posts, args=(stop, lock, random.Random(rng.random())), daemon=True) for _ in range(args.writers)]
    for w in writers:
        w.start()
    time.sleep(rng.uniform(2.0, 5.0))
    dropped = cut(stats)
    stop.set()
    for w in writers:
        w.join(timeout=30)
    figures["cuts"] += 1
    figures["acknowledged"] = len(acknowledged)
    log(f"cut {cut_no}: {len(acknowledged) - before} posts acknowledged in this round; the cut dropped {dropped.get('bytes_lost')} bytes "
        f"in {dropped.get('files_with_lost_data')} files and reverted {dropped.get('entries_reverted')} names")

# The last cut is checked like the others, then the app stops for good.
stats = mount(args.cuts)
check_files_as_the_cut_left_them(args.cuts, key_before)
app.start(timeout=120)
check_after_restart(args.cuts)
app.stop()
subprocess.run(["fusermount3", "-u", mnt], check=True)
fs.wait(timeout=60)

if control and figures["lost"] + figures["lost_categories"] == 0:
    problems.append("the control run (synchronous=Normal) lost no acknowledged post: the cuts did not drop what they should, so the other runs prove nothing")
status = "pass" if not problems else "fail"
result(name, status=status, meta=args.meta, synchronous=args.synchronous, **figures)
if problems:
    fail(name, problems)
    sys.exit(1)
log(f"{name}: {figures['cuts']} cuts, {figures['acknowledged']} posts acknowledged, {figures['lost']} lost"
    + (" (the control: expected)" if control else "") + f", {figures['feed_files_checked']} feed files whole, no id reused")
