"""Helpers shared by the reliability drivers: start/stop the published app, call its HTTP API, check feed files.

Standard library only (Debian's /usr/bin/python3). Every process started here is recorded in WORK/pids, as
tests/lib/app.sh records its own, so the calling script's cleanup can stop it by PID, whatever happens to this driver.
"""
import argparse
import gzip
import http.client
import json
import urllib.request
import urllib.parse
import os
import random
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

T0 = time.monotonic()
NAME = os.environ.get("NAME", "reliability")


def log(msg):
    print(f"[{NAME} {time.monotonic() - T0:6.1f}s] {msg}", flush=True)


def arguments():
    """The drivers' command line: --app-dir (the published app) and --work (the script's temp folder), then their own."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--app-dir", required=True)
    ap.add_argument("--work", required=True)
    return ap


def track_pid(work, pid):
    """Records pid with its start time (field 22 of /proc/PID/stat), as tests/lib/app.sh's track_pid does: the cleanup
    then stops it only if it is still that process."""
    with open(f"/proc/{pid}/stat") as f:
        started = f.read().rsplit(")", 1)[1].split()[19]
    with open(os.path.join(work, "pids"), "a") as f:
        f.write(f"{pid} {started}\n")


def result(name, **kv):
    print("RESULT " + name + " " + " ".join(f"{k}={v}" for k, v in kv.items()), flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(base, method, path, body=None, key=None, headers=None, timeout=10.0, raw=False):
    """One HTTP request on a new connection. Returns (status, headers dict lower-cased, body bytes)."""
    host, port = base.split("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    h = dict(headers or {})
    data = None
    if body is not None:
        if isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        elif isinstance(body, str):
            data = body.encode("utf-8")
        else:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            h.setdefault("Content-Type", "application/json")
    if key:
        h["Authorization"] = f"Bearer {key}"
    try:
        conn.request(method, path, body=data, headers=h, encode_chunked=False) if not raw else conn.putrequest(method, path)
        r = conn.getresponse()
        payload = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, payload
    finally:
        conn.close()


def get_json(base, path, key=None, timeout=10.0):
    status, _, body = request(base, "GET", path, key=key, timeout=timeout)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    return json.loads(body)


class App:
    """The published FeedService on 127.0.0.1, configured through the environment like tests/interop/run.sh."""

    def __init__(self, app_dir, work, name="app", key=None, settings=None, port=None, create_folders=True):
        self.app_dir = app_dir
        self.work = work
        self.name = name
        self.key = key or f"reliability-{os.getpid()}-{random.randrange(1 << 30)}-key"
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db = os.path.join(work, name, "data", "feedservice.db")
        self.feeds = os.path.join(work, name, "feeds")
        self.log_path = os.path.join(work, f"{name}.log")
        self.settings = dict(settings or {})
        self.proc = None
        self.starts = 0
        # False: the app creates its data and feeds folders itself (powercut.py: it must make them durable).
        self.create_folders = create_folders

    def env(self):
        e = dict(os.environ)
        e.update({
            "ASPNETCORE_URLS": self.base,
            "ASPNETCORE_ENVIRONMENT": "Production",
            "FeedService__Site__BaseUrl": self.base,
            "FeedService__Storage__DatabasePath": self.db,
            "FeedService__Feeds__OutputPath": self.feeds,
            "FeedService__Demo__Seed": "false",
            "FeedService__Aggregation__AllowPrivateNetworks": "true",
        })
        if self.key:   # None: no key configured, so the app generates data/api-key
            e["FeedService__Auth__ApiKeys__0"] = self.key
        for k, v in self.settings.items():
            e["FeedService__" + k.replace(":", "__")] = str(v)
        return e

    def start(self, timeout=60):
        if self.create_folders:
            os.makedirs(os.path.dirname(self.db), exist_ok=True)
            os.makedirs(self.feeds, exist_ok=True)
        out = open(self.log_path, "ab")
        out.write(f"\n==== start {self.starts + 1} ====\n".encode())
        out.flush()
        self.proc = subprocess.Popen(["dotnet", os.path.join(self.app_dir, "FeedService.dll")], cwd=self.app_dir,
                                     env=self.env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        track_pid(self.work, self.proc.pid)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited during start-up with {self.proc.returncode}; see {self.log_path}")
            try:
                status, _, _ = request(self.base, "GET", "/healthz", timeout=2)
                if status in (200, 503):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz within {timeout}s")

    def health(self):
        status, _, body = request(self.base, "GET", "/healthz", timeout=5)
        return status, json.loads(body)

    def wait_regenerated(self, after_run=0, timeout=60):
        """Waits until a regeneration run numbered above after_run has finished; returns (status, health)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, h = self.health()
            last = h.get("lastRegeneration")
            if last and last.get("run", 0) > after_run:
                return status, h
            time.sleep(0.05)
        raise RuntimeError(f"no regeneration after run {after_run} within {timeout}s")

    def wait_folder_current(self, timeout=60):
        """Waits until feeds/ holds exactly the served documents (/healthz feedsFolder "ok"): it is written in the background."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, h = self.health()
            if (h.get("feedsFolder") or {}).get("status") == "ok":
                return
            time.sleep(0.05)
        raise RuntimeError(f"feeds/ did not catch up within {timeout}s: {h.get('feedsFolder')}")

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def rss_kib(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def kill(self):
        """SIGKILL, as a crash: no shutdown code runs."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc:
            self.proc.wait(timeout=30)

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def call(self, method, path, body=None, key=True, headers=None, timeout=10.0):
        return request(self.base, method, path, body=body, key=self.key if key is True else key, headers=headers, timeout=timeout)


def brotli_decode(path):
    return subprocess.run(["brotli", "-d", "-c", path], check=True, capture_output=True).stdout


def check_feed_folder(folder, problems, allow_temp=False, check_encodings=True):
    """Every document parses (XML or JSON), its .gz/.br copies decode to the same bytes, and no temp file is left.
    Appends what is wrong to problems; returns (documents checked, temp files seen)."""
    docs = temps = 0
    for root, _, names in os.walk(folder):
        for n in names:
            path = os.path.join(root, n)
            rel = os.path.relpath(path, folder)
            if n.startswith(".") and n.endswith(".tmp"):
                temps += 1
                if not allow_temp:
                    problems.append(f"temp file left: {rel}")
                continue
            ext = n.rsplit(".", 1)[-1]
            if ext in ("rss", "atom", "json"):
                docs += 1
                data = open(path, "rb").read()
                try:
                    if ext == "json":
                        json.loads(data)
                    else:
                        ET.fromstring(data)
                except Exception as e:  # noqa: BLE001 - any parse error is the finding
                    problems.append(f"{rel}: not a complete {ext} document ({len(data)} bytes): {e}")
                    continue
                if check_encodings:
                    for suffix, decode in ((".gz", lambda p: gzip.decompress(open(p, "rb").read())), (".br", brotli_decode)):
                        if not os.path.exists(path + suffix):
                            problems.append(f"{rel}{suffix} is missing")
                            continue
                        try:
                            if decode(path + suffix) != data:
                                problems.append(f"{rel}{suffix} does not decode to the document's bytes")
                        except Exception as e:  # noqa: BLE001
                            problems.append(f"{rel}{suffix} does not decode: {e}")
    return docs, temps


def feed_ids(app, slug):
    """The item ids of a feed's current JSON document (the file in feeds/) and of all its archive pages, which the
    running app renders when asked for: followed through next_url, as a JSON Feed reader walks the history."""
    path = os.path.join(app.feeds, f"{slug}.json")
    if not os.path.exists(path):
        return []
    doc = json.load(open(path, "rb"))
    ids = [i["id"] for i in doc["items"]]
    seen = set()
    while doc.get("next_url") and doc["next_url"] not in seen and len(seen) < 10000:
        seen.add(doc["next_url"])
        local = app.base + urllib.parse.urlsplit(doc["next_url"]).path
        with urllib.request.urlopen(local, timeout=30) as r:
            doc = json.load(r)
        ids += [i["id"] for i in doc["items"]]
    return ids


def percentile(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def fail(name, problems, **kv):
    for p in problems[:50]:
        print(f"{name}: FAIL: {p}", file=sys.stderr)
    if len(problems) > 50:
        print(f"{name}: ... and {len(problems) - 50} more", file=sys.stderr)
