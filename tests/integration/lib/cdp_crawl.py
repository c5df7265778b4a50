#!/usr/bin/env python3
"""Loads a site in a running headless Chromium through the DevTools protocol
(standard library only: a minimal WebSocket client) and reports, per page,
every sub-resource that failed: Network.loadingFailed events and responses
with status >= 400. Loads START_URL, then every same-origin page it links
to (<a href>), each until its load event. Each page's line also says how
many tables and whether a table of contents (nav.toc, crunch's {{toc}})
it rendered, so a caller can insist that such a page was among them.

Usage: cdp_crawl.py DEVTOOLS_PORT START_URL [TIMEOUT_PER_PAGE]
Prints "ok - ..." / "not ok - ..." lines (the test's format, without the
test name prefix: the caller adds it) and "# " diagnostics; exits 1 on any
failure. The DevTools endpoint must be on 127.0.0.1.
"""
import base64
import json
import os
import socket
import struct
import sys
import time
import urllib.parse
import urllib.request


class WebSocket:
    def __init__(self, url, timeout):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(req.encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed during the WebSocket handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError("WebSocket handshake refused: " + head.decode("latin-1")[:200])

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            header = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("DevTools closed the WebSocket")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        """One whole message (text), reassembling fragments."""
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            if b1 & 0x80:
                mask = self._read(4)
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(n)))
            else:
                payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the WebSocket")
            if opcode in (0x9, 0xA):
                continue            # ping/pong: Chromium does not require answers here
            message += payload
            if b0 & 0x80:
                return message.decode("utf-8", "replace")


class Session:
    def __init__(self, ws_url, timeout):
        self.ws = WebSocket(ws_url, timeout)
        self.next_id = 0
        self.events = []

    def call(self, method, params=None, deadline=None):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params or {}}))
        while True:
            if deadline and time.monotonic() > deadline:
                raise TimeoutError(method)
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, name, deadline):
        for i, e in enumerate(self.events):
            if e["method"] == name:
                del self.events[i]
                return e
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == name:
                return msg
            if "method" in msg:
                self.events.append(msg)
        raise TimeoutError(name)


def page_target(port, deadline):
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                for t in json.load(r):
                    if t.get("type") == "page":
                        return t["webSocketDebuggerUrl"]
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("no DevTools page target on port %d" % port)
        time.sleep(0.2)


def load(session, url, timeout):
    """Navigates to url; returns (failures, responses seen, links, what it holds)."""
    deadline = time.monotonic() + timeout
    session.events = []
    session.call("Page.navigate", {"url": url}, deadline)
    session.wait_event("Page.loadEventFired", deadline)
    # Late sub-resources (none expected on this site) get a short grace time.
    time.sleep(0.3)
    links = session.call("Runtime.evaluate", {
        "expression": "Array.from(document.querySelectorAll('a[href]')).map(a => a.href)",
        "returnByValue": True}, deadline)["result"].get("value", [])
    holds = session.call("Runtime.evaluate", {
        "expression": "document.querySelectorAll('main table').length + ' tables; ' + "
                      "(document.querySelector('nav.toc li a[href^=\"#\"]') ? 'a' : 'no') + ' table of contents'",
        "returnByValue": True}, deadline)["result"].get("value", "?")
    failures, responses = [], []
    urls = {}
    for e in session.events:
        p = e.get("params", {})
        if e["method"] == "Network.requestWillBeSent":
            urls[p["requestId"]] = p["request"]["url"]
        elif e["method"] == "Network.responseReceived":
            status = p["response"]["status"]
            responses.append((p["response"]["url"], status))
            if status >= 400:
                failures.append(f"{p['response']['url']}: HTTP {status}")
        elif e["method"] == "Network.loadingFailed":
            if p.get("canceled"):
                continue
            failures.append(f"{urls.get(p['requestId'], p['requestId'])}: {p.get('errorText')}")
    return failures, responses, links, holds


def main():
    port, start = int(sys.argv[1]), sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 20
    origin = urllib.parse.urlparse(start)
    session = Session(page_target(port, time.monotonic() + 30), timeout)
    session.call("Network.enable")
    session.call("Page.enable")
    # Every load goes to the server, so each page is really fetched.
    session.call("Network.setCacheDisabled", {"cacheDisabled": True})
    failed = 0
    pages = [start]
    seen = set()
    while pages:
        url = urllib.parse.urldefrag(pages.pop(0))[0]
        if url in seen:
            continue
        seen.add(url)
        try:
            failures, responses, links, holds = load(session, url, timeout)
        except (TimeoutError, ConnectionError, RuntimeError) as e:
            print(f"not ok - load {url}: {type(e).__name__} {e}")
            failed += 1
            continue
        main_status = next((s for u, s in responses if urllib.parse.urldefrag(u)[0] == url), None)
        if failures or main_status != 200:
            print(f"not ok - load {url}: page status {main_status}; failed: {'; '.join(failures) or 'none'}")
            failed += 1
        else:
            print(f"ok - load {url}: 200, {len(responses) - 1} sub-resources, none failed; {holds}")
        for r in responses:
            print(f"#   {r[1]} {r[0]}")
        if url == start and len(responses) < 2:
            print(f"not ok - {url} loaded no sub-resource (its stylesheet at least was expected)")
            failed += 1
        if url == start:
            for link in links:
                u = urllib.parse.urlparse(link)
                if u.scheme == origin.scheme and u.netloc == origin.netloc:
                    pages.append(link)
            print(f"# {len(set(pages))} same-origin links on the start page")
            if not pages:
                print("not ok - the start page links to no page of the site")
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
