#!/usr/bin/env python3
"""The attacks of the hostile-client tests (tests/integration/hostile_*.sh),
made of raw frames by lib/rawpeer.py, and the checks that a normal client
is served meanwhile. Standard library only. Run inside the test's namespace:

    hostile.py SCENARIO [ARGS...]

Environment: UH_TAP (the tap's kernel side), UH_TEST (the test's name for
ok/not ok lines), UH_PID (unihost's PID: "still running" checks),
HOSTILE_NAME (a DNS name unihost answers with an A record), HOSTILE_CERT
(the CA file for HTTPS checks, if HTTPS is on), HOSTILE_STOP (a file: once
a scenario prints "# HOLD" it keeps its connections, answering ARP and
window probes, until this file exists or HOSTILE_HOLD seconds pass).

Each scenario prints "ok - TEST: ..." / "not ok - TEST: ...: why" lines and
"#" diagnostics. Every wait is bounded; the peer has an overall deadline.
Addresses: 192.0.2.50-99 for our clients (192.0.2.54 may transfer the
fixture zones), 192.0.2.128/25 for spoofed floods; the kernel's 192.0.2.1
is the "second client" (dig, curl, Python sockets).
"""
import os
import random
import select
import socket
import ssl
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rawpeer import ACK, MOD, RST, SYN, Deadline, Peer  # noqa: E402

SERVER = "192.0.2.2"
SERVER6 = "2001:db8::2"
TAP = os.environ.get("UH_TAP", "")
TEST = os.environ.get("UH_TEST", "hostile")
UH_PID = int(os.environ.get("UH_PID", "0") or 0)
NAME = os.environ.get("HOSTILE_NAME", "www.unihost.test")
CERT = os.environ.get("HOSTILE_CERT", "")
STOP = os.environ.get("HOSTILE_STOP", "")
HOLD = float(os.environ.get("HOSTILE_HOLD", "30"))
PROMPT = 2.0            # "served at once": each normal request within this
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


# ---- DNS wire --------------------------------------------------------------

def dns_query(qid, name, qtype=1):
    q = struct.pack("!HHHHHH", qid & 0xFFFF, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack("!HH", qtype, 1)


def framed(msg):
    return struct.pack("!H", len(msg)) + msg


def messages(stream):
    """The complete length-prefixed messages at the start of a byte stream."""
    out, off = [], 0
    while off + 2 <= len(stream):
        n = struct.unpack("!H", stream[off:off + 2])[0]
        if off + 2 + n > len(stream):
            break
        out.append(bytes(stream[off + 2:off + 2 + n]))
        off += 2 + n
    return out


def skip_name(msg, off):
    while off < len(msg):
        n = msg[off]
        if n & 0xC0 == 0xC0:
            return off + 2
        off += 1 + n
        if n == 0:
            return off
    return off


def rr_types(msg):
    """Types of the answer section's records (for counting a transfer)."""
    qd, an = struct.unpack("!HH", msg[4:8])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    types = []
    for _ in range(an):
        off = skip_name(msg, off)
        if off + 10 > len(msg):
            break
        t, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        types.append(t)
        off += 10 + rdlen
    return types


# ---- the normal ("second") clients -------------------------------------------------

class Check:
    """One normal client request running as a subprocess (dig, curl) from the
    kernel's own address, timed."""

    def __init__(self, kind):
        self.kind = kind
        self.start = time.monotonic()
        self.took = None
        self.why = None
        cmd = {
            "udp": ["dig", f"@{SERVER}", "+notcp", "+time=2", "+tries=1", NAME, "A"],
            "tcp53": ["dig", f"@{SERVER}", "+tcp", "+time=2", "+tries=1", NAME, "A"],
            "http": ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                     f"http://{SERVER}/"],
            "https": ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                      "--cacert", CERT, f"https://{SERVER}/"],
            "tcp53v6": ["dig", f"@{SERVER6}", "+tcp", "+time=2", "+tries=1", NAME, "A"],
            "http6": ["curl", "-sS", "-g", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                      f"http://[{SERVER6}]/"],
        }[kind]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def poll(self):
        if self.took is not None:
            return True
        if self.proc.poll() is None:
            if time.monotonic() - self.start > PROMPT + 1.0:
                self.proc.kill()
                self.proc.wait()
                self.took = time.monotonic() - self.start
                self.why = "no answer (killed)"
                return True
            return False
        self.took = time.monotonic() - self.start
        out = self.proc.stdout.read().decode(errors="replace")
        if self.kind in ("udp", "tcp53", "tcp53v6"):
            if "status: NOERROR" not in out or "ANSWER: 0" in out:
                self.why = "no answer: " + " ".join(out.split()[-12:])
        else:
            code = out.strip()[-3:]
            if code not in ("200", "301"):
                self.why = f"status {out.strip()[:80]!r}"
        return True


def fresh_handshake(peer, ip, port, timeout=PROMPT):
    """A new TCP handshake from a fresh address of ours: seconds, or None."""
    start = time.monotonic()
    try:
        c = peer.connect(ip, port, timeout=timeout)
    except OSError:
        return None
    took = time.monotonic() - start
    c.rst()
    return took


_fresh = [100]


def fresh_ip():
    """192.0.2.90-99 in turn: addresses unihost has not seen in this scenario."""
    _fresh[0] = 90 + (_fresh[0] - 89) % 10
    return f"192.0.2.{_fresh[0]}"


def served(peer, kinds, what):
    """Runs the normal clients of `kinds` at once (dig, curl as subprocesses;
    'syn80'/'syn53'/'syn443' handshakes, 'conc53'/'conc80' four
    simultaneous handshakes, and 'arp' from fresh rawpeer addresses), keeps the peer answering meanwhile, and reports one check."""
    checks = [Check(k) for k in kinds if k in ("udp", "tcp53", "http", "https")]
    results = []
    for k in kinds:
        if k.startswith("syn"):
            ip = fresh_ip()
            took = fresh_handshake(peer, ip, int(k[3:]))
            results.append((k, took, None if took is not None and took <= PROMPT else "no SYN-ACK"))
        elif k.startswith("conc"):
            # several handshakes at once: a pcb pool with an entry freed
            # twice hands the same pcb to two of them
            start = time.monotonic()
            cs = peer.connect_many([(fresh_ip(), int(k[4:]), 65535) for _ in range(4)], timeout=PROMPT)
            took = time.monotonic() - start
            n = sum(1 for c in cs if c.established)
            for c in cs:
                c.rst()
            results.append((k, took, None if n == 4 else f"{n} of 4 handshakes completed"))
        elif k == "arp":
            took = peer.arp_probe(fresh_ip(), PROMPT)
            results.append((k, took, None if took is not None else "no ARP reply"))
    end = time.monotonic() + PROMPT + 2
    while time.monotonic() < end and not all(c.poll() for c in checks):
        peer.pump(0.02)
    for c in checks:
        c.poll()
        why = c.why
        if why is None and c.took > PROMPT:
            why = f"took {c.took:.2f} s"
        results.append((c.kind, c.took, why))
    bad = [f"{k}: {why} ({took if took is None else round(took, 2)} s)" for k, took, why in results if why]
    times = " ".join(f"{k} {t:.2f}s" for k, t, why in results if t is not None and not why)
    kinds_text = ", ".join(kinds)
    if bad:
        notok(f"{what}: a normal client is served at once ({kinds_text}, each within {PROMPT:g} s)",
              "; ".join(bad) + ("" if alive() else "; unihost is not running"))
        return False
    ok(f"{what}: a normal client is served at once ({kinds_text}, each within {PROMPT:g} s: {times})")
    return True


def hold(peer, conns=(), reset=True):
    """Keeps the connections (answering ARP and window probes) until the
    shell's stop file appears; then resets ours, unless told not to."""
    print("# HOLD", flush=True)
    end = time.monotonic() + HOLD
    while time.monotonic() < end and not (STOP and os.path.exists(STOP)):
        peer.pump(0.1)
    if reset:
        peer.reset_all()
        peer.pump(0.1)


def drive(peer, conns, seconds, retransmit=0.3):
    """Pumps for `seconds`, retransmitting what stays unacknowledged."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        peer.pump(0.05)
        now = time.monotonic()
        for c in conns:
            if c.established and not c.acked_all() and now - c.last_progress > retransmit:
                c.retransmit()
                c.last_progress = now


# ---- 1. DNS/TCP: a refused buffer, an over-long query, and the window opening ----------

BULK = "many.bulk.test"         # 300 TXT records: a 34 KB answer over TCP


def dns_refused(peer, variant):
    """Zero window; big answers fill the send buffer (7 fit in 256 KiB, the
    8th query waits); then the first 3000 bytes of a query announced as
    8192 bytes long (over the 4096 accepted), then 1460 more: unihost's
    buffer holds a complete query at its head, so it refuses them (ERR_MEM:
    lwIP keeps them as refused data) and stops acknowledging: the next
    segment goes unacknowledged. The FIN variant sends FIN after it. Then the
    window opens: answers are acknowledged as they come, and what was not
    acknowledged is sent again, as any TCP does."""
    c = peer.connect("192.0.2.50", 53, window=0)
    c.send(b"".join(framed(dns_query(k, BULK, 16)) for k in range(8)))
    c.send(struct.pack("!H", 8192) + b"\0" * 3000)
    peer.wait(c.acked_all, 1.0)
    c.send(b"\0" * 1460)
    peer.wait(c.acked_all, 1.0)
    c.send(b"\0" * 100)
    if variant == "fin":
        c.fin()
    stalled = not peer.wait(c.acked_all, 0.3)
    diag(f"sent {len(c.out)} bytes; unihost acknowledged {c.acked_upto()}: "
         f"{'it stopped acknowledging (its buffer is full)' if stalled else 'everything (no refusal?)'}")
    c.auto_ack = False
    c.set_window(65535)
    end = time.monotonic() + 3
    while time.monotonic() < end and not c.gone:
        n0 = len(c.data)
        peer.wait(lambda: len(c.data) > n0 or c.gone, 0.5)
        c.ack()
        if len(c.data) >= 9900:
            break
    c.auto_ack = True
    c.retransmit()
    drive(peer, [c], 1.0)
    diag(f"window opened: {len(c.data)} bytes of answers read; connection {c.state.lower()}"
         f"{', FIN received' if c.got_fin else ''}")
    c.rst()
    peer.pump(0.2)


# ---- 6. DNS/TCP: order, transfers and half-close -----------------------------------------

def read_until_closed(peer, c, seconds):
    peer.wait(lambda: c.got_fin or c.gone, seconds)
    return "FIN" if c.got_fin else ("RST" if c.state == "RESET" else "nothing")


def dns_ooo(peer, n):
    """n pipelined queries (more than 4098 bytes) whose first segment is
    held back and sent last: when the hole fills, lwIP hands all it queued
    over at once (the whole stream, on a server whose window takes it)."""
    c = peer.connect("192.0.2.52", 53)
    names = [NAME, "example.test", "mail.example.test", "ns1.example.test"]
    ids = random.sample(range(65536), n)
    stream = b"".join(framed(dns_query(ids[i], names[i % len(names)])) for i in range(n))
    c.queue(stream)
    first = 1460
    c.send_range(first, len(stream), 1460)
    peer.pump(0.1)
    c.send_range(0, first, 1460)
    # Like any TCP, resend what the server did not acknowledge, within the
    # window it offers (bytes past its window were never its to keep).
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(messages(c.data)) < n and not c.gone:
        peer.pump(0.2)
        c.retransmit(limit=max(c.srv_wnd or 0, 1))
    got = [struct.unpack("!H", m[:2])[0] for m in messages(c.data)]
    name = (f"DNS/TCP: {n} pipelined queries ({len(stream)} bytes) whose first segment comes last "
            f"are all answered, in order, on a connection that is not reset")
    in_order = got == ids[:len(got)]
    check(len(got) == n and in_order and c.state != "RESET", name,
          f"{len(got)} of {n} answers{'' if in_order else ' (out of order)'}, connection {c.state.lower()}")
    c.rst()


def dns_axfr_fin(peer, zone, records, count):
    """`count` AXFR requests for `zone` then FIN at once (a client that has
    nothing more to ask): every transfer must come whole, then unihost's FIN."""
    c = peer.connect("192.0.2.54", 53)
    c.send(b"".join(framed(dns_query(0x4100 + k, zone, 252)) for k in range(count)), fin=True)
    end = time.monotonic() + 8
    transfers = []

    def parse():
        transfers.clear()
        cur = None
        for m in messages(c.data):
            qid = struct.unpack("!H", m[:2])[0]
            if cur is None or cur[0] != qid:
                cur = [qid, 0, 0]
                transfers.append(cur)
            types = rr_types(m)
            cur[1] += len(types)
            cur[2] += types.count(6)
        return transfers

    while time.monotonic() < end and not c.gone and not c.got_fin:
        peer.pump(0.1)
    state = "FIN" if c.got_fin else ("RST" if c.state == "RESET" else "no close")
    parse()
    whole = [t for t in transfers if t[2] == 2 and t[1] == records + 1]
    what = "an AXFR request" if count == 1 else f"{count} pipelined AXFR requests"
    name = (f"DNS/TCP: {what} for {zone} followed at once by FIN (half-close) get "
            f"{'the complete transfer' if count == 1 else 'every transfer complete'} "
            f"({records + 1} records each, SOA first and last), then unihost's FIN")
    check(len(whole) == count and state == "FIN", name,
          f"{len(whole)} of {count} complete; records per transfer {[t[1] for t in transfers]}, then {state}")
    c.rst()


def dns_pipe_fin(peer, n):
    """n pipelined queries with big answers (34 KB each) then FIN at once:
    RFC 7766 6.2.4: every answer, in order, then unihost closes."""
    c = peer.connect("192.0.2.53", 53)
    ids = random.sample(range(65536), n)
    c.send(b"".join(framed(dns_query(i, BULK, 16)) for i in ids), fin=True)
    end = time.monotonic() + 8
    while time.monotonic() < end and not c.gone and not c.got_fin:
        peer.pump(0.1)
    state = "FIN" if c.got_fin else ("RST" if c.state == "RESET" else "no close")
    got = [struct.unpack("!H", m[:2])[0] for m in messages(c.data)]
    name = (f"DNS/TCP: {n} pipelined queries (34 KB answers, more than the send buffer) followed "
            f"at once by FIN are all answered in order, then unihost closes with FIN (RFC 7766 6.2.4)")
    check(got == ids and state == "FIN", name, f"{len(got)} of {n} answers, then {state}")
    c.rst()


# ---- 2. pbuf pool: 1-byte segments ----------------------------------------------------

def one_byte_redirect(peer, conns_n, per_conn):
    """Port 80 redirecting to HTTPS: request heads that never complete, one
    byte per segment, over several connections."""
    ips = [f"192.0.2.{60 + i}" for i in range(conns_n)]
    conns = peer.connect_many([(ip, 80, 65535) for ip in ips], timeout=3)
    conns = [c for c in conns if c.established]
    head = b"GET / HTTP/1.1\r\nHost: www.unihost.test\r\nX-Slow: " + b"a" * per_conn
    sent = 0
    for i in range(per_conn):
        for c in conns:
            off = c.queue(head[i:i + 1])
            c.send_range(off, off + 1, 1)
            sent += 1
        if i % 50 == 0:
            peer.pump(0)
    peer.pump(0.2)
    acked = sum(c.acked_upto() for c in conns)
    diag(f"{len(conns)} connections, {sent} one-byte segments sent, {acked} acknowledged")
    served(peer, ["udp", "tcp53", "syn80", "syn443"],
           f"with {sent} one-byte segments of unfinished heads held on the redirect port")
    return conns


def one_byte_pipelined(peer, big, nbig, nbytes):
    """Plain HTTP: a zero-window client asks for a large file (responses fill
    the send buffer), then pipelines more requests one byte per segment."""
    c = peer.connect("192.0.2.66", 80, window=0)
    req = f"GET {big} HTTP/1.1\r\nHost: {NAME}\r\n\r\n".encode()
    c.send(req * nbig)
    peer.wait(c.acked_all, 1.0)
    more = (f"GET / HTTP/1.1\r\nHost: {NAME}\r\n\r\n".encode() * (nbytes // 30 + 1))[:nbytes]
    off = c.queue(more)
    for i in range(nbytes):
        c.send_range(off + i, off + i + 1, 1)
        if i % 50 == 0:
            peer.pump(0)
    peer.pump(0.2)
    diag(f"{nbig} requests for {big} then {nbytes} one-byte segments; {c.acked_upto()} of {len(c.out)} "
         f"bytes acknowledged; {c.probes} window probes answered")
    served(peer, ["udp", "tcp53", "http", "syn80"],
           f"with {nbytes} one-byte segments held behind a response to a zero-window client")
    return [c]


# ---- 3. SYN flood, zero-window orphans, idle keep-alive --------------------------------

def flood(peer, rate, seconds, spoof, kinds, checks_at):
    """Calls spoof(i) -> what it sent, `rate` times a second for `seconds`
    (bounded in count), while normal clients of `kinds` start at the times
    `checks_at`; returns (what was sent, the checks that ended, the start)."""
    total = int(rate * seconds)
    sent, running, results = [], [], []
    checks_at = list(checks_at)
    start = time.monotonic()
    i = 0
    while i < total and time.monotonic() - start < seconds + 5:
        due = int((time.monotonic() - start) * rate) + 1
        while i < min(due, total):
            sent.append(spoof(i))
            i += 1
        if checks_at and time.monotonic() - start >= checks_at[0]:
            checks_at.pop(0)
            running += [Check(kind) for kind in kinds]
        for ch in list(running):
            if ch.poll():
                running.remove(ch)
                results.append(ch)
        peer.pump(0.005)
    end = time.monotonic() + PROMPT + 2
    while running and time.monotonic() < end:
        for ch in list(running):
            if ch.poll():
                running.remove(ch)
                results.append(ch)
        peer.pump(0.02)
    return sent, results, start


def flood_verdict(name, results, start, expected):
    bad = [f"{c.kind} at {c.start - start:.1f} s: {c.why or f'took {c.took:.2f} s'}"
           for c in results if c.why or c.took > PROMPT]
    check(not bad and len(results) == expected, name,
          "; ".join(bad) or f"{len(results)} of {expected} checks ran")
    diag("meanwhile: " + " ".join(f"{c.kind} {c.took:.2f}s" for c in results))


def syn_flood6(peer, rate, seconds):
    """The same over IPv6, from random off-link addresses (2001:db8:ff00::/40,
    as a flood from the internet comes in through a router), to ports 80 and
    53, at `rate` a second; curl and dig over IPv6 meanwhile. (Spoofed
    on-link IPv6 sources would also churn lwIP's 64-entry neighbour cache,
    which recycles reachable entries before incomplete ones: an attacker on
    the same link has that power over any host.)"""
    def spoof(i):
        src = f"2001:db8:ff{random.randrange(256):02x}::{random.randrange(1, 0xffff):x}"
        sport, dport, isn = random.randrange(1024, 65535), 80 if i % 2 == 0 else 53, random.randrange(MOD)
        peer.tcp6_out(src, SERVER6, sport, dport, isn, 0, SYN, 65535, options=b"\x02\x04\x05\xa0")
        return src, sport, dport, isn
    sent, results, start = flood(peer, rate, seconds, spoof, ("http6", "tcp53v6"), (1.0, 2.5, 4.0))
    diag(f"{len(sent)} spoofed IPv6 SYNs")
    flood_verdict(f"IPv6 SYN flood ({rate}/s spoofed, ports 80 and 53, {seconds:g} s): curl and dig +tcp over "
                  f"IPv6 connect and are served within {PROMPT:g} s each, throughout", results, start, 6)
    for src, sport, dport, isn in sent:
        peer.tcp6_out(src, SERVER6, sport, dport, isn + 1, 0, RST, 0)
    peer.pump(0.3)


def syn_flood(peer, rate, seconds):
    """Spoofed SYNs from random addresses in 192.0.2.128/25 (ARP answered:
    unihost's SYN-ACKs go out and are ignored), to ports 80 and 53
    alternately, at `rate` a second; normal clients meanwhile."""
    peer.answer_arp_for("192.0.2.128/25")

    def spoof(i):
        ip = f"192.0.2.{random.randrange(128, 255)}"
        sport, dport, isn = random.randrange(1024, 65535), 80 if i % 2 == 0 else 53, random.randrange(MOD)
        peer.spoofed_syn(ip, sport, dport, isn)
        return ip, sport, dport, isn
    sent, results, start = flood(peer, rate, seconds, spoof, ("http", "tcp53"), (1.5, 3.5, 5.5))
    diag(f"{len(sent)} spoofed SYNs in {time.monotonic() - start:.1f} s; "
         f"{peer.stray_synack} SYN-ACKs came back to them")
    flood_verdict(f"SYN flood ({rate}/s spoofed, ports 80 and 53, {seconds:g} s): curl and dig +tcp from "
                  f"another address connect and are served within {PROMPT:g} s each, throughout", results, start, 6)
    # The attacker goes away: reset every half-open connection it made.
    for ip, sport, dport, isn in sent:
        peer.spoofed_rst(ip, sport, dport, isn)
    peer.pump(0.3)


def orphans(peer, waves, per_wave, path, idle):
    """Zero-window clients that ask for a large file and answer every
    window probe with window 0, in waves spaced past the idle timeout (the
    server closes each wave's connections, whose data can never go)."""
    conns = []
    for w in range(waves):
        ips = [f"192.0.2.{70 + (k % 10)}" for k in range(per_wave)]
        batch = peer.connect_many([(ip, 80, 0) for ip in ips], timeout=3)
        est = [c for c in batch if c.established]
        for c in est:
            c.send(f"GET {path} HTTP/1.1\r\nHost: {NAME}\r\n\r\n".encode())
        conns += batch
        diag(f"wave {w + 1}: {len(est)} of {per_wave} connections established, each asked for {path}")
        peer.idle(idle + 1.2)
    probes = sum(c.probes for c in conns)
    open_ = sum(1 for c in conns if c.established)
    diag(f"{open_} connections still open at our end, {probes} window probes answered with window 0")
    served(peer, ["http", "tcp53", "syn80"], f"after {waves * per_wave} zero-window connections timed out")
    return conns


def keepalive(peer, n, ips):
    conns = peer.connect_many([(ips[k % len(ips)], 80, 65535) for k in range(n)], timeout=5)
    opened = sum(1 for c in conns if c.irs is not None)
    est = [c for c in conns if c.established]
    for c in est:
        c.send(f"GET / HTTP/1.1\r\nHost: {NAME}\r\n\r\n".encode())
    peer.wait(lambda: all(b"</html>" in c.data or c.gone for c in est), 5)
    answered = sum(1 for c in est if b"200 OK" in c.data[:20])
    still = sum(1 for c in est if not c.gone and not c.got_fin)
    diag(f"{opened} of {n} keep-alive connections opened from {len(ips)} addresses, {opened - len(est)} "
         f"shed at once; {answered} answered 200, {still} still open")
    served(peer, ["http", "tcp53", "syn80"], f"with {n} idle keep-alive connections from {len(ips)} addresses")
    return conns


# ---- 4. heap: non-readers pipelining HEAD and GET -------------------------------------

def nonreaders(peer, n, reqs, path, small):
    """Zero-window connections pipelining HEAD requests (each answer a
    header block unihost copies) and, every tenth, a GET of a small file."""
    ips = [f"192.0.2.{85 + (k % 3)}" for k in range(n)]
    conns = peer.connect_many([(ip, 80, 0) for ip in ips], timeout=3)
    est = [c for c in conns if c.established]
    host = NAME.encode()
    stream = b"".join((b"GET " + small.encode() if j % 10 == 9 else b"HEAD " + path.encode()) +
                      b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n" for j in range(reqs))
    for c in est:
        c.send(stream)
        peer.pump(0)
    drive(peer, est, 1.0)
    diag(f"{len(est)} zero-window connections, {reqs} pipelined HEAD/GET requests each "
         f"({sum(len(c.out) for c in est)} bytes sent, {sum(c.acked_upto() for c in est)} acknowledged)")
    served(peer, ["udp", "arp", "syn80", "syn53"], f"with {len(est)} zero-window connections pipelining HEAD/GET")
    return conns


# ---- 5. pool eviction by one address ------------------------------------------------

def evict_tls(peer, n):
    """A client from 192.0.2.1 connects to 443 and pauses before its
    ClientHello; one other address opens n bare connections to 443."""
    ctx = ssl.create_default_context(cafile=CERT)
    legit = socket.create_connection((SERVER, 443), timeout=3)
    peer.pump(0.2)
    conns = peer.connect_many([("192.0.2.88", 443, 65535)] * n, timeout=4)
    est = sum(1 for c in conns if c.established)
    peer.pump(0.3)
    name = (f"HTTPS: a client paused mid-handshake completes it and is answered while one other "
            f"address opens {n} bare connections to 443")
    try:
        s = ctx.wrap_socket(legit, server_hostname="www.unihost.test", do_handshake_on_connect=False)
        s.settimeout(3)
        s.do_handshake()
        s.sendall(b"GET / HTTP/1.1\r\nHost: www.unihost.test\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        status = data.split(b"\r\n", 1)[0].decode(errors="replace")
        check(status.startswith("HTTP/1.1 200"), name, f"got {status!r} ({est} bare connections)")
        s.close()
    except (OSError, ssl.SSLError) as e:
        notok(name, f"{type(e).__name__}: {e} ({est} bare connections open)")
    return conns


def evict_plain(peer, n):
    """A client from 192.0.2.1 is mid-request on port 80; one other address
    opens n connections that each send one byte of a request."""
    legit = socket.create_connection((SERVER, 80), timeout=3)
    legit.sendall(f"GET / HTTP/1.1\r\nHost: {NAME}\r\n".encode())
    peer.pump(0.2)
    conns = []
    for k in range(0, n, 20):
        batch = peer.connect_many([("192.0.2.89", 80, 65535)] * min(20, n - k), timeout=3)
        for c in batch:
            if c.established:
                c.send(b"G")
        peer.pump(0.02)
        conns += batch
    est = [c for c in conns if c.established or c.state == "RESET"]
    peer.pump(0.3)
    name = (f"HTTP: a client mid-request gets its answer while one other address opens {n} "
            f"connections that each send one byte")
    try:
        legit.settimeout(3)
        legit.sendall(b"\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = legit.recv(65536)
            if not chunk:
                break
            data += chunk
        status = data.split(b"\r\n", 1)[0].decode(errors="replace")
        check(status.startswith("HTTP/1.1 200"), name, f"got {status!r} ({len(est)} attacker connections)")
    except OSError as e:
        notok(name, f"{type(e).__name__}: {e} ({len(est)} attacker connections)")
    legit.close()
    return conns


# ---- 7. lingering close ---------------------------------------------------------------

def linger(peer, keep_writing):
    """A POST with a body larger than unihost takes, from the kernel's TCP:
    the client keeps sending the body (16 KB every 20 ms) for `keep_writing`
    seconds after the answer arrived, then reads. Lingering close: its
    writes are not reset meanwhile, and it reads the whole 413, then FIN."""
    name = (f"HTTP: a client still sending a too-large body {keep_writing:g} s after the 413 is not "
            f"reset, and reads the whole 413 and then a clean end (FIN)")
    s = socket.create_connection((SERVER, 80), timeout=3)
    s.sendall(f"POST / HTTP/1.1\r\nHost: {NAME}\r\nContent-Length: 1000000\r\n\r\n".encode())
    s.setblocking(False)
    chunk = b"x" * 16384
    sent, answered_at, write_error = 0, None, None
    start = time.monotonic()
    while time.monotonic() - start < 6:
        now = time.monotonic()
        if answered_at is not None and now - answered_at >= keep_writing:
            break
        r, _, _ = select.select([s] if answered_at is None else [], [], [], 0.02)
        if r and answered_at is None:
            answered_at = time.monotonic()
        if sent + len(chunk) <= 1000000:
            try:
                sent += s.send(chunk)
            except BlockingIOError:
                pass
            except OSError as e:
                write_error = (f"{type(e).__name__} after {sent} body bytes, "
                               f"{time.monotonic() - (answered_at or start):.2f} s after the answer")
                if answered_at is None:
                    answered_at = time.monotonic()
                break
    s.setblocking(True)
    s.settimeout(3)
    data, end = b"", None
    try:
        while True:
            b = s.recv(65536)
            if not b:
                end = "FIN"
                break
            data += b
    except ConnectionResetError:
        end = "ECONNRESET"
    except OSError as e:
        end = f"{type(e).__name__}"
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].decode(errors="replace")
    length = None
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    whole = status.startswith("HTTP/1.1 413") and length is not None and len(body) == length
    diag(f"sent {sent} body bytes; answer after {answered_at and round(answered_at - start, 2)} s; "
         f"read {len(data)} bytes ({status!r}), then {end}; write error: {write_error}")
    check(whole and end == "FIN" and write_error is None, name,
          (f"the connection was reset while the client was still sending: {write_error}; " if write_error else "") +
          f"{'whole 413' if whole else f'got {status!r}, {len(body)} of {length} body bytes'}, then {end}")


# ---- main ---------------------------------------------------------------------------

def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    scenario, args = sys.argv[1], sys.argv[2:]
    seed = int(os.environ.get("HOSTILE_SEED", random.randrange(1 << 30)))
    random.seed(seed)
    diag(f"{scenario} {' '.join(args)}: seed {seed} (HOSTILE_SEED={seed} repeats it)")
    peer = Peer(TAP, SERVER, limit=float(os.environ.get("HOSTILE_LIMIT", "100")))
    try:
        peer.resolve("192.0.2.50")
        if scenario == "served":
            served(peer, args[1].split(","), args[0])
        elif scenario == "dns-refused":
            dns_refused(peer, args[0])
        elif scenario == "dns-ooo":
            dns_ooo(peer, int(args[0]))
        elif scenario == "dns-axfr-fin":
            dns_axfr_fin(peer, args[0], int(args[1]), int(args[2]))
        elif scenario == "dns-pipe-fin":
            dns_pipe_fin(peer, int(args[0]))
        elif scenario == "one-byte-redirect":
            one_byte_redirect(peer, int(args[0]), int(args[1]))
            hold(peer)
        elif scenario == "one-byte-pipelined":
            one_byte_pipelined(peer, args[0], int(args[1]), int(args[2]))
            hold(peer)
        elif scenario == "syn-flood":
            syn_flood(peer, int(args[0]), float(args[1]))
            hold(peer)
        elif scenario == "syn-flood6":
            syn_flood6(peer, int(args[0]), float(args[1]))
            hold(peer)
        elif scenario == "orphans":
            orphans(peer, int(args[0]), int(args[1]), args[2], float(args[3]))
            hold(peer)
        elif scenario == "keepalive":
            keepalive(peer, int(args[0]), [f"192.0.2.{80 + k}" for k in range(int(args[1]))])
            peer.reset_all()
            hold(peer)
        elif scenario == "nonreaders":
            nonreaders(peer, int(args[0]), int(args[1]), args[2], args[3])
            hold(peer)
        elif scenario == "evict-tls":
            evict_tls(peer, int(args[0]))
            peer.reset_all()
        elif scenario == "evict-plain":
            evict_plain(peer, int(args[0]))
            peer.reset_all()
        elif scenario == "linger":
            linger(peer, float(args[0]))
        else:
            print(f"unknown scenario {scenario}", file=sys.stderr)
            return 2
    except Deadline as e:
        notok(f"{scenario}", f"did not finish in time: {e}")
    except OSError as e:
        notok(f"{scenario}", f"{e}{'' if alive() else ' (unihost is not running)'}")
    finally:
        try:
            peer.reset_all()
            peer.pump(0.05)
        except (OSError, Deadline):
            pass
        peer.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
