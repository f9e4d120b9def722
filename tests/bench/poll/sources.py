"""tests/bench/poll.sh's reads and writes of the app's database, and the OPML it imports. Standard library only.
Usage: sources.py DB due-now | polled-since TIME | outcomes | posts
       sources.py opml READY_FILE OUT      (READY_FILE: the feed server's control URL, then one feed URL a line)
"""
import datetime
import sqlite3
import sys
from xml.sax.saxutils import quoteattr

if sys.argv[1] == "opml":
    urls = open(sys.argv[2]).read().split()[1:]
    with open(sys.argv[3], "w") as f:
        f.write('<?xml version="1.0"?>\n<opml version="2.0"><head><title>bench</title></head><body>\n<outline text="Bench">\n')
        for u in urls:
            f.write("<outline type=\"rss\" text=%s xmlUrl=%s/>\n" % (quoteattr(u), quoteattr(u)))
        f.write("</outline>\n</body></opml>\n")
    sys.exit(0)

db, what = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db, timeout=30)
if what == "due-now":       # every source due one second ago
    t = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    c.execute("UPDATE sources SET next_poll_at = ?", (t,))
    c.commit()
    print(t)
elif what == "polled-since":
    print(c.execute("SELECT COUNT(*) FROM sources WHERE last_fetched_at >= ?", (sys.argv[3],)).fetchone()[0])
elif what == "outcomes":
    print(" ".join("%s=%d" % r for r in c.execute("SELECT COALESCE(last_outcome, 'none'), COUNT(*) FROM sources GROUP BY 1 ORDER BY 1")))
elif what == "posts":
    print(c.execute("SELECT COUNT(*) FROM posts").fetchone()[0])
