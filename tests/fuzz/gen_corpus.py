#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora under tests/fuzz/corpus/ (run from the
repository root: python3 tests/fuzz/gen_corpus.py [FIXTURE_BLOB]).

dns/   DNS queries for names in tests/fixtures/zones, with and without EDNS,
       and a few malformed ones;
http/  two shaping bytes (see fuzz_http.c) and a client byte stream;
blob/  edit lists (4 bytes each: 24-bit LE payload offset, new byte) aimed at
       fields of the fixture blob, whose layout is read from the blob itself
       (format 3: the files' stored header lines and the DNS records'
       additional-section targets among them; format 6: the brotli
       representation's body, ETag and lines);
cookie/  a setting (secrets, client, clock; see fuzz_cookie.c) and a COOKIE
       option: a client cookie alone, a server cookie of ours unaltered at
       ages around the window's edges (the staging secret's among them),
       and a few lengths either side of the malformed ones;
tsig/  DNS messages with a TSIG, signed with fuzz_tsig.c's keys at its
       clock (so mutations start past the MAC check), truncated, late,
       with an unknown key, or with the TSIG misplaced;
tls13/ a shaping byte and a mode (see fuzz_tls13.c) and what follows the
       hello: nothing, a second hello after the retry, inner plaintexts
       (a request, KeyUpdate, close_notify), or a hello's body;
dns_stream/, http_stream/  operation scripts (see fuzz_dns_stream.c and
       fuzz_http_stream.c): framed queries, HTTP requests and heads in
       pieces, takes of odd sizes, FIN, and for TLS the client's moves.
The files are small and few on purpose; libFuzzer grows the corpus itself.

It also re-derives the blob reproducers of tests/fuzz/crashes/blob/ from
their descriptions in tests/fuzz/crashes/README, by what they edit (a
record's bytes, a node's RRset) rather than by offset, so they keep aiming
at the same fields when the fixture's layout changes.
"""
import hashlib
import re
import hmac
import os
import struct
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

A, NS, CNAME, SOA, MX, TXT, AAAA, SRV, OPT, DS, AXFR, ANY = 1, 2, 5, 6, 15, 16, 28, 33, 41, 43, 252, 255


def wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def query(name, qtype, qid=0x1234, flags=0x0100, edns=None, do=False, qclass=1, extra=b"",
          counts=None, qname=None):
    q = (qname if qname is not None else wire(name)) + struct.pack(">HH", qtype, qclass)
    ar = 0
    tail = b""
    if edns is not None:
        ar = 1
        tail = b"\0" + struct.pack(">HHIH", OPT, edns, 0x8000 if do else 0, 0)
    qd, an, ns, arc = counts if counts else (1, 0, 0, ar)
    return struct.pack(">HHHHHH", qid, flags, qd, an, ns, arc) + q + tail + extra


def write(kind, name, data):
    d = os.path.join(ROOT, kind)
    os.makedirs(d, exist_ok=True)
    assert len(data) < 1024, name
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def dns():
    z = "example.test"
    seeds = {
        "apex-soa": query(z, SOA),
        "apex-ns-edns": query(z, NS, edns=1232),
        "apex-mx": query(z, MX),
        "apex-txt-do": query(z, TXT, edns=4096, do=True),
        "apex-any": query(z, ANY),
        "www-a": query("www." + z, A),
        "www-aaaa-edns": query("WWW.Example.TEST", AAAA, edns=1232),
        "mail-a": query("mail." + z, A),
        "ns1-aaaa": query("ns1." + z, AAAA),
        "alias-a": query("alias." + z, A),
        "alias-cname": query("alias." + z, CNAME),
        "ent-nodata": query("ent." + z, A),
        "deep-a": query("a.b.ent." + z, A),
        "sub-ns-referral": query("sub." + z, NS),
        "sub-ds": query("sub." + z, DS, edns=1232),
        "below-cut": query("x.y.sub." + z, A),
        "glue-a": query("ns.sub." + z, A),
        "away-referral": query("away." + z, A),
        "big-txt-udp": query("big." + z, TXT),
        "big-txt-edns": query("big." + z, TXT, edns=1232),
        "big-txt-edns-small": query("big." + z, TXT, edns=600),
        "wild-a": query("foo.wild." + z, A),
        "wild-txt": query("foo.bar.wild." + z, TXT),
        "wild-exists": query("sub.wild." + z, A),
        "wild-star": query("a.*.wild." + z, A),
        "cwild": query("x.cwild." + z, AAAA),
        "chain": query("chain1." + z, A),
        "loop": query("loop1." + z, A, edns=1232),
        "dangling": query("dangling." + z, A),
        "outside": query("outside." + z, A),
        "tonested": query("tonested." + z, A),
        "nested-soa": query("nested." + z, SOA),
        "nested-host": query("host.nested." + z, A),
        "nxdomain": query("nothere." + z, MX, edns=512),
        "refused": query("example.org", A),
        "root-soa": query(".", SOA),
        "srv": query("_sip._udp." + z, SRV),
        "axfr": query(z, AXFR),
        "class-ch": query(z, TXT, qclass=3),
        # malformed or unusual
        "short": b"\x12\x34\x01\x00\x00\x01",
        "response": query(z, A, flags=0x8100),
        "notimp": query(z, A, flags=0x2800),
        "two-questions": query(z, A, counts=(2, 0, 0, 0)),
        "no-question": struct.pack(">HHHHHH", 7, 0x100, 0, 0, 0, 0),
        "answer-count": query(z, A, counts=(1, 1, 0, 0)),
        "badvers": query(z, A, counts=(1, 0, 0, 1),
                         extra=b"\0" + struct.pack(">HHIH", OPT, 1232, 0x00010000, 0)),
        "two-opts": query(z, A, edns=1232, counts=(1, 0, 0, 2),
                          extra=b"\0" + struct.pack(">HHIH", OPT, 1232, 0, 0)),
        "opt-not-root": query(z, A, counts=(1, 0, 0, 1),
                              extra=b"\1a\0" + struct.pack(">HHIH", OPT, 1232, 0, 0)),
        "opt-options": query(z, A, counts=(1, 0, 0, 1),
                             extra=b"\0" + struct.pack(">HHIH", OPT, 1232, 0, 8) +
                             struct.pack(">HH", 10, 4) + b"abcd"),
        "trailing": query(z, A, extra=b"junk"),
        "compressed-qname": query(z, A, qname=b"\xc0\x0c"),
        "long-name": query(".".join(["a" * 63] * 3) + "." + "b" * 50 + "." + z, A),
        # the runtime _acme-challenge records fuzz_dns.c lays over the zones
        "acme-apex-txt": query("_acme-challenge." + z, TXT, edns=1232),
        "acme-apex-txt-small": query("_ACME-challenge." + z, TXT),
        "acme-www-a": query("_acme-challenge.www." + z, A),
        "acme-www-any": query("_acme-challenge.www." + z, 255, edns=1232),
        "acme-delegated": query("_acme-challenge.sub." + z, TXT),
        "acme-signed-do": query("_acme-challenge.nsec.test", TXT, edns=1232, do=True),
        "acme-below": query("x._acme-challenge." + z, TXT),
    }
    # DNSSEC: the signed fixture zones (made at build time from
    # tests/fixtures/dnssec), asked with DO: every proof the engine writes
    for zone in ("nsec.test", "nsec3.test", "optout.test"):
        p = zone.split(".")[0] + "-"
        seeds.update({
            p + "www-do": query("www." + zone, A, edns=4096, do=True),
            p + "nodata-do": query("www." + zone, MX, edns=1232, do=True),
            p + "nxdomain-do": query("a.nx." + zone, A, edns=1232, do=True),
            p + "ent-do": query("b.ent." + zone, A, edns=1232, do=True),
            p + "wild-do": query("w1.wild." + zone, A, edns=1232, do=True),
            p + "wild-nodata-do": query("w1.wild." + zone, MX, edns=1232, do=True),
            p + "cwild-do": query("x.cwild." + zone, A, edns=1232, do=True),
            p + "secure-referral-do": query("www.secure." + zone, A, edns=1232, do=True),
            p + "insecure-referral-do": query("www.insecure." + zone, A, edns=1232, do=True),
            p + "ds-do": query("secure." + zone, DS, edns=1232, do=True),
            p + "no-ds-do": query("insecure." + zone, DS, edns=1232, do=True),
            p + "dnskey-do": query(zone, 48, edns=4096, do=True),
            p + "rrsig": query("www." + zone, 46),
            p + "nsec3-type-do": query("www." + zone, 50, edns=1232, do=True),
            p + "small-do": query("big." + zone, TXT, edns=512, do=True),
        })
    seeds["nsec3-owner-do"] = query("v6d3uu5t7r6jpt50v33oivkd2it2isft.nsec3.test", A, edns=1232, do=True)
    for name, data in seeds.items():
        write("dns", name, data)


def http():
    h = "Host: fuzz\r\n"
    seeds = {
        "get-index": (0, 0, "GET / HTTP/1.1\r\n" + h + "\r\n"),
        "get-bytewise": (1, 1, "GET /docs/page HTTP/1.1\r\n" + h + "\r\n"),
        "head": (7, 3, "HEAD /index.html HTTP/1.1\r\n" + h + "\r\n"),
        "gzip": (0, 200, "GET /css/style.css HTTP/1.1\r\n" + h + "Accept-Encoding: br, gzip;q=0.5\r\n\r\n"),
        "gzip-refused": (0, 0, "GET /docs/ HTTP/1.1\r\n" + h + "Accept-Encoding: gzip;q=0, *\r\n\r\n"),
        "if-none-match": (0, 0, "GET /docs/page.html HTTP/1.1\r\n" + h +
                          "If-None-Match: W/\"abc\", \"def\", *\r\n\r\n"),
        "pipelined": (13, 50, "GET / HTTP/1.1\r\n" + h + "\r\nHEAD /docs HTTP/1.1\r\n" + h +
                      "\r\nGET /nothere HTTP/1.1\r\n" + h + "Connection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
        "http10-keepalive": (0, 0, "GET /docs/page HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                             "GET / HTTP/1.0\r\n\r\n"),
        "absolute-form": (0, 0, "GET http://fuzz/docs/../css/style.css?x=1#y HTTP/1.1\r\n" + h + "\r\n"),
        "percent": (2, 0, "GET /%64ocs/%2e%2E/index.html HTTP/1.1\r\n" + h + "\r\n"),
        "no-host": (0, 0, "GET / HTTP/1.1\r\n\r\n"),
        "post-body": (0, 0, "POST / HTTP/1.1\r\n" + h + "Content-Length: 5\r\n\r\nhello"
                      "GET / HTTP/1.1\r\n" + h + "\r\n"),
        "chunked": (5, 0, "PUT /x HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        "bad-version": (0, 0, "GET / HTTP/9.9\r\n" + h + "\r\n"),
        "garbage": (0, 0, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
        "bad-header": (0, 0, "GET / HTTP/1.1\r\nHo st: x\r\n\r\n"),
        "long-field": (64, 9, "GET / HTTP/1.1\r\n" + h + "X-" + "a" * 300 + ": " + "b" * 600 + "\r\n\r\n"),
        "dir-redirect": (0, 0, "GET /docs HTTP/1.1\r\n" + h + "\r\n"),
        "options": (0, 0, "OPTIONS * HTTP/1.1\r\n" + h + "\r\nOPTIONS /docs/ HTTP/1.1\r\n" + h + "\r\n"),
        "range": (0, 7, "GET /docs/page HTTP/1.1\r\n" + h + "Range: bytes=10-20\r\n\r\n"
                  "GET /docs/page HTTP/1.1\r\n" + h + "Range: bytes=-7\r\nAccept-Encoding: gzip\r\n\r\n"
                  "GET /css/style.css HTTP/1.1\r\n" + h + "Range: bytes=99999-\r\n\r\n"),
        "range-multi": (3, 0, "GET / HTTP/1.1\r\n" + h + "Range: bytes=0-1,4-5\r\n\r\n"),
        "if-range": (0, 0, "GET /docs/page HTTP/1.1\r\n" + h + "Range: bytes=0-0\r\n"
                     "If-Range: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\nGET / HTTP/1.1\r\n" + h +
                     "Range: bytes=1-\r\nIf-Range: \"x\"\r\n\r\n"),
        "if-modified-since": (0, 0, "GET /css/style.css HTTP/1.1\r\n" + h +
                              "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n\r\n"),
        "redirects": (0, 0, "GET /old-page HTTP/1.1\r\n" + h + "\r\nHEAD /temporary HTTP/1.1\r\n" + h +
                      "\r\nGET /elsewhere?q HTTP/1.1\r\n" + h + "\r\n"),
        "body-too-large": (0, 0, "GET / HTTP/1.1\r\n" + h + "Content-Length: 99999\r\n\r\nxx"),
        # the ACME HTTP-01 token fuzz_http.c keeps pending, and one it does not
        "acme-challenge": (3, 5, "GET /.well-known/acme-challenge/fuzz-token-abcdefghijklmnop HTTP/1.1\r\n" + h +
                           "\r\nHEAD /.well-known/acme-challenge/fuzz-token-abcdefghijklmnop?x HTTP/1.1\r\n" +
                           h + "\r\nGET /.well-known/acme-challenge/other-token-abcdefghijklm HTTP/1.1\r\n" +
                           h + "\r\n"),
    }
    for name, (feed, send, text) in seeds.items():
        write("http", name, bytes([feed, send]) + text.encode("latin-1"))


PRE = 56                        # struct blob_preamble
TABLES = 14                     # BLOB_TABLE_COUNT in formats 4 to 6
HEADS = 8                       # BLOB_TABLE_HTTP_HEADS
TARGETS = 9                     # BLOB_TABLE_DNS_TARGETS
FILE_RECORD, HEADS_RECORD = 88, 48   # format 6: brotli's body and ETag, and its lines
GZIP_HEAD, BR_HEAD = 16, 32             # offsets of the gzip and brotli heads in a heads record
BR_BODY, BR_ETAG = 72, 80               # offsets of br_body and br_etag in a file record


def read_blob(path):
    with open(path, "rb") as f:
        d = f.read()
    version = struct.unpack_from("<I", d, 8)[0]
    assert version == 6, "%s is a format %d blob; this script knows format 6" % (path, version)
    return d, [struct.unpack_from("<II", d, PRE + 8 * i) for i in range(TABLES)]


def edit(blob_off, value):
    """One edit of fuzz_blob.c's list: the byte at blob offset `blob_off`."""
    o = blob_off - PRE
    return struct.pack("<I", o)[:3] + bytes([value])


def edit16(blob_off, value):
    return edit(blob_off, value & 0xFF) + edit(blob_off + 1, value >> 8)


def edit32(blob_off, value):
    return b"".join(edit(blob_off + i, (value >> (8 * i)) & 0xFF) for i in range(4))


def blob(path):
    d, tabs = read_blob(path)
    pre = PRE
    (files, fcount), (zones, _), (nodes, ncount), (rrsets, _), (rdatas, _) = tabs[:5]
    heads, _ = tabs[HEADS]
    targets, tcount = tabs[TARGETS]

    def head(i, coded=0):
        """Blob offset of file i's struct blob_http_head (coded: GZIP_HEAD or BR_HEAD), its lines' offset
        and length, and its cuts."""
        at = heads + HEADS_RECORD * i + coded
        off, length, *cuts = struct.unpack_from("<IIHHHH", d, at)
        return at, off, length, cuts

    def gzipped():
        for i in range(fcount):
            if struct.unpack_from("<I", d, files + FILE_RECORD * i + 36)[0] > 0:    # gzip_body.len
                return i
        raise SystemExit("gen_corpus: the fixture has no file with a gzip variant")

    def brotli():
        for i in range(fcount):
            if struct.unpack_from("<I", d, files + FILE_RECORD * i + BR_BODY + 4)[0] > 0:   # br_body.len
                return i
        raise SystemExit("gen_corpus: the fixture has no file with a brotli variant")

    h0, l0, n0, cuts0 = head(0)
    lines0 = d[l0:l0 + n0]
    hz, lz, nz, cutsz = head(gzipped(), GZIP_HEAD)
    ib = brotli()
    hb, lb, nb, cutsb = head(ib, BR_HEAD)
    fb = files + FILE_RECORD * ib
    etag_off, etag_len = struct.unpack_from("<II", d, fb + 24)         # the identity ETag
    br_len = struct.unpack_from("<I", d, fb + BR_BODY + 4)[0]
    length_digit = l0 + lines0.index(b"Content-Length: ") + 16
    seeds = {
        "none": b"",
        "fewer-files": edit(pre + 4, tabs[0][1] - 1),
        "file-body-len": edit32(files + 16 + 4, 0x40),
        "file-path-len": edit(files + 4, 1),
        "node-rrset-count": edit32(nodes + 32 * (ncount - 1) + 20, 2),
        "node-flags": edit(nodes + 32 * 1 + 24, 0x08),
        "rrset-type": edit(rrsets + 16 * 3, 0x10),
        "rdata-len": edit32(rdatas + 8 * 4 + 4, 3),
        "zone-soa": edit32(zones + 24, 1),
        "name-label": edit(struct.unpack_from("<I", d, nodes + 32 * 2)[0], 0x03),
        # format 3: the stored header lines and their cuts
        "head-cut-in-line": edit16(h0 + 8, cuts0[0] + 1),
        "head-cuts-swapped": edit16(h0 + 10, cuts0[0]) + edit16(h0 + 8, cuts0[1]),
        "head-lines-len": edit32(h0 + 4, n0 - 2),
        "head-lines-off": edit32(h0, l0 + 1),
        "head-bare-lf": edit(l0 + lines0.index(b": ") + 1, 0x0A),
        "head-length-digit": edit(length_digit, d[length_digit] ^ 1),
        "head-name-date": b"".join(edit(l0 + i, c) for i, c in enumerate(b"Date")),
        "head-gzip-content-end": edit16(hz + 10, cutsz[1] - 1),
        "head-gzip-lines-len": edit32(hz + 4, 0),
        # format 6: the brotli representation
        "head-br-content-end": edit16(hb + 10, cutsb[1] - 1),
        "head-br-lines-len": edit32(hb + 4, 0),
        "file-br-etag-is-identity": edit32(fb + BR_ETAG, etag_off) + edit32(fb + BR_ETAG + 4, etag_len),
        "file-br-body-len": edit32(fb + BR_BODY + 4, br_len + 1),
        "file-br-absent-lines-kept": edit32(fb + BR_BODY + 4, 0),
        "heads-fewer": edit(PRE + 8 * HEADS + 4, fcount - 1),
        "fewer-files-and-heads": edit(PRE + 4, fcount - 1) + edit(PRE + 8 * HEADS + 4, fcount - 1),
        # format 3: the DNS records' additional-section targets
        "target-first": edit32(targets, 0),
        "target-last-node": edit32(targets + 4 * (tcount - 1), ncount - 1),
        "targets-fewer": edit32(PRE + 8 * TARGETS + 4, tcount - 1),
    }
    for name, data in seeds.items():
        write("blob", name, data)


def blob_crashes(path):
    """tests/fuzz/crashes/blob/: the README's findings, aimed by content."""
    d, tabs = read_blob(path)
    (nodes, ncount), (rrsets, _), (rdatas, rcount) = tabs[2], tabs[3], tabs[4]

    def rdata(i):
        return struct.unpack_from("<II", d, rdatas + 8 * i)

    def node_rrsets(name):
        for i in range(ncount):
            off, length, _, _, first, count = struct.unpack_from("<IIIIII", d, nodes + 32 * i)
            if d[off:off + length] == wire(name):
                return [(first + k, struct.unpack_from("<H", d, rrsets + 16 * (first + k))[0]) for k in range(count)]
        raise SystemExit("gen_corpus: the fixture has no node " + name)

    def target(owner, rtype, name):
        """The rdata of `owner`'s `rtype` RRset that is the wire name `name`."""
        for index, t in node_rrsets(owner):
            if t == rtype:
                first, count = struct.unpack_from("<II", d, rrsets + 16 * index + 8)
                for k in range(first, first + count):
                    off, length = rdata(k)
                    if d[off:off + length] == wire(name):
                        return off, length
        raise SystemExit("gen_corpus: no %s %d record naming %s" % (owner, rtype, name))

    def unterminated(owner, rtype, name):
        off, length = target(owner, rtype, name)
        return edit(off + length - 1, 0xFB)        # the root label's length byte

    ns_rrset = [i for i, t in node_rrsets("sub.example.test") if t == NS][0]
    crashes = {
        "cname-target-unterminated": unterminated("dangling.example.test", CNAME, "nothere.example.test"),
        "ns-target-unterminated": unterminated("example.test", NS, "ns.other.test"),
        "delegation-without-ns": edit(rrsets + 16 * ns_rrset, TXT),
    }
    d_dir = os.path.join(os.path.dirname(ROOT), "crashes", "blob")
    for name, data in crashes.items():
        with open(os.path.join(d_dir, name), "wb") as f:
            f.write(data)


# The bite sizes of fuzz_dns_stream.c and fuzz_http_stream.c, by index.
BITES = [1, 2, 3, 4, 5, 7, 11, 12, 13, 14, 16, 17, 31, 32, 33, 64,
         100, 127, 128, 200, 255, 256, 257, 500, 511, 512, 513, 1000, 1023, 1024, 1460, 2048,
         4095, 4096, 4097, 8192, 9000, 16383, 16384, 16385, 30000, 32768, 40000, 65535, 65536, 65537]


def feed(data, piece=64):
    """FEED operations carrying `data` in pieces of at most `piece` (<= 64) bytes."""
    out = b""
    for i in range(0, len(data), piece):
        chunk = data[i:i + piece]
        out += bytes([len(chunk) - 1]) + chunk
    return out


def take(size):
    return bytes([0x40 | BITES.index(size)])


def drain(size):
    return bytes([0x80 | BITES.index(size)])


FIN = b"\xc0"


TSIG = 250
TSIG_NOW = 1700000000       # fuzz_tsig.c's NOW
TSIG_DIGESTS = {"hmac-sha256": hashlib.sha256, "hmac-sha384": hashlib.sha384, "hmac-sha512": hashlib.sha512}


def tsig_secret(alg):
    """fuzz_tsig.c's secret for the algorithm: byte i is i * 7 + the digest length."""
    n = TSIG_DIGESTS[alg]().digest_size
    return bytes((i * 7 + n) & 0xff for i in range(n))


def tsig_signed(msg, alg="hmac-sha256", key="key.example.test", when=TSIG_NOW, mac_len=None, fudge=300,
                owner=None):
    """msg with a TSIG RR appended (RFC 8945 4.3: HMAC over the message,
    then the key name, class ANY, TTL 0, algorithm, times, error 0, no
    other data), its MAC truncated to mac_len; owner replaces the owner
    name's wire form (a compression pointer, say)."""
    times = struct.pack(">HIH", when >> 32, when & 0xffffffff, fudge)
    variables = wire(key) + struct.pack(">HI", 255, 0) + wire(alg) + times + struct.pack(">HH", 0, 0)
    mac = hmac.new(tsig_secret(alg), msg + variables, TSIG_DIGESTS[alg]).digest()[:mac_len]
    rdata = wire(alg) + times + struct.pack(">H", len(mac)) + mac + msg[:2] + struct.pack(">HH", 0, 0)
    rr = (owner if owner is not None else wire(key)) + struct.pack(">HHIH", TSIG, 255, 0, len(rdata)) + rdata
    arcount = struct.unpack(">H", msg[10:12])[0] + 1
    return msg[:10] + struct.pack(">H", arcount) + msg[12:] + rr


def tsig():
    z = "example.test"
    soa = query(z, SOA, flags=0)
    soa_edns = query(z, SOA, flags=0, edns=1232)
    seeds = {
        "sha256-soa": tsig_signed(soa),
        "sha384-axfr": tsig_signed(query(z, AXFR, flags=0), "hmac-sha384"),
        "sha512-soa-edns": tsig_signed(soa_edns, "hmac-sha512"),
        "sha256-compressed-owner": tsig_signed(soa, owner=b"\3key\xc0\x0c"),
        "sha256-truncated-16": tsig_signed(soa, mac_len=16),
        "sha512-truncated-31": tsig_signed(soa, "hmac-sha512", mac_len=31),
        "sha256-late": tsig_signed(soa, when=TSIG_NOW + 301),
        "sha256-unknown-key": tsig_signed(soa, key="nobody.example"),
        "notify-reply-sha256": tsig_signed(query(z, SOA, flags=0xa400)),
        "unsigned": soa,
    }
    signed = seeds["sha256-soa"]
    seeds["tsig-then-opt"] = (signed[:10] + struct.pack(">H", 2) + signed[12:] +
                              b"\0" + struct.pack(">HHIH", OPT, 1232, 0, 0))
    for name, data in seeds.items():
        write("tsig", name, data)


def framed(msg):
    return struct.pack(">H", len(msg)) + msg


def dns_stream():
    z = "example.test"
    allowed4, allowed6, other4 = 0, 1, 2
    www = framed(query("www." + z, A, qid=1))
    mx = framed(query(z, MX, qid=2, edns=1232))
    nx = framed(query("nothere." + z, A, qid=3))
    ixfr_soa = wire(z) + struct.pack(">HHIH", SOA, 1, 3600, 22) + b"\0\0" + struct.pack(">IIIII", 2026010100, 1, 1, 1, 1)
    seeds = {
        "one-query": (other4, feed(www) + drain(65536)),
        "pipelined-whole": (other4, feed(www + mx + nx) + drain(65536)),
        "pipelined-bytewise": (other4, feed(www + mx, 1) + take(1) * 20 + drain(7)),
        "take-small-parts": (other4, feed(mx + www) + take(1) + take(3) + take(5) + take(11) + drain(2)),
        "half-close-after-queries": (other4, feed(www + nx) + FIN + drain(13)),
        "half-close-mid-query": (other4, feed(www[:9]) + FIN),
        "axfr-bulk": (allowed4, feed(framed(query("bulk.test", AXFR, qid=4))) + take(1000) + take(1) + drain(65536)),
        "axfr-then-query-fin": (allowed6, feed(framed(query("nested." + z, AXFR, qid=5)) + www) + FIN + drain(500)),
        "axfr-refused": (other4, feed(framed(query(z, AXFR, qid=6))) + drain(65536)),
        "ixfr": (allowed4, feed(framed(query(z, 251, qid=7, counts=(1, 0, 1, 0), extra=ixfr_soa))) + drain(4096)),
        "over-long": (other4, feed(www + struct.pack(">H", 4097) + b"x" * 60) + drain(65536)),
        "response-in-stream": (other4, feed(www + framed(query(z, A, flags=0x8100)) + mx) + drain(65536)),
        "short-message": (other4, feed(framed(b"\x12\x34\x01\x00\x00") + www) + drain(65536)),
        "zero-length": (other4, feed(b"\0\0" + www) + drain(65536)),
        "fin-with-answer-half-taken": (other4, feed(www + mx) + take(5) + FIN + drain(3)),
    }
    for name, (peer, ops) in seeds.items():
        write("dns_stream", name, bytes([peer]) + ops)


def http_stream():
    h = "Host: www.unihost.test\r\n"
    get = "GET / HTTP/1.1\r\n" + h + "\r\n"
    css = "GET /css/style.css HTTP/1.1\r\n" + h + "\r\n"
    plain, redirect = 0, 1
    seeds = {
        "plain-get": (plain, feed(get.encode()) + drain(65536)),
        "plain-bytewise": (plain, feed(css.encode(), 1) + drain(1)),
        "plain-pipelined": (plain, feed((get + "HEAD /docs/page HTTP/1.1\r\n" + h + "\r\n" + css +
                                         "GET /old-page HTTP/1.1\r\n" + h + "\r\n").encode(), 13) + drain(100)),
        "plain-close": (plain, feed(("GET /docs/page HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n" + get).encode())
                        + take(3) + drain(1460)),
        "plain-malformed": (plain, feed(b"GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n") + drain(65536)),
        "plain-fin-after": (plain, feed(css.encode()) + FIN + drain(500)),
        "plain-fin-mid": (plain, feed(get[:20].encode()) + FIN + drain(500)),
        "plain-http10": (plain, feed(b"GET /docs/page HTTP/1.0\r\n\r\n") + drain(65536)),
        "redirect-get": (redirect, feed(("GET /docs/?a=1 HTTP/1.1\r\n" + h + "\r\n").encode()) + drain(65536)),
        "redirect-bytewise-lf": (redirect, feed(b"GET /a HTTP/1.0\nUser-Agent: x\nHost: h.test:80\n\n", 1) + drain(1)),
        "redirect-two-hosts": (redirect, feed(b"GET / HTTP/1.1\r\nHost: a.test\r\nhost: b.test\r\n\r\n", 7) + drain(5)),
        "redirect-absolute": (redirect, feed(b"GET http://example.test:80/p?q HTTP/1.1\r\nHost: other\r\n\r\n") + drain(65536)),
        "redirect-ipv6": (redirect, feed(b"HEAD /x HTTP/1.1\r\nHostile: y\r\nHost: [2001:db8::2]:80\r\n\r\n") + drain(13)),
        "redirect-empty-lines-first": (redirect, feed(b"\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n") + drain(65536)),
        "redirect-fin-mid": (redirect, feed(b"GET / HTTP/1.1\r\nHo") + FIN + drain(65536)),
        "redirect-long-line": (redirect, feed(b"GET / HTTP/1.1\r\nX: " + b"x" * 700 + b"\r\nHost: a\r\n\r\n") + drain(65536)),
        # REPEAT (111nnnnn: 64 * (n+1) copies of the last byte): a target of
        # about 4 KB, at the kept lines' limit, and a header of about 8 KB.
        "redirect-4k-target": (redirect, feed(b"GET /f") + bytes([0xe0 | 62]) + feed(b" HTTP/1.1\r\nHost: a.test\r\n\r\n")
                               + drain(65536)),
        "redirect-8k-head": (redirect, feed(b"GET / HTTP/1.1\r\nHost: a.test\r\nX: x") + bytes([0xe0 | 31]) * 4
                             + feed(b"\r\n\r\n") + drain(65536)),
    }
    for name, (kind, ops) in seeds.items():
        write("http_stream", name, bytes([kind]) + ops)

    # TLS: byte 0 is 2 | 0x20 (handshake first, resumed) or with 0x1c (full).
    def write_req(text, piece=32, flush=True):
        data, out = text.encode(), b""
        for i in range(0, len(data), piece):
            chunk = data[i:i + piece]
            last = i + piece >= len(data)
            out += bytes([(len(chunk) - 1) | (0x20 if last and flush else 0)]) + chunk
        return out
    c2s = lambda n: bytes([0x40 | BITES.index(n)])
    s2c = lambda n: bytes([0x80 | BITES.index(n)])
    CLIENT_CLOSE, TCP_FIN, MOVE_ALL, FLUSH = b"\xc0", b"\xc1", b"\xc2", b"\xc3"
    tls = {
        "tls-get": (0x22, write_req(get) + MOVE_ALL),
        "tls-get-full-handshake": (0x3e, write_req(get) + MOVE_ALL),
        "tls-handshake-in-steps": (0x02, c2s(100) + c2s(1024) + s2c(7) + s2c(4096) + s2c(4096) + c2s(65536) +
                                   s2c(65536) + MOVE_ALL + write_req(css) + c2s(13) + c2s(65536) + s2c(1) * 8 + MOVE_ALL),
        "tls-pipelined": (0x22, write_req(get + css + "HEAD /docs/page HTTP/1.1\r\n" + h + "\r\n", 17) + MOVE_ALL),
        "tls-close": (0x22, write_req("GET /docs/page HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n") + MOVE_ALL),
        "tls-client-close": (0x22, write_req(get) + CLIENT_CLOSE + MOVE_ALL),
        "tls-fin-after-request": (0x22, write_req(get) + c2s(65536) + TCP_FIN + s2c(5) + MOVE_ALL),
        "tls-records-bytewise": (0x22, write_req(css, 32, False) + FLUSH + c2s(1) * 30 + s2c(1) * 30 + MOVE_ALL),
        "tls-malformed": (0x22, write_req("GET / HTTP/1.1\r\nHo st: x\r\n\r\n") + MOVE_ALL),
    }
    for name, (first, ops) in tls.items():
        write("http_stream", name, bytes([first]) + ops)


def cookie():
    active = bytes(range(16))
    staging = bytes(range(0xf0, 0x100))
    v4 = bytes([198, 51, 100, 100]) + bytes(12)
    v6 = bytes.fromhex("20010db80220000159ded0f4876982b8")
    now = 1559734385

    def setting(flags, addr, age=0, delta=0):
        return (active + staging + bytes([flags]) + addr + struct.pack(">Ihh", now, age, delta))

    client = bytes.fromhex("2464c4abcf10c957")
    write("cookie", "client-only", setting(0, v4) + client)
    for age in (0, 1799, 1800, 3600, 3601, -300, -301):
        write("cookie", "made-age-%d" % age, setting(4, v4, age, age) + client + bytes(16))
    write("cookie", "made-staging", setting(1 | 2 | 4 | 8, v6, 60, 3600) + client + bytes(16))
    write("cookie", "made-staging-not-installed", setting(2 | 4 | 8, v6, 60) + client + bytes(16))
    write("cookie", "made-one-bit", setting(4, v4, 10) + client + bytes(15) + b"\x01")
    for n in (0, 7, 9, 15, 16, 32, 40, 41):
        write("cookie", "length-%d" % n, setting(0, v4) + bytes(range(n)))


def tls13():
    # RFC 8448 section 3's ClientHello, as the C tests hold it.
    with open("tests/unit/rfc8448_trace.h") as f:
        header = f.read()
    start = header.index("rfc8448_client_hello_hex[] =")
    hello = bytes.fromhex("".join(re.findall(r'"([0-9a-f]+)"', header[start:header.index(";", start)])))
    record = b"\x16\x03\x03" + struct.pack(">H", len(hello)) + hello

    def inner(content_type, content, pad=0):
        return bytes([content_type]) + struct.pack(">H", len(content)) + bytes([pad]) + content

    write("tls13", "after-hello-nothing", b"\x00\x00")
    write("tls13", "after-hello-ccs-alert", b"\x00\x00" + bytes.fromhex("140303000101" "15030300020100"))
    write("tls13", "retry-then-second-hello", b"\x00\x01" + bytes.fromhex("140303000101") + record)
    write("tls13", "retry-then-second-hello-bytewise", b"\x01\x01" + record)
    get = b"GET / HTTP/1.1\r\nHost: unihost.test\r\n\r\n"
    write("tls13", "records-request", b"\x00\x02" + inner(23, get))
    write("tls13", "records-key-update-request", b"\x00\x02" + inner(22, bytes.fromhex("1800000101")) + inner(23, get, 9))
    write("tls13", "records-split-handshake", b"\x03\x02" + inner(22, bytes.fromhex("180000")) + inner(22, bytes.fromhex("0100")))
    write("tls13", "records-close-notify", b"\x00\x02" + inner(23, get) + inner(21, b"\x01\x00"))
    write("tls13", "hello-body", b"\x00\x03" + hello[4:])


if __name__ == "__main__":
    tls13()
    dns()
    http()
    dns_stream()
    http_stream()
    cookie()
    tsig()
    fixture = sys.argv[1] if len(sys.argv) > 1 else "build/tests/fixture.blob"
    blob(fixture)
    blob_crashes(fixture)
