#!/usr/bin/env python3
"""DNS-over-TCP client checks for tests/integration/dns_tcp.sh (standard
library only). Run inside the test's network namespace:

    dnstcp.py ZONE SERVER SCENARIO [ARGS...]

ZONE is the zone one record a line, single-spaced, as dns_tcp.sh writes it
from ldns-read-zone (OWNER TTL CLASS TYPE RDATA). Every expected answer comes
from it. Each scenario prints "ok - dns_tcp: ..." / "not ok - dns_tcp: ...: why"
lines (other lines are diagnostics, starting with "#"). Every socket has a
timeout, so no scenario can hang.
"""
import ipaddress
import os
import random
import select
import socket
import struct
import sys
import threading
import time

TEST = "dns_tcp"
failed = False
out_lock = threading.Lock()


def ok(name):
    with out_lock:
        print(f"ok - {TEST}: {name}", flush=True)


def notok(name, why):
    global failed
    with out_lock:
        print(f"not ok - {TEST}: {name}: {why}", flush=True)
        failed = True


def diag(text):
    with out_lock:
        print(f"# {text}", flush=True)


# ---- the zone: what every answer must hold ---------------------------------

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
         "AAAA": 28, "SRV": 33, "CAA": 257}
TYPE_NAMES = {v: k for k, v in TYPES.items()}


def load_zone(path):
    """{(owner, TYPE): sorted canonical records}, for the types decoded here."""
    rrsets = {}
    skipped = set()
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) < 5:
                continue
            rtype = fields[3].upper()
            if rtype not in TYPES:
                skipped.add(rtype)
                continue
            key = (fields[0].lower(), rtype)
            rrsets.setdefault(key, []).append(" ".join(fields).lower())
    for key in rrsets:
        rrsets[key].sort()
    if skipped:
        diag(f"record types not decoded by this client, not queried: {' '.join(sorted(skipped))}")
    return rrsets


# ---- wire format ----------------------------------------------------------

def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def mixed_case(name, rng):
    """The name in random letter case: the question must come back byte for byte."""
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)


def make_query(qid, name, rtype):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + encode_name(name) + struct.pack("!HH", TYPES[rtype], 1)


def framed(msg):
    return struct.pack("!H", len(msg)) + msg


class Malformed(Exception):
    pass


def read_name(msg, off):
    """(presentation name, offset after it); follows compression pointers, bounded."""
    labels = []
    end = None
    hops = 0
    while True:
        if off >= len(msg):
            raise Malformed("name runs past the message")
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if off + 1 >= len(msg):
                raise Malformed("pointer runs past the message")
            hops += 1
            if hops > 64:
                raise Malformed("compression loop")
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            continue
        if n & 0xC0:
            raise Malformed(f"label type {n:#x}")
        off += 1
        if n == 0:
            break
        if off + n > len(msg):
            raise Malformed("label runs past the message")
        labels.append(msg[off:off + n].decode("ascii", "backslashreplace"))
        off += n
    return ".".join(labels) + ".", (end if end is not None else off)


def quoted(data):
    s = '"'
    for b in data:
        if b in (0x22, 0x5C):
            s += "\\" + chr(b)
        elif 0x20 <= b < 0x7F:
            s += chr(b)
        else:
            s += "\\%03d" % b
    return s + '"'


def rdata_text(msg, rtype, off, rdlen):
    rd = msg[off:off + rdlen]
    if rtype == 1:
        return str(ipaddress.IPv4Address(rd))
    if rtype == 28:
        return ipaddress.IPv6Address(rd).compressed
    if rtype in (2, 5, 12):
        return read_name(msg, off)[0]
    if rtype == 15:
        return f"{struct.unpack('!H', rd[:2])[0]} {read_name(msg, off + 2)[0]}"
    if rtype == 33:
        prio, weight, port = struct.unpack("!HHH", rd[:6])
        return f"{prio} {weight} {port} {read_name(msg, off + 6)[0]}"
    if rtype == 6:
        mname, o = read_name(msg, off)
        rname, o = read_name(msg, o)
        return f"{mname} {rname} " + " ".join(str(v) for v in struct.unpack("!IIIII", msg[o:o + 20]))
    if rtype == 16:
        parts, i = [], 0
        while i < len(rd):
            parts.append(quoted(rd[i + 1:i + 1 + rd[i]]))
            i += 1 + rd[i]
        return " ".join(parts)
    if rtype == 257:
        tl = rd[1]
        return f"{rd[0]} {rd[2:2 + tl].decode('ascii', 'backslashreplace')} {quoted(rd[2 + tl:])}"
    return f"\\# {rdlen} {rd.hex()}"


def parse_response(msg):
    """header fields, the question bytes, and the answer section as canonical text."""
    if len(msg) < 12:
        raise Malformed(f"{len(msg)} bytes, shorter than a header")
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    off = 12
    for _ in range(qd):
        _, off = read_name(msg, off)
        off += 4
    question = msg[12:off]
    answers = []
    for _ in range(an):
        owner, off = read_name(msg, off)
        if off + 10 > len(msg):
            raise Malformed("RR header runs past the message")
        rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        if off + rdlen > len(msg):
            raise Malformed("RDATA runs past the message")
        cls = "IN" if rclass == 1 else f"CLASS{rclass}"
        tname = TYPE_NAMES.get(rtype, f"TYPE{rtype}")
        answers.append(f"{owner} {ttl} {cls} {tname} {rdata_text(msg, rtype, off, rdlen)}".lower())
        off += rdlen
    return {"id": qid, "flags": flags, "qd": qd, "question": question, "answers": sorted(answers)}


RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def check_answer(query, resp, want):
    """What is wrong with resp as the answer to query (a zone RRset), or ''."""
    try:
        r = parse_response(resp)
    except Malformed as e:
        return f"malformed response: {e}"
    qid = struct.unpack("!H", query[:2])[0]
    why = []
    if r["id"] != qid:
        why.append(f"id {r['id']:#06x}, query had {qid:#06x}")
    f = r["flags"]
    if not f & 0x8000:
        why.append("QR clear")
    if not f & 0x0400:
        why.append("AA clear")
    if not f & 0x0100:
        why.append("RD not copied")
    if f & 0x0080:
        why.append("RA set")
    if f & 0x0200:
        why.append("TC set over TCP")
    if f & 0xF != 0:
        why.append(f"rcode {RCODES.get(f & 0xF, f & 0xF)}")
    if r["qd"] != 1 or r["question"] != query[12:]:
        why.append(f"question {r['question']!r} is not the query's {query[12:]!r}")
    if r["answers"] != want:
        why.append(f"answer {' | '.join(r['answers'])!r}, zone has {' | '.join(want)!r}")
    return "; ".join(why)


# ---- sockets: every wait bounded ------------------------------------------

def family_of(server):
    return socket.AF_INET6 if ":" in server else socket.AF_INET


def connect(server, timeout=5.0):
    s = socket.socket(family_of(server), socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.connect((server, 53))
    return s


def recv_exact(s, n, deadline):
    """n bytes; b'' on a clean EOF before any byte; raises on time-out/reset/short EOF."""
    buf = b""
    while len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"time-out with {len(buf)} of {n} bytes")
        s.settimeout(left)
        chunk = s.recv(n - len(buf))
        if not chunk:
            if not buf:
                return b""
            raise ConnectionError(f"EOF after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def recv_message(s, timeout=3.0):
    """One length-prefixed message; None on a clean EOF."""
    deadline = time.monotonic() + timeout
    prefix = recv_exact(s, 2, deadline)
    if not prefix:
        return None
    (n,) = struct.unpack("!H", prefix)
    return recv_exact(s, n, deadline)


def closed_within(s, timeout):
    """('eof'|'reset'|'data'|'open', seconds): what the connection does next."""
    start = time.monotonic()
    r, _, _ = select.select([s], [], [], timeout)
    took = time.monotonic() - start
    if not r:
        return "open", took
    try:
        s.settimeout(1.0)
        data = s.recv(65536, socket.MSG_PEEK)
    except (ConnectionResetError, BrokenPipeError):
        return "reset", took
    except socket.timeout:
        return "open", took
    return ("data" if data else "eof"), took


def udp_query(server, rrsets, rng, timeout=2.0):
    """'' when a UDP query for one zone RRset is answered right, else why."""
    (owner, rtype), want = rng.choice(sorted(rrsets.items()))
    q = make_query(rng.randrange(65536), mixed_case(owner, rng), rtype)
    s = socket.socket(family_of(server), socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(q, (server, 53))
        resp, _ = s.recvfrom(65535)
    except OSError as e:
        return f"UDP {owner} {rtype}: {e or type(e).__name__}"
    finally:
        s.close()
    why = check_answer(q, resp, want)
    return f"UDP {owner} {rtype}: {why}" if why else ""


def tcp_query(s, owner, rtype, want, rng, timeout=3.0):
    """'' when one query on connection s is answered right, else why."""
    q = make_query(rng.randrange(65536), mixed_case(owner, rng), rtype)
    try:
        s.sendall(framed(q))
        resp = recv_message(s, timeout)
    except OSError as e:
        return f"{owner} {rtype}: {e or type(e).__name__}"
    if resp is None:
        return f"{owner} {rtype}: connection closed instead of an answer"
    why = check_answer(q, resp, want)
    return f"{owner} {rtype}: {why}" if why else ""


# ---- scenarios ------------------------------------------------------------

def sequential(server, rrsets, rng, _args):
    """Every RRset of the zone, one query after the other on one connection."""
    name = f"{server}: {len(rrsets)} queries one after another on one connection, each answered right"
    try:
        s = connect(server)
    except OSError as e:
        return notok(name, f"connect: {e}")
    problems = []
    with s:
        for (owner, rtype), want in sorted(rrsets.items()):
            why = tcp_query(s, owner, rtype, want, rng)
            if why:
                problems.append(why)
                if "closed" in why or "time" in why.lower():
                    break
    if problems:
        notok(name, " [" + "] [".join(problems[:5]) + "]")
    else:
        ok(name + " (id, flags, question echoed byte for byte in 0x20 case, answer = zone RRset)")


def pipeline_queries(rrsets, rng, n):
    keys = sorted(rrsets)
    ids = rng.sample(range(65536), n)    # distinct: the order of answers is read from them
    queries = []
    for i in range(n):
        owner, rtype = keys[i % len(keys)]
        queries.append((make_query(ids[i], mixed_case(owner, rng), rtype), rrsets[(owner, rtype)]))
    return queries


def split_points(stream, queries):
    """Odd cut points: inside the first length prefix, inside a later prefix,
    in the middle of messages, one byte before the end."""
    cuts = {1}
    off = 0
    for i, (q, _) in enumerate(queries):
        if i % 3 == 1:
            cuts.add(off + 1)               # between the two bytes of a prefix
        if i % 3 == 2:
            cuts.add(off + 2 + len(q) // 2)  # mid-message
        off += 2 + len(q)
    cuts.add(len(stream) - 1)
    return sorted(c for c in cuts if 0 < c < len(stream))


def pipelined(server, rrsets, rng, args):
    n, mode = int(args[0]), args[1]
    queries = pipeline_queries(rrsets, rng, n)
    stream = b"".join(framed(q) for q, _ in queries)
    how = {"one": f"{n} queries ({len(stream)} bytes) in one write",
           "split": f"{n} queries written in pieces cut inside length prefixes and mid-message"}[mode]
    name = f"{server}: pipelined, {how}: all answered, in order, each right"
    try:
        s = connect(server)
    except OSError as e:
        return notok(name, f"connect: {e}")
    start = time.monotonic()
    with s:
        try:
            if mode == "one":
                s.sendall(stream)
            else:
                cuts = split_points(stream, queries)
                prev = 0
                for c in cuts + [len(stream)]:
                    s.sendall(stream[prev:c])
                    prev = c
                    time.sleep(0.05)    # separate segments, as a slow client sends them
                diag(f"pipelined split writes at byte offsets {cuts} of {len(stream)}")
        except OSError as e:
            return notok(name, f"send: {e}")
        problems = []
        got = 0
        for i, (q, want) in enumerate(queries):
            try:
                resp = recv_message(s, 5.0)
            except OSError as e:
                problems.append(f"answer {i + 1}: {e or type(e).__name__}")
                break
            if resp is None:
                problems.append(f"connection closed after {got} of {n} answers")
                break
            got += 1
            rid = struct.unpack("!H", resp[:2])[0] if len(resp) >= 2 else None
            qid = struct.unpack("!H", q[:2])[0]
            if rid != qid:
                where = [j for j, (qq, _) in enumerate(queries) if struct.unpack("!H", qq[:2])[0] == rid]
                problems.append(f"answer {i + 1} has the id of query {where[0] + 1 if where else '?'}: out of order")
                continue
            why = check_answer(q, resp, want)
            if why:
                problems.append(f"answer {i + 1}: {why}")
    if problems:
        notok(name, f"{got} of {n} answers; [" + "] [".join(problems[:5]) + "]")
    else:
        ok(f"{name} ({time.monotonic() - start:.2f} s)")


def idle(server, rrsets, rng, args):
    """The idle time-out, measured on three connections at once: one idle
    after an answer, one that sent only a length prefix (a client that starts
    a query and stalls must not hold a slot for ever), and one that stays
    busy past the time-out and must stay open."""
    idle_s = int(args[0]) / 1000.0
    low, high = idle_s / 2, idle_s + 15
    key = sorted(rrsets)[0]
    results = {}

    def idle_conn():
        try:
            s = connect(server)
        except OSError as e:
            results["idle"] = f"connect: {e}"
            return
        with s:
            why = tcp_query(s, key[0], key[1], rrsets[key], rng)
            if why:
                results["idle"] = f"first query: {why}"
                return
            state, took = closed_within(s, high)
            results["idle"] = (state, took)

    def stalled_conn():
        try:
            s = connect(server)
            s.sendall(b"\x00")    # half of a length prefix, then nothing
        except OSError as e:
            results["stalled"] = f"connect/send: {e}"
            return
        with s:
            state, took = closed_within(s, high)
            results["stalled"] = (state, took)

    def busy_conn():
        try:
            s = connect(server)
        except OSError as e:
            results["busy"] = f"connect: {e}"
            return
        start = time.monotonic()
        step = idle_s * 0.3
        n = 0
        with s:
            while time.monotonic() - start < idle_s * 1.5:
                why = tcp_query(s, key[0], key[1], rrsets[key], rng)
                if why:
                    results["busy"] = f"query {n + 1} at {time.monotonic() - start:.1f} s: {why}"
                    return
                n += 1
                time.sleep(step)
        results["busy"] = n

    threads = [threading.Thread(target=f) for f in (idle_conn, stalled_conn, busy_conn)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(high + 10)

    for which, what in (("idle", "a connection idle after its answer"),
                        ("stalled", "a connection that sent half a length prefix and stalled")):
        name = f"{server}: {what} is closed by the server after the idle time-out ({idle_s:g} s; window {low:g}..{high:g} s)"
        r = results.get(which)
        if not isinstance(r, tuple):
            notok(name, r or "the client thread did not finish")
            continue
        state, took = r
        if state in ("eof", "reset") and low <= took <= high:
            ok(f"{name}: {state} after {took:.1f} s")
        elif state in ("eof", "reset"):
            notok(name, f"{state} after {took:.1f} s, outside the window")
        else:
            notok(name, f"still {state} after {took:.1f} s")
    name = f"{server}: a connection querying every {idle_s * 0.3:g} s stays open past the idle time-out"
    r = results.get("busy")
    if isinstance(r, int) and r >= 5:
        ok(f"{name} ({r} queries over {idle_s * 1.5:g} s, all answered)")
    else:
        notok(name, str(r))


def shed(server, rrsets, rng, args):
    """More connections than the pool holds: new clients are still served;
    the least recently active are shed first."""
    bound, extra = int(args[0]), int(args[1])
    keys = sorted(rrsets)
    problems = []
    conns = []

    def query(s, i):
        owner, rtype = keys[i % len(keys)]
        return tcp_query(s, owner, rtype, rrsets[(owner, rtype)], rng)

    try:
        for i in range(bound):
            s = connect(server)
            conns.append(s)
            why = query(s, i)
            if why:
                problems.append(f"connection {i + 1} of the first {bound}: {why}")
            # Distinct activity times, in opening order, further apart than a
            # delayed ACK (whose arrival also counts as activity).
            time.sleep(0.05)
        # The first-opened connection becomes the most recently active: it
        # must survive, and the next ones be shed in its place.
        why = query(conns[0], 0)
        if why:
            problems.append(f"connection 1 re-queried: {why}")
        time.sleep(0.05)
        if problems:
            return notok(f"{server}: {bound} connections open and answered", " [" + "] [".join(problems[:5]) + "]")
        ok(f"{server}: {bound} connections (the bound) open at once, each answered")

        new_problems = []
        for i in range(extra):
            try:
                s = connect(server)
            except OSError as e:
                new_problems.append(f"new connection {i + 1}: connect: {e}")
                break
            conns.append(s)
            why = query(s, i)
            if why:
                new_problems.append(f"new connection {i + 1}: {why}")
            time.sleep(0.05)
            udp = udp_query(server, rrsets, rng)
            if udp:
                new_problems.append(udp)
        name = f"{server}: with the pool full, {extra} more connections are accepted and answered (and UDP between them)"
        if new_problems:
            notok(name, " [" + "] [".join(new_problems[:5]) + "]")
        else:
            ok(name)

        # Connections 2..extra+1 (the least recently active) must be closed; the rest open.
        shed_want = set(range(1, extra + 1))
        closed, still_open = [], []
        for i, s in enumerate(conns):
            state, _ = closed_within(s, 2.0 if i in shed_want else 0.05)
            (closed if state in ("eof", "reset") else still_open).append(i)
        name = (f"{server}: the {extra} least recently active connections (opened 2..{extra + 1}) are shed, "
                f"the first-opened one (active since) and the newer ones are not")
        if set(closed) == shed_want:
            ok(name)
        else:
            notok(name, f"closed: {[i + 1 for i in closed]}, want {sorted(i + 1 for i in shed_want)}")

        survivors = [i for i in range(len(conns)) if i not in shed_want]
        bad = []
        for i in survivors:
            why = query(conns[i], i)
            if why:
                bad.append(f"connection {i + 1}: {why}")
        name = f"{server}: all {len(survivors)} surviving connections still answer"
        if bad:
            notok(name, " [" + "] [".join(bad[:5]) + "]")
        else:
            ok(name)
    except OSError as e:
        notok(f"{server}: connection bound {bound}", f"after {len(conns)} connections: {e}")
    finally:
        for s in conns:
            s.close()


def bad_input(server, rrsets, rng, _args):
    """Stalled, empty, garbage and oversized messages: each gets FORMERR or
    a close, promptly, and never stops the server answering others."""
    keys = sorted(rrsets)
    prompt = 3.0
    try:
        good = connect(server)
        stalled = connect(server)
        stalled.sendall(b"\x00\x40")                   # a 64-byte message announced...
        stalled.sendall(make_query(1, "x.test", "A")[:7])  # ...and 7 bytes of it sent
    except OSError as e:
        return notok(f"{server}: bad input", f"connect: {e}")

    def others_answered(after):
        why = tcp_query(good, keys[0][0], keys[0][1], rrsets[keys[0]], rng) or udp_query(server, rrsets, rng)
        name = f"{server}: after {after}, another client's TCP query and a UDP query are answered"
        if why:
            notok(name, why)
        else:
            ok(name)

    others_answered("a half-sent query on another connection")

    qid = rng.randrange(65536)
    hdr_only_bad_name = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + b"\x3funihost"
    cases = [
        ("a zero-length message", b"", None),
        ("a message shorter than a DNS header (5 bytes)", b"\x12\x34\x01\x00\x00", None),
        ("a 40-byte garbage message (0xff bytes: QR set)", b"\xff" * 40, None),
        ("a query whose name runs past the message", hdr_only_bad_name, qid),
        ("a header with QDCOUNT 0", struct.pack("!HHHHHH", qid ^ 1, 0, 0, 0, 0, 0), qid ^ 1),
    ]
    for what, msg, want_id in cases:
        name = f"{server}: {what} gets FORMERR or a close within {prompt:g} s"
        try:
            s = connect(server)
        except OSError as e:
            notok(name, f"connect: {e}")
            continue
        with s:
            try:
                s.sendall(framed(msg))
                resp = recv_message(s, prompt)
            except ConnectionResetError:
                resp = None
            except OSError as e:
                notok(name, f"{e or type(e).__name__}: no answer and no close")
                others_answered(what)
                continue
            if resp is None:
                ok(name + ": closed")
            else:
                rcode = resp[3] & 0xF if len(resp) >= 4 else None
                rid = struct.unpack("!H", resp[:2])[0] if len(resp) >= 2 else None
                if rcode == 1 and resp[2] & 0x80 and (want_id is None or rid == want_id):
                    ok(name + ": FORMERR")
                else:
                    notok(name, f"got {resp[:16].hex()}..., rcode {RCODES.get(rcode, rcode)}")
        others_answered(what)

    name = f"{server}: a length prefix of 65535 followed by 5000 bytes ends the connection"
    try:
        s = connect(server)
        with s:
            try:
                s.sendall(b"\xff\xff" + b"\0" * 5000)
            except OSError:
                pass
            state, took = closed_within(s, prompt)
            if state in ("eof", "reset"):
                ok(f"{name} ({state} after {took:.1f} s)")
            else:
                notok(name, f"{state} after {took:.1f} s")
    except OSError as e:
        notok(name, f"connect: {e}")
    others_answered("an oversized message")

    name = f"{server}: the half-sent query's connection got no answer meanwhile"
    state, _ = closed_within(stalled, 0.1)
    if state == "data":
        notok(name, "it received data for a query it never finished")
    else:
        ok(f"{name} ({state})")
    stalled.close()
    good.close()


SCENARIOS = {"sequential": sequential, "pipelined": pipelined, "idle": idle, "shed": shed, "bad": bad_input}


def main():
    if len(sys.argv) < 4 or sys.argv[3] not in SCENARIOS:
        print(f"usage: {sys.argv[0]} ZONE SERVER {'|'.join(SCENARIOS)} [ARGS...]", file=sys.stderr)
        return 2
    zone, server, scenario = sys.argv[1:4]
    rrsets = load_zone(zone)
    if not rrsets:
        notok("zone", f"no RRsets of a decoded type in {zone}")
        return 1
    seed = int(os.environ.get("DNSTCP_SEED", random.randrange(1 << 30)))
    diag(f"{scenario} {' '.join(sys.argv[4:])}: random seed {seed} (DNSTCP_SEED={seed} repeats it)")
    SCENARIOS[scenario](server, rrsets, random.Random(seed), sys.argv[4:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
