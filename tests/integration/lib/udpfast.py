#!/usr/bin/env python3
"""The raw-frame client of tests/integration/udp_fast.sh: DNS queries over
IPv4/UDP made by hand (lib/rawpeer.py's socket on the tap, its ARP
answers), plain and hostile, and the answers unihost sends back captured
whole and checked field by field. Standard library only. Run inside the
test's namespace:

    udpfast.py cases                one check per case (see udp_fast.sh)
    udpfast.py flood COUNT SECONDS  COUNT mixed frames, at most SECONDS long

Environment: UH_TAP, UH_TEST, UH_PID and HOSTILE_NAME as for lib/hostile.py
(a name with an A record), UDPFAST_GW (the --ipv4-gateway unihost was
given: an address this peer answers ARP for, so it plays the router).

Which path answered. unihost answers a plain query below lwIP (the fast
path, src/net/udp_fast.c) and everything else through lwIP. The two number
their IPv4 replies from separate identification counters: the fast path's
moves only when it answers. So a query's path shows between two probes
(plain queries from a client unihost has in its ARP cache, answered by the
fast path): their IDs are 2 apart if the fast path answered the query in
between (whose reply then has the ID between them), 1 apart if lwIP did or
nobody did. The "cases" run first proves that probes and queries with IP
options come from two different counters; if a change of unihost made one
counter of them, that check fails and says so.

Addresses: 192.0.2.50 (the probe client), .51-.59 (clients unihost knows),
.60-.69 (clients it does not know yet), UDPFAST_GW (the router), and
198.51.100.0/24 beyond it; 192.0.2.1 is the kernel (dig).
"""
import os
import random
import socket
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile  # noqa: E402
from hostile import alive, check, diag, dns_query, notok, ok  # noqa: E402
from rawpeer import Deadline, Peer, checksum, mac_of, mac_text  # noqa: E402

SERVER = hostile.SERVER
SERVERB = socket.inet_aton(SERVER)
KERNEL = "192.0.2.1"
GW = os.environ.get("UDPFAST_GW", "192.0.2.99")
PROBE = "192.0.2.50"
NAME = hostile.NAME
SILENCE = 0.4       # how long an answer that must not come is waited for (both paths answer in ms)
ANSWER = 2.0        # how long an answer is waited for (lwIP may first resolve the client: an ARP round trip)
NOP_OPTIONS = b"\x01\x01\x01\x00"   # NOP, NOP, NOP, End of options: IHL 6, meaning nothing


def ip_id(frame):
    return struct.unpack("!H", frame[18:20])[0]


def dns_payload(frame):
    ihl = (frame[14] & 0x0F) * 4
    total = struct.unpack("!H", frame[16:18])[0]
    return bytes(frame[14 + ihl + 8:14 + total])


def rcode(msg):
    return msg[3] & 0x0F if len(msg) >= 4 else None


def udp_checksum(srcb, dstb, seg):
    """The UDP checksum of seg (whose checksum field is zero), as sent: 0 becomes 0xFFFF."""
    c = checksum(srcb + dstb + struct.pack("!BBH", 0, 17, len(seg)) + seg)
    return c or 0xFFFF


class UdpPeer(Peer):
    """rawpeer's Peer, also keeping every UDP datagram unihost sends from
    port 53 (by its destination address and port) and every ARP request it
    sends."""

    def __init__(self, ifname, limit):
        super().__init__(ifname, SERVER, limit=limit)
        self.replies = {}           # (destination address bytes, port) -> frames
        self.arp_requests = []      # addresses unihost asked for, in order

    def _frame(self, f):
        if len(f) >= 42 and f[12:14] == b"\x08\x00" and f[23] == 17 and f[26:30] == SERVERB:
            u = 14 + (f[14] & 0x0F) * 4
            if len(f) >= u + 8 and struct.unpack("!H", f[u:u + 2])[0] == 53:
                dport = struct.unpack("!H", f[u + 2:u + 4])[0]
                self.replies.setdefault((bytes(f[30:34]), dport), []).append(bytes(f))
        elif len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x01" and f[28:32] == SERVERB:
            self.arp_requests.append(socket.inet_ntoa(f[38:42]))
        super()._frame(f)


class Tester:
    def __init__(self, peer):
        self.peer = peer
        self.port = random.randrange(20000, 40000)
        self.qid = random.randrange(65536)
        self.answered = {"fast": 0, "lwip": 0}

    def sport(self):
        self.port = 20000 + (self.port - 19999) % 40000
        return self.port

    def query(self, name=NAME, qtype=1):
        self.qid = (self.qid + 1) & 0xFFFF
        return dns_query(self.qid, name, qtype)

    # ---- frames ------------------------------------------------------------

    def datagram(self, src, sport, msg, dst=SERVER, ulen=None, ucsum="ok", extra=b""):
        """UDP header + msg (+ extra, counted in the IP length only if ulen says so)."""
        srcb, dstb = socket.inet_aton(src), socket.inet_aton(dst)
        seg = struct.pack("!HHHH", sport, 53, 8 + len(msg) if ulen is None else ulen, 0) + msg + extra
        if ucsum == "ok":           # over the IP payload, with its length: what lwIP checks
            c = udp_checksum(srcb, dstb, seg)
        elif ucsum == "bad":
            # Wrong, and never 0: a field of 0 means "no checksum" (RFC 768),
            # which a receiver rightly accepts. One right checksum in 65536
            # is 0x0410, so without this a flood now and then had a "bad"
            # datagram that was in fact unchecked, and answered.
            c = udp_checksum(srcb, dstb, seg) ^ 0x0410
            if c == 0:
                c = udp_checksum(srcb, dstb, seg) ^ 0x0820
        elif ucsum == "zero":
            c = 0
        else:
            c = ucsum
        return seg[:6] + struct.pack("!H", c) + seg[8:]

    def ip(self, src, payload, dst=SERVER, flags=0, ttl=64, options=b"", total=None, bad_csum=False, ident=None):
        ihl = 5 + len(options) // 4
        total = 4 * ihl + len(payload) if total is None else total
        ident = random.randrange(65536) if ident is None else ident
        hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, ident, flags, ttl, 17, 0,
                          socket.inet_aton(src), socket.inet_aton(dst)) + options
        c = checksum(hdr) ^ (0x1234 if bad_csum else 0)
        return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload

    def eth(self, ip, src_mac, dst_mac=None):
        return (dst_mac or self.peer.server_mac) + src_mac + b"\x08\x00" + ip

    def frame(self, src, sport, msg, src_mac=None, dst_mac=None, dst=SERVER, flags=0, ttl=64, options=b"",
              ulen=None, ucsum="ok", extra=b"", total=None, bad_ip_csum=False, pad=b"", cut=None):
        """One query frame from src:sport, with every field a case may spoil."""
        seg = self.datagram(src, sport, msg, dst=dst, ulen=ulen, ucsum=ucsum, extra=extra)
        f = self.eth(self.ip(src, seg, dst=dst, flags=flags, ttl=ttl, options=options, total=total,
                             bad_csum=bad_ip_csum), src_mac or mac_of(src), dst_mac) + pad
        return f[:cut] if cut is not None else f

    def fragments(self, src, sport, msg, first=16):
        """The same datagram as two IPv4 fragments (lwIP reassembles them)."""
        seg = self.datagram(src, sport, msg)
        ident = random.randrange(65536)
        a = self.ip(src, seg[:first], flags=0x2000, ident=ident)                 # MF
        b = self.ip(src, seg[first:], flags=first // 8, ident=ident)             # offset
        return [self.eth(a, mac_of(src)), self.eth(b, mac_of(src))]

    # ---- exchanges -----------------------------------------------------------

    def exchange(self, frames, dst, dport, timeout):
        """Sends the frame(s); returns the first answer to dst:dport, or None."""
        key = (socket.inet_aton(dst), dport)
        self.peer.replies.pop(key, None)
        for f in frames if isinstance(frames, list) else [frames]:
            self.peer._send(f)
        self.peer.wait(lambda: key in self.peer.replies, timeout)
        got = self.peer.replies.get(key)
        return got[0] if got else None

    def probe(self):
        """A plain query from the probe client: the fast path's next ID."""
        sport = self.sport()
        r = self.exchange(self.frame(PROBE, sport, self.query()), PROBE, sport, ANSWER)
        return None if r is None else ip_id(r)

    def path(self, frames, dst, dport, expect_answer=True):
        """Sends the frame(s) between two probes; returns (path, answer):
        path "fast", "lwip" (lwIP answered), "none" (no answer) or
        "unclear: why"."""
        p = self.probe()
        r = self.exchange(frames, dst, dport, ANSWER if expect_answer else SILENCE)
        q = self.probe()
        if p is None or q is None:
            return "unclear: a probe was not answered", r
        d = (q - p) & 0xFFFF
        if d == 2 and r is not None and ip_id(r) == (p + 1) & 0xFFFF:
            self.answered["fast"] += 1
            return "fast", r
        if d == 1:
            if r is not None:
                self.answered["lwip"] += 1
            return ("lwip" if r is not None else "none"), r
        return f"unclear: probe IDs {p} and {q}, answer ID {None if r is None else ip_id(r)}", r

    def prime(self, ip):
        """Puts ip into unihost's ARP cache (an ARP request from it, for unihost)."""
        self.peer.own(ip)
        took = self.peer.arp_probe(ip, ANSWER)
        if took is None:
            raise OSError(f"no ARP reply to {ip}")


def reply_problems(r, dst_mac, client, dport, server_mac):
    """What is wrong in answer frame r, against what lwIP sends: nothing
    ("") if it is right."""
    bad = []
    if len(r) < 42:
        return f"a frame of {len(r)} bytes"
    if r[0:6] != dst_mac:
        bad.append(f"destination MAC {mac_text(r[0:6])}, want {mac_text(dst_mac)}")
    if r[6:12] != server_mac:
        bad.append(f"source MAC {mac_text(r[6:12])}, want unihost's {mac_text(server_mac)}")
    ip = r[14:34]
    if ip[0] != 0x45:
        bad.append(f"version/IHL {ip[0]:#x}")
    total, flags, ttl, proto = struct.unpack("!H", ip[2:4])[0], struct.unpack("!H", ip[6:8])[0], ip[8], ip[9]
    if 14 + total != len(r):
        bad.append(f"IP total length {total} in a frame of {len(r)} bytes")
    if flags != 0:
        bad.append(f"flags/fragment offset {flags:#06x} (DF or a fragment)")
    if ttl != 255:
        bad.append(f"TTL {ttl}, want 255 (lwIP's UDP_TTL)")
    if proto != 17:
        bad.append(f"protocol {proto}")
    if checksum(bytes(ip)) != 0:
        bad.append(f"IP header checksum {struct.unpack('!H', ip[10:12])[0]:#06x} wrong")
    if ip[12:16] != SERVERB or ip[16:20] != socket.inet_aton(client):
        bad.append(f"addresses {socket.inet_ntoa(ip[12:16])} -> {socket.inet_ntoa(ip[16:20])}")
    seg = r[34:14 + total]
    if len(seg) >= 8:
        sport, dp, ulen, c = struct.unpack("!HHHH", seg[:8])
        if sport != 53 or dp != dport:
            bad.append(f"ports {sport} -> {dp}, want 53 -> {dport}")
        if ulen != len(seg):
            bad.append(f"UDP length {ulen} for {len(seg)} bytes")
        if c == 0:
            bad.append("no UDP checksum")
        elif checksum(ip[12:20] + struct.pack("!BBH", 0, 17, len(seg)) + bytes(seg)) != 0:
            bad.append(f"UDP checksum {c:#06x} wrong")
    else:
        bad.append("no UDP header")
    return "; ".join(bad)


def same_but_id(a, b):
    """Two answer frames equal in every byte but the IP identification and
    header checksum (the two paths number their datagrams apart)."""
    return len(a) == len(b) and a[:18] == b[:18] and a[20:24] == b[20:24] and a[26:] == b[26:]


# ---- the cases -------------------------------------------------------------------

def case_paths(t):
    """The fast path and lwIP answer from separate ID counters (see above)."""
    c = "192.0.2.51"
    ids = []
    for options in (b"", NOP_OPTIONS, b"", NOP_OPTIONS):
        sport = t.sport()
        r = t.exchange(t.frame(c, sport, t.query(), options=options), c, sport, ANSWER)
        ids.append(None if r is None else ip_id(r))
    a, b, cc, d = ids
    good = None not in ids and cc == (a + 1) & 0xFFFF and d == (b + 1) & 0xFFFF
    return check(good, "plain queries and queries with IP options are answered from two ID counters "
                       "(the fast path and lwIP), so the probes can tell the paths apart",
                 f"IDs plain {a}, options {b}, plain {cc}, options {d}: with one path the third would be "
                 f"the first + 2; the probes of this test cannot tell the paths apart")


def case_dig(t):
    """1. dig from the kernel; its reply captured and checked; the same
    message through lwIP (IP options, fragments) gives the same DNS payload."""
    peer = t.peer
    kernel_out = []
    peer.outgoing = kernel_out.append
    # No cookie: the answer to one depends on the client's address (RFC
    # 9018 hashes it into the server cookie), and dig's message is sent
    # again below from another address, whose answer must be the same.
    dig = ["dig", f"@{SERVER}", "+notcp", "+nocookie", "+time=2", "+tries=1", NAME, "A"]
    # The first query may find unihost without the kernel in its ARP cache.
    subprocess.run(dig, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=5)
    peer.pump(0.1)
    kernel_out.clear()
    p = t.probe()
    out = subprocess.run(dig, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         timeout=5).stdout.decode(errors="replace")
    peer.pump(0.2)
    q = t.probe()
    peer.outgoing = None
    queries = [f for f in kernel_out if len(f) >= 42 and f[12:14] == b"\x08\x00" and f[23] == 17 and
               f[30:34] == SERVERB and struct.unpack("!H", f[36:38])[0] == 53]
    if "status: NOERROR" not in out or not queries:
        notok("dig's query is answered", f"dig: {' '.join(out.split()[-12:])}; {len(queries)} query frames seen")
        return
    qf = queries[-1]
    kmac, kport = qf[6:12], struct.unpack("!H", qf[34:36])[0]
    msg = dns_payload(qf)
    rs = peer.replies.get((socket.inet_aton(KERNEL), kport), [])
    if not rs:
        notok("dig's query is answered", "dig got an answer but none was captured on the tap")
        return
    r = rs[0]
    try:
        with open(f"/sys/class/net/{peer.ifname}/address") as fh:
            sys_mac = bytes.fromhex(fh.read().strip().replace(":", ""))
    except OSError:
        sys_mac = kmac
    fast = p is not None and q is not None and (q - p) & 0xFFFF == 2 and ip_id(r) == (p + 1) & 0xFFFF
    check(fast, "dig's query (kernel, on the link, in the ARP cache) is answered by the fast path",
          f"probe IDs {p} and {q}, answer ID {ip_id(r)}")
    why = reply_problems(r, kmac, KERNEL, kport, peer.server_mac)
    if kmac != sys_mac:
        why += f"; the query came from {mac_text(kmac)}, the tap is {mac_text(sys_mac)}"
    check(not why, "dig's answer frame: from unihost's MAC to the kernel's, TTL 255, DF clear, "
                   "IP and UDP checksums right, from port 53 to dig's port", why)

    # The same message from another client: plain (fast), with IP options
    # and as two fragments (both lwIP), from one port: every answer the same.
    c, sport = "192.0.2.51", t.sport()
    got = {}
    for how, frames in (("plain", t.frame(c, sport, msg)),
                        ("IP options", t.frame(c, sport, msg, options=NOP_OPTIONS)),
                        ("two fragments", t.fragments(c, sport, msg))):
        got[how] = t.path(frames, c, sport)
    paths = {how: pr[0] for how, pr in got.items()}
    check(paths == {"plain": "fast", "IP options": "lwip", "two fragments": "lwip"},
          "dig's message from a raw client: plain by the fast path, with IP options (IHL 6) and as two "
          "fragments by lwIP", f"paths {paths}")
    answers = {how: pr[1] for how, pr in got.items() if pr[1] is not None}
    if len(answers) != 3:
        notok("the fast path's DNS payload is lwIP's", f"answered: {sorted(answers)}")
        return
    payloads = {how: dns_payload(a) for how, a in answers.items()}
    want = dns_payload(r)
    check(all(pl == want for pl in payloads.values()),
          f"the fast path's DNS payload is lwIP's, byte for byte ({len(want)} bytes, also dig's)",
          "; ".join(f"{how}: {pl.hex()}" for how, pl in payloads.items()) + f"; dig's: {want.hex()}")
    diffs = [how for how in ("IP options", "two fragments") if not same_but_id(answers["plain"], answers[how])]
    check(not diffs, "the fast path's answer frame is lwIP's in every byte but the IP identification "
                     "(and so the header checksum)",
          "; ".join(f"{how}: lwIP {answers[how].hex()} fast {answers['plain'].hex()}" for how in diffs))
    for how, a in answers.items():
        why = reply_problems(a, mac_of(c), c, sport, peer.server_mac)
        check(not why, f"answer to the {how} query: addresses, TTL 255, no DF, checksums", why)


def case_checksums(t):
    """2, 3. Bad UDP checksum, bad IP checksum; zero UDP checksum (none);
    an odd-length datagram (the checksum's padding byte)."""
    c = "192.0.2.52"
    for what, kw in (("a bad UDP checksum", {"ucsum": "bad"}), ("a bad IP header checksum", {"bad_ip_csum": True})):
        sport = t.sport()
        path, _ = t.path(t.frame(c, sport, t.query(), **kw), c, sport, expect_answer=False)
        check(path == "none", f"a query with {what} is not answered", f"path: {path}")
        sport = t.sport()
        path, r = t.path(t.frame(c, sport, t.query()), c, sport)
        check(path == "fast", f"after {what}: the next plain query from that client is answered "
                              "by the fast path", f"path: {path}")
    sport = t.sport()
    path, r = t.path(t.frame(c, sport, t.query(), ucsum="zero"), c, sport)
    check(path == "fast", "a query without a UDP checksum (0) is answered by the fast path", f"path: {path}")
    # A datagram whose checksum comes out 0, sent as 0xFFFF: choose the DNS ID.
    sport = t.sport()
    msg = t.query()
    srcb = socket.inet_aton(c)
    s = checksum(srcb + SERVERB + struct.pack("!BBHHHHH", 0, 17, 8 + len(msg), sport, 53, 8 + len(msg), 0) +
                 b"\0\0" + msg[2:])
    msg = struct.pack("!H", s) + msg[2:]    # the ID that brings the sum to 0xFFFF: the checksum is 0
    f = t.frame(c, sport, msg)
    csum = struct.unpack("!H", f[40:42])[0]
    path, r = t.path(f, c, sport)
    check(path == "fast" and csum == 0xFFFF, "a query whose UDP checksum is 0xFFFF (a sum of zero) is "
                                             "answered by the fast path", f"checksum {csum:#06x}, path: {path}")
    sport = t.sport()
    msg = t.query("ab." + NAME)
    msg = msg if len(msg) % 2 else t.query("abc." + NAME)
    path, r = t.path(t.frame(c, sport, msg), c, sport)
    check(path == "fast" and r is not None and not reply_problems(r, mac_of(c), c, sport, t.peer.server_mac),
          f"an odd-length query ({len(msg)} bytes) is answered by the fast path, checksums right",
          f"path: {path}; {r is not None and reply_problems(r, mac_of(c), c, sport, t.peer.server_mac)}")


def same_answer(payload, base):
    """The answer to the plain query (but for the DNS ID), NOERROR."""
    return base is not None and payload[2:] == base[2:] and rcode(payload) == 0


def formerr(payload, base):
    return rcode(payload) == 1


def case_lengths(t):
    """4, 5. UDP length against IP length; truncated frames; Ethernet padding."""
    c = "192.0.2.53"
    msg = t.query()
    # lwIP ignores the UDP length field (udp_input takes the IP payload, and
    # checks the checksum over it): the fast path leaves such frames to it.
    cases = (
        ("UDP length 4 bytes over the IP payload, no UDP checksum", {"ulen": 8 + len(msg) + 4, "ucsum": "zero"},
         "lwip", same_answer),
        ("UDP length 4 bytes over the IP payload, checksum over the IP payload",
         {"ulen": 8 + len(msg) + 4}, "lwip", same_answer),
        ("UDP length 4 bytes short of the IP payload (4 more bytes after the message)",
         {"extra": b"\xde\xad\xbe\xef", "ucsum": "zero"}, "lwip", formerr),
        ("UDP length 0", {"ulen": 0, "ucsum": "zero"}, "lwip", same_answer),
    )
    sport = t.sport()
    _, r0 = t.path(t.frame(c, sport, msg), c, sport)
    base = dns_payload(r0) if r0 is not None else None
    for what, kw, want_path, want in cases:
        sport = t.sport()
        path, r = t.path(t.frame(c, sport, msg, **kw), c, sport)
        got = "no answer" if r is None else f"rcode {rcode(dns_payload(r))}, {len(dns_payload(r))} bytes"
        diag(f"{what}: {path}, {got}")
        right = path == want_path and r is not None and want(dns_payload(r), base)
        check(right, f"{what}: left to lwIP, which answers as it reads the IP length "
                     f"({'the same answer' if want is same_answer else 'FORMERR: the extra bytes are in the message'})",
              f"path: {path}, {got}")
    # Truncated: the IP length runs past the frame; frames cut in the headers.
    for what, make in (
            ("IP total length 100 bytes past the frame",
             lambda sp: t.frame(c, sp, msg, total=28 + len(msg) + 100)),
            ("the frame cut 5 bytes before the IP length's end", lambda sp: t.frame(c, sp, msg)[:-5]),
            ("the frame cut inside the UDP header (40 bytes)", lambda sp: t.frame(c, sp, msg)[:40]),
            ("the frame cut inside the IP header (30 bytes)", lambda sp: t.frame(c, sp, msg)[:30]),
            ("an IP total length of 24 (less than the IP and UDP headers)",
             lambda sp: t.frame(c, sp, msg, total=24))):
        sport = t.sport()
        path, _ = t.path(make(sport), c, sport, expect_answer=False)
        check(path == "none", f"{what}: no answer, unihost fine", f"path: {path}")
    # Ethernet padding after the datagram: the IP length says where it ends.
    sport = t.sport()
    path, r = t.path(t.frame(c, sport, msg, pad=bytes(range(1, 41))), c, sport)
    check(path == "fast" and r is not None and dns_payload(r) == base,
          "a frame with 40 bytes after the datagram (Ethernet padding) is answered by the fast path, "
          "the padding ignored", f"path: {path}")


def case_addresses(t):
    """6, 8. Not our address; sources lwIP refuses; other frames the fast
    path leaves alone."""
    c = "192.0.2.54"
    sport = t.sport()
    path, _ = t.path(t.frame(c, sport, t.query(), dst="192.0.2.3"), c, sport, expect_answer=False)
    check(path == "none", "a query to unihost's MAC but another IPv4 address (192.0.2.3) is not answered",
          f"path: {path}")
    sport = t.sport()
    path, r = t.path(t.frame(c, sport, t.query(), dst_mac=b"\x02\x00\x00\x00\x00\x99"), c, sport)
    diag(f"a query to another unicast MAC, for our address: {path} (lwIP's ethernet_input does not "
         "filter unicast MACs; a tap only gets what is sent to it)")
    check(path in ("lwip", "none"), "a query to another unicast MAC (for our address) is not answered by "
                                    "the fast path", f"path: {path}")
    # The gateway is in the ARP cache by now (case_gateway runs first), so a
    # source beyond the subnet would find a next hop: only the source checks
    # stand between these and an answer.
    for src in ("255.255.255.255", "192.0.2.255", "224.0.0.1", "239.255.255.250", "0.0.0.0"):
        sport = t.sport()
        path, r = t.path(t.frame(src, sport, t.query(), src_mac=mac_of(c)), src, sport, expect_answer=False)
        check(path == "none", f"a query from {src} is not answered (lwIP drops it too)", f"path: {path}")
    for what, kw, want in (
            ("a query with DF set", {"flags": 0x4000}, "fast"),
            ("a query with TTL 1", {"ttl": 1}, "fast"),
            ("a query with the reserved IP flag set", {"flags": 0x8000}, "lwip"),
            ("a query to the broadcast MAC (for our address)", {"dst_mac": b"\xff" * 6}, "lwip"),
            ("a query to the subnet's broadcast address 192.0.2.255", {"dst": "192.0.2.255"}, "lwip")):
        sport = t.sport()
        path, r = t.path(t.frame(c, sport, t.query(), **kw), c, sport)
        wrong = "no answer" if r is None else reply_problems(r, mac_of(c), c, sport, t.peer.server_mac)
        check(path == want and not wrong, f"{what}: answered by {'the fast path' if want == 'fast' else 'lwIP'}, "
                                          "the answer as lwIP's (TTL 255, DF clear)", f"path: {path}; {wrong}")
    # The reply goes to the ARP cache's MAC for the client, not to the
    # frame's source MAC (as lwIP).
    sport = t.sport()
    path, r = t.path(t.frame(c, sport, t.query(), src_mac=b"\x02\xaa\xbb\xcc\xdd\xee"), c, sport)
    check(path == "fast" and r is not None and r[0:6] == mac_of(c),
          "a query from a known client through another MAC: answered to the client's MAC in the ARP cache",
          f"path: {path}, to {r is not None and mac_text(r[0:6])}")


def case_gateway(t):
    """7. A client beyond the router: the answer goes to the router's MAC;
    while the router is not in the ARP cache, lwIP resolves it."""
    gw_mac = mac_of(GW)
    t.peer.own(GW)                  # we answer ARP for the router
    far = "198.51.100.7"
    before = t.peer.arp_requests.count(GW)
    sport = t.sport()
    path, r = t.path(t.frame(far, sport, t.query(), src_mac=gw_mac), far, sport)
    asked = t.peer.arp_requests.count(GW) - before
    why = f"path: {path}, ARP requests for {GW}: {asked}"
    if r is not None:
        why += f"; {reply_problems(r, gw_mac, far, sport, t.peer.server_mac)}"
    check(path == "lwip" and asked >= 1 and r is not None and not reply_problems(r, gw_mac, far, sport, t.peer.server_mac),
          f"{far} via the router {GW} (not in the ARP cache): lwIP asks ARP for the router and answers "
          "to the router's MAC", why)
    sport = t.sport()
    path, r = t.path(t.frame(far, sport, t.query(), src_mac=gw_mac), far, sport)
    why = f"path: {path}" + (f"; {reply_problems(r, gw_mac, far, sport, t.peer.server_mac)}" if r else "")
    check(path == "fast" and r is not None and not reply_problems(r, gw_mac, far, sport, t.peer.server_mac),
          f"{far} again (the router now in the ARP cache): the fast path answers to the router's MAC", why)
    # A client beyond the router that put itself in the ARP cache (an ARP
    # request from 198.51.100.8 for unihost): lwIP still sends through the
    # router, and so must the fast path.
    far2 = "198.51.100.8"
    t.peer.own(far2)
    t.peer.arp_out(1, far2, SERVER)
    t.peer.pump(0.1)
    sport = t.sport()
    path, r = t.path(t.frame(far2, sport, t.query(), src_mac=mac_of(far2)), far2, sport)
    check(path == "fast" and r is not None and r[0:6] == gw_mac,
          f"{far2}, beyond the router but in the ARP cache by its own ARP request: answered to the "
          "router's MAC, as lwIP would", f"path: {path}, to {r is not None and mac_text(r[0:6])}")


def case_new_client(t):
    """10. A client not in the ARP cache yet: answered through lwIP (which
    asks ARP); then by the fast path. One that never answers ARP: nothing."""
    c = "192.0.2.60"
    t.peer.own(c)
    before = t.peer.arp_requests.count(c)
    sport = t.sport()
    path, r = t.path(t.frame(c, sport, t.query()), c, sport)
    asked = t.peer.arp_requests.count(c) - before
    check(path == "lwip" and asked >= 1 and r is not None and not reply_problems(r, mac_of(c), c, sport, t.peer.server_mac),
          f"a new client's first query ({c}, not in the ARP cache) is answered through lwIP, which asks ARP",
          f"path: {path}, ARP requests for it: {asked}" + (f"; {reply_problems(r, mac_of(c), c, sport, t.peer.server_mac)}" if r else ""))
    sport = t.sport()
    path, r = t.path(t.frame(c, sport, t.query()), c, sport)
    check(path == "fast", "its second query is answered by the fast path", f"path: {path}")
    mute = "192.0.2.61"             # nobody answers ARP for it
    sport = t.sport()
    path, r = t.path(t.frame(mute, sport, t.query()), mute, sport, expect_answer=False)
    check(path == "none" and mute in t.peer.arp_requests,
          "a client that never answers ARP: asked for, not answered", f"path: {path}")


def cases(t):
    t.peer.resolve(PROBE)
    for c in ("192.0.2.51", "192.0.2.52", "192.0.2.53", "192.0.2.54"):
        t.prime(c)
    if t.probe() is None:
        notok("a plain query from a client in the ARP cache is answered", "no answer")
        return
    case_paths(t)
    case_dig(t)
    case_checksums(t)
    case_lengths(t)
    case_gateway(t)
    case_addresses(t)
    case_new_client(t)
    diag(f"answers seen by path: {t.answered}")


# ---- the flood -------------------------------------------------------------------------

def flood(t, count, seconds):
    """COUNT frames, mixed: plain queries (the fast path must answer) and
    hostile ones, each from its own address and port, so that every answer
    names the frame it answers. None of the frames that must not be
    answered may be."""
    peer = t.peer
    peer.resolve(PROBE)
    clients = [f"192.0.2.{51 + i}" for i in range(8)]
    for c in clients:
        t.prime(c)
    peer.own(GW)
    t.prime(GW)
    kinds = [   # name, weight, expectation: "answer" (fast), "maybe" (lwIP may answer), "never"
        ("plain", 40, "answer"), ("padded", 5, "answer"), ("no-checksum", 5, "answer"),
        ("far", 5, "answer"), ("options", 3, "maybe"), ("udp-long", 3, "maybe"),
        ("bad-udp-csum", 8, "never"), ("bad-ip-csum", 8, "never"), ("truncated", 5, "never"),
        ("not-ours", 5, "never"), ("bad-source", 5, "never"), ("garbage", 5, "never"),
        ("short", 3, "never"),
    ]
    weights = [w for _, w, _ in kinds]
    expect = {}                 # (address bytes, port) -> kind
    frames = []
    port = 1024
    msg = t.query()
    for i in range(count):
        kind = random.choices(kinds, weights)[0][0]
        port = port + 1 if port < 65535 else 1024
        c = clients[i % len(clients)]
        src, f = c, None
        if kind == "plain":
            f = t.frame(c, port, msg)
        elif kind == "padded":
            f = t.frame(c, port, msg, pad=b"\0" * random.randrange(1, 40))
        elif kind == "no-checksum":
            f = t.frame(c, port, msg, ucsum="zero")
        elif kind == "far":
            src = f"198.51.100.{1 + i % 254}"
            f = t.frame(src, port, msg, src_mac=mac_of(GW))
        elif kind == "options":
            f = t.frame(c, port, msg, options=NOP_OPTIONS)
        elif kind == "udp-long":
            f = t.frame(c, port, msg, ulen=8 + len(msg) + random.randrange(1, 300), ucsum="zero")
        elif kind == "bad-udp-csum":
            f = t.frame(c, port, msg, ucsum="bad")
        elif kind == "bad-ip-csum":
            f = t.frame(c, port, msg, bad_ip_csum=True)
        elif kind == "truncated":
            f = t.frame(c, port, msg, total=28 + len(msg) + random.randrange(1, 1400))
        elif kind == "not-ours":
            f = t.frame(c, port, msg, dst=f"192.0.2.{3 + i % 40}")
        elif kind == "bad-source":
            src = random.choice(("255.255.255.255", "192.0.2.255", "224.0.0.1", "0.0.0.0"))
            f = t.frame(src, port, msg, src_mac=mac_of(c))
        elif kind == "garbage":     # an IPv4 frame of random bytes, or a header with random fields
            body = bytes(random.randrange(256) for _ in range(random.randrange(0, 120)))
            if random.random() < 0.5:
                body = bytes([0x45]) + body[1:]
            f = peer.server_mac + mac_of(c) + b"\x08\x00" + body
            src = None
        elif kind == "short":
            f = t.frame(c, port, msg)[:random.randrange(14, 42)]
            src = None
        if src is not None:
            expect[(socket.inet_aton(src), port)] = kind
        frames.append(f)
    peer.replies.clear()
    start = time.monotonic()
    burst = 50
    for i in range(0, len(frames), burst):
        for f in frames[i:i + burst]:
            peer._send(f)
        # Paced over SECONDS, reading answers meanwhile (the socket's buffer is large).
        due = start + seconds * 0.8 * (i + burst) / len(frames)
        while time.monotonic() < due:
            peer.pump(min(0.005, max(due - time.monotonic(), 0)), max_frames=2000)
    sent_in = time.monotonic() - start
    peer.wait(lambda: False, 1.0)
    answered = {}
    for key, rs in peer.replies.items():
        kind = expect.get(key)
        answered[kind] = answered.get(kind, 0) + len(rs)
    total = {}
    for kind in expect.values():
        total[kind] = total.get(kind, 0) + 1
    diag(f"flood: {len(frames)} frames in {sent_in:.2f} s ({peer.send_errors} not sent); by kind, "
         "answered/sent: " + ", ".join(f"{k} {answered.get(k, 0)}/{total.get(k, 0)}" for k, _, _ in kinds
                                       if k in total))
    wrong = {k: answered[k] for k in answered if k is None or dict((n, e) for n, _, e in kinds).get(k) == "never"}
    check(not wrong, f"flood of {count} frames: no frame that must not be answered was answered",
          f"answered: {wrong}")
    must = sum(total.get(k, 0) for k, _, e in kinds if e == "answer")
    got = sum(min(answered.get(k, 0), total.get(k, 0)) for k, _, e in kinds if e == "answer")
    check(must and got >= 0.9 * must and sent_in <= seconds + 1,
          f"flood of {count} frames in at most {seconds} s: the plain queries in it are answered "
          f"({got} of {must})", f"{got} of {must} answered; sent in {sent_in:.1f} s")
    doubles = sum(len(rs) - 1 for rs in peer.replies.values() if len(rs) > 1)
    check(doubles == 0, "flood: no query answered twice", f"{doubles} extra answers")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    seed = int(os.environ.get("HOSTILE_SEED", random.randrange(1 << 30)))
    random.seed(seed)
    diag(f"udpfast {' '.join(sys.argv[1:])}: seed {seed} (HOSTILE_SEED={seed} repeats it)")
    peer = UdpPeer(hostile.TAP, limit=float(os.environ.get("HOSTILE_LIMIT", "40")))
    t = Tester(peer)
    try:
        if sys.argv[1] == "cases":
            cases(t)
        elif sys.argv[1] == "flood":
            flood(t, int(sys.argv[2]), float(sys.argv[3]))
        else:
            print(f"unknown scenario {sys.argv[1]}", file=sys.stderr)
            return 2
    except Deadline as e:
        notok(sys.argv[1], f"did not finish in time: {e}")
    except (OSError, subprocess.TimeoutExpired) as e:
        notok(sys.argv[1], f"{e}{'' if alive() else ' (unihost is not running)'}")
    finally:
        peer.close()
    return 1 if hostile.failed else 0


if __name__ == "__main__":
    sys.exit(main())
