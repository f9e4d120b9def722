"""tests/bench/parse.sh's report: the medians of the .NET passes (ParseBench measure), the feedparser passes
(feedparser_bench.py) and the stages (ParseBench breakdown), as a table and the final RESULT line.
Usage: report.py DOTNET_TXT PYTHON_TXT BREAKDOWN_TXT
"""
import statistics, sys
wall, cpu, info, stage = {}, {}, {}, {}
for path in sys.argv[1:]:
    for line in open(path):
        parts = line.split()
        if not parts: continue
        if parts[0] == "stage": stage[parts[1]] = float(parts[3]); continue
        if parts[0] == "mode": wall[parts[1]] = [float(x) for x in parts[2:]]
        elif parts[0] == "cpu": cpu[parts[1]] = [float(x) for x in parts[2:]]
        elif parts[0] == "docs": info[path] = dict(zip(parts[0::2], map(int, parts[1::2])))
dn, py = info[sys.argv[1]], info[sys.argv[2]]
if dn["items"] != py["items"]:
    print("note: items read: ours %d, feedparser %d" % (dn["items"], py["items"]))
docs, mb = dn["docs"], dn["bytes"] / 1e6
rows = [("(a) ours: parse + normalize", "ours_parse_normalize"), ("(b) ours: parse + normalize + sanitize", "ours_pipeline_sanitized"),
        ("(c) XmlReader read-through", "xmlreader"), ("(d) python3-feedparser", "feedparser")]
med = {k: statistics.median(v) for k, v in wall.items()}
medc = {k: statistics.median(v) for k, v in cpu.items()}
print()
print("corpus: %d documents, %.1f MB, %d items" % (docs, mb, dn["items"]))
print("| what | passes | median wall s | docs/s | MB/s | median CPU s | MB/s (CPU) |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for label, key in rows:
    print("| %s | %d | %.3f | %.0f | %.1f | %.3f | %.1f |" % (label, len(wall[key]), med[key], docs / med[key], mb / med[key], medc[key], mb / medc[key]))
r = lambda a, b, m: m[b] / m[a]   # throughput ratio a/b = time b / time a
print()
print("stages of (b), median CPU s: FeedParser.Parse %.3f, entry hash %.3f, sanitizing %.3f (of which AngleSharp's HTML parse alone %.3f)" % (
      stage["parse"], stage["hash"], stage["sanitize"], stage["sanitize_html_parse_only"]))
print()
print("RESULT parse docs=%d mb=%.1f items=%d ours_mb_s=%.1f ours_docs_s=%.0f pipeline_mb_s=%.1f xmlreader_mb_s=%.1f feedparser_mb_s=%.2f "
      "ratio_xmlreader=%.2f ratio_feedparser=%.1f ratio_xmlreader_cpu=%.2f ratio_feedparser_cpu=%.1f sanitize_cpu_s=%.3f html_parse_cpu_s=%.3f" % (
      docs, mb, dn["items"], mb / med["ours_parse_normalize"], docs / med["ours_parse_normalize"], mb / med["ours_pipeline_sanitized"],
      mb / med["xmlreader"], mb / med["feedparser"],
      r("ours_parse_normalize", "xmlreader", med), r("ours_pipeline_sanitized", "feedparser", med),
      r("ours_parse_normalize", "xmlreader", medc), r("ours_pipeline_sanitized", "feedparser", medc), stage["sanitize"], stage["sanitize_html_parse_only"]))
