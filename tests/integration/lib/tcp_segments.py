#!/usr/bin/env python3
"""tcp_segments: what unihost's TCP puts on the tap, seen from the kernel's
side (tests/integration/lifecycle.sh). Python's standard library only.

    tcp_segments.py IFACE ADDRESS PORT PATH [TIMES]

Opens an AF_PACKET socket on IFACE (the tap, inside the test's namespace),
fetches PATH over HTTP/1.1 from ADDRESS:PORT with an ordinary socket, and
prints what it saw of that connection's frames from unihost:

    mss=1460 largest=3402 frames=2 bytes=3700 sizes=3402,298

mss is the MSS option of the SYN-ACK, largest the largest TCP payload of a
single frame (a frame past the MTU is a segmentation-offload one, read whole
from the tap), bytes the HTTP response's length as read by the socket, and
sizes each frame's payload in order. With TIMES (default 1) PATH is fetched
that many times on one keep-alive connection, and frames, largest, bytes
and sizes are the last response's: by then the peer's window has grown,
and what is left is how unihost cuts a response.
Bounded: 5 s for each fetch, 2 s more for the frames.
"""
import ipaddress
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rawpeer import mss_option  # noqa: E402  (the same option parser)

ETH_P_ALL = 0x0003


def tcp_of(frame, server, server_port):
    """(flags, options, payload length) of a TCP frame from server:port, else None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    if ethertype == 0x0800 and len(frame) >= 34:
        ihl = (frame[14] & 0x0F) * 4
        if frame[23] != 6 or frame[26:30] != server:
            return None
        total = struct.unpack("!H", frame[16:18])[0]
        tcp = frame[14 + ihl:14 + total]
    elif ethertype == 0x86DD and len(frame) >= 54:
        if frame[20] != 6 or frame[22:38] != server:
            return None
        tcp = frame[54:54 + struct.unpack("!H", frame[18:20])[0]]
    else:
        return None
    if len(tcp) < 20 or struct.unpack("!H", tcp[0:2])[0] != server_port:
        return None
    offset = (tcp[12] >> 4) * 4
    return tcp[13], tcp[20:offset], len(tcp) - offset


def response_length(head):
    """The length of a response whose head (up to the blank line) is HEAD."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    raise ValueError("no Content-Length in the response")


def fetch(s, path, last):
    """One GET on the open socket S; its response's length. LAST asks the
    server to close after it."""
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: tcp-segments.test\r\n"
              f"Connection: {'close' if last else 'keep-alive'}\r\n\r\n".encode())
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = s.recv(65536)
        if not chunk:
            raise ValueError("the connection closed before the response's head")
        got += chunk
    head, _, rest = got.partition(b"\r\n\r\n")
    want = response_length(head)
    body = len(rest)
    while body < want:
        chunk = s.recv(65536)
        if not chunk:
            raise ValueError("the connection closed within the body")
        body += len(chunk)
    return len(head) + 4 + want


def drain(raw, ip, port, seen):
    """Appends (flags, options, payload length) of each of the connection's
    frames from the server read so far to SEEN."""
    while True:
        try:
            frame = raw.recv(1 << 17)
        except BlockingIOError:
            return
        seg = tcp_of(frame, ip.packed, port)
        if seg is not None:
            seen.append(seg)


def main():
    iface, address, port, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    times = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    ip = ipaddress.ip_address(address)
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    raw.bind((iface, 0))
    raw.setblocking(False)

    seen = []
    body = 0
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect((address, port))
        for i in range(times):
            if i == times - 1:
                time.sleep(0.2)     # the frames before the last response's: all in the socket by now
                drain(raw, ip, port, seen)
                seen_before = len(seen)
            body = fetch(s, path, i == times - 1)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        ready, _, _ = select.select([raw], [], [], 0.2)
        if not ready:
            break           # the socket drained: every frame of the fetch was read
        drain(raw, ip, port, seen)

    mss = None
    for flags, opts, _ in seen:
        if flags & 0x12 == 0x12:
            mss = mss_option(opts)
    sizes = [length for _, _, length in seen[seen_before:] if length]
    print(f"mss={mss} largest={max(sizes, default=0)} frames={len(sizes)} bytes={body} "
          f"sizes={','.join(map(str, sizes))}")


if __name__ == "__main__":
    main()
