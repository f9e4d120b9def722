"""The sites the cluster aggregates: RSS feeds on 20 loopback addresses, with a record of every fetch.

One threaded listener per address (127.0.0.2 … 127.0.0.21, the same port on each), so each address is a host of its
own to the fetcher's one-request-at-a-time-per-host rule. Every request is recorded (feed, start, end, status, and
whether the client hung up before the answer), and per host the most requests ever in flight at once. A per-response
delay makes a polling round last long enough to kill a node in the middle of it; during the delay the socket is
watched, so a request whose client was killed ends at once (it is "abandoned") instead of counting as in flight.
"""
import email.utils
import hashlib
import http.server
import select
import socket
import threading
import time
from collections import defaultdict


class FeedServer:
    def __init__(self, hosts, port, feeds_per_host, items_per_feed=3, delay=0.0):
        self.hosts, self.port, self.delay = hosts, port, delay
        self.lock = threading.Lock()
        # url -> list of (guid, title, pubDate as a unix time): what the feed serves now.
        self.items = {}
        for h, host in enumerate(hosts):
            for f in range(feeds_per_host):
                url = self.url(host, f)
                # Old dates: aggregated items sort below the posts the test writes ("all" shows the newest first).
                self.items[url] = [(f"h{h}f{f}i{i}", f"Item {i} of host {h} feed {f}", 1704067200 + h * 86400 + f * 3600 + i * 60)
                                   for i in range(items_per_feed)]
        self.fetches = []                 # (url, start, end, status, abandoned), in the order they ended
        self.inflight = defaultdict(int)
        self.max_inflight = defaultdict(int)
        self.servers = []

    def url(self, host, f):
        return f"http://{host}:{self.port}/feeds/{f}.xml"

    def add_item(self, url, guid, title):
        """A new newest item: the next poll must bring it in as a post."""
        with self.lock:
            self.items[url] = [(guid, title, time.time())] + self.items[url]

    def body(self, url):
        with self.lock:
            items = list(self.items[url])
        out = [f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Feed {url}</title>'
               f"<link>{url}</link><description>cluster test feed</description>"]
        for guid, title, when in items:
            out.append(f"<item><title>{title}</title><link>{url}#{guid}</link><guid isPermaLink=\"false\">{guid}</guid>"
                       f"<pubDate>{email.utils.formatdate(when, usegmt=True)}</pubDate><description>{title}.</description></item>")
        out.append("</channel></rss>\n")
        return "".join(out).encode()

    def start(self):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"   # keep-alive, as a real site: the fetcher reuses its connections

            def log_message(self, *a):
                pass

            def do_GET(self):
                host = self.server.server_address[0]
                url = f"http://{host}:{owner.port}{self.path}"
                start = time.monotonic()
                with owner.lock:
                    owner.inflight[host] += 1
                    owner.max_inflight[host] = max(owner.max_inflight[host], owner.inflight[host])
                status, abandoned = 0, False
                try:
                    if url not in owner.items:
                        status = 404
                        self.send_response(404)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    body = owner.body(url)
                    etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                    abandoned = owner.wait_or_hangup(self.connection, owner.delay)
                    if abandoned:
                        self.close_connection = True
                        return
                    status = 304 if self.headers.get("If-None-Match") == etag else 200
                    self.send_response(status)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                    self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
                    self.end_headers()
                    if status == 200:
                        self.wfile.write(body)
                except OSError:
                    abandoned = True
                finally:
                    with owner.lock:
                        owner.inflight[host] -= 1
                        owner.fetches.append((url, start, time.monotonic(), status, abandoned))

        for host in self.hosts:
            srv = http.server.ThreadingHTTPServer((host, self.port), Handler)
            srv.daemon_threads = True
            self.servers.append(srv)
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()

    @staticmethod
    def wait_or_hangup(sock, seconds):
        """Sleeps `seconds`, but returns True as soon as the client closes the connection (a killed node)."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            readable, _, _ = select.select([sock], [], [], left)
            if readable:
                try:
                    if sock.recv(1, socket.MSG_PEEK) == b"":
                        return True
                except OSError:
                    return True
                time.sleep(left)   # a pipelined request: not a hang-up; serve this one after the delay
                return False

    def stop(self):
        for srv in self.servers:
            srv.shutdown()
            srv.server_close()

    def since(self, t0):
        """Fetches that began at or after t0 (monotonic)."""
        with self.lock:
            return [f for f in self.fetches if f[1] >= t0]
