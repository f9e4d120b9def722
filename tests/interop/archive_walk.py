"""Walks the RFC 5005 archive chain of one category from its current document, in Atom, RSS and JSON Feed: each
document is saved into OUT_DIR (for jing), judged (feedparser for RSS; fh:archive and rel=current on archive pages;
JSON Feed 1.1 fields), and the walk must see every demo post of DEMO_JSON exactly once. PROBLEM lines say what is
wrong. Exit 1 on any.
Usage: archive_walk.py BASE SLUG OUT_DIR DEMO_JSON
"""
import json, sys, urllib.request, xml.etree.ElementTree as ET
import feedparser

base, slug, out, demo_json = sys.argv[1:]
A = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}archive"
expected = sorted(p["guid"] for p in json.load(open(demo_json))["items"])
problems = []

def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read(), r.headers.get("Content-Type", "")

def link(root, rel):
    for l in root.iter(A + "link"):
        if l.get("rel") == rel:
            return l.get("href")
    return None

for ext in ("atom", "rss", "json"):
    url, seen, docs = f"{base}/feeds/{slug}.{ext}", [], 0
    while url and docs < 20:
        body, ctype = get(url)
        docs += 1
        name = f"{ext}-{docs}.{ext}"
        open(f"{out}/{name}", "wb").write(body)
        if ext == "json":
            d = json.loads(body)
            if not ctype.startswith("application/feed+json"): problems.append(f"{url}: Content-Type {ctype}")
            if d.get("version") != "https://jsonfeed.org/version/1.1": problems.append(f"{url}: version {d.get('version')}")
            if d.get("feed_url") != url: problems.append(f"{url}: feed_url {d.get('feed_url')}")
            for i in d["items"]:
                if not (isinstance(i.get("id"), str) and i.get("url") and i.get("title") and i.get("content_html") and i.get("date_published")):
                    problems.append(f"{url}: item lacks required fields: {list(i)}")
            seen += [i["id"] for i in d["items"]]
            url = d.get("next_url")
        else:
            root = ET.fromstring(body)
            if ext == "rss":
                f = feedparser.parse(body)
                if f.bozo: problems.append(f"{url}: feedparser bozo: {f.bozo_exception}")
                channel = root.find("channel")
                seen += [i.findtext("guid") for i in channel.findall("item")]
                if docs > 1 and channel.find(FH) is None: problems.append(f"{url}: no fh:archive")
                url = link(channel, "prev-archive")
            else:
                seen += [e.findtext(A + "id") for e in root.findall(A + "entry")]
                if docs > 1 and (root.find(FH) is None or link(root, "current") != f"{base}/feeds/{slug}.atom"):
                    problems.append(f"{url}: archive page without fh:archive or rel=current")
                url = link(root, "prev-archive")
    if sorted(seen) != expected or len(seen) != len(set(seen)):
        problems.append(f"{ext}: walking the archive saw {len(seen)} items ({len(set(seen))} distinct), expected the {len(expected)} demo posts once each")
    print(f"{ext}: {docs} documents, {len(seen)} items")
for p in problems:
    print("PROBLEM " + p)
sys.exit(1 if problems else 0)
