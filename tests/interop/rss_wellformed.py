"""RSS 2.0 has no official schema: each file given must be well-formed XML with an <rss version="2.0"><channel> root.
Prints one line per file; PROBLEM lines say what is wrong (tests/interop/run.sh counts them). Exit 1 on any."""
import os
import sys
import xml.etree.ElementTree as ET

problems = []
for path in sys.argv[1:]:
    name = os.path.basename(path)
    try:
        root = ET.parse(path).getroot()
        assert root.tag == "rss" and root.get("version") == "2.0", f"root is <{root.tag} version={root.get('version')!r}>"
        assert root.find("channel") is not None, "no <channel>"
        print(f"/feeds/{name}: well-formed RSS 2.0")
    except (ET.ParseError, AssertionError) as e:
        problems.append(f"/feeds/{name} is not well-formed RSS 2.0: {e}")
for p in problems:
    print("PROBLEM " + p)
sys.exit(1 if problems else 0)
