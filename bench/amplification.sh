#!/bin/sh
# bench/amplification: how many bytes unihost answers over UDP for one
# query of each kind an attacker would reflect, and the ratio (answer bytes
# per query byte, DNS messages without their IP and UDP headers). Printed as
# a Markdown table. Run on demand (not part of make check), as root:
#
#   sh bench/amplification.sh        (env BUILD, default build;
#                                     AMPLIFICATION_MINIMAL=1: minimal-responses on)
#
# unihost serves the fixture blob (build/tests/fixture.blob, made by make
# from tests/fixtures/zones and the zones tests/fixtures/dnssec/sign.sh
# signs: nsec3.test is signed with NSEC3 and ECDSA P-256) on a tap inside a
# network namespace this script creates and deletes (192.0.2.1 asks,
# unihost is 192.0.2.2; documentation addresses only; the fixture's
# dns.conf exempts 192.0.2.1 from rate limiting). Every query is sent once
# (a lost one up to three times, 2 s each) with EDNS: a 4096-byte UDP
# payload and the DO bit, no cookie, as a reflection attacker would; no
# other traffic.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
. "$top/tools/netns.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "bench/amplification: needs root (a network namespace)" >&2
    exit 1
fi
command -v python3 > /dev/null || { echo "bench/amplification: needs python3" >&2; exit 1; }
[ -x "$BUILD/unihost" ] || { echo "bench/amplification: $BUILD/unihost is not built (run make)" >&2; exit 1; }

ns=uh-amp-$$
tap=uhamp$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/uh-amp.XXXXXX")
pid=
created=
# True while process $1 exists and is not a zombie.
alive() {
    [ -r "/proc/$1/stat" ] || return 1
    [ "$(sed 's/^.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1)" != Z ]
}
cleanup() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2> /dev/null || true
        i=0
        while alive "$pid" && [ "$i" -lt 30 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -KILL "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
    fi
    [ -n "$created" ] && netns_delete "$ns"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

blob=$BUILD/tests/fixture.blob
if ! make -s B="$BUILD" "$blob" > "$tmp/make.log" 2>&1; then
    echo "bench/amplification: cannot build $blob:" >&2
    sed 's/^/  /' "$tmp/make.log" >&2
    exit 1
fi
# AMPLIFICATION_MINIMAL=1: the same zones with dns.conf's
# minimal-responses: yes (the answer alone beside positive answers).
served="fixture blob"
if [ "${AMPLIFICATION_MINIMAL:-0}" = 1 ]; then
    mkdir -p "$tmp/zones"
    cp "$BUILD"/tests/zones/*.zone "$BUILD"/tests/zones/transfers.conf "$tmp/zones/"
    { cat "$BUILD/tests/zones/dns.conf"; echo "    minimal-responses: yes"; } > "$tmp/zones/dns.conf"
    "$BUILD/crunch" --quiet --site tests/fixtures/site --zones "$tmp/zones" -o "$tmp/minimal.blob" 2> /dev/null ||
        { echo "bench/amplification: crunch failed on the minimal-responses zones" >&2; exit 1; }
    blob=$tmp/minimal.blob
    served="fixture zones with minimal-responses: yes"
fi

netns_create "$ns" "$tap"
created=1
ip netns exec "$ns" "$BUILD/unihost" --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" --blob "$blob" \
    > "$tmp/unihost.log" 2>&1 &
pid=$!   # ip netns exec execs unihost: this is unihost's PID
i=0
until grep -q '^unihost: ready$' "$tmp/unihost.log"; do
    if ! alive "$pid" || [ "$i" -ge 100 ]; then
        echo "bench/amplification: unihost did not become ready:" >&2
        sed 's/^/  /' "$tmp/unihost.log" >&2
        exit 1
    fi
    sleep 0.1
    i=$((i + 1))
done

echo "unihost $(git -C "$top" describe --always --dirty 2> /dev/null || echo '?'), $served; UDP, EDNS 4096 with DO, no cookie; bytes are DNS messages (add 28 for IPv4 and UDP headers)"
echo
ip netns exec "$ns" python3 - "$UNIHOST_GUEST4" <<'PY'
import socket, struct, sys

server = sys.argv[1]
TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 15: "MX", 16: "TXT", 28: "AAAA", 41: "OPT",
         43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 50: "NSEC3", 51: "NSEC3PARAM", 255: "ANY"}
CODES = {v: k for k, v in TYPES.items()}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}

# (what, name, type)
CASES = [
    ("qtype RRSIG at a signed apex", "nsec3.test", "RRSIG"),
    ("large TXT RRset, signed (5 x 100 B)", "big.nsec3.test", "TXT"),
    ("very large TXT RRset (300 x 100 B)", "many.bulk.test", "TXT"),
    ("NXDOMAIN, NSEC3 proof", "nothere.nsec3.test", "A"),
    ("ANY at a signed apex", "nsec3.test", "ANY"),
    ("DNSKEY at a signed apex", "nsec3.test", "DNSKEY"),
    ("positive A with DO", "www.nsec3.test", "A"),
    ("referral with DS", "www.secure.nsec3.test", "A"),
]


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def query(qid, name, qtype):
    header = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 1)   # RD clear, as a resolver asks
    question = wire_name(name) + struct.pack("!HH", CODES[qtype], 1)
    opt = b"\0" + struct.pack("!HHIH", 41, 4096, 0x8000, 0)   # EDNS 0, 4096, DO
    return header + question + opt


def skip_name(msg, at):
    while True:
        n = msg[at]
        if n >= 0xC0:
            return at + 2
        at += 1 + n
        if n == 0:
            return at


def sections(msg):
    """Record types per section: {"AN": {...}, "NS": {...}, "AR": {...}}."""
    counts = struct.unpack("!HHHH", msg[4:12])
    at = 12
    for _ in range(counts[0]):
        at = skip_name(msg, at) + 4
    out = {}
    for sec, count in zip(("AN", "NS", "AR"), counts[1:]):
        types = {}
        for _ in range(count):
            at = skip_name(msg, at)
            rtype, _cls, _ttl, rdlen = struct.unpack("!HHIH", msg[at:at + 10])
            if rtype == 46:     # RRSIG: by the type it covers
                label = "RRSIG(%s)" % TYPES.get(struct.unpack("!H", msg[at + 10:at + 12])[0], "?")
            else:
                label = TYPES.get(rtype, str(rtype))
            types[label] = types.get(label, 0) + 1
            at += 10 + rdlen
        out[sec] = types
    return out


def describe(types):
    return ", ".join("%d %s" % (n, t) if n > 1 else t for t, n in types.items()) or "-"


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(2.0)
print("| query | name, type | query bytes | answer bytes | ratio | rcode, flags | answer | authority | additional |")
print("| --- | --- | ---: | ---: | ---: | --- | --- | --- | --- |")
for qid, (what, name, qtype) in enumerate(CASES, 1):
    q = query(0x4100 + qid, name, qtype)
    answer = None
    for _ in range(3):
        sock.sendto(q, (server, 53))
        try:
            while True:
                data, _ = sock.recvfrom(65535)
                if data[:2] == q[:2]:
                    answer = data
                    break
        except socket.timeout:
            continue
        break
    if answer is None:
        print("| %s | %s %s | %d | no answer | - | - | - | - | - |" % (what, name, qtype, len(q)))
        continue
    flags = struct.unpack("!H", answer[2:4])[0]
    shown = [f for f, bit in (("aa", 0x0400), ("tc", 0x0200)) if flags & bit]
    rcode = RCODES.get(flags & 15, str(flags & 15))
    secs = sections(answer)
    print("| %s | %s %s | %d | %d | %.1f | %s | %s | %s | %s |" % (
        what, name, qtype, len(q), len(answer), len(answer) / len(q),
        " ".join([rcode] + shown), describe(secs["AN"]), describe(secs["NS"]), describe(secs["AR"])))
PY
