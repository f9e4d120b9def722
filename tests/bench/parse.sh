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
# The .NET side and feedparser_bench.py live beside the parser tests: tests/FeedService.Tests/Aggregation/Parsing/Bench.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"

REPS=${REPS:-7}
PY_REPS=${PY_REPS:-3}
BENCH=tests/FeedService.Tests/Aggregation/Parsing/Bench

need_python feedparser:python3-feedparser
build_project "$BENCH/ParseBench.csproj" "$WORK/bench"
TOOL=(dotnet "$WORK/bench/ParseBench.dll")
echo "== generating the corpus"
timeout 120 "${TOOL[@]}" generate "$WORK/corpus"
echo "== .NET: $REPS passes each of (a) (b) (c), interleaved"
timeout 300 "${TOOL[@]}" measure "$WORK/corpus" "$REPS" | tee "$WORK/dotnet.txt"
echo "== python3-feedparser $("$PY" -c 'import feedparser; print(feedparser.__version__)'): $PY_REPS passes"
timeout 400 "$PY" "$BENCH/feedparser_bench.py" "$WORK/corpus" "$PY_REPS" | tee "$WORK/python.txt"
echo "== where (b)'s time goes: $REPS passes of each stage"
timeout 300 "${TOOL[@]}" breakdown "$WORK/corpus" "$REPS" | tee "$WORK/breakdown.txt"

"$PY" "$BENCH/report.py" "$WORK/dotnet.txt" "$WORK/python.txt" "$WORK/breakdown.txt"
