#!/usr/bin/env bash
# Parsing throughput, side by side in one run, over a fixed seeded corpus (200 documents, half RSS 2.0 half Atom 1.0,
# 20-50 items each, ~1.5 KB HTML bodies, content:encoded / html content in two thirds of them):
#   (a) ours_parse_normalize     FeedParser.Parse + the non-sanitizing part of EntryNormalizer (identity, change hash,
#                                title, authors, dates): what the aggregator does to every item of a fetched feed
#   (b) ours_pipeline_sanitized  FeedParser.Parse + EntryNormalizer.Normalize (HtmlSanitizer on summary and content)
#   (c) xmlreader                System.Xml's XmlReader reading every node of the same bytes: the ceiling
#   (d) feedparser               python3-feedparser (Debian's, /usr/bin/python3) parsing the same bytes (it sanitizes too)
# Each is timed REPS times (a-c interleaved; d after them) and the medians are compared. The machine may be shared:
# wall and process-CPU medians are both printed; the ratios are of medians from this same run.
# Usage (from the repository root): bash tests/bench/parse.sh        env: REPS (default 7), PY_REPS (default 3)
# Ends with: RESULT parse docs=200 ... ratio_xmlreader=<(a)/(c)> ratio_feedparser=<(b)/(d)>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

REPS=${REPS:-7}
PY_REPS=${PY_REPS:-3}
PY=/usr/bin/python3
TOOL=tests/bench/parse/ParseBench.csproj

if ! { [[ -x $PY ]] && "$PY" -c 'import feedparser' 2>/dev/null; }; then
    echo "installing python3-feedparser"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-feedparser
fi
command -v dotnet >/dev/null || { echo "dotnet (the .NET 10 SDK) is not on PATH" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/feedservice-parse.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "== building the .NET side (Release)"
timeout 600 dotnet build -c Release "$TOOL" >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; exit 1; }
echo "== generating the corpus"
timeout 120 dotnet run -c Release --no-build --project "$TOOL" -- generate "$WORK/corpus"
echo "== .NET: $REPS passes each of (a) (b) (c), interleaved"
timeout 300 dotnet run -c Release --no-build --project "$TOOL" -- measure "$WORK/corpus" "$REPS" | tee "$WORK/dotnet.txt"
echo "== python3-feedparser $("$PY" -c 'import feedparser; print(feedparser.__version__)'): $PY_REPS passes"
timeout 400 "$PY" tests/bench/parse/feedparser_bench.py "$WORK/corpus" "$PY_REPS" | tee "$WORK/python.txt"
echo "== where (b)'s time goes: $REPS passes of each stage"
timeout 300 dotnet run -c Release --no-build --project "$TOOL" -- breakdown "$WORK/corpus" "$REPS" | tee "$WORK/breakdown.txt"

"$PY" - "$WORK/dotnet.txt" "$WORK/python.txt" "$WORK/breakdown.txt" <<'PYEOF'
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
PYEOF
