"""write.sh's driver: what a synced commit costs a writer. The published app on the real disk, posts written through the
API one after another and by several writers at once, once with Storage:Synchronous=Full (the default: each commit's
WAL frames fsynced before the 201) and once with Normal (synced only at checkpoints). Prints one RESULT line."""
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reliability"))
from rel import App, arguments, log, percentile  # noqa: E402

ap = arguments()
ap.add_argument("--posts", type=int, default=1000)
ap.add_argument("--writers", type=int, default=4)
ap.add_argument("--rounds", type=int, default=3)
args = ap.parse_args()


def measure(sync, round_no):
    app = App(args.app_dir, args.work, name=f"write-{sync.lower()}-{round_no}", settings={
        "Storage:Synchronous": sync, "RateLimits:Enabled": "false",
        # Regeneration runs beside the writes as in production; its own cost is another benchmark's.
    })
    app.start(timeout=120)
    try:
        s, _, b = app.call("POST", "/api/categories", {"slug": "bench", "name": "Bench"})
        assert s == 201, (s, b)
        body = {"title": "Write cost", "content": "<p>" + "x" * 1500 + "</p>", "categories": ["bench"]}
        for _ in range(50):   # warm-up: JIT, pools
            app.call("POST", "/api/posts", body)
        sequential = []
        for _ in range(args.posts):
            t0 = time.perf_counter()
            s, _, _ = app.call("POST", "/api/posts", body)
            sequential.append((time.perf_counter() - t0) * 1000)
            assert s == 201
        done = []
        lock = threading.Lock()

        def writer(n):
            for _ in range(n):
                t0 = time.perf_counter()
                s, _, _ = app.call("POST", "/api/posts", body)
                with lock:
                    done.append((time.perf_counter() - t0) * 1000)
                assert s == 201

        t0 = time.perf_counter()
        threads = [threading.Thread(target=writer, args=(args.posts // args.writers,)) for _ in range(args.writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        concurrent_s = time.perf_counter() - t0
        return {
            "median_ms": statistics.median(sequential), "p99_ms": percentile(sequential, 99),
            "concurrent_per_s": len(done) / concurrent_s, "concurrent_p99_ms": percentile(done, 99),
        }
    finally:
        app.stop()


runs = {"Full": [], "Normal": []}
for r in range(args.rounds):
    for sync in ("Full", "Normal"):   # interleaved, so drift in the machine's load hits both alike
        m = measure(sync, r)
        runs[sync].append(m)
        log(f"round {r + 1} {sync}: sequential median {m['median_ms']:.2f} ms, p99 {m['p99_ms']:.2f} ms; "
            f"{args.writers} writers {m['concurrent_per_s']:.0f} posts/s, p99 {m['concurrent_p99_ms']:.2f} ms")


def med(sync, key):
    return statistics.median(m[key] for m in runs[sync])


def spread(sync, key):
    values = [m[key] for m in runs[sync]]
    return f"{min(values):.2f}-{max(values):.2f}"


full, normal = med("Full", "median_ms"), med("Normal", "median_ms")
print("RESULT write " + " ".join([
    f"posts={args.posts}", f"rounds={args.rounds}",
    f"full_ms={full:.2f}", f"full_ms_range={spread('Full', 'median_ms')}", f"full_p99_ms={med('Full', 'p99_ms'):.2f}",
    f"normal_ms={normal:.2f}", f"normal_ms_range={spread('Normal', 'median_ms')}", f"normal_p99_ms={med('Normal', 'p99_ms'):.2f}",
    f"sync_cost_ms={full - normal:.2f}",
    f"full_concurrent_per_s={med('Full', 'concurrent_per_s'):.0f}", f"normal_concurrent_per_s={med('Normal', 'concurrent_per_s'):.0f}",
]), flush=True)
