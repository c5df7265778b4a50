#!/usr/bin/env python3
"""Pipelined HTTP/1.1 for tests/integration/faults.sh (standard library
only): writes every request in ONE write on one connection, then reads the
responses from the byte stream and checks each against what it should be.

    pipeline.py HOST PORT TIMEOUT EXPORT_DIR URL:STATUS:FILE...

FILE is the expected body, relative to EXPORT_DIR (crunch --export's tree).
Every response must come, in request order, with STATUS, a Content-Length
equal to FILE's size and a body with FILE's SHA-256; nothing may follow the
last one. Prints one "#" line per response and exits 0 if all are right;
otherwise the last line says what was wrong and the exit status is 1. The
whole exchange is bounded by TIMEOUT seconds.
"""
import hashlib
import socket
import sys
import time


def read_until(s, buf, want, deadline):
    """Extends buf until want(buf) is not None; returns (result, buf)."""
    while True:
        got = want(buf)
        if got is not None:
            return got, buf
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"time-out with {len(buf)} bytes buffered")
        s.settimeout(left)
        chunk = s.recv(262144)
        if not chunk:
            raise ConnectionError(f"server closed with {len(buf)} bytes buffered")
        buf += chunk


def main():
    host, port, timeout, export = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    wants = [arg.split(":", 2) for arg in sys.argv[5:]]
    deadline = time.monotonic() + timeout
    request = b"".join(f"GET {url} HTTP/1.1\r\nHost: unihost.test\r\n\r\n".encode() for url, _, _ in wants)
    s = socket.create_connection((host, port), timeout=timeout)
    s.sendall(request)
    print(f"# {len(wants)} requests, {len(request)} bytes, in one write")
    buf = b""
    try:
        for i, (url, status, path) in enumerate(wants):
            with open(f"{export}/{path}", "rb") as f:
                body_want = f.read()
            end, buf = read_until(s, buf, lambda b: b.find(b"\r\n\r\n") if b"\r\n\r\n" in b else None, deadline)
            head = buf[:end].decode("latin-1").split("\r\n")
            buf = buf[end + 4:]
            fields = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
            got_status = head[0].split(" ")[1] if head[0].startswith("HTTP/1.1 ") else head[0][:30]
            length = int(fields.get("content-length", "-1"))
            if got_status != status or length != len(body_want):
                print(f"response {i + 1} ({url}): status {got_status}, Content-Length {length}; "
                      f"want {status}, {len(body_want)}")
                return 1
            _, buf = read_until(s, buf, lambda b: True if len(b) >= length else None, deadline)
            body, buf = buf[:length], buf[length:]
            same = hashlib.sha256(body).digest() == hashlib.sha256(body_want).digest()
            print(f"# {i + 1} {url}: {got_status}, {length} bytes, SHA-256 {'same' if same else 'DIFFERS'}")
            if not same:
                print(f"response {i + 1} ({url}): body differs from {path}")
                return 1
        # Nothing more may come: a short wait for stray bytes.
        s.settimeout(0.5)
        try:
            extra = s.recv(65536)
        except socket.timeout:
            extra = b""
        buf += extra
        if buf:
            print(f"{len(buf)} bytes after the last response: {buf[:60]!r}")
            return 1
    except (OSError, ValueError) as e:
        print(f"after {i} of {len(wants)} responses: {type(e).__name__}: {e}")
        return 1
    finally:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
