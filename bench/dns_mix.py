#!/usr/bin/env python3
"""The query mix of the DNS benchmarks (standard library only).

  dns_mix.py summary MIX        print how the mix is made up
  dns_mix.py wire MIX OUT [--cookie HEX]
                                write its queries, interleaved, in dnsperf's
                                binary input format (dnsperf -B: a 2-byte
                                length, then the message; dnsperf sets the ID)
  dns_mix.py check MIX ADDR [--cookie HEX]
                                ask ADDR each query once over UDP and check
                                that each answer is of the query's kind;
                                print the mean answer size (and, with
                                --cookie, how many answers carry a server
                                cookie); exit 1 on any answer that is not

MIX is bench/dns_mix.txt: "KIND NAME TYPE EDNS" lines, # comments; the
kinds and EDNS forms are described there.

--cookie HEX (16 hex digits: a client cookie, RFC 7873) adds a COOKIE
option to every query. A query of the mix without EDNS gets an OPT record
of its own for it, advertising 512 bytes, what a client without EDNS gets:
so every query carries the cookie and every answer stays of its kind (the
truncated ones are still truncated). dnsperf's own -E option adds nothing
to -B input, which it sends as it is.
"""
import socket
import struct
import sys

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28,
         "SRV": 33, "OPT": 41, "DS": 43, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48,
         "NSEC3": 50, "CAA": 257}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
KINDS = ["positive", "nxdomain", "nodata", "referral", "refused", "large", "truncated"]
EDNS_FORMS = ["edns", "do", "none"]
EDNS_PAYLOAD = 1232


def read_mix(path):
    queries = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            if len(line) != 4 or line[0] not in KINDS or line[2] not in TYPES or line[3] not in EDNS_FORMS:
                sys.exit(f"{path}:{number}: expected KIND NAME TYPE EDNS")
            queries.append(tuple(line))
    if not queries:
        sys.exit(f"{path}: no queries")
    return queries


def interleave(queries):
    """Spreads each kind evenly over the stream: the j-th of a kind's n
    queries goes at (j + 0.5) / n, so any stretch holds the whole mix."""
    by_kind = {}
    for q in queries:
        by_kind.setdefault(q[0], []).append(q)
    placed = []
    for kind, qs in by_kind.items():
        for j, q in enumerate(qs):
            placed.append(((j + 0.5) / len(qs), KINDS.index(kind), j, q))
    return [p[3] for p in sorted(placed)]


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


COOKIE_OPTION = 10
NO_EDNS_PAYLOAD = 512


def message(query, qid=0, cookie=None):
    """The query's message; with cookie (8 bytes), a COOKIE option too."""
    _, name, qtype, edns = query
    has_opt = edns != "none" or cookie is not None
    header = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 1 if has_opt else 0)
    body = encode_name(name) + struct.pack("!HH", TYPES[qtype], 1)
    if has_opt:
        options = b"" if cookie is None else struct.pack("!HH", COOKIE_OPTION, len(cookie)) + cookie
        payload = NO_EDNS_PAYLOAD if edns == "none" else EDNS_PAYLOAD
        body += b"\0" + struct.pack("!HHIH", 41, payload, 0x8000 if edns == "do" else 0, len(options)) + options
    return header + body


def summary(queries):
    n = len(queries)
    print(f"mix: {n} queries, interleaved")
    for kind in KINDS:
        qs = [q for q in queries if q[0] == kind]
        if qs:
            forms = ", ".join(f"{sum(q[3] == e for q in qs)} {e}" for e in EDNS_FORMS if any(q[3] == e for q in qs))
            print(f"  {kind:<10} {100 * len(qs) / n:5.1f}%  ({forms})")
    print("  EDNS: " + ", ".join(f"{e} {100 * sum(q[3] == e for q in queries) / n:.0f}%" for e in EDNS_FORMS)
          + f"  (payload {EDNS_PAYLOAD}; 'do' sets the DNSSEC OK bit; 'none' has no OPT)")


def skip_name(msg, at):
    while True:
        length = msg[at]
        if length & 0xC0 == 0xC0:
            return at + 2
        at += 1 + length
        if length == 0:
            return at


def records(msg):
    """[(section, type, rdata)] of every record of the answer, authority
    and additional sections."""
    qd, an, ns, ar = struct.unpack("!HHHH", msg[4:12])
    at = 12
    for _ in range(qd):
        at = skip_name(msg, at) + 4
    out = []
    for section, count in (("answer", an), ("authority", ns), ("additional", ar)):
        for _ in range(count):
            at = skip_name(msg, at)
            rtype, _, _, rdlen = struct.unpack("!HHIH", msg[at:at + 10])
            out.append((section, TYPE_NAMES.get(rtype, str(rtype)), msg[at + 10:at + 10 + rdlen]))
            at += 10 + rdlen
    return out


def sections(msg):
    """[(section, type)] of every record of the answer, authority and
    additional sections."""
    return [(section, rtype) for section, rtype, _ in records(msg)]


def server_cookie(msg, cookie):
    """True when the answer's OPT record carries a COOKIE option made of
    our client cookie and a server cookie (8 to 32 bytes)."""
    try:
        opts = [rdata for section, rtype, rdata in records(msg) if section == "additional" and rtype == "OPT"]
    except (IndexError, struct.error):
        return False
    for rdata in opts:
        at = 0
        while at + 4 <= len(rdata):
            code, length = struct.unpack("!HH", rdata[at:at + 4])
            value = rdata[at + 4:at + 4 + length]
            if code == COOKIE_OPTION and 16 <= length <= 40 and value[:8] == cookie:
                return True
            at += 4 + length
    return False


def judge(query, answer):
    """None when the answer is of the query's kind, else what is wrong."""
    kind, _, qtype, edns = query
    flags = struct.unpack("!H", answer[2:4])[0]
    rcode, tc, aa = flags & 0xF, bool(flags & 0x200), bool(flags & 0x400)
    if tc:
        return None if kind == "truncated" else "TC set"
    if kind == "truncated":
        return f"TC clear ({len(answer)} bytes)"
    try:
        recs = sections(answer)
    except (IndexError, struct.error):
        return "malformed answer"
    has = lambda section, t: (section, t) in recs
    count = lambda section: sum(1 for s, t in recs if s == section and t != "OPT")
    if edns == "none" and len(answer) > 512:
        return f"{len(answer)} bytes without EDNS"
    want_rcode = {"nxdomain": 3, "refused": 5}.get(kind, 0)
    if rcode != want_rcode:
        return f"rcode {rcode}, expected {want_rcode}"
    if kind in ("positive", "large", "nxdomain", "nodata") and not aa:
        return "AA clear"
    if kind in ("positive", "large"):
        if count("answer") == 0:
            return "empty answer section"
        if edns == "do" and not has("answer", "RRSIG"):
            return "no RRSIG with DO"
    if kind == "large" and len(answer) <= 512:
        return f"only {len(answer)} bytes"
    if kind in ("nxdomain", "nodata"):
        if count("answer") or not has("authority", "SOA"):
            return "not a negative answer with the SOA"
        if edns == "do" and not has("authority", "NSEC"):
            return "no NSEC with DO"
    if kind == "referral":
        if aa or count("answer") or not has("authority", "NS"):
            return "not a referral"
        if not (has("additional", "A") or has("additional", "AAAA")):
            return "referral without glue"
    return None


def check(queries, addr, cookie=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(1.0)
    failures, sizes, cookies = 0, [], 0
    for i, query in enumerate(queries):
        qid = (i * 7919 + 1) & 0xFFFF
        answer = None
        for _ in range(3):
            sock.sendto(message(query, qid, cookie), (addr, 53))
            try:
                while True:
                    data, _ = sock.recvfrom(65535)
                    if len(data) >= 12 and struct.unpack("!H", data[:2])[0] == qid:
                        answer = data
                        break
            except socket.timeout:
                continue
            break
        problem = "no answer" if answer is None else judge(query, answer)
        if problem:
            failures += 1
            print(f"  {addr}: {' '.join(query)}: {problem}")
        else:
            sizes.append(len(answer))
            cookies += cookie is not None and server_cookie(answer, cookie)
    mean = sum(sizes) / len(sizes) if sizes else 0
    with_cookies = f"; a server cookie in {cookies} of {len(queries)} answers" if cookie is not None else ""
    print(f"{addr}: {len(queries) - failures} of {len(queries)} queries answered as their kind; "
          f"mean answer {mean:.0f} bytes{with_cookies}")
    return failures == 0, mean


def client_cookie(args):
    """[] or ["--cookie", HEX]: None or the 8 bytes."""
    if not args:
        return None
    if args[0] != "--cookie" or len(args) != 2:
        sys.exit(__doc__)
    try:
        cookie = bytes.fromhex(args[1])
    except ValueError:
        cookie = b""
    if len(cookie) != 8:
        sys.exit("--cookie: a client cookie is 16 hex digits")
    return cookie


def main(argv):
    if len(argv) >= 3 and argv[1] == "summary":
        summary(read_mix(argv[2]))
    elif len(argv) in (4, 6) and argv[1] == "wire":
        cookie = client_cookie(argv[4:])
        with open(argv[3], "wb") as f:
            for query in interleave(read_mix(argv[2])):
                m = message(query, 0, cookie)
                f.write(struct.pack("!H", len(m)) + m)
    elif len(argv) in (4, 6) and argv[1] == "check":
        ok, _ = check(read_mix(argv[2]), argv[3], client_cookie(argv[4:]))
        return 0 if ok else 1
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
