#!/usr/bin/env python3
"""bench/syslog_drain.py: the syslog receiver of bench/observability.sh and
bench/observability_paired.sh.

    syslog_drain.py ADDR PORT [COUNT_FILE]

Binds a UDP socket to ADDR:PORT and drains it every 10 ms rather than
waiting in recv(): a receiver on another machine is not woken by unihost's
CPU, while a local one blocked in recv() has every datagram's delivery wake
it, an IPI sent from the server's CPU that no real deployment pays. With
COUNT_FILE it counts the datagrams: COUNT_FILE.ready appears once it
listens, and SIGUSR1 (or SIGTERM, which also ends it) writes the count to
COUNT_FILE. It ends by itself after two hours.
"""
import signal
import socket
import sys
import time

address, port = sys.argv[1], int(sys.argv[2])
count_file = sys.argv[3] if len(sys.argv) > 3 else None
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind((address, port))
s.setblocking(False)
end = time.monotonic() + 7200
n = 0


def report(*_):
    with open(count_file, "w") as f:
        f.write(f"{n}\n")


if count_file:
    signal.signal(signal.SIGUSR1, report)
    signal.signal(signal.SIGTERM, lambda *_: (report(), sys.exit(0)))
    open(count_file + ".ready", "w").close()
while time.monotonic() < end:
    time.sleep(0.01)
    try:
        while True:
            s.recv(2048)
            n += 1
    except (BlockingIOError, InterruptedError):
        pass
