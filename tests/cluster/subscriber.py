"""A WebSub subscriber on 127.0.0.1: subscribes callbacks to topics at a hub, answers the verification of intent and
records every content delivery by (callback, topic, sha256 of the body).

A delivery counts as received only once the subscriber has acknowledged it (2xx sent): one whose sender hung up
during the optional answer delay (a node killed mid-delivery) never got its acknowledgement, so the hub is right to
send it again, and the second copy is not a duplicate. The same body acknowledged twice to one callback is.
"""
import hashlib
import http.server
import json
import re
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections import defaultdict

from feedserver import FeedServer
from rel import request

ATOM = "{http://www.w3.org/2005/Atom}"


class Subscriber:
    def __init__(self, port):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.delay = 0.0
        self.lock = threading.Lock()
        self.verified = set()                # (callback name, topic) whose subscription we confirmed
        self.acked = defaultdict(list)       # (callback name, topic, sha256) -> [times acknowledged]
        self.abandoned = 0                   # deliveries whose sender hung up before our answer
        self.bodies = {}                     # sha256 -> item ids in that document
        self.server = None

    def callback(self, name):
        return f"{self.base}/cb/{name}"

    def start(self):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def reply(self, status, body=b""):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                # Verification of intent (WebSub 5.3): echo hub.challenge for the topics we asked for.
                parts = urllib.parse.urlsplit(self.path)
                q = dict(urllib.parse.parse_qsl(parts.query))
                name = parts.path.rsplit("/", 1)[-1]
                if q.get("hub.mode") == "subscribe" and "hub.challenge" in q:
                    with owner.lock:
                        owner.verified.add((name, q.get("hub.topic")))
                    self.reply(200, q["hub.challenge"].encode())
                else:
                    self.reply(404)

            def do_POST(self):
                name = urllib.parse.urlsplit(self.path).path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                # The topic is the Link header's rel="self" (WebSub 7).
                m = re.search(r'<([^>]+)>;\s*rel="self"', self.headers.get("Link", ""))
                topic = m.group(1) if m else "?"
                sha = hashlib.sha256(body).hexdigest()
                if FeedServer.wait_or_hangup(self.connection, owner.delay):
                    with owner.lock:
                        owner.abandoned += 1
                    self.close_connection = True
                    return
                try:
                    self.reply(204)
                except OSError:
                    with owner.lock:
                        owner.abandoned += 1
                    return
                with owner.lock:
                    owner.acked[(name, topic, sha)].append(time.monotonic())
                    if sha not in owner.bodies:
                        owner.bodies[sha] = item_ids(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def subscribe(self, hub_base, name, topic):
        """Asks the hub at hub_base; returns the status (202 when accepted: verification follows in the background)."""
        form = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.topic": topic, "hub.callback": self.callback(name),
                                       "hub.lease_seconds": "86400"})
        status, _, body = request(hub_base, "POST", "/websub", body=form,
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        return status, body

    def counts(self):
        """(deliveries acknowledged, duplicates: the same body acknowledged again to the same callback)."""
        with self.lock:
            total = sum(len(v) for v in self.acked.values())
            dupes = sum(len(v) - 1 for v in self.acked.values())
        return total, dupes

    def ids_delivered(self, name, topic):
        """Every item id found in any body acknowledged to this callback for this topic."""
        with self.lock:
            shas = [sha for (n, t, sha) in self.acked if n == name and t == topic]
            return set().union(*(self.bodies[s] for s in shas)) if shas else set()

    def last_body(self, name, topic):
        with self.lock:
            latest = [(times[-1], sha) for (n, t, sha), times in self.acked.items() if n == name and t == topic]
        return max(latest)[1] if latest else None


def item_ids(body):
    """The ids of a JSON Feed's or an Atom feed's items."""
    try:
        if body.lstrip().startswith(b"{"):
            return {i["id"] for i in json.loads(body).get("items", [])}
        return {e.findtext(f"{ATOM}id") for e in ET.fromstring(body).iter(f"{ATOM}entry")}
    except (ValueError, ET.ParseError):
        return set()
