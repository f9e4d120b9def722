"""feedparser (python3-feedparser, Debian's) reads every feed URL given: HTTP 200, no bozo, the expected version, a
title and link, entries that each have a title, link, id and date; and the interop post (TITLE, with GUID in its id)
in the interop category's feeds and in "all". Prints one line per feed; PROBLEM lines say what is wrong
(tests/interop/run.sh counts them). Exit 1 on any.
Usage: feedparser_check.py TITLE GUID CATEGORY URL...
"""
import sys

import feedparser

title, guid, category, *urls = sys.argv[1:]
problems = []
for url in urls:
    name = url.rsplit("/", 1)[1]
    d = feedparser.parse(url)
    where = f"feedparser {feedparser.__version__} /feeds/{name}"
    if d.get("status") != 200:
        problems.append(f"{where}: HTTP status {d.get('status')}")
    if d.bozo:
        problems.append(f"{where}: bozo=1: {type(d.bozo_exception).__name__}: {d.bozo_exception}")
    expected = "rss20" if name.endswith(".rss") else "atom10"
    if d.version != expected:
        problems.append(f"{where}: detected version {d.version!r}, expected {expected!r}")
    if not d.feed.get("title"):
        problems.append(f"{where}: the feed has no title")
    if not d.feed.get("link"):
        problems.append(f"{where}: the feed has no link")
    if not d.entries:
        problems.append(f"{where}: no entries")
    for i, e in enumerate(d.entries):
        missing = [k for k in ("title", "link", "id") if not e.get(k)]
        if not (e.get("published_parsed") or e.get("updated_parsed")):
            missing.append("published_parsed/updated_parsed")
        if missing:
            problems.append(f"{where}: entry {i} ({e.get('id') or e.get('title')!r}) lacks {', '.join(missing)}")
    if name.startswith(category + ".") or name.startswith("all."):
        mine = [e for e in d.entries if e.get("title") == title]
        if not mine:
            problems.append(f"{where}: no entry titled {title!r}; titles: {[e.get('title') for e in d.entries][:5]}")
        elif not any(guid in (e.get("id") or "") for e in mine):
            # "all" also holds the mirror category's republished copy, which has its own guid.
            problems.append(f"{where}: the interop entries' ids are {[e.get('id') for e in mine]!r}, expected one to carry the guid {guid!r}")
    print(f"{where}: {d.version}, {len(d.entries)} entries")
for p in problems:
    print("PROBLEM " + p)
sys.exit(1 if problems else 0)
