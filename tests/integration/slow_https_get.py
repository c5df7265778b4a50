#!/usr/bin/env python3
"""A slow HTTPS download for tests/integration/acme_failures.sh (standard
library only): one GET whose body is read at a pace that makes it last
SECONDS, through a small receive buffer, so that the server is still
sending (and still encrypting, on the TLS state the handshake set up)
all that time. curl's --limit-rate cannot do this: it lets the kernel
take most of a megabyte at once, and its average is loose.

    slow_https_get.py ADDR NAME CAFILE PATH SECONDS BODY_OUT CERT_OUT

Verifies the server's certificate against CAFILE for NAME, writes the body
to BODY_OUT and the certificate the connection was made with (DER) to
CERT_OUT, prints "status S bytes N seconds T", and exits 0 if the status
was 200 and the whole Content-Length came; else says why on stderr and
exits 1.
"""
import socket
import ssl
import sys
import time


def main():
    addr, name, cafile, path, seconds, body_out, cert_out = sys.argv[1:8]
    seconds = float(seconds)
    ctx = ssl.create_default_context(cafile=cafile)
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    raw.settimeout(30)
    raw.connect((addr, 443))
    s = ctx.wrap_socket(raw, server_hostname=name)
    with open(cert_out, "wb") as f:
        f.write(s.getpeercert(binary_form=True))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            sys.exit(f"slow_https_get: the connection ended in the response head: {data[:200]!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = None
    for line in lines[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        sys.exit(f"slow_https_get: no Content-Length: {lines}")
    rate = length / seconds
    start = time.monotonic()
    chunks = [body]
    got = len(body)
    while got < length:
        ahead = got / rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
        chunk = s.recv(min(4096, length - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    elapsed = time.monotonic() - start
    with open(body_out, "wb") as f:
        f.write(b"".join(chunks))
    print(f"status {status} bytes {got} seconds {elapsed:.1f}")
    if status != 200 or got != length:
        sys.exit(f"slow_https_get: status {status}, {got} of {length} bytes")


if __name__ == "__main__":
    main()
