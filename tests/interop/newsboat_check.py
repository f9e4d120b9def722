"""Reads the newsboat caches tests/interop/run.sh left in NB_DIR (one per feed, FEED.cache.db): every feed has a
title and items, the interop post (TITLE) is in every feed but the demo category's, and every demo post (by its API
title, from DEMO_JSON) is in the demo category's feeds and in "all". PROBLEM lines say what is wrong. Exit 1 on any.
Usage: newsboat_check.py NB_DIR DEMO_JSON TITLE BASE CATEGORY DEMO_CATEGORY FEED...
"""
import json, os, sqlite3, sys

nb, demo_json, title, base, category, demo, *feeds = sys.argv[1:]
demo_titles = [p["title"] for p in json.load(open(demo_json))["items"]]
problems = []
for feed in feeds:
    path = os.path.join(nb, feed + ".cache.db")
    if not os.path.exists(path):
        problems.append(f"newsboat wrote no cache for /feeds/{feed}")
        continue
    db = sqlite3.connect(path)
    url = f"{base}/feeds/{feed}"
    feed_title = db.execute("SELECT title FROM rss_feed WHERE rssurl = ?", (url,)).fetchone()
    titles = [r[0] for r in db.execute("SELECT title FROM rss_item WHERE feedurl = ?", (url,))]
    print(f"newsboat /feeds/{feed}: feed title {feed_title[0] if feed_title else None!r}, {len(titles)} items")
    if not feed_title or not feed_title[0]:
        problems.append(f"newsboat /feeds/{feed}: no feed title in the cache")
    if not titles:
        problems.append(f"newsboat stored no items for /feeds/{feed}")
        continue
    if not feed.startswith(demo + ".") and title not in titles:
        problems.append(f"newsboat /feeds/{feed}: no item titled {title!r}; it has {titles[:5]}")
    if feed.startswith(demo + ".") or feed.startswith("all."):
        missing = [t for t in demo_titles if t not in titles]
        if missing:
            problems.append(f"newsboat /feeds/{feed}: {len(missing)} of {len(demo_titles)} demo posts missing or retitled, "
                            f"e.g. API title {missing[0]!r}; newsboat has {[t for t in titles if t != title][:3]}")
for p in problems:
    print("PROBLEM " + p)
sys.exit(1 if problems else 0)
