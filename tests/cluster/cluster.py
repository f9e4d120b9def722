"""run.sh's driver: three FeedService nodes on one PostgreSQL database, checked to behave as one service.

node1 and node2 are Web,Worker, node3 is Web only; all three render the same public base URL (what a load balancer in
front of them would be), so that every node can and must serve the same bytes. Around them run a feed server (200 RSS
feeds on 20 loopback hosts, feedserver.py) and a WebSub subscriber (subscriber.py), both threads of this process.

Phases, in order: posts through every node (visibility and identical documents), a polling round (each source
fetched once, one request at a time per host), node1 killed in the middle of a round and of a delivery storm (nothing
acknowledged lost, its work finished by the others), then the logs (each cron fire ran on one node, none on node3).
Every wait is bounded; every problem found is a line on stderr and makes the run fail.
"""
import hashlib
import http.client
import json
import os
import random
import re
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

# rel.py (App, request helpers, PID tracking) is tests/reliability's library; subscriber.py imports it too.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reliability"))
from rel import App, arguments, fail, free_port, log, percentile, request, result  # noqa: E402
from feedserver import FeedServer  # noqa: E402
from subscriber import Subscriber, item_ids  # noqa: E402

ap = arguments()
ap.add_argument("--mode", choices=["short", "full"], default="short")
ap.add_argument("--connection-string", required=True)
ap.add_argument("--api-key", required=True)
ap.add_argument("--seed", type=int, default=int(time.time()))
args = ap.parse_args()
FULL = args.mode == "full"
rng = random.Random(args.seed)

# Sizes: short is what CI runs (under 5 minutes with the publish on 2 cores); full writes more and measures throughput.
SEQUENTIAL_POSTS = 9 if FULL else 6            # one at a time, round robin over the nodes: latency without contention
CONCURRENT_POSTS = 30 if FULL else 6           # per writer thread, one thread per node
BURST_POSTS = 30 if FULL else 10               # per writer thread during the failover
VISIBLE_WITHIN = 1.0                           # a post must be in every node's feeds this long after its 201
VISIBLE_WAIT = 3.0                             # how long a post is watched for before it counts as not visible
RECOVER_WAIT = 120 if FULL else 90             # how long the survivors get to finish the killed node's work
SETTLE = 5.0                                   # after a round: two more polling ticks, for late double fetches
FAST_DELAY, SLOW_DELAY = 0.2, 0.4              # the feed server's answer delay: normal rounds, the failover round

SITE = "http://feeds.cluster.test"
POST_CATEGORIES = ["news", "gov", "tech", "misc"]
SOURCE_CATEGORIES = ["agg-a", "agg-b", "agg-c", "agg-d"]
HOSTS = [f"127.0.0.{i}" for i in range(2, 22)]
FEEDS_PER_HOST = 10
IDENTICAL_URLS = ["/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json", "/feeds/news.atom", "/feeds/news.rss", "/feeds/news.json"]
JOB_LINE = re.compile(r"Job (\S+) fired by trigger (\S+) scheduled (\S+) on node (\S+) \(fire (\S+)\)")
CRON_TRIGGER = re.compile(r"periodically|poll-due-sources")

problems = []
lock = threading.Lock()
posts = {}                 # guid -> {"category", "node", "acked"}: every post acknowledged with 201
figures = {}


def problem(text):
    """A failed check: listed on stderr at the end (rel.fail), and the run fails."""
    with lock:
        problems.append(text)


# ---------------------------------------------------------------------------- the nodes
common = {
    "Storage:Provider": "Postgres",
    "Storage:ConnectionString": args.connection_string,
    "Site:BaseUrl": SITE,
    "Feeds:RegenerateCron": "0/2 * * * * ?",       # a periodic regeneration every 2 s: many fires to find duplicates in
    "Aggregation:PollCron": "1/2 * * * * ?",       # a polling run every 2 s, between the regenerations
    "Feeds:ItemsPerFeed": 100,                     # every post of the run stays in its category's current documents
    "RateLimits:WriteBurst": 100000,               # the test writes far faster than a person
    "RateLimits:WritesPerMinute": 1000000,
    "WebSub:FirstRetryDelay": "00:00:01",          # a failed delivery is retried within the run
    # How long a dead worker's claim on a source holds it (the clustering's setting, 5 s to 1 h; builds without it
    # ignore the key): short, so that the failover is over within RECOVER_WAIT.
    "Aggregation:ClaimLease": "00:00:10",
}
nodes = [App(args.app_dir, args.work, name=f"node{i}", key=args.api_key, settings=dict(
    common, **{"Roles": roles, "Cluster:NodeName": f"node{i}"})) for i, roles in ((1, "Web,Worker"), (2, "Web,Worker"), (3, "Web"))]
node1, node2, node3 = nodes


def get(node, path, timeout=5.0):
    """(status, headers, body) of a GET, or (None, {}, b"") when the node does not answer."""
    try:
        return request(node.base, "GET", path, timeout=timeout)
    except (OSError, http.client.HTTPException):
        return None, {}, b""


def feed_ids(node, slug):
    status, _, body = get(node, f"/feeds/{slug}.json")
    return item_ids(body) if status == 200 else set()


def feed_titles(node, slug):
    status, _, body = get(node, f"/feeds/{slug}.json")
    return {i.get("title") for i in json.loads(body)["items"]} if status == 200 else set()


def wait_until(seconds, check, interval=0.1):
    """Runs check until it is true; False if it is not within seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


def wait_for(seconds, what, check, interval=0.1):
    """wait_until, and a problem recorded when it is not."""
    if wait_until(seconds, check, interval):
        return True
    problem(f"no {what} within {seconds:.0f} s")
    return False


def in_parallel(fn, items, threads=8):
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, items))


# ---------------------------------------------------------------------------- 1. posts and identical documents
def write_post(node, category, label):
    body = {"title": f"Cluster post {label}", "summary": f"<p>Summary {label}</p>",
            "content": f"<p>Post {label}, written through {node.name}.</p>", "categories": [category]}
    try:
        status, _, out = node.call("POST", "/api/posts", body, timeout=10)
    except (OSError, http.client.HTTPException):
        return None   # the node died under the request: never acknowledged, so nothing is owed
    if status != 201:
        problem(f"POST /api/posts on {node.name} answered {status}: {out[:200]!r}")
        return None
    guid = json.loads(out)["guid"]
    with lock:
        posts[guid] = {"category": category, "node": node.name, "acked": time.monotonic()}
    return guid


def watch_visible(guid, category, visible_ms):
    """Milliseconds from the 201 until every node's category feed holds the post (or None if it never did)."""
    acked = posts[guid]["acked"]
    waiting = set(range(len(nodes)))
    while waiting and time.monotonic() < acked + VISIBLE_WAIT:
        for i in list(waiting):
            if guid in feed_ids(nodes[i], category):
                waiting.discard(i)
        if waiting:
            time.sleep(0.03)
    if waiting:
        problem(f"post {guid} ({category}, written through {posts[guid]['node']}) not in "
                f"{', '.join(nodes[i].name for i in sorted(waiting))}'s /feeds/{category}.json {VISIBLE_WAIT:.0f} s after its 201")
        visible_ms.append(None)
    else:
        visible_ms.append((time.monotonic() - acked) * 1000)


def identical_documents(among, urls, seconds=5.0):
    """How many of urls every node in `among` serves with the same bytes and ETag (given a few seconds, in all, to agree:
    a node may still be loading the last publication)."""
    same = 0
    deadline = time.monotonic() + seconds
    for url in urls:
        while True:
            answers = [get(n, url) for n in among]
            views = {(s, h.get("etag"), b) for s, h, b in answers}
            if len(views) == 1 and answers[0][0] == 200:
                same += 1
                break
            if time.monotonic() > deadline:
                detail = ", ".join(f"{n.name}: {s} etag {h.get('etag')} {len(b)} bytes" for n, (s, h, b) in zip(among, answers))
                problem(f"{url} differs between nodes {seconds:.0f} s after the last write: {detail}")
                break
            time.sleep(0.2)
    return same


# ---------------------------------------------------------------------------- 2. polling rounds
def set_enabled(source, enabled):
    node = nodes[source["n"] % 3] if node1.alive() else nodes[1 + source["n"] % 2]
    status, _, out = node.call("PUT", f"/api/sources/{source['id']}", {"categories": [source["category"]], "enabled": enabled})
    if status != 200:
        problem(f"PUT /api/sources/{source['id']} (enabled={enabled}) on {node.name} answered {status}: {out[:200]!r}")


def start_round(sources):
    """Makes every source due at once, through the API: re-enabling a disabled source makes it due now."""
    in_parallel(lambda s: set_enabled(s, False), sources)
    started = time.monotonic()
    in_parallel(lambda s: set_enabled(s, True), sources)
    log(f"round started: {len(sources)} sources due again within {time.monotonic() - started:.1f} s")
    return started


def fetched_since(started):
    """url -> fetches that began after started and were answered (not abandoned by a killed client)."""
    done = defaultdict(list)
    for url, t0, t1, status, abandoned in feeds.since(started):
        if not abandoned and status in (200, 304):
            done[url].append((t0, t1))
    return done


def round_figures(started, urls):
    """(sources fetched, double fetches, sources per second) of the round that began at started."""
    done = fetched_since(started)
    doubles = sum(len(done[u]) - 1 for u in urls if len(done[u]) > 1)
    spans = [f for u in urls for f in done[u]]
    rate = len(spans) / max(1e-6, max(t1 for _, t1 in spans) - min(t0 for t0, _ in spans)) if spans else 0.0
    return sum(1 for u in urls if done[u]), doubles, rate


def aggregated_visible(among, fresh):
    """How many of the new items (title -> source category) every node in `among` shows in its category feed."""
    titles = {(n.name, c): feed_titles(n, c) for n in among for c in set(fresh.values())}
    return sum(1 for t, c in fresh.items() if all(t in titles[(n.name, c)] for n in among))


def freshen(sources, label):
    """One new item in each host's first feed: the next round must bring 20 new posts."""
    fresh = {}
    for s in sources:
        if s["url"].endswith("/feeds/0.xml"):
            title = f"New item {label} at {s['url']}"
            feeds.add_item(s["url"], f"{label}-{s['id']}", title)
            fresh[title] = s["category"]
    return fresh


# ---------------------------------------------------------------------------- 4. what the killed node owed
def lost_posts(among):
    """Acknowledged posts missing from the category feed of any node in `among`."""
    ids = {(n.name, c): feed_ids(n, c) for n in among for c in POST_CATEGORIES}
    with lock:
        return [g for g, p in posts.items() if any(g not in ids[(n.name, p["category"])] for n in among)]


def missing_deliveries():
    """(callback, topic, post) for every acknowledged post some subscriber of its feed never received."""
    missing = []
    with lock:
        acked = dict(posts)
    for name, topic in subscriptions:
        got = subscriber.ids_delivered(name, topic)
        slug = topic.rsplit("/", 1)[1].split(".")[0]
        missing += [(name, topic, g) for g, p in acked.items() if slug in ("all", p["category"]) and g not in got]
    return missing


# ---------------------------------------------------------------------------- 3. the job log lines
def job_runs():
    """node name -> [(job, trigger, scheduled, logged node)] from each node's log."""
    runs = {}
    for n in nodes:
        with open(n.log_path, encoding="utf-8", errors="replace") as f:
            runs[n.name] = [m.groups()[:4] for m in JOB_LINE.finditer(f.read())]
    return runs


def log_text(node, offset=0):
    with open(node.log_path, encoding="utf-8", errors="replace") as f:
        f.seek(offset)
        return f.read()


# ---------------------------------------------------------------------------- the run
feeds = None
subscriber = None
subscriptions = []         # (callback name, topic)
sources = []
t_run = time.monotonic()
try:
    # The feed server: one port free on all 20 addresses (127/8 is all loopback on Linux, no set-up needed).
    for attempt in range(20):
        feeds = FeedServer(HOSTS, free_port(), FEEDS_PER_HOST, delay=0.0)
        try:
            feeds.start()
            break
        except OSError:
            feeds.stop()
    else:
        raise RuntimeError("no port free on all of 127.0.0.2-21")
    subscriber = Subscriber(free_port())
    subscriber.start()
    log(f"feed server on {HOSTS[0]}-{HOSTS[-1]}:{feeds.port}, subscriber on {subscriber.base}, seed {args.seed}")

    # node1 first: it migrates the empty database; then the other two side by side.
    node1.start(timeout=180)
    in_parallel(lambda n: n.start(timeout=180), [node2, node3], threads=2)
    log(f"nodes up: {', '.join(f'{n.name} {n.base} pid {n.pid}' for n in nodes)}")

    for slug in POST_CATEGORIES + SOURCE_CATEGORIES:
        status, _, out = node1.call("POST", "/api/categories", {"slug": slug, "name": slug.title(), "description": "cluster test"})
        if status != 201:
            raise RuntimeError(f"creating category {slug}: {status} {out[:200]!r}")
    # A category created through one node is a feed on every node.
    wait_for(10, "category feeds on every node",
             lambda: all(get(n, f"/feeds/{s}.atom")[0] == 200 for n in nodes for s in POST_CATEGORIES))

    # Subscriptions go through node3: subscribing is a Web role's job, and the hub's state is the cluster's.
    topics = [f"{SITE}/feeds/{c}.atom" for c in POST_CATEGORIES]
    subscriptions = [(name, t) for t in topics for name in ("s1", "s2")] + [("s3", f"{SITE}/feeds/all.json")]
    refused = []
    for name, topic in subscriptions:
        status, body = subscriber.subscribe(node3.base, name, topic)
        if status != 202:
            refused.append(f"{name} to {topic}: {status} {json.loads(body or b'{}').get('detail', '')}")
            for other in (node2, node1):   # through another node, so that the delivery checks still run
                if subscriber.subscribe(other.base, name, topic)[0] == 202:
                    break
    if refused:
        problem(f"node3 refused {len(refused)} of {len(subscriptions)} subscriptions, e.g. {refused[0]}")

    def all_active():
        status, _, body = node3.call("GET", "/api/websub/subscriptions")
        active = {(s["callback"], s["topic"]) for s in json.loads(body) if s["state"] == "active"} if status == 200 else set()
        return all((subscriber.callback(n), t) in active for n, t in subscriptions)
    wait_for(15, "verified subscriptions", all_active, interval=0.2)

    # ---- 1. posts through every node: some one at a time, then one writer thread per node at once.
    visible_ms = []
    for i in range(SEQUENTIAL_POSTS):
        node, category = nodes[i % 3], POST_CATEGORIES[i % 4]
        if guid := write_post(node, category, f"seq-{i}"):
            watch_visible(guid, category, visible_ms)

    def writer(k):
        for j in range(CONCURRENT_POSTS):
            category = POST_CATEGORIES[(k + j) % 4]
            if guid := write_post(nodes[k], category, f"w{k}-{j}"):
                watch_visible(guid, category, visible_ms)
            time.sleep(rng.uniform(0, 0.1))
    in_parallel(writer, range(3), threads=3)
    seen = [v for v in visible_ms if v is not None]
    figures["visible_p50_ms"] = int(percentile(seen, 50)) if seen else -1
    figures["visible_max_ms"] = int(max(seen)) if seen else -1
    late = sum(1 for v in visible_ms if v is None or v > VISIBLE_WITHIN * 1000)
    if late:
        problem(f"{late} of {len(visible_ms)} posts were not in every node's feeds within {VISIBLE_WITHIN:.0f} s of the 201 "
                f"(p50 {figures['visible_p50_ms']} ms, max seen {figures['visible_max_ms']} ms)")
    figures["late_posts"] = late
    identical = identical_documents(nodes, IDENTICAL_URLS)
    log(f"posts: {len(visible_ms)} written, visible on all nodes p50 {figures['visible_p50_ms']} ms, "
        f"max {figures['visible_max_ms']} ms, {late} late; identical documents {identical}/{len(IDENTICAL_URLS)}")

    # ---- 2. 200 sources, then one polling round.
    def add_sources(t):
        # Thread t adds the sources of hosts t, t+10, ... one after the other: adding fetches the feed, and two adds
        # at once to one host would be two requests in flight there.
        mine = []
        for h in range(t, len(HOSTS), 10):
            for f in range(FEEDS_PER_HOST):
                n = h * FEEDS_PER_HOST + f
                url, category = feeds.url(HOSTS[h], f), SOURCE_CATEGORIES[h % 4]
                node = nodes[n % 3]
                status, _, out = node.call("POST", "/api/sources", {"url": url, "categories": [category]}, timeout=30)
                if status != 201:
                    raise RuntimeError(f"POST /api/sources {url} on {node.name} answered {status}: {out[:300]!r}")
                mine.append({"id": json.loads(out)["source"]["id"], "url": url, "category": category, "n": n})
        return mine
    t0 = time.monotonic()
    sources = sorted((s for part in in_parallel(add_sources, range(10), threads=10) for s in part), key=lambda s: s["n"])
    urls = [s["url"] for s in sources]
    log(f"added {len(sources)} sources in {time.monotonic() - t0:.1f} s")

    feeds.delay = FAST_DELAY
    fresh = freshen(sources, "round1")
    started = start_round(sources)
    wait_for(60, "polling round fetching every source", lambda: all(fetched_since(started)[u] for u in urls), interval=0.2)
    time.sleep(SETTLE)
    polled, doubles, rate = round_figures(started, urls)
    figures.update(polled=f"{polled}/{len(urls)}", double_fetches=doubles, poll_rate_2w=f"{rate:.1f}")
    if doubles:
        problem(f"polling round: {doubles} fetches of sources already fetched in the round (each source must be fetched once)")
    wait_for(10, "aggregated items on every node", lambda: aggregated_visible(nodes, fresh) == len(fresh), interval=0.3)
    figures["agg_visible"] = f"{aggregated_visible(nodes, fresh)}/{len(fresh)}"
    log(f"round: {polled}/{len(urls)} fetched, {doubles} double fetches, {rate:.1f} sources/s with 2 workers, "
        f"new items on every node {figures['agg_visible']}")

    # ---- 4. failover: node1 killed during a slow round and a burst of posts that the slow subscriber receives.
    feeds.delay = SLOW_DELAY
    subscriber.delay = 0.3
    fresh2 = freshen(sources, "round2")
    offset = os.path.getsize(node1.log_path)
    started2 = start_round(sources)
    stop_writers = threading.Event()

    def burst(k):
        for j in range(BURST_POSTS):
            if stop_writers.is_set() or not nodes[k].alive():
                return
            write_post(nodes[k], POST_CATEGORIES[(k + j) % 4], f"burst{k}-{j}")
            time.sleep(rng.uniform(0.05, 0.2))
    writers = [threading.Thread(target=burst, args=(k,), daemon=True) for k in range(3)]
    for w in writers:
        w.start()
    # Kill while node1 is known to be working on this round (it has finished a few fetches of it, so it has more in hand).
    # A cluster that leaves node1 idle is not wrong for it: then it is killed after 20 s, and the figure says so.
    node1_polled = wait_until(20, lambda: log_text(node1, offset).count("Polled http://127.0.0.") >= 3, interval=0.05)
    t_kill = time.monotonic()
    node1.kill()
    log(f"killed node1 {t_kill - started2:.1f} s into the round ({len(fetched_since(started2))}/{len(urls)} sources fetched, "
        f"{len(posts)} posts acknowledged so far)")
    for w in writers:
        w.join(timeout=60)
    stop_writers.set()

    survivors = [node2, node3]
    done_at = {}

    def recovered():
        # Each condition is timed when it first holds: the slowest is the recovery time.
        conditions = {
            "round": lambda: all(fetched_since(started2)[u] for u in urls),
            "items": lambda: aggregated_visible(survivors, fresh2) == len(fresh2),
            "posts": lambda: not lost_posts(survivors),
            "deliveries": lambda: not missing_deliveries(),
        }
        for name, check in conditions.items():
            if name not in done_at and check():
                done_at[name] = time.monotonic()
        return len(done_at) == len(conditions)

    if wait_for(RECOVER_WAIT, "recovery after the kill (every source of the round fetched, its new items, every acknowledged "
                "post and every delivery on the survivors)", recovered, interval=0.5):
        figures["failover_s"] = f"{max(0.0, max(done_at.values()) - t_kill):.1f}"
    else:
        figures["failover_s"] = f">{RECOVER_WAIT}"
        problem(f"still not done {RECOVER_WAIT} s after the kill: {', '.join(c for c in ('round', 'items', 'posts', 'deliveries') if c not in done_at)}")
    log("failover: " + ", ".join(f"{c} done {t - t_kill:.1f} s after the kill" for c, t in sorted(done_at.items(), key=lambda x: x[1])))
    polled2, _, _ = round_figures(started2, urls)
    figures["failover_polled"] = f"{polled2}/{len(urls)}"
    figures["refetched_after_kill"] = sum(1 for u in urls if len(fetched_since(started2)[u]) > 1)

    # Full mode: one round with node2 the only worker left, at the first round's pace.
    if FULL:
        feeds.delay = FAST_DELAY
        subscriber.delay = 0.0
        started3 = start_round(sources)
        wait_for(120, "polling round with one worker", lambda: all(fetched_since(started3)[u] for u in urls), interval=0.2)
        time.sleep(SETTLE)
        polled3, doubles3, rate3 = round_figures(started3, urls)
        figures["poll_rate_1w"] = f"{rate3:.1f}"
        if doubles3:
            problem(f"one-worker round: {doubles3} double fetches")
        log(f"one-worker round: {polled3}/{len(urls)} fetched, {rate3:.1f} sources/s")

    # ---- the end state: nothing acknowledged lost, the survivors agree, deliveries once each.
    time.sleep(2)
    lost = lost_posts(survivors)
    for g in lost[:20]:
        problem(f"acknowledged post {g} (written through {posts[g]['node']}) is missing from node2's or node3's /feeds/{posts[g]['category']}.json")
    figures["lost_posts"] = len(lost)
    urls_end = IDENTICAL_URLS + [f"/feeds/{c}.atom" for c in POST_CATEGORIES[1:]] + [f"/feeds/{SOURCE_CATEGORIES[0]}.json"]
    identical += identical_documents(survivors, urls_end)
    figures["identical_feeds"] = f"{identical}/{len(IDENTICAL_URLS) + len(urls_end)}"

    deliveries, dupes = subscriber.counts()
    missing = missing_deliveries()
    for name, topic, g in missing[:20]:
        problem(f"subscriber {name} never received post {g} on {topic}")
    # Each subscriber's last delivery must be the document the cluster serves now (given a few seconds to arrive).
    def stale_subscriptions():
        served = {t: get(node2, t[len(SITE):]) for t in {t for _, t in subscriptions}}
        return [(n, t) for n, t in subscriptions
                if served[t][0] != 200 or subscriber.last_body(n, t) != hashlib.sha256(served[t][2]).hexdigest()]
    wait_until(10, lambda: not stale_subscriptions(), interval=0.5)
    stale = stale_subscriptions()
    for name, topic in stale:
        problem(f"subscriber {name}'s last delivery of {topic} is not the document node2 serves")
    stale = len(stale)
    if dupes:
        problem(f"{dupes} WebSub deliveries were the same body acknowledged again by the same subscriber")
    figures.update(deliveries=deliveries, duplicate_deliveries=dupes, missing_deliveries=len(missing), stale_subscriptions=stale,
                   abandoned_deliveries=subscriber.abandoned)

    # ---- 3. every cron fire on one node, none on the Web-only node.
    runs = job_runs()
    fired = defaultdict(set)
    for name, lines in runs.items():
        for job, trigger, scheduled, logged_node in lines:
            if CRON_TRIGGER.search(trigger):
                fired[(trigger, scheduled)].add(name)
    regen = {k: v for k, v in fired.items() if "periodically" in k[0]}
    poll = {k: v for k, v in fired.items() if "periodically" not in k[0]}
    figures.update(regen_runs=len(regen), regen_dupes=sum(1 for v in regen.values() if len(v) > 1),
                   poll_runs=len(poll), poll_dupes=sum(1 for v in poll.values() if len(v) > 1),
                   web_only_jobs=len(runs["node3"]))
    for (trigger, scheduled), names in sorted(fired.items()):
        if len(names) > 1 and len(problems) < 200:
            problem(f"trigger {trigger} scheduled {scheduled} ran on {len(names)} nodes: {', '.join(sorted(names))}")
    if not any(runs.values()):
        problem("no 'Job … fired by trigger … on node …' line in any node's log: which node ran each job cannot be checked")
    elif not regen or not poll:
        problem(f"cron fires logged: {len(regen)} regenerations, {len(poll)} polling runs; both crons fire every 2 s")
    if runs["node3"]:
        problem(f"node3 (Web only) logged {len(runs['node3'])} job runs, e.g. {' '.join(runs['node3'][0])}")
    # A regeneration logs its outcome too: a Web-only node must never have run one, log line or not.
    regens3 = len(re.findall(r"Regenerated \d+ feeds in", log_text(node3)))
    figures["web_only_regenerations"] = regens3
    if regens3:
        problem(f"node3 (Web only) ran {regens3} regenerations ('Regenerated … feeds' in its log)")
    figures["max_host_inflight"] = max(feeds.max_inflight.values(), default=0)
    if figures["max_host_inflight"] > 1:
        busiest = sorted(feeds.max_inflight.items(), key=lambda x: -x[1])[:3]
        problem(f"a host had {figures['max_host_inflight']} requests in flight at once (one at a time per host): {busiest}")
    figures["node1_polled_before_kill"] = "yes" if node1_polled else "no"
except Exception as e:  # noqa: BLE001 - a failed step is a failed run, with the reason, and the RESULT line still printed
    problem(f"driver error: {e!r}")
finally:
    in_parallel(lambda n: n.stop(), nodes, threads=3)
    if feeds:
        feeds.stop()
    if subscriber:
        subscriber.stop()

# What the feed server and the subscriber saw, for a look after the run (KEEP_WORK=1).
if feeds:
    with open(os.path.join(args.work, "fetches.tsv"), "w") as f:
        f.writelines(f"{url}\t{t0 - t_run:.3f}\t{t1 - t_run:.3f}\t{status}\t{int(abandoned)}\n" for url, t0, t1, status, abandoned in feeds.fetches)
if subscriber:
    with open(os.path.join(args.work, "deliveries.tsv"), "w") as f:
        f.writelines(f"{name}\t{topic}\t{sha}\t{' '.join(f'{t - t_run:.3f}' for t in times)}\n" for (name, topic, sha), times in subscriber.acked.items())
ok = not problems
fail("cluster", problems)
order = ["visible_p50_ms", "visible_max_ms", "late_posts", "identical_feeds", "polled", "double_fetches", "max_host_inflight",
         "agg_visible", "poll_rate_2w", "poll_rate_1w", "regen_runs", "regen_dupes", "poll_runs", "poll_dupes", "web_only_jobs",
         "web_only_regenerations", "deliveries", "duplicate_deliveries", "missing_deliveries", "stale_subscriptions",
         "abandoned_deliveries", "lost_posts", "failover_polled", "refetched_after_kill", "node1_polled_before_kill", "failover_s"]
result("cluster", status="ok" if ok else "fail", mode=args.mode, nodes=len(nodes), posts=len(posts),
       **{k: figures[k] for k in order if k in figures}, problems=len(problems), seconds=int(time.monotonic() - t_run))
sys.exit(0 if ok else 1)
