"""python3-feedparser over the parse.sh corpus: REPS timed passes, each feedparser.parse() of every document's bytes.

Usage: /usr/bin/python3 feedparser_bench.py DIR REPS
Prints "mode feedparser t1 t2 ..." (wall seconds per pass), "cpu feedparser ..." (CPU seconds) and "docs N bytes N items N", like the .NET side.
feedparser's defaults are kept: it sanitizes HTML and resolves relative URIs, as our pipeline (b) does.
"""
import glob
import os
import sys
import time

import feedparser


def main():
    folder, reps = sys.argv[1], int(sys.argv[2])
    docs = []
    for path in sorted(glob.glob(os.path.join(folder, "*.xml"))):
        name = os.path.basename(path)
        with open(path, "rb") as f:
            body = f.read()
        atom = "atom" in name
        url = "https://site%s.example.org/feed%s" % (name[:3], ".atom" if atom else "/")
        ctype = "application/atom+xml" if atom else "application/rss+xml; charset=utf-8"
        docs.append((body, url, ctype))

    def one_pass():
        items = 0
        for body, url, ctype in docs:
            d = feedparser.parse(body, response_headers={"content-location": url, "content-type": ctype})
            if d.bozo:
                raise SystemExit("feedparser: %s is bozo: %r" % (url, d.bozo_exception))
            items += len(d.entries)
        return items

    # No untimed pass: CPython does not warm up, and one pass takes tens of seconds.
    times, cpus, items = [], [], None
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.process_time()
        n = one_pass()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        if items is not None and n != items:
            raise SystemExit("feedparser read %d items, then %d" % (items, n))
        items = n
    print("mode feedparser " + " ".join("%.4f" % t for t in times))
    print("cpu feedparser " + " ".join("%.4f" % t for t in cpus))
    print("docs %d bytes %d items %d" % (len(docs), sum(len(b) for b, _, _ in docs), items))


if __name__ == "__main__":
    main()
