#!/usr/bin/env python3
"""A syslog receiver for tests/integration/logs.sh: RFC 5426 (one RFC 5424
message per UDP datagram). Standard library only. Run inside the test's
namespace:

    syslogd.py ADDR PORT OUT

Binds ADDR:PORT and appends each datagram to OUT as one line: the
datagram's bytes with every byte outside printable ASCII, and the
backslash, written as \\xHH -- so a datagram holding a line end shows as
one line with "\\x0a" in it, and the checks see exactly what came. Stops on
SIGTERM; exits by itself after 120 s (bounded).
"""
import signal
import socket
import sys
import time


def show(data):
    return "".join(chr(b) if 0x20 <= b <= 0x7e and b != 0x5c else "\\x%02x" % b for b in data)


def main():
    addr, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    sock.settimeout(0.5)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    deadline = time.monotonic() + 120
    with open(out, "a", buffering=1) as f:
        print("# listening", flush=True)
        while time.monotonic() < deadline:
            try:
                data, _ = sock.recvfrom(65535)
            except socket.timeout:
                continue
            f.write(show(data) + "\n")


if __name__ == "__main__":
    main()
