"""load.sh's driver: sustained mixed load on the published app, bounded in time and requests.

wrk on the feeds (200 / gzip / 304 via feeds.lua), API writers at a steady pace, the poller fetching 500 sources
(imported by OPML) from a local server with MinPollInterval lowered, and regeneration after every write. Reports
5xx and failed writes (must be zero), feed latency p50/p99, and VmRSS sampled every few seconds (the last third's
median must stay close to the first third's, after a warm-up).
"""
import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rel import App, fail, free_port, log, result  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--app-dir", required=True)
ap.add_argument("--work", required=True)
ap.add_argument("--seconds", type=int, default=300)
ap.add_argument("--sources", type=int, default=500)
ap.add_argument("--writes-per-second", type=float, default=8)
ap.add_argument("--connections", type=int, default=16)
ap.add_argument("--gcdump", default="", help="path of dotnet-gcdump: the live managed heap is measured at a third of the run and at the end")
args = ap.parse_args()
problems = []
T_START = time.monotonic()


# ------------------------------------------------------------------------------------------------- the 500 sources
class Sources(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    served = {"200": 0, "304": 0}

    def log_message(self, *a):
        pass

    def do_GET(self):
        n = self.path.strip("/").split("/")[-1].split(".")[0]
        epoch = int((time.monotonic() - T_START) // 60)          # each source publishes a new item every minute
        items = "".join(
            f"<item><guid isPermaLink=\"false\">s{n}-{k}</guid><title>Source {n} item {k}</title><link>https://src{n}.example/{k}</link>"
            f"<pubDate>Mon, 02 Nov 2026 {k % 24:02d}:00:00 GMT</pubDate><description>&lt;p&gt;Item {k} of source {n}&lt;/p&gt;</description></item>"
            for k in range(max(0, epoch - 2), epoch + 1))
        body = f"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Source {n}</title><link>https://src{n}.example/</link><description>d</description>{items}</channel></rss>".encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            Sources.served["304"] += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        Sources.served["200"] += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


src_port = free_port()
server = ThreadingHTTPServer(("127.0.0.1", src_port), Sources)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()

app = App(args.app_dir, args.work, name="load", settings={
    "Aggregation:MinPollInterval": "00:00:10",
    "Aggregation:DefaultPollInterval": "00:00:20",
    "Aggregation:PollCron": "0/5 * * * * ?",
    "Feeds:RegenerateCron": "0/15 * * * * ?",
    "RateLimits:WriteBurst": 1000,
    "RateLimits:WritesPerMinute": 6000,
    "Logging:LogLevel:Default": "Warning",
})

writes = {"ok": 0, "failed": 0}
rss = []          # (seconds since load start, KiB)


def writer(stop, n, pace):
    k = 0
    ids = []
    while not stop.is_set():
        k += 1
        t0 = time.monotonic()
        try:
            if ids and k % 5 == 0:
                pid = ids[k % len(ids)]
                s, _, b = app.call("PUT", f"/api/posts/{pid}", {"title": f"Load {n}-{k} edited", "content": "<p>edited</p>" * 20, "categories": ["load-a"]})
                ok = s == 200
            else:
                s, _, b = app.call("POST", "/api/posts", {"title": f"Load {n}-{k}", "summary": "<p>s</p>", "content": "<p>load</p>" * 50,
                                                         "categories": ["load-a", "load-b"] if k % 2 else ["load-b"]})
                ok = s == 201
                if ok:
                    ids.append(json.loads(b)["id"])
            if ok:
                writes["ok"] += 1
            else:
                writes["failed"] += 1
                problems.append(f"write answered {s}: {b[:200]!r}")
        except OSError as e:
            writes["failed"] += 1
            problems.append(f"write failed: {e!r}")
        stop.wait(max(0.0, pace - (time.monotonic() - t0)))


heap = {}


def live_heap_mib(label):
    """The managed heap after a full collection (dotnet-gcdump induces one), in MiB; None without the tool."""
    if not args.gcdump:
        return None
    out = os.path.join(args.work, f"{label}.gcdump")
    try:
        subprocess.run([args.gcdump, "collect", "-p", str(app.pid), "-o", out], check=True, capture_output=True, timeout=120)
        report = subprocess.run([args.gcdump, "report", out], check=True, capture_output=True, text=True, timeout=120).stdout
        line = next(l for l in report.splitlines() if "GC Heap bytes" in l)
        heap[label] = int(line.split()[0].replace(",", "")) / 1048576
    except Exception as e:  # noqa: BLE001 - the figure is extra evidence; its absence is reported, not fatal
        log(f"dotnet-gcdump {label}: {e!r}")
    return heap.get(label)


def sampler(stop, t0):
    dumped = False
    while not stop.is_set():
        kib = app.rss_kib()
        if kib:
            rss.append((time.monotonic() - t0, kib))
        if not dumped and time.monotonic() - t0 >= args.seconds / 3:
            dumped = True
            live_heap_mib("first")
        stop.wait(3)


try:
    app.start()
    for slug in ("load-a", "load-b"):
        s, _, b = app.call("POST", "/api/categories", {"slug": slug, "name": slug})
        assert s == 201, (s, b)
    for i in range(60):
        s, _, b = app.call("POST", "/api/posts", {"title": f"Seed {i}", "content": "<p>seed</p>", "categories": ["load-a", "load-b"]})
        assert s == 201, (s, b)
    outlines = "".join(f'<outline type="rss" text="s{n}" xmlUrl="http://127.0.0.1:{src_port}/s/{n}.xml"/>' for n in range(args.sources))
    opml = f'<?xml version="1.0"?><opml version="2.0"><head><title>load</title></head><body><outline text="load-a" category="load-a">{outlines}</outline></body></opml>'
    s, _, b = app.call("POST", "/api/sources/import", opml, headers={"Content-Type": "text/x-opml"})
    report = json.loads(b)
    if s != 200 or len(report["added"]) != args.sources:
        raise RuntimeError(f"OPML import answered {s}: {b[:300]!r}")
    log(f"{args.sources} sources imported; waiting for the first feeds")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and app.call("GET", "/feeds/archive/all/1.atom", key=None)[0] != 200:
        time.sleep(0.5)

    stop = threading.Event()
    t0 = time.monotonic()
    n_writers = 2
    threads = [threading.Thread(target=writer, args=(stop, n, n_writers / args.writes_per_second), daemon=True) for n in range(n_writers)]
    threads.append(threading.Thread(target=sampler, args=(stop, t0), daemon=True))
    for t in threads:
        t.start()
    log(f"load for {args.seconds}s: wrk -t1 -c{args.connections}, {args.writes_per_second} writes/s, {args.sources} sources polled every 10-20 s")
    wrk = subprocess.run(["timeout", str(args.seconds + 30), "wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "5s", "--latency",
                          "-s", os.path.join(os.path.dirname(os.path.abspath(__file__)), "feeds.lua"), app.base],
                         capture_output=True, text=True)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    line = next((l for l in wrk.stdout.splitlines() if l.startswith("WRK ")), None)
    if wrk.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({wrk.returncode}): {wrk.stdout[-500:]} {wrk.stderr[-500:]}")
    w = dict(kv.split("=") for kv in line.split()[1:])
    log(line)

    live_heap_mib("last")
    sources = json.loads(app.call("GET", "/api/sources", key=None)[2])
    polled = sum(1 for x in sources if x["lastFetchedAt"])
    failing = [x for x in sources if x["lastError"]]
    added = json.loads(app.call("GET", "/api/posts?pageSize=1", key=None)[2])["total"]
    status, health = app.health()
    if status != 200:
        problems.append(f"/healthz {status} at the end: {health}")
    if int(w["s5xx"]) or int(w["s4xx"]) or int(w["socket_errors"]):
        problems.append(f"feed requests: {w['s5xx']} 5xx, {w['s4xx']} 4xx, {w['socket_errors']} socket errors")
    if int(w["s304"]) == 0 or int(w["s2xx"]) == 0:
        problems.append(f"the mix did not happen: {w['s2xx']} 200s and {w['s304']} 304s")
    if writes["failed"]:
        problems.append(f"{writes['failed']} writes failed")
    if polled < args.sources:
        problems.append(f"only {polled} of {args.sources} sources were polled")
    # Polled again and again, not only once after the import: every 10-20 s, on the PollCron tick (5 s).
    fetches = Sources.served["200"] + Sources.served["304"]
    if fetches < args.sources * 1.5:
        problems.append(f"the sources were fetched {fetches} times in {args.seconds}s: the poller is not polling them again")
    if failing:
        problems.append(f"{len(failing)} sources failed, e.g. {failing[0]['url']}: {failing[0]['lastError']}")
    if not app.alive():
        problems.append("the app died")
    logged = open(app.log_path, encoding="utf-8", errors="replace").read()
    errors_logged = logged.count("fail: ")
    if errors_logged:
        problems.append(f"{errors_logged} errors in the app's log")

    # Memory: after a warm-up (the first 20% of the run), the last third's median against the first third's.
    warm = [(t, k) for t, k in rss if t >= args.seconds * 0.2]
    third = max(1, len(warm) // 3)
    first, lastm = statistics.median(k for _, k in warm[:third]), statistics.median(k for _, k in warm[-third:])
    growth = (lastm - first) / first
    peak = max(k for _, k in rss)
    log("VmRSS (MiB) every ~3 s: " + " ".join(f"{k / 1024:.0f}" for _, k in rss))
    # A short run is mostly warm-up (caches and the GC's budgets filling), so it is allowed more.
    limit = 0.5 if os.environ.get("MODE") == "short" else 0.25
    if growth > limit:
        problems.append(f"memory grew {growth * 100:.0f}% from the first third ({first / 1024:.0f} MiB) to the last ({lastm / 1024:.0f} MiB)")
    if "first" in heap and "last" in heap:
        log(f"live managed heap after a full collection: {heap['first']:.1f} MiB at a third of the run, {heap['last']:.1f} MiB at the end")
        if heap["last"] > heap["first"] * 1.5 + 8:
            problems.append(f"the live managed heap grew from {heap['first']:.1f} MiB to {heap['last']:.1f} MiB")
    with open(os.path.join(args.work, "rss.csv"), "w") as f:
        f.writelines(f"{t:.1f},{k}\n" for t, k in rss)
    app.stop()
    ok = not problems
    fail("load", problems)
    result("load", status="pass" if ok else "fail", mode=os.environ.get("MODE", "?"), seconds=args.seconds, feed_requests=w["requests"],
           rps=w["rps"], s200=w["s2xx"], s304=w["s304"], s5xx=w["s5xx"], p50_ms=w["p50_ms"], p99_ms=w["p99_ms"], max_ms=w["max_ms"],
           writes_ok=writes["ok"], writes_failed=writes["failed"], sources=args.sources, sources_polled=polled,
           source_fetches=Sources.served["200"] + Sources.served["304"], source_304=Sources.served["304"], posts_total=added,
           rss_first_third_mib=f"{first / 1024:.0f}", rss_last_third_mib=f"{lastm / 1024:.0f}", rss_growth_pct=f"{growth * 100:.1f}",
           rss_peak_mib=f"{peak / 1024:.0f}", live_heap_first_mib=f"{heap.get('first', -1):.1f}", live_heap_last_mib=f"{heap.get('last', -1):.1f}",
           errors_logged=errors_logged)
    sys.exit(0 if ok else 1)
except Exception as e:  # noqa: BLE001
    import traceback
    traceback.print_exc()
    problems.append(f"driver error: {e!r}")
    fail("load", problems)
    result("load", status="fail", mode=os.environ.get("MODE", "?"), problems=len(problems))
    app.kill()
    sys.exit(1)
