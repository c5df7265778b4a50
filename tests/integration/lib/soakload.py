#!/usr/bin/env python3
"""The load generators of the soak (tests/integration/soak.sh, bench/soak.sh)
that wrk does not cover. Standard library only. Run inside the test's
namespace:

    soakload.py tls SERVER NAME CAFILE NEW RESUMED SECONDS
        NEW full TLS 1.2 handshakes (each a GET / over a new connection,
        no session offered), then RESUMED ones offering the session of the
        one before; each must be answered 200, the resumed ones must resume
    soakload.py dns-udp SERVER COUNT RATE SECONDS
        COUNT queries of a fixed mix (positive, NODATA, NXDOMAIN, referral,
        REFUSED, wildcard, CNAME, an answer too large for 512 bytes with and
        without EDNS) at RATE a second; every answer must be what its query
        should get; a query unanswered after 2 s counts as lost
    soakload.py dns-tcp SERVER CONNS PER_CONN SECONDS
        CONNS connections one after the other, each pipelining PER_CONN
        queries of the same mix, reading every answer, then closing
    soakload.py axfr SERVER SOURCE COUNT SECONDS ZONE...
        COUNT zone transfers (AXFR over TCP, from SOURCE, an address allowed
        to transfer), the ZONEs in turn; each must run SOA to SOA with as
        many records as the first transfer of its zone
    soakload.py slowloris SERVER SOURCE SLOTS OPEN_SECONDS GRACE
        SLOTS connections at a time from SOURCE, in five kinds: a request
        head on 80 and a TLS record on 443 trickled a byte a second, bare
        connections to 80 and 443, and a DNS query on 53 trickled a byte a
        second. Each slot opens a new one when unihost has ended the last,
        for OPEN_SECONDS; unihost (its timeouts) must end every one within
        GRACE seconds of its start; we never close one ourselves before
        that.

Every count and wait is bounded. Each prints "ok - soak: ..." / "not ok -
soak: ...: why" lines (named after SOAK_WHAT, e.g. "round 1") and "# "
diagnostics; "figures: ..." lines are for the caller's table.
"""
import os
import select
import socket
import ssl
import struct
import sys
import time

TEST = os.environ.get("UH_TEST", "soak")
WHAT = os.environ.get("SOAK_WHAT", "")
failed = False


def label(name):
    return f"{WHAT}: {name}" if WHAT else name


def ok(name):
    print(f"ok - {TEST}: {label(name)}", flush=True)


def notok(name, why):
    global failed
    failed = True
    print(f"not ok - {TEST}: {label(name)}: {why}", flush=True)


def diag(text):
    print(f"# {label(text)}", flush=True)


# ---- DNS wire ----------------------------------------------------------------

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28, "AXFR": 252}
NOERROR, NXDOMAIN, REFUSED = 0, 3, 5


def query(qid, name, qtype, edns=None):
    flags = 0x0000                   # RD clear: a resolver asking an authoritative server
    q = struct.pack("!HHHHHH", qid & 0xFFFF, flags, 1, 0, 0, 1 if edns else 0)
    for lab in name.rstrip(".").split("."):
        q += bytes([len(lab)]) + lab.encode()
    q += b"\0" + struct.pack("!HH", TYPES[qtype], 1)
    if edns:
        q += b"\0" + struct.pack("!HHIH", 41, edns, 0, 0)
    return q


def skip_name(msg, off):
    while True:
        n = msg[off]
        if n >= 0xC0:
            return off + 2
        off += 1 + n
        if n == 0:
            return off


def records(msg):
    """The (type, ttl) of every record of the answer section, after the question."""
    qd, an = struct.unpack("!HH", msg[4:8])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    out = []
    for _ in range(an):
        off = skip_name(msg, off)
        t, _c, _ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        out.append(t)
        off += 10 + rdlen
    return out


# The mix: (name, type, EDNS payload or None, expectation). Expectations:
# "answer" NOERROR with answers; "nodata" NOERROR, none; "referral" NOERROR,
# none, authority records; "nx", "refused"; "tc" truncated (UDP only; over
# TCP, an answer).
MIX = [
    ("www.example.test", "A", 1232, "answer"),
    ("www.example.test", "AAAA", 1232, "answer"),
    ("example.test", "MX", None, "answer"),
    ("example.test", "SOA", 1232, "answer"),
    ("alias.example.test", "A", 1232, "answer"),
    ("host7.wild.example.test", "A", 1232, "answer"),
    ("mail.example.test", "AAAA", 1232, "nodata"),
    ("nx.example.test", "A", 1232, "nx"),
    ("nothere.example.test", "AAAA", None, "nx"),
    ("www.sub.example.test", "A", 1232, "referral"),
    ("example.org", "A", 1232, "refused"),
    ("big.example.test", "TXT", None, "tc"),
    ("big.example.test", "TXT", 1232, "answer"),
    ("ns.bulk.test", "A", 1232, "answer"),
    ("many.bulk.test", "TXT", 1232, "tc"),
]


def verdict(msg, expect, tcp):
    """None when the answer is what the query should get, else why not."""
    if len(msg) < 12:
        return "short answer"
    flags, _qd, an, ns = struct.unpack("!HHHH", msg[2:10])
    rcode, tc = flags & 0xF, bool(flags & 0x0200)
    if not flags & 0x8000:
        return "not a response"
    if expect == "tc" and not tcp:
        return None if tc and rcode == NOERROR else f"rcode {rcode} tc {tc}, wanted a truncated answer"
    if tc:
        return "truncated"
    want = {"answer": NOERROR, "tc": NOERROR, "nodata": NOERROR, "referral": NOERROR,
            "nx": NXDOMAIN, "refused": REFUSED}[expect]
    if rcode != want:
        return f"rcode {rcode}, wanted {want}"
    if expect in ("answer", "tc") and an == 0:
        return "no answer records"
    if expect in ("nodata", "referral") and an != 0:
        return f"{an} answer records, wanted none"
    if expect == "referral" and ns == 0:
        return "a referral without NS records"
    return None


# ---- DNS over UDP --------------------------------------------------------------

def dns_udp(server, count, rate, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.connect((server, 53))
    s.setblocking(False)
    wires = [query(0, n, t, e) for n, t, e, _x in MIX]
    pending = {}                    # id -> (sent at, mix index)
    sent = answered = lost = 0
    wrong = {}
    start = time.monotonic()
    end = start + seconds
    tick = 0.01
    nxt = start
    while time.monotonic() < end and (sent < count or pending):
        now = time.monotonic()
        if sent < count and now >= nxt:
            batch = min(count - sent, max(1, int(rate * tick)))
            for _ in range(batch):
                qid = sent & 0xFFFF
                if qid in pending:
                    lost += 1
                k = sent % len(MIX)
                try:
                    s.send(struct.pack("!H", qid) + wires[k][2:])
                except BlockingIOError:
                    break
                pending[qid] = (now, k)
                sent += 1
            nxt += tick
        r, _, _ = select.select([s], [], [], max(0.0, min(tick, nxt - time.monotonic())))
        while r:
            try:
                msg = s.recv(65535)
            except BlockingIOError:
                break
            qid = struct.unpack("!H", msg[:2])[0]
            if qid not in pending:
                continue
            _t, k = pending.pop(qid)
            answered += 1
            why = verdict(msg, MIX[k][3], False)
            if why:
                wrong.setdefault(f"{MIX[k][0]} {MIX[k][1]}: {why}", 0)
                wrong[f"{MIX[k][0]} {MIX[k][1]}: {why}"] += 1
        now = time.monotonic()
        for qid in [q for q, (t, _k) in pending.items() if now - t > 2.0]:
            del pending[qid]
            lost += 1
    lost += len(pending)
    took = time.monotonic() - start
    print(f"figures: dns-udp sent={sent} answered={answered} lost={lost} wrong={sum(wrong.values())}", flush=True)
    diag(f"DNS over UDP: {sent} queries in {took:.1f} s, {answered} answered, {lost} lost")
    name = f"DNS over UDP: {sent} queries of the mix (up to {count}), every answer the right one"
    if wrong:
        notok(name, "; ".join(f"{n}x {w}" for w, n in sorted(wrong.items())[:5]))
    elif answered < sent * 9 // 10:
        notok(name, f"only {answered} answered (nine in ten required)")
    else:
        ok(f"{name} ({answered} answered)")


# ---- DNS over TCP --------------------------------------------------------------

def read_exact(sock, n, deadline):
    buf = b""
    while len(buf) < n:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed by the server")
        buf += chunk
    return buf


def read_msg(sock, deadline):
    n = struct.unpack("!H", read_exact(sock, 2, deadline))[0]
    return read_exact(sock, n, deadline)


def dns_tcp(server, conns, per_conn, seconds):
    end = time.monotonic() + seconds
    done = answered = 0
    errors = {}
    for c in range(conns):
        if time.monotonic() >= end:
            break
        try:
            s = socket.create_connection((server, 53), timeout=5)
            ks = [(c * per_conn + j) % len(MIX) for j in range(per_conn)]
            s.sendall(b"".join(struct.pack("!H", len(q)) + q for q in
                               (query(j, MIX[k][0], MIX[k][1], MIX[k][2]) for j, k in enumerate(ks))))
            deadline = min(end, time.monotonic() + 5)
            for _ in ks:
                msg = read_msg(s, deadline)
                qid = struct.unpack("!H", msg[:2])[0]
                why = verdict(msg, MIX[ks[qid]][3], True) if qid < len(ks) else "unknown ID"
                if why:
                    errors[why] = errors.get(why, 0) + 1
                answered += 1
            s.close()
            done += 1
        except (OSError, ConnectionError) as e:
            errors[str(e)] = errors.get(str(e), 0) + 1
    print(f"figures: dns-tcp conns={done} answered={answered} errors={sum(errors.values())}", flush=True)
    name = f"DNS over TCP: up to {conns} connections of {per_conn} pipelined queries, every answer the right one"
    if errors:
        notok(name, "; ".join(f"{n}x {w}" for w, n in sorted(errors.items())[:5]))
    elif done == 0:
        notok(name, "no connection was made")
    else:
        ok(f"{name} ({done} connections, {answered} answers)")


def axfr(server, source, count, seconds, zones):
    end = time.monotonic() + seconds
    ref = {}
    done = 0
    errors = {}
    for i in range(count):
        if time.monotonic() >= end:
            break
        zone = zones[i % len(zones)]
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(5)
            s.bind((source, 0))
            s.connect((server, 53))
            q = query(i, zone, "AXFR")
            s.sendall(struct.pack("!H", len(q)) + q)
            types = []
            deadline = min(end, time.monotonic() + 10)
            while len(types) < 2 or types[-1] != TYPES["SOA"]:
                msg = read_msg(s, deadline)
                if msg[3] & 0xF != NOERROR:
                    raise ConnectionError(f"rcode {msg[3] & 0xF}")
                types += records(msg)
                if types and types[0] != TYPES["SOA"]:
                    raise ConnectionError("does not start with the SOA")
            s.close()
            if ref.setdefault(zone, len(types)) != len(types):
                raise ConnectionError(f"{len(types)} records, the first transfer had {ref[zone]}")
            done += 1
        except (OSError, ConnectionError) as e:
            why = f"{zone}: {e}"
            errors[why] = errors.get(why, 0) + 1
    print(f"figures: axfr transfers={done} errors={sum(errors.values())}", flush=True)
    sizes = ", ".join(f"{z} {n} records" for z, n in ref.items())
    name = f"zone transfers: up to {count} AXFRs, each whole ({sizes})"
    if errors:
        notok(name, "; ".join(f"{n}x {w}" for w, n in sorted(errors.items())[:5]))
    elif done == 0:
        notok(name, "none was made")
    else:
        ok(f"{name} ({done} made)")


# ---- HTTPS: new and resumed handshakes -------------------------------------------

def tls(server, name, cafile, new, resumed, seconds):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    end = time.monotonic() + seconds
    counts = {"new": 0, "resumed": 0, "not resumed": 0}
    errors = {}
    session = None

    def one(offer):
        with socket.create_connection((server, 443), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=name, session=offer) as s:
                s.sendall(f"GET / HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode())
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                if not data.startswith(b"HTTP/1.1 200 "):
                    raise ConnectionError(f"status {data[:20]!r}")
                return s.session, s.session_reused

    for i in range(new + resumed):
        if time.monotonic() >= end:
            break
        try:
            if i < new:
                session, reused = one(None)
                counts["new"] += 1
            else:
                session, reused = one(session)
                counts["resumed" if reused else "not resumed"] += 1
        except (OSError, ConnectionError, ssl.SSLError) as e:
            errors[str(e)[:80]] = errors.get(str(e)[:80], 0) + 1
    print(f"figures: tls new={counts['new']} resumed={counts['resumed']} errors={sum(errors.values())}", flush=True)
    name = f"HTTPS: up to {new} full handshakes and {resumed} resumed ones, each answered 200"
    if errors:
        notok(name, "; ".join(f"{n}x {w}" for w, n in sorted(errors.items())[:5]))
    elif counts["not resumed"]:
        notok(name, f"{counts['not resumed']} offered sessions were not resumed")
    elif counts["new"] == 0 or counts["resumed"] == 0:
        notok(name, f"{counts['new']} new and {counts['resumed']} resumed in {seconds:g} s")
    else:
        ok(f"{name} ({counts['new']} and {counts['resumed']} made)")


# ---- slowloris ------------------------------------------------------------------

KINDS = [
    ("http-trickle", 80, b"GET / HTTP/1.1\r\nHost: www.unihost.test\r\nX-Slow: " + b"a" * 200),
    ("https-trickle", 443, b"\x16\x03\x01\x02\x00" + b"\x01" * 200),   # a 512-byte record that never ends
    ("http-bare", 80, b""),
    ("https-bare", 443, b""),
    ("dns-trickle", 53, b"\x00\x40" + b"\x00" * 200),                  # a 64-byte query that never ends
]


def slowloris(server, source, slots, open_seconds, grace):
    start = time.monotonic()
    stop_opening = start + open_seconds
    hard_end = start + open_seconds + grace
    live = {}            # socket -> [kind index, opened at, bytes sent, next byte at]
    results = {k[0]: [] for k in KINDS}
    not_ended = {k[0]: 0 for k in KINDS}
    opened = 0

    def open_one(k):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.settimeout(3)
        s.connect((server, KINDS[k][1]))
        s.setblocking(False)
        now = time.monotonic()
        live[s] = [k, now, 0, now]

    for i in range(slots):
        try:
            open_one(i % len(KINDS))
            opened += 1
        except OSError as e:
            diag(f"slowloris: could not connect: {e}")
    while live and time.monotonic() < hard_end:
        now = time.monotonic()
        for s, st in list(live.items()):
            k, t0, n, due = st
            payload = KINDS[k][2]
            if n < len(payload) and now >= due:
                try:
                    s.send(payload[n:n + 1])
                    st[2] += 1
                    st[3] = now + 1.0
                except BlockingIOError:
                    pass
                except OSError:
                    pass        # the reset shows on the read side
            if now - t0 > grace:
                not_ended[KINDS[k][0]] += 1
                s.close()
                del live[s]
        r, _, _ = select.select(list(live), [], [], 0.1)
        for s in r:
            k, t0 = live[s][0], live[s][1]
            try:
                data = s.recv(4096)
                if data:
                    continue        # an error response (408); the close follows
                how = "FIN"
            except ConnectionResetError:
                how = "RST"
            except BlockingIOError:
                continue
            except OSError as e:
                how = e.__class__.__name__
            results[KINDS[k][0]].append((time.monotonic() - t0, how))
            s.close()
            del live[s]
            if time.monotonic() < stop_opening:
                try:
                    open_one(k)
                    opened += 1
                except OSError as e:
                    diag(f"slowloris: could not connect: {e}")
    for s, st in live.items():
        not_ended[KINDS[st[0]][0]] += 1
        s.close()
    ended = sum(len(v) for v in results.values())
    for kind, res in results.items():
        if res:
            ts = sorted(t for t, _h in res)
            hows = {}
            for _t, h in res:
                hows[h] = hows.get(h, 0) + 1
            diag(f"slowloris {kind}: {len(res)} ended by unihost ({', '.join(f'{n} {h}' for h, n in hows.items())}) "
                 f"after {ts[0]:.1f}-{ts[-1]:.1f} s")
    print(f"figures: slowloris opened={opened} ended={ended} not_ended={sum(not_ended.values())}", flush=True)
    name = f"slowloris: {opened} connections from {source} trickling or bare, each ended by unihost within {grace:g} s"
    if sum(not_ended.values()):
        notok(name, "still open: " + ", ".join(f"{n} {k}" for k, n in not_ended.items() if n))
    elif opened == 0:
        notok(name, "none could connect")
    else:
        ok(name)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "tls":
        tls(a[0], a[1], a[2], int(a[3]), int(a[4]), float(a[5]))
    elif cmd == "dns-udp":
        dns_udp(a[0], int(a[1]), float(a[2]), float(a[3]))
    elif cmd == "dns-tcp":
        dns_tcp(a[0], int(a[1]), int(a[2]), float(a[3]))
    elif cmd == "axfr":
        axfr(a[0], a[1], int(a[2]), float(a[3]), a[4:])
    elif cmd == "slowloris":
        slowloris(a[0], a[1], int(a[2]), float(a[3]), float(a[4]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
