#!/usr/bin/env python3
"""tcp_segments: what unihost's TCP puts on the tap, seen from the kernel's
side (tests/integration/lifecycle.sh). Python's standard library only.

    tcp_segments.py IFACE ADDRESS PORT PATH

Opens an AF_PACKET socket on IFACE (the tap, inside the test's namespace),
fetches PATH over HTTP/1.1 from ADDRESS:PORT with an ordinary socket, and
prints what it saw of that connection's frames from unihost:

    mss=1460 largest=3402 frames=2 bytes=3700

mss is the MSS option of the SYN-ACK, largest the largest TCP payload of a
single frame (a frame past the MTU is a segmentation-offload one, read whole
from the tap), bytes the HTTP response's length as read by the socket.
Bounded: 5 s for the fetch, 2 s more for the frames.
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


def main():
    iface, address, port, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    ip = ipaddress.ip_address(address)
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    raw.bind((iface, 0))
    raw.setblocking(False)

    body = 0
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect((address, port))
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: tcp-segments.test\r\nConnection: close\r\n\r\n".encode())
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += len(chunk)

    mss, largest, frames = None, 0, 0
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        ready, _, _ = select.select([raw], [], [], 0.2)
        if not ready:
            break           # the socket drained: every frame of the fetch was read
        while True:
            try:
                frame = raw.recv(1 << 17)
            except BlockingIOError:
                break
            seg = tcp_of(frame, ip.packed, port)
            if seg is None:
                continue
            flags, opts, length = seg
            if flags & 0x12 == 0x12:
                mss = mss_option(opts)
            if length:
                frames += 1
                largest = max(largest, length)
    print(f"mss={mss} largest={largest} frames={frames} bytes={body}")


if __name__ == "__main__":
    main()
