#!/usr/bin/env python3
"""The flood clients of tests/integration/dns_rrl.sh: one bounded UDP flood
of DNS queries at unihost from one address, optionally with a few queries
from a second client in another prefix, from a client in the flooder's own
prefix, and over TCP from the flooder's address meanwhile; every response
is read and classified. Standard library only (sockets bound to addresses
the test gave the namespace). Run inside the test's namespace:

    rrlflood.py --label TEXT --src ADDR --mode MODE --count N --seconds S
                --expect limited --rate R --slip K   (or --expect all)
                [--other ADDR] [--neighbour ADDR [--neighbour-shares yes|no]]
                [--side-count M] [--tcp K] [--save FILE] [--prior FILE]

MODE picks the queries and so the rate limiter's bucket (src/dns/dns_rrl.h):
  positive  www.rrl.test A, its letters in random case: one bucket by
            (name, type), the name compared case-insensitively;
  nxdomain  RANDOM.rrl.test A: NXDOMAIN, one bucket for the zone;
  wildcard  RANDOM.wild.rrl.test A: answers from *.wild.rrl.test, one
            bucket by the wildcard's owner;
  refused   RANDOM.elsewhere.example A (not our zone): REFUSED, the prefix's
            one error bucket.
Every query has its own ID; a response is "full" (TC clear, the kind of
answer MODE asks for), "slipped" (TC set, no records: the rate limiter's
truncated answer) or "other" (anything else, which must not happen); a query
without a response was dropped (or lost: see loss below).

Checks (each prints "ok - TEST: ..." or "not ok - TEST: ...: why"):
  --expect limited: the bucket (the flooder's queries plus the neighbour's
    when it shares the prefix) got full answers within
        [rate + min(rate, floor(rate * T_low) - 2) - loss,
         floor(rate * (1 + T_up + 0.001)) + 1]
    where T_up = (the last full answer received) - (the first query sent),
    which is at least the span over which unihost sent full answers, and
    T_low = (the last query sent) - (the first response received), at most
    the span over which unihost saw the flood (times are taken before
    sendto() and after recv(), on CLOCK_MONOTONIC, unihost's clock too). A
    token bucket of `rate` a second holding `rate` sends at most
    rate * (1 + span) (+ what the millisecond clock rounds: under
    rate / 1000), and at least its full bucket plus what it earns over the
    span less the credit it holds at the end (under one response), unless
    a gap lets it fill up and lose credit (then the next burst, of at least
    `rate` queries, takes another full bucket): so both bounds hold on a
    slow machine too, where the spans only grow, and neither is a rate
    measured against the wall clock. What could still break them: the
    flooder's bucket sharing its table entry with another bucket in use
    meanwhile (dns_rrl.h: both then restart full), about one chance in
    16384 per other bucket, under a key drawn anew at each start. The lower bound takes the bucket full
    at the start: new, or idle for over a second. The limited responses
    (sent - full) slipped exactly ceil(limited / slip) times (dns_rrl.h: a
    per-bucket counter, not a draw; a refill between two limited responses
    does not reset it, nor does a second of idleness: --save writes the
    bucket's count of limited responses so far, and a later flood into the
    same bucket given it with --prior expects the slips of its own
    limited responses' places in the bucket's sequence);
  --expect all: every query got a full answer, none slipped;
  --other: a client in another prefix, querying the same names meanwhile
    (--side-count queries, at most the rate: within one bucket's burst
    whatever their timing), got only full answers;
  --neighbour: a client in the flooder's prefix: with --neighbour-shares
    yes, its queries fall in the flooder's bucket (counted in it above) and
    at most half of them get a full answer; with no, it has its own bucket
    and all get full answers;
  --tcp K: K queries over TCP from the flooder's address during the flood
    (after it has emptied the bucket) all got full answers;
  always: no "other" response, no response twice, unihost still running.

loss: what the namespace's kernel says it dropped meanwhile (the tap's
rx/tx_dropped, UDP receive errors, the softnet backlog drops, which are not
per namespace, so they can only overcount). The slip count is compared
exactly when loss is 0, within +-loss otherwise (a lost query or response
moves the count by at most one each); it is printed either way.

Environment: UH_TEST (names the checks), UH_TAP (the tap, for its drop
counters), UH_PID (unihost's PID: the "still running" check).
"""
import argparse
import math
import os
import random
import select
import socket
import string
import struct
import sys
import time

TEST = os.environ.get("UH_TEST", "dns_rrl")
TAP = os.environ.get("UH_TAP", "")
UH_PID = int(os.environ.get("UH_PID", "0") or 0)
SERVER = {4: "192.0.2.2", 6: "2001:db8::2"}
ZONE = "rrl.test"
TICK = 0.05                 # the flood goes out in bursts this far apart
failed = False


def ok(name):
    print(f"ok - {TEST}: {name}", flush=True)


def notok(name, why):
    global failed
    failed = True
    print(f"not ok - {TEST}: {name}: {why}", flush=True)


def check(cond, name, why):
    (ok if cond else (lambda n: notok(n, why)))(name)
    return cond


def diag(text):
    print(f"# {text}", flush=True)


def alive():
    if not UH_PID:
        return True
    try:
        with open(f"/proc/{UH_PID}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def family(addr):
    return 6 if ":" in addr else 4


# ---- DNS wire -------------------------------------------------------------------------

def query(qid, name, qtype=1, cookie=None):
    """A plain query: no EDNS (so a slipped answer has no record at all), RD
    clear; or, with `cookie` (bytes), EDNS with that COOKIE option."""
    q = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 1 if cookie else 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack("!HH", qtype, 1)
    if cookie:
        q += b"\0" + struct.pack("!HHIH", 41, 1232, 0, 4 + len(cookie)) + struct.pack("!HH", 10, len(cookie)) + cookie
    return q


def cookie_of(msg):
    """The COOKIE option's data in a response's OPT record, or None."""
    h = header(msg)
    if not h or h[5] == 0:
        return None
    at = msg.rfind(b"\0\0\x29")            # the OPT: root owner, type 41 (it is the last record)
    if at < 0 or at + 11 > len(msg):
        return None
    o, end = at + 11, at + 11 + struct.unpack("!H", msg[at + 9:at + 11])[0]
    while o + 4 <= end:
        code, size = struct.unpack("!HH", msg[o:o + 4])
        if code == 10:
            return msg[o + 4:o + 4 + size]
        o += 4 + size
    return None


def header(msg):
    """(id, flags, qdcount, ancount, nscount, arcount), or None if too short."""
    return struct.unpack("!HHHHHH", msg[:12]) if len(msg) >= 12 else None


def rand_label(n=12):
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(n))


def qname(mode):
    if mode == "positive":
        return "".join(c.upper() if random.random() < 0.5 else c for c in f"www.{ZONE}")
    if mode == "nxdomain":
        return f"{rand_label()}.{ZONE}"
    if mode == "wildcard":
        return f"{rand_label()}.wild.{ZONE}"
    if mode == "refused":
        return f"{rand_label()}.elsewhere.example"
    raise ValueError(mode)


def classify(mode, msg):
    """'full', 'slip' or 'other: why' for a response to a MODE query."""
    h = header(msg)
    if h is None:
        return "other: shorter than a header"
    _, flags, qd, an, ns, ar = h
    if not flags & 0x8000:
        return "other: QR clear"
    rcode, tc = flags & 0xF, bool(flags & 0x0200)
    if tc:
        if an == 0 and ns == 0 and ar <= 1 and qd == 1:     # ar 1: the OPT of an EDNS query's answer
            return "slip"
        return f"other: TC with records (an {an}, ns {ns}, ar {ar}, qd {qd})"
    want = {"positive": (0, "an"), "wildcard": (0, "an"), "nxdomain": (3, "ns"), "refused": (5, None)}[mode]
    if rcode != want[0]:
        return f"other: rcode {rcode}, want {want[0]}"
    if want[1] == "an" and an == 0:
        return "other: no answer record"
    if want[1] == "ns" and ns == 0:
        return "other: NXDOMAIN without SOA"
    return "full"


# ---- clients ---------------------------------------------------------------------------

class Client:
    """One UDP socket bound to src, sending MODE queries to unihost and
    reading their responses, each matched to its query by ID."""

    def __init__(self, src, mode, cookie=None):
        self.src, self.mode, self.cookie = src, mode, cookie
        fam = family(src)
        self.server = (SERVER[fam], 53)
        self.sock = socket.socket(socket.AF_INET6 if fam == 6 else socket.AF_INET, socket.SOCK_DGRAM)
        try:        # root: past rmem_max, so a burst of responses never overflows it
            self.sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), 8 << 20)
        except OSError:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind((src, 0))
        self.sock.setblocking(False)
        self.next_id = random.randrange(65536)
        self.pending = {}           # id -> True while unanswered
        self.answered = set()
        self.sent = self.full = self.slip = self.dup = self.unsent = 0
        self.other = []
        self.first_send = self.last_send = self.first_recv = self.last_full = None

    def send(self):
        qid = self.next_id
        self.next_id = (self.next_id + 1) & 0xFFFF
        msg = query(qid, qname(self.mode), cookie=self.cookie)
        now = time.monotonic()      # before: unihost may read the query before sendto() returns
        try:
            self.sock.sendto(msg, self.server)
        except OSError:
            self.unsent += 1        # not counted as sent: unihost never saw it
            return
        self.first_send = self.first_send or now
        self.last_send = now
        self.pending[qid] = True
        self.sent += 1

    def read(self):
        """Reads every response waiting; returns how many."""
        n = 0
        while True:
            try:
                msg = self.sock.recv(4096)
            except (BlockingIOError, InterruptedError):
                return n
            now = time.monotonic()
            n += 1
            self.first_recv = self.first_recv or now
            h = header(msg)
            qid = h[0] if h else None
            if qid in self.answered:
                self.dup += 1
                continue
            if qid not in self.pending:
                self.other.append(f"a response to no query of ours (ID {qid})")
                continue
            del self.pending[qid]
            self.answered.add(qid)
            kind = classify(self.mode, msg)
            if kind == "full":
                self.full += 1
                self.last_full = now
            elif kind == "slip":
                self.slip += 1
            else:
                self.other.append(kind)

    def numbers(self):
        dropped = self.sent - self.full - self.slip - len(self.other)
        return f"sent={self.sent} full={self.full} slipped={self.slip} dropped={dropped} other={len(self.other)}"


def pump(clients, until):
    """Reads responses until the monotonic time `until`."""
    socks = {c.sock: c for c in clients}
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return
        ready, _, _ = select.select(list(socks), [], [], left)
        for s in ready:
            socks[s].read()


def drain(clients, quiet=0.5, most=3.0):
    """Reads until no response came for `quiet` seconds (at most `most`)."""
    end = time.monotonic() + most
    while time.monotonic() < end:
        before = sum(c.sent - len(c.pending) for c in clients)
        pump(clients, min(end, time.monotonic() + quiet))
        if sum(c.sent - len(c.pending) for c in clients) == before:
            return


def learn_cookie(src):
    """A client cookie sent from src, and the server cookie unihost answers
    with: the 24 bytes every later query from src presents (RFC 7873)."""
    fam = family(src)
    client = os.urandom(8)
    with socket.socket(socket.AF_INET6 if fam == 6 else socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((src, 0))
        s.settimeout(1.0)
        for attempt in range(5):
            qid = random.randrange(65536)
            s.sendto(query(qid, f"warm.{ZONE}", cookie=client), (SERVER[fam], 53))
            try:
                while True:
                    msg = s.recv(4096)
                    if header(msg) and header(msg)[0] == qid:
                        c = cookie_of(msg)
                        return c if c and len(c) == 24 and c[:8] == client else None
            except socket.timeout:
                continue
    return None


def warm(src):
    """One query from src for warm.rrl.test (a bucket of its own) until it is
    answered: the kernel and unihost then know each other's link-layer
    address, so no flood packet waits in (or falls out of) an ARP/ND queue."""
    fam = family(src)
    with socket.socket(socket.AF_INET6 if fam == 6 else socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((src, 0))
        s.settimeout(1.0)
        for attempt in range(5):
            qid = random.randrange(65536)
            s.sendto(query(qid, f"warm.{ZONE}"), (SERVER[fam], 53))
            try:
                while True:
                    msg = s.recv(4096)
                    if header(msg) and header(msg)[0] == qid:
                        return True
            except socket.timeout:
                continue
    return False


def tcp_query(src, mode):
    """One query over TCP from src; 'full' or what was wrong."""
    fam = family(src)
    try:
        with socket.create_connection((SERVER[fam], 53), timeout=2.0, source_address=(src, 0)) as s:
            msg = query(random.randrange(65536), qname(mode))
            s.sendall(struct.pack("!H", len(msg)) + msg)
            buf = b""
            while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
                chunk = s.recv(65535)
                if not chunk:
                    return f"closed after {len(buf)} bytes"
                buf += chunk
            n = struct.unpack("!H", buf[:2])[0]
            return classify(mode, buf[2:2 + n])
    except OSError as e:
        return f"{type(e).__name__}: {e}"


# ---- what the kernel dropped ----------------------------------------------------------------

def drop_counters():
    total = 0
    for path, keys in (("/proc/net/snmp", ("Udp:", ("InErrors", "RcvbufErrors"))),):
        try:
            lines = [l.split() for l in open(path) if l.startswith(keys[0])]
            names, values = lines[0], lines[1]
            total += sum(int(values[names.index(k)]) for k in keys[1])
        except (OSError, IndexError, ValueError):
            pass
    try:
        for line in open("/proc/net/snmp6"):
            k, v = line.split()
            if k in ("Udp6InErrors", "Udp6RcvbufErrors"):
                total += int(v)
    except (OSError, ValueError):
        pass
    for stat in ("rx_dropped", "tx_dropped"):
        try:
            total += int(open(f"/sys/class/net/{TAP}/statistics/{stat}").read())
        except (OSError, ValueError):
            pass
    try:
        total += sum(int(l.split()[1], 16) for l in open("/proc/net/softnet_stat"))
    except (OSError, IndexError, ValueError):
        pass
    return total


# ---- the flood --------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--label", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--mode", required=True, choices=("positive", "nxdomain", "wildcard", "refused"))
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--expect", required=True, choices=("limited", "all"))
    p.add_argument("--rate", type=int, default=0)
    p.add_argument("--slip", type=int, default=0)
    p.add_argument("--other")
    p.add_argument("--neighbour")
    p.add_argument("--neighbour-shares", choices=("yes", "no"), default="yes")
    p.add_argument("--side-count", type=int, default=10)
    p.add_argument("--tcp", type=int, default=0)
    p.add_argument("--save", help="write the bucket's limited count and the loss here")
    p.add_argument("--prior", help="a --save file of an earlier flood into the same bucket")
    p.add_argument("--cookie", action="store_true",
                   help="the flooder learns a server cookie first and presents it in every query")
    a = p.parse_args()
    seed = int(os.environ.get("RRL_SEED", random.randrange(1 << 30)))
    random.seed(seed)
    label = a.label
    ticks = max(1, round(a.seconds / TICK))
    per_tick = math.ceil(a.count / ticks)
    diag(f"{label}: {a.count} {a.mode} queries from {a.src} in {ticks} bursts of {per_tick}, "
         f"{TICK * 1000:.0f} ms apart (seed {seed}: RRL_SEED={seed} repeats the names)")

    cookie = None
    if a.cookie:
        cookie = learn_cookie(a.src)
        if not cookie:
            notok(f"{label}: {a.src} learns a server cookie", "no answer with our client cookie and a server cookie")
            return 1
        diag(f"{label}: server cookie {cookie[8:].hex()}")
    flooder = Client(a.src, a.mode, cookie)
    other = Client(a.other, a.mode) if a.other else None
    neighbour = Client(a.neighbour, a.mode) if a.neighbour else None
    clients = [c for c in (flooder, other, neighbour) if c]
    for c in clients:
        if not warm(c.src):
            notok(f"{label}: a first query from {c.src} is answered", "no answer in 5 tries"
                  + ("" if alive() else " (unihost is not running)"))
            return 1
    if a.expect == "limited" and per_tick < a.rate:
        # The lower bound needs every burst to empty a full bucket.
        notok(f"{label}: arguments", f"bursts of {per_tick} queries, fewer than --rate {a.rate}")
        return 1
    if a.expect == "limited" and (other or (neighbour and a.neighbour_shares == "no")):
        # Never more than one bucket's burst: then none of them can be limited, however they are timed.
        if a.side_count > a.rate:
            notok(f"{label}: arguments", f"--side-count {a.side_count} is over --rate {a.rate}")
            return 1

    # Side queries and TCP queries start at the third burst, once the flood
    # has sent more than the rate (the bucket is empty), and spread over
    # the rest of it.
    start_tick = min(2, ticks - 1)
    span = max(1, ticks - start_tick)
    side_ticks = {start_tick + i * span // a.side_count for i in range(a.side_count)} if clients[1:] else set()
    tcp_ticks = [start_tick + i * span // a.tcp for i in range(a.tcp)] if a.tcp else []
    tcp_results = []

    drops_before = drop_counters()
    t0 = time.monotonic()
    sent = 0
    for tick in range(ticks):
        for _ in range(min(per_tick, a.count - sent)):
            flooder.send()
            sent += 1
        if tick in side_ticks:
            for c in (other, neighbour):
                if c:
                    c.send()
        for _ in range(tcp_ticks.count(tick)):
            tcp_results.append(tcp_query(a.src, a.mode))
        pump(clients, t0 + (tick + 1) * TICK)
    flood_took = time.monotonic() - t0
    drain(clients)
    loss = drop_counters() - drops_before

    for c in clients:
        diag(f"{label}: {c.src}: {c.numbers()}" + (f", {c.unsent} not sent (socket full)" if c.unsent else "")
             + (f", {c.dup} duplicates" if c.dup else ""))
    diag(f"{label}: the flood took {flood_took:.2f} s; kernel drops meanwhile (loss): {loss}")

    # ---- the flooder's bucket
    bucket = [flooder] + ([neighbour] if neighbour and a.neighbour_shares == "yes" else [])
    b_sent = sum(c.sent for c in bucket)
    b_full = sum(c.full for c in bucket)
    b_slip = sum(c.slip for c in bucket)
    if a.expect == "all":
        check(b_full == b_sent and b_slip == 0 and b_sent == a.count,
              f"{label}: all {b_sent} queries from {a.src} got full answers (none slipped or dropped)",
              f"{flooder.numbers()}, loss {loss}")
    else:
        first_send = min(c.first_send for c in bucket if c.first_send)
        last_send = max(c.last_send for c in bucket if c.last_send)
        firsts = [c.first_recv for c in bucket if c.first_recv]
        lasts = [c.last_full for c in bucket if c.last_full]
        t_up = (max(lasts) - first_send) if lasts else 0.0
        t_low = (last_send - min(firsts)) if firsts else 0.0
        upper = math.floor(a.rate * (1 + t_up + 0.001)) + 1
        lower = a.rate + max(0, min(a.rate, math.floor(a.rate * t_low) - 2)) - loss
        diag(f"{label}: bucket of {a.src}" + (f" and {a.neighbour}" if len(bucket) > 1 else "")
             + f": sent {b_sent}, full {b_full}, T_up {t_up:.3f} s, T_low {t_low:.3f} s, "
             f"bounds [{lower}, {upper}] (about rate * (1 + {flood_took:.2f}) = {a.rate * (1 + flood_took):.0f} expected)")
        check(b_sent >= a.count and lower <= b_full <= upper,
              f"{label}: {b_sent} queries from {'/'.join(c.src for c in bucket)} got {b_full} full answers, "
              f"within [{lower}, {upper}] for {a.rate}/s over {t_up:.2f} s plus a one-second burst",
              f"{b_full} full answers of {b_sent} sent; bounds [{lower}, {upper}]")
        limited = b_sent - b_full
        prior, prior_loss = 0, 0
        if a.prior:
            with open(a.prior) as f:
                prior, prior_loss = (int(x) for x in f.read().split())
        if a.save:
            with open(a.save, "w") as f:
                f.write(f"{prior + limited} {prior_loss + loss}\n")

        def slips(n):       # of a bucket's first n limited responses, those that slip
            return -(-n // a.slip) if a.slip else 0
        want = slips(prior + limited) - slips(prior)
        if a.prior:
            how = (f"the bucket's limited responses number {prior + 1} to {prior + limited}: "
                   f"ceil({prior + limited}/{a.slip}) - ceil({prior}/{a.slip}) = {want}")
        else:
            how = f"ceil({limited}/{a.slip}) = {want}"
        tolerance = loss + prior_loss
        good = b_slip == want if tolerance == 0 else abs(b_slip - want) <= tolerance
        check(good,
              f"{label}: of the {limited} limited responses {b_slip} slipped (TC=1, empty) and "
              f"{limited - b_slip} were dropped: {how}"
              + ("" if tolerance == 0 else f" (within the {tolerance} packets the kernel dropped)"),
              f"{b_slip} slipped, want {want}" + ("" if tolerance == 0 else f" +-{tolerance}"))

    others = [(c.src, o) for c in clients for o in c.other] + [(c.src, "duplicate") for c in clients if c.dup]
    check(not others, f"{label}: every response is a full answer or an empty truncated one, once",
          "; ".join(f"{s}: {o}" for s, o in others[:5]) + (f" (+{len(others) - 5})" if len(others) > 5 else ""))

    if other:
        check(other.sent == a.side_count and other.full == other.sent,
              f"{label}: meanwhile a client in another prefix ({other.src}) got all {other.sent} "
              "of its answers in full", other.numbers())
    if neighbour:
        if a.neighbour_shares == "yes":
            check(neighbour.sent == a.side_count and neighbour.full * 2 <= neighbour.sent,
                  f"{label}: a client in the flooder's prefix ({neighbour.src}) shares its bucket: "
                  f"{neighbour.full} of its {neighbour.sent} answers full (at most half)", neighbour.numbers())
        else:
            check(neighbour.sent == a.side_count and neighbour.full == neighbour.sent,
                  f"{label}: a client next to the flooder but outside its prefix ({neighbour.src}) got all "
                  f"{neighbour.sent} of its answers in full", neighbour.numbers())
    if a.tcp:
        bad = [r for r in tcp_results if r != "full"]
        check(len(tcp_results) == a.tcp and not bad,
              f"{label}: {len(tcp_results)} queries over TCP from {a.src} during the flood got full answers",
              f"{len(bad)} of {len(tcp_results)} not: {bad[:3]}")
    check(alive(), f"{label}: unihost still running", "it is not")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
