#!/usr/bin/env python3
"""Continuous HTTP, HTTPS and DNS traffic for tests/integration/reload.sh,
each response checked to come wholly from one content version (standard
library only). Run inside the test's network namespace:

    swapload.py SERVER CAFILE STOPFILE OUTFILE

Runs until STOPFILE exists (and at most 120 s), then writes one line per
client kind to OUTFILE:

    KIND requests=N failures=N versions=V1,V2,...

and the first failures, one per line, as "# KIND: why". The versions are
what the test's blobs put in every place a client can see:
  - /version.html holds "content version K" (exactly one K);
  - /big.txt is 600 kB of lines "content version K" (all the same K);
  - swap.test. TXT is "version K", its SOA serial is K.
Every socket has a timeout, so nothing can hang.
"""
import http.client
import os
import random
import re
import socket
import ssl
import struct
import sys
import threading
import time

SERVER, CAFILE, STOPFILE, OUTFILE = sys.argv[1:5]
DEADLINE = time.monotonic() + 120
VERSION_RE = re.compile(rb"content version (\d+)")

lock = threading.Lock()
results = {}


def stopped():
    return os.path.exists(STOPFILE) or time.monotonic() > DEADLINE


def record(kind, version=None, failure=None):
    with lock:
        r = results.setdefault(kind, {"requests": 0, "failures": 0, "versions": set(), "why": []})
        r["requests"] += 1
        if failure:
            r["failures"] += 1
            if len(r["why"]) < 5:
                r["why"].append(failure)
        elif version is not None:
            r["versions"].add(version)


def one_version(body, what):
    """The one version a body shows, or raises with what is wrong."""
    found = set(VERSION_RE.findall(body))
    if len(found) != 1:
        raise ValueError(f"{what}: versions {sorted(v.decode() for v in found)} in one body of {len(body)} bytes")
    version = found.pop().decode()
    if what == "/big.txt":
        line = b"content version " + version.encode() + b"\n"
        if body != line * (len(body) // len(line)) or len(body) < 500000:
            raise ValueError(f"/big.txt: {len(body)} bytes, not whole lines of version {version}")
    return version


def http_client(kind, make_connection, requests_per_connection):
    """Keep-alive requests, a new connection every so many."""
    paths = ["/version", "/big.txt", "/version"]
    while not stopped():
        try:
            conn = make_connection()
            for i in range(requests_per_connection):
                if stopped():
                    break
                path = paths[i % len(paths)]
                conn.request("GET", path, headers={"Host": "unihost.test"})
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200:
                    record(kind, failure=f"{path}: status {resp.status}")
                    continue
                try:
                    record(kind, version=one_version(body, "/big.txt" if path == "/big.txt" else path))
                except ValueError as e:
                    record(kind, failure=str(e))
            conn.close()
        except (OSError, http.client.HTTPException) as e:
            record(kind, failure=f"{type(e).__name__}: {e}")


def plain_connection():
    return http.client.HTTPConnection(SERVER, 80, timeout=10)


def tls_connection():
    ctx = ssl.create_default_context(cafile=CAFILE)
    ctx.check_hostname = False      # the development certificate names 192.0.2.2; checked by the CA file
    return http.client.HTTPSConnection(SERVER, 443, timeout=10, context=ctx)


def dns_query(qid, name, qtype):
    q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack(">HH", qtype, 1)


def skip_name(msg, off):
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            return off + 2
        if n == 0:
            return off + 1
        off += 1 + n


def txt_version(msg, qid):
    """The version in the TXT answer of a response to query qid."""
    rid, flags, qd, an = struct.unpack(">HHHH", msg[:8])
    if rid != qid or flags & 0x000F or an != 1:
        raise ValueError(f"id {rid} (sent {qid}), rcode {flags & 15}, {an} answers")
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    off = skip_name(msg, off)
    rtype, _cls, _ttl, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
    rdata = msg[off + 10:off + 10 + rdlen]
    text = rdata[1:1 + rdata[0]] if rtype == 16 and rdata else b""
    m = re.fullmatch(rb"version (\d+)", text)
    if not m:
        raise ValueError(f"answer type {rtype}, rdata {rdata!r}")
    return m.group(1).decode()


def dns_udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    while not stopped():
        qid = random.randrange(65536)
        try:
            s.sendto(dns_query(qid, "swap.test", 16), (SERVER, 53))
            msg, _ = s.recvfrom(4096)
            record("dns-udp", version=txt_version(msg, qid))
        except (OSError, ValueError, struct.error, IndexError) as e:
            record("dns-udp", failure=f"{type(e).__name__}: {e}")
        time.sleep(0.002)


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ValueError("connection closed mid-message")
        data += chunk
    return data


def dns_tcp():
    while not stopped():
        try:
            with socket.create_connection((SERVER, 53), timeout=5) as s:
                for _ in range(50):
                    if stopped():
                        break
                    qid = random.randrange(65536)
                    q = dns_query(qid, "swap.test", 16)
                    s.sendall(struct.pack(">H", len(q)) + q)
                    length = struct.unpack(">H", recv_exact(s, 2))[0]
                    record("dns-tcp", version=txt_version(recv_exact(s, length), qid))
                    time.sleep(0.005)
        except (OSError, ValueError, struct.error, IndexError) as e:
            record("dns-tcp", failure=f"{type(e).__name__}: {e}")


threads = [
    threading.Thread(target=http_client, args=("http", plain_connection, 20)),
    threading.Thread(target=http_client, args=("https", tls_connection, 10)),
    threading.Thread(target=dns_udp),
    threading.Thread(target=dns_tcp),
]
for t in threads:
    t.daemon = True
    t.start()
for t in threads:
    t.join(timeout=max(1, DEADLINE - time.monotonic() + 30))

with open(OUTFILE, "w") as out, lock:
    for kind in ("http", "https", "dns-udp", "dns-tcp"):
        r = results.get(kind, {"requests": 0, "failures": 0, "versions": set(), "why": []})
        versions = ",".join(sorted(r["versions"], key=int)) or "-"
        out.write(f"{kind} requests={r['requests']} failures={r['failures']} versions={versions}\n")
        for why in r["why"]:
            out.write(f"# {kind}: {why}\n")
