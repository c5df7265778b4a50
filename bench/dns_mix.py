#!/usr/bin/env python3
"""The query mix of the DNS benchmarks (standard library only).

  dns_mix.py summary MIX        print how the mix is made up
  dns_mix.py wire MIX OUT       write its queries, interleaved, in dnsperf's
                                binary input format (dnsperf -B: a 2-byte
                                length, then the message; dnsperf sets the ID)
  dns_mix.py check MIX ADDR     ask ADDR each query once over UDP and check
                                that each answer is of the query's kind;
                                print the mean answer size; exit 1 on any
                                answer that is not

MIX is bench/dns_mix.txt: "KIND NAME TYPE EDNS" lines, # comments; the
kinds and EDNS forms are described there.
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


def message(query, qid=0):
    _, name, qtype, edns = query
    header = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0 if edns == "none" else 1)
    body = encode_name(name) + struct.pack("!HH", TYPES[qtype], 1)
    if edns != "none":
        body += b"\0" + struct.pack("!HHIH", 41, EDNS_PAYLOAD, 0x8000 if edns == "do" else 0, 0)
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


def sections(msg):
    """[(section, type)] of every record of the answer, authority and
    additional sections."""
    qd, an, ns, ar = struct.unpack("!HHHH", msg[4:12])
    at = 12
    for _ in range(qd):
        at = skip_name(msg, at) + 4
    out = []
    for section, count in (("answer", an), ("authority", ns), ("additional", ar)):
        for _ in range(count):
            at = skip_name(msg, at)
            rtype, _, _, rdlen = struct.unpack("!HHIH", msg[at:at + 10])
            out.append((section, TYPE_NAMES.get(rtype, str(rtype))))
            at += 10 + rdlen
    return out


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


def check(queries, addr):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(1.0)
    failures, sizes = 0, []
    for i, query in enumerate(queries):
        qid = (i * 7919 + 1) & 0xFFFF
        answer = None
        for _ in range(3):
            sock.sendto(message(query, qid), (addr, 53))
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
    mean = sum(sizes) / len(sizes) if sizes else 0
    print(f"{addr}: {len(queries) - failures} of {len(queries)} queries answered as their kind; "
          f"mean answer {mean:.0f} bytes")
    return failures == 0, mean


def main(argv):
    if len(argv) >= 3 and argv[1] == "summary":
        summary(read_mix(argv[2]))
    elif len(argv) == 4 and argv[1] == "wire":
        with open(argv[3], "wb") as f:
            for query in interleave(read_mix(argv[2])):
                m = message(query)
                f.write(struct.pack("!H", len(m)) + m)
    elif len(argv) == 4 and argv[1] == "check":
        ok, _ = check(read_mix(argv[2]), argv[3])
        return 0 if ok else 1
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
