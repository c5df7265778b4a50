#!/usr/bin/env python3
"""A client that reads a large response slowly, on purpose: it asks for
PATH over HTTP with a small receive buffer and reads 512 bytes every
0.1 s, so the response stays under way on the server for minutes. For
tests/integration/reload.sh: run inside the test's namespace as

    slowread.py SERVER PATH SECONDS

Prints "started" once the first bytes came, then when SECONDS passed (or
the server ended the connection) one line: "read N bytes: still open",
"read N bytes: reset" or "read N bytes: closed".
"""
import socket
import sys
import time

server, path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)     # before connect: the window stays small
s.settimeout(10)
s.connect((server, 80))
s.sendall(f"GET {path} HTTP/1.1\r\nHost: unihost.test\r\n\r\n".encode())
deadline = time.monotonic() + seconds
total = 0
state = "still open"
try:
    while time.monotonic() < deadline:
        chunk = s.recv(512)
        if not chunk:
            state = "closed"
            break
        if total == 0:
            print("started", flush=True)
        total += len(chunk)
        time.sleep(0.1)
except ConnectionResetError:
    state = "reset"
except socket.timeout:
    state = "timed out"
print(f"read {total} bytes: {state}", flush=True)
s.close()
