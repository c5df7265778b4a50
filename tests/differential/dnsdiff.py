#!/usr/bin/env python3
"""Differential DNS client for tests/differential/nsd_diff.sh (standard
library only).

  dnsdiff.py corpus ZONELIST OUT
      Write the deterministic query corpus to OUT. ZONELIST is a file of
      "ZONE-NAME RECORDS-FILE" lines; each RECORDS-FILE holds the zone as
      ldns-read-zone prints it (OWNER TTL CLASS TYPE RDATA, one a line).

  dnsdiff.py run CORPUS TOLERATED A4 A6 B4 B6
      Send every query of CORPUS to server A (unihost) and server B (NSD),
      at their IPv4 and IPv6 addresses, compare the answers, print one
      "# DIFF ..." line per difference and the agreement figure. TOLERATED
      is a file of "QUERY-REGEX<TAB>WHAT-REGEX<TAB>reason" lines (may be
      empty): a difference whose query text and "what" both match (re.search)
      is reported as "# TOLERATED ..." and does not count as a failure. For
      the answer, authority and additional sections "what" is also tried
      with a detail appended, "SECTION [only unihost: TYPES; only nsd:
      TYPES]": the types of the records only one side has (RRSIG/COVERED
      for a signature, "-" for none, "addresses of its extra NS" for the
      addresses of the targets of NS records only that side has in its
      authority section), so an entry can name the records it is about.
      Exit status 0 when no untolerated difference remains, 1 otherwise,
      2 when the run could not be completed (time budget exceeded).

Corpus line: QUERY-TEXT, fields separated by single spaces:
  QNAME CLASS TYPE TRANSPORT [FLAG...]
  TRANSPORT: udp4 udp6 tcp4 tcp6
  FLAG: norec (RD clear; RD is set otherwise), ad, cd, bufsize=N (EDNS with
  that payload size), do (EDNS DO bit; implies EDNS), ednsver=N, opcode=N
Each query's message ID is derived from its line number, so the bytes sent
are the same on every run.

Each response is reduced to: rcode (with the EDNS extended bits), the header
flags, the question section (exact, case included), the answer, authority
and additional sections as sets of RRs (owner lowercased, type, class, TTL,
rdata in presentation form; names inside rdata are compared as sent), and
the OPT record (presence, UDP payload size, DO bit, extended rcode, version,
options). Two responses agree when all of these are equal.
"""

import concurrent.futures
import random
import re
import socket
import struct
import sys
import time

TYPES = {
    'A': 1, 'NS': 2, 'CNAME': 5, 'SOA': 6, 'NULL': 10, 'PTR': 12,
    'HINFO': 13, 'MX': 15, 'TXT': 16, 'AAAA': 28, 'SRV': 33, 'NAPTR': 35,
    'DNAME': 39, 'OPT': 41, 'DS': 43, 'RRSIG': 46, 'NSEC': 47, 'DNSKEY': 48,
    'NSEC3': 50, 'NSEC3PARAM': 51, 'CAA': 257, 'IXFR': 251, 'AXFR': 252,
    'ANY': 255,
}
TYPENAME = {v: k for k, v in TYPES.items()}
CLASSES = {'IN': 1, 'CH': 3, 'HS': 4, 'NONE': 254, 'ANY': 255}
CLASSNAME = {v: k for k, v in CLASSES.items()}
RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED',
          'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'RCODE11',
          'RCODE12', 'RCODE13', 'RCODE14', 'RCODE15', 'BADVERS']

TIMEOUT = 2.0        # seconds per query and server (like dig +time=2 +tries=1)
WORKERS = 8          # queries in flight at once, per server at most this many
BUDGET = 150.0       # seconds for the whole run


def type_code(t):
    if t in TYPES:
        return TYPES[t]
    m = re.fullmatch(r'TYPE(\d+)', t)
    if not m:
        raise ValueError('unknown type ' + t)
    return int(m.group(1))


def type_text(c):
    return TYPENAME.get(c, 'TYPE%d' % c)


def class_text(c):
    return CLASSNAME.get(c, 'CLASS%d' % c)


# ---------------------------------------------------------------- corpus

def load_zones(zonelist):
    """[(zone, [(owner, type)])] with names lower case and absolute."""
    zones = []
    with open(zonelist) as f:
        for line in f:
            if not line.strip():
                continue
            zone, path = line.split()
            recs = []
            with open(path) as z:
                for rl in z:
                    if rl.startswith(';') or not rl.strip():
                        continue
                    fl = rl.split()
                    recs.append((fl[0].lower(), fl[3].upper(), fl[4:]))
            zones.append((zone.lower(), recs))
    return zones


def parent(name):
    return name.split('.', 1)[1] if name != '.' else None


def under(name, zone):
    return name == zone or name.endswith('.' + zone)


def mixcase(name, rng):
    out = []
    for ch in name:
        if ch.isalpha() and rng.random() < 0.5:
            ch = ch.swapcase()
        out.append(ch)
    s = ''.join(out)
    if s == name:  # make sure it really differs when it can
        for i, ch in enumerate(s):
            if ch.isalpha():
                s = s[:i] + ch.upper() + s[i + 1:]
                break
    return s


def build_corpus(zones):
    rng = random.Random(20261122)
    owners, ents, cuts, glue, cnames, apexes = [], [], [], [], [], []
    for zone, recs in zones:
        apexes.append(zone)
        names = sorted({o for o, _, _ in recs})
        for o in names:
            if o not in owners:
                owners.append(o)
        for o, t, _ in recs:
            if t == 'NS' and o != zone and o not in cuts:
                cuts.append(o)
            if t == 'CNAME' and o not in cnames:
                cnames.append(o)
        for o in names:
            p = parent(o)
            while p and under(p, zone) and p != zone:
                if p not in names and p not in ents:
                    ents.append(p)
                p = parent(p)
    for o in owners:
        for c in cuts:
            if o != c and o.endswith('.' + c) and o not in glue:
                glue.append(o)
    # names that do not exist, at several depths
    nx = []
    for zone in apexes:
        nx += ['nx.' + zone, 'a.nx.' + zone, 'a.b.c.d.nx.' + zone,
               '*.' + zone, 'nx-' + zone.split('.')[0] + '.' + zone]
    for o in owners:
        if o in apexes:
            continue
        nx.append('x.' + o)               # below an existing name
    for e in ents:
        nx.append('x.' + e)               # below an empty non-terminal
        nx.append('zz-' + e)              # beside it (same parent)
    for c in cuts:
        nx += ['www.' + c, 'a.b.' + c]    # below a delegation
    for g in glue:
        nx.append('x.' + g)               # below glue
    for c in cnames:
        nx.append('a.b.' + c)
    # wildcards: names the wildcard matches (one and two labels), and below
    # an existing name beside the wildcard (that blocks it)
    for o in owners:
        if o.startswith('*.'):
            base = o[2:]
            nx += ['w1.' + base, 'a.b.' + base, 'W2.' + base]
            for o2 in owners:
                if o2 != o and o2.endswith('.' + base):
                    nx.append('q.' + o2)
    # a label of 63 octets
    nx.append(('l' * 63) + '.' + apexes[0])
    nx = [n for n in dict.fromkeys(nx) if n not in owners and n not in ents]
    # names outside every zone: REFUSED from an authoritative-only server
    top = apexes[0].split('.')
    outside = ['.', top[-2] + '.', 'example.com.', 'other.' + '.'.join(top[1:]),
               'ns.other.' + '.'.join(top[1:]), 'x' + apexes[0],
               apexes[0].replace('.', '-', 1) + 'invalid.', 'in-addr.arpa.',
               '2.0.192.in-addr.arpa.']
    outside = [n for n in dict.fromkeys(outside)
               if not any(under(n, z) for z in apexes)]

    all_types = ['A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'CNAME', 'DS', 'SRV',
                 'CAA', 'PTR', 'ANY', 'RRSIG', 'NSEC', 'DNSKEY', 'HINFO',
                 'TYPE65280']
    existing = owners + ents
    q = []

    def add(name, typ, tr='udp4', flags=(), cls='IN'):
        q.append(' '.join([name, cls, typ, tr] + list(flags)))

    # 1. every name x every type, plain UDP/IPv4, RD set, no EDNS
    for n in existing + nx + outside:
        for t in all_types:
            add(n, t)
    # 2. EDNS variants on existing and some missing names
    edns_types = ['A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'ANY', 'DS', 'CNAME']
    variants = [['bufsize=512'], ['bufsize=1232'], ['bufsize=4096'],
                ['bufsize=1232', 'do'], ['bufsize=4096', 'do'], ['bufsize=512', 'do']]
    for n in existing:
        for t in edns_types:
            for v in variants:
                add(n, t, 'udp4', v)
    for n in nx[::3] + outside[:3]:
        for t in ['A', 'SOA', 'TXT']:
            for v in variants:
                add(n, t, 'udp4', v)
    # 3. TCP (IPv4 and IPv6) and UDP over IPv6
    for n in existing + nx[::2] + outside[:3]:
        for t in ['A', 'AAAA', 'NS', 'SOA', 'MX', 'TXT', 'ANY', 'DS']:
            add(n, t, 'tcp4')
        for t in ['A', 'NS', 'TXT', 'ANY']:
            add(n, t, 'tcp4', ['bufsize=4096', 'do'])
            add(n, t, 'tcp6', ['bufsize=1232'])
            add(n, t, 'udp6')
            add(n, t, 'udp6', ['bufsize=1232', 'do'])
    # 4. RD clear
    for n in existing + nx[::4] + outside[:2]:
        for t in ['A', 'NS', 'SOA', 'ANY']:
            add(n, t, 'udp4', ['norec'])
        add(n, 'A', 'tcp4', ['norec', 'bufsize=1232'])
    # 5. case variations (0x20)
    for n in existing + nx + outside:
        for t in ['A', 'NS', 'SOA', 'TXT', 'ANY', 'MX']:
            tr = ['udp4', 'tcp4', 'udp6'][rng.randrange(3)]
            fl = [[], ['bufsize=1232'], ['bufsize=4096', 'do']][rng.randrange(3)]
            add(mixcase(n, rng), t, tr, fl)
    # 6. other classes for zone names and one owner
    plain = [o for o in owners if o not in apexes and '*' not in o]
    for n in apexes + plain[:2]:
        for t in ['SOA', 'A', 'NS', 'TXT', 'ANY']:
            add(n, t, 'udp4', cls='CH')
            add(n, t, 'udp4', ['bufsize=1232'], cls='CH')
        add(n, 'SOA', 'tcp4', cls='CH')
        add(n, 'SOA', 'udp4', cls='HS')
        add(n, 'SOA', 'udp4', cls='ANY')
        add(n, 'A', 'udp4', cls='ANY')
    # 7. header and EDNS corner cases, zone transfers
    for n in apexes + [plain[0], nx[0], outside[2]]:
        add(n, 'A', 'udp4', ['ad'])
        add(n, 'A', 'udp4', ['cd'])
        add(n, 'A', 'udp4', ['cd', 'bufsize=1232', 'do'])
        add(n, 'A', 'udp4', ['ednsver=1', 'bufsize=1232'])
        add(n, 'SOA', 'tcp4', ['ednsver=1', 'bufsize=1232', 'do'])
        add(n, 'A', 'udp4', ['bufsize=100'])
        add(n, 'SOA', 'udp4', ['opcode=1'])
        add(n, 'SOA', 'udp4', ['opcode=2'])
        add(n, 'SOA', 'udp4', ['opcode=5'])
        add(n, 'SOA', 'udp4', ['opcode=15'])
        add(n, 'AXFR', 'tcp4')
        add(n, 'AXFR', 'udp4')
        add(n, 'IXFR', 'udp4')
        add(n, 'TYPE0', 'udp4')
        add(n, 'OPT', 'udp4')
        add(n, 'NULL', 'udp4', ['bufsize=1232'])
    # 8. DNSSEC: every name of the signed zones (NSEC3 owners included) and
    # the missing ones (NXDOMAIN, wildcard, below cuts) with DO, over UDP
    # with room to spare, over TCP, and with payload sizes small enough to
    # truncate; the DNSSEC types asked for directly, with and without DO.
    signed = [z for z, recs in zones if any(t == 'DNSKEY' for _, t, _ in recs)]
    dnssec_types = ['A', 'AAAA', 'TXT', 'MX', 'NS', 'SOA', 'CNAME', 'DS',
                    'DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'ANY']
    for n in existing + nx:
        if not any(under(n, z) for z in signed):
            continue
        for t in dnssec_types:
            add(n, t, 'udp4', ['bufsize=4096', 'do'])
        for t in ['A', 'TXT', 'DS', 'RRSIG', 'NSEC', 'NSEC3', 'DNSKEY']:
            add(n, t, 'udp4', ['bufsize=1232'])
        for t in ['A', 'TXT', 'DS']:
            add(n, t, 'tcp4', ['bufsize=1232', 'do'])
            add(n, t, 'udp4', ['bufsize=512', 'do'])
        add(n, 'MX', 'udp4', ['bufsize=700', 'do'])
        add(n, 'DNSKEY', 'udp4', ['bufsize=600', 'do'])
        add(mixcase(n, rng), 'A', 'udp6', ['bufsize=1232', 'do'])
    return list(dict.fromkeys(q))   # without repetitions, in order


# ---------------------------------------------------------------- wire

def encode_name(name):
    if name == '.':
        return b'\0'
    out = b''
    for label in name.rstrip('.').split('.'):
        b = label.encode('ascii')
        out += bytes([len(b)]) + b
    return out + b'\0'


def build_query(qid, text):
    f = text.split()
    name, cls, typ, tr = f[0], f[1], f[2], f[3]
    flags = f[4:]
    opcode = 0
    rd, ad, cd = 1, 0, 0
    bufsize, do, ver, edns = 1232, 0, 0, False
    for fl in flags:
        if fl == 'norec':
            rd = 0
        elif fl == 'ad':
            ad = 1
        elif fl == 'cd':
            cd = 1
        elif fl == 'do':
            do, edns = 1, True
        elif fl.startswith('bufsize='):
            bufsize, edns = int(fl[8:]), True
        elif fl.startswith('ednsver='):
            ver, edns = int(fl[8:]), True
        elif fl.startswith('opcode='):
            opcode = int(fl[7:])
        else:
            raise ValueError('bad flag ' + fl)
    hflags = (opcode << 11) | (rd << 8) | (ad << 5) | (cd << 4)
    msg = struct.pack('!HHHHHH', qid, hflags, 1, 0, 0, 1 if edns else 0)
    msg += encode_name(name) + struct.pack('!HH', type_code(typ), CLASSES[cls])
    if edns:
        msg += b'\0' + struct.pack('!HHIH', 41, bufsize, (ver << 16) | (do << 15), 0)
    return tr, msg


class ParseError(Exception):
    pass


def read_name(msg, off):
    """(labels as bytes list, offset after the name in place)"""
    labels, end, jumps = [], None, 0
    total = 1
    while True:
        if off >= len(msg):
            raise ParseError('name runs past the end')
        ln = msg[off]
        if ln & 0xC0 == 0xC0:
            if off + 1 >= len(msg):
                raise ParseError('truncated pointer')
            ptr = ((ln & 0x3F) << 8) | msg[off + 1]
            if end is None:
                end = off + 2
            jumps += 1
            if jumps > 64 or ptr >= len(msg):
                raise ParseError('bad compression pointer')
            off = ptr
            continue
        if ln & 0xC0:
            raise ParseError('bad label type')
        off += 1
        if ln == 0:
            break
        labels.append(msg[off:off + ln])
        total += ln + 1
        if total > 255:
            raise ParseError('name longer than 255 octets')
        off += ln
    return labels, (end if end is not None else off)


def name_text(labels, lower=False):
    if not labels:
        return '.'
    out = []
    for lab in labels:
        s = ''
        for c in lab:
            ch = chr(c)
            if ch in '.\\"();@$':
                s += '\\' + ch
            elif 0x21 <= c <= 0x7E:
                s += ch
            else:
                s += '\\%03d' % c
        out.append(s.lower() if lower else s)
    return '.'.join(out) + '.'


def charstr(b):
    s = ''
    for c in b:
        ch = chr(c)
        if ch in '"\\':
            s += '\\' + ch
        elif 0x20 <= c <= 0x7E:
            s += ch
        else:
            s += '\\%03d' % c
    return '"' + s + '"'


def rdata_text(msg, off, rdlen, rtype):
    """Presentation form of the rdata at msg[off:off+rdlen]; embedded names
    are decompressed (against the whole message)."""
    end = off + rdlen
    rd = msg[off:end]

    def nm(o):
        # lower case: the canonical form of RFC 4034 6.2 (names compare
        # case-insensitively, RFC 4343; NSD's name compression points rdata
        # names at the question's 0x20 spelling)
        labels, o2 = read_name(msg, o)
        if o2 > end:
            raise ParseError('name in rdata runs past rdlength')
        return name_text(labels, lower=True), o2

    try:
        if rtype == 1 and rdlen == 4:
            return socket.inet_ntop(socket.AF_INET, rd)
        if rtype == 28 and rdlen == 16:
            return socket.inet_ntop(socket.AF_INET6, rd)
        if rtype in (2, 5, 12, 39):
            n, o = nm(off)
            if o == end:
                return n
        if rtype == 15:
            n, o = nm(off + 2)
            if o == end:
                return '%d %s' % (struct.unpack('!H', rd[:2])[0], n)
        if rtype == 6:
            m, o = nm(off)
            r, o = nm(o)
            if end - o == 20:
                return '%s %s %d %d %d %d %d' % ((m, r) + struct.unpack('!IIIII', msg[o:end]))
        if rtype == 33:
            n, o = nm(off + 6)
            if o == end:
                return '%d %d %d %s' % (struct.unpack('!HHH', rd[:6]) + (n,))
        if rtype in (16, 13):
            parts, i = [], 0
            while i < rdlen:
                ln = rd[i]
                if i + 1 + ln > rdlen:
                    raise ParseError('bad character-string')
                parts.append(charstr(rd[i + 1:i + 1 + ln]))
                i += 1 + ln
            return ' '.join(parts)
        if rtype == 43 and rdlen >= 4:
            kt, alg, dt = struct.unpack('!HBB', rd[:4])
            return '%d %d %d %s' % (kt, alg, dt, rd[4:].hex().upper())
        if rtype == 257 and rdlen >= 2:
            fl, tl = rd[0], rd[1]
            return '%d %s %s' % (fl, rd[2:2 + tl].decode('latin-1'), charstr(rd[2 + tl:]))
    except ParseError:
        raise
    except (ValueError, struct.error, IndexError):
        pass
    return '\\# %d %s' % (rdlen, rd.hex().upper())


def parse_response(msg):
    if len(msg) < 12:
        raise ParseError('shorter than a header (%d octets)' % len(msg))
    qid, fl, qd, an, ns, ar = struct.unpack('!HHHHHH', msg[:12])
    r = {'id': qid, 'flags': fl, 'rcode': fl & 0xF, 'len': len(msg)}
    off = 12
    qs = []
    for _ in range(qd):
        labels, off = read_name(msg, off)
        if off + 4 > len(msg):
            raise ParseError('truncated question')
        qt, qc = struct.unpack('!HH', msg[off:off + 4])
        off += 4
        qs.append('%s %s %s' % (name_text(labels), class_text(qc), type_text(qt)))
    r['question'] = qs
    secs = []
    opt = []
    for count in (an, ns, ar):
        rrs = []
        for _ in range(count):
            labels, off = read_name(msg, off)
            if off + 10 > len(msg):
                raise ParseError('truncated RR header')
            t, c, ttl, rdlen = struct.unpack('!HHIH', msg[off:off + 10])
            off += 10
            if off + rdlen > len(msg):
                raise ParseError('rdata runs past the end')
            if t == 41 and len(secs) == 2:
                opts, i, rd = [], 0, msg[off:off + rdlen]
                while i + 4 <= len(rd):
                    oc, ol = struct.unpack('!HH', rd[i:i + 4])
                    val = rd[i + 4:i + 4 + ol]
                    if oc == 15 and ol >= 2:   # extended DNS error, RFC 8914
                        opts.append('EDE=%d%s' % (struct.unpack('!H', val[:2])[0],
                                                  (' ' + charstr(val[2:])) if ol > 2 else ''))
                    else:
                        opts.append('%d:%s' % (oc, val.hex()))
                    i += 4 + ol
                opt.append('owner=%s udp=%d ext-rcode=%d version=%d do=%d z=%d options=[%s]' % (
                    name_text(labels), c, ttl >> 24, (ttl >> 16) & 0xFF,
                    (ttl >> 15) & 1, ttl & 0x7FFF, ','.join(opts)))
                r['rcode'] |= (ttl >> 24) << 4
            else:
                rrs.append('%s %d %s %s %s' % (name_text(labels, lower=True), ttl,
                                               class_text(c), type_text(t),
                                               rdata_text(msg, off, rdlen, t)))
            off += rdlen
        secs.append(rrs)
    if off != len(msg):
        r['trailing'] = len(msg) - off
    r['answer'], r['authority'], r['additional'] = secs
    r['opt'] = opt
    return r


# ---------------------------------------------------------------- transport

def exchange(tr, msg, addr, qid):
    fam = socket.AF_INET6 if tr.endswith('6') else socket.AF_INET
    deadline = time.monotonic() + TIMEOUT
    if tr.startswith('udp'):
        with socket.socket(fam, socket.SOCK_DGRAM) as s:
            s.connect((addr, 53))
            s.send(msg)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None, 'timeout'
                s.settimeout(left)
                try:
                    data = s.recv(65535)
                except socket.timeout:
                    return None, 'timeout'
                except OSError as e:
                    return None, 'error: %s' % e.strerror
                if len(data) >= 2 and struct.unpack('!H', data[:2])[0] == qid:
                    return data, None
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        try:
            s.connect((addr, 53))
            s.sendall(struct.pack('!H', len(msg)) + msg)
            buf = b''
            while True:
                if len(buf) >= 2 and len(buf) >= 2 + struct.unpack('!H', buf[:2])[0]:
                    return buf[2:2 + struct.unpack('!H', buf[:2])[0]], None
                left = deadline - time.monotonic()
                if left <= 0:
                    return None, 'timeout'
                s.settimeout(left)
                chunk = s.recv(65535)
                if not chunk:
                    return None, 'connection closed after %d octets' % len(buf)
                buf += chunk
        except socket.timeout:
            return None, 'timeout'
        except OSError as e:
            return None, 'error: %s' % (e.strerror or e)


FLAGBITS = [('qr', 15), ('aa', 10), ('tc', 9), ('rd', 8), ('ra', 7), ('z', 6),
            ('ad', 5), ('cd', 4)]


def summarize(data, err, qid):
    """A dict of comparable facets (values are strings or sorted lists)."""
    if data is None:
        return {'response': 'none (%s)' % err}
    try:
        r = parse_response(data)
    except ParseError as e:
        return {'response': 'unparsable (%s)' % e}
    fl = r['flags']
    rc = r['rcode']
    s = {
        'response': 'yes' + ('' if r['id'] == qid else ' (wrong id %d)' % r['id']),
        'rcode': RCODES[rc] if rc < len(RCODES) else 'RCODE%d' % rc,
        'opcode': str((fl >> 11) & 0xF),
    }
    for n, b in FLAGBITS:
        s['flag ' + n] = str((fl >> b) & 1)
    s['question'] = ' | '.join(r['question']) or '(none)'
    for sec in ('answer', 'authority', 'additional'):
        s[sec] = sorted(r[sec])
    s['opt'] = ' | '.join(r['opt']) if r['opt'] else 'absent'
    if 'trailing' in r:
        s['trailing octets'] = str(r['trailing'])
    return s


def fmt(v):
    if isinstance(v, list):
        return '{' + ' ; '.join(v) + '}'
    return v


def rr_kind(rr):
    """An RR's type as the details name it: RRSIG/COVERED for a signature."""
    f = rr.split(' ', 4)
    if f[3] != 'RRSIG':
        return f[3]
    rd = f[4].split()
    if rd[0] == '\\#' and len(rd) > 2 and len(rd[2]) >= 4:
        return 'RRSIG/' + type_text(int(rd[2][:4], 16))
    return 'RRSIG/' + rd[0]


def only_detail(section, only, other_authority_only):
    """The types of the records only one answer has in a section, sorted;
    for the additional section, "addresses of its extra NS" when they are
    all addresses (and their signatures) of the targets of NS records that
    only this answer has in its authority section."""
    if not only:
        return '-'
    if section == 'additional' and other_authority_only is not None:
        targets = {r.split(' ', 4)[4].lower() for r in other_authority_only
                   if r.split(' ', 4)[3] == 'NS'}
        if targets and all(r.split(' ', 1)[0].lower() in targets and
                           rr_kind(r) in ('A', 'AAAA', 'RRSIG/A', 'RRSIG/AAAA') for r in only):
            return 'addresses of its extra NS'
    return ' '.join(sorted(set(rr_kind(r) for r in only)))


def compare(a, b):
    """[(what, a-text, b-text, only-a, only-b, detail)] for every facet that
    differs. detail, for the answer, authority and additional sections,
    names the types of the records only one side has, as
    "[only unihost: TYPES; only nsd: TYPES]" ("-" for none); a tolerated
    entry's WHAT-REGEX may match the facet alone or the facet, a space and
    this detail."""
    out = []
    if a['response'] != b['response'] and not (a['response'].startswith('yes') and
                                               b['response'].startswith('yes')):
        return [('response', a['response'], b['response'], None, None, None)]
    auth_only = (None, None)
    if isinstance(a.get('authority'), list) and isinstance(b.get('authority'), list):
        auth_only = ([x for x in a['authority'] if x not in b['authority']],
                     [x for x in b['authority'] if x not in a['authority']])
    for k in sorted(set(a) | set(b), key=lambda k: ORDER.index(k) if k in ORDER else 99):
        va, vb = a.get(k, '(n/a)'), b.get(k, '(n/a)')
        if va == vb:
            continue
        if isinstance(va, list) and isinstance(vb, list):
            only_a = [x for x in va if x not in vb]
            only_b = [x for x in vb if x not in va]
            # Both answers truncated: which whole RRsets each server fitted
            # before setting TC is named apart, so that the script can
            # tolerate it (a TC answer is retried over TCP, RFC 2181 9).
            what = k
            if k in ('answer', 'authority', 'additional') and \
                    a.get('flag tc') == '1' and b.get('flag tc') == '1':
                what = k + ' (both truncated)'
            detail = '[only unihost: %s; only nsd: %s]' % (
                only_detail(k, only_a, auth_only[0]), only_detail(k, only_b, auth_only[1]))
            out.append((what, fmt(va), fmt(vb), fmt(only_a), fmt(only_b), detail))
        else:
            out.append((k, fmt(va), fmt(vb), None, None, None))
    return out


ORDER = ['response', 'rcode', 'opcode'] + ['flag ' + n for n, _ in FLAGBITS] + [
    'question', 'answer', 'authority', 'additional', 'opt', 'trailing octets']


def load_tolerated(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            parts = line.split('\t')
            if len(parts) < 3:
                raise SystemExit('tolerated list: want QUERY-REGEX<TAB>WHAT-REGEX<TAB>reason: ' + line)
            out.append((re.compile(parts[0]), re.compile(parts[1]), parts[2]))
    return out


def run(corpus, tolerated, a4, a6, b4, b6):
    with open(corpus) as f:
        queries = [l.rstrip('\n') for l in f if l.strip()]
    tol = load_tolerated(tolerated)
    start = time.monotonic()

    def one(i):
        if time.monotonic() - start > BUDGET:
            return None
        qid = (i * 7919 + 4242) & 0xFFFF
        tr, msg = build_query(qid, queries[i])
        six = tr.endswith('6')
        da, ea = exchange(tr, msg, a6 if six else a4, qid)
        db, eb = exchange(tr, msg, b6 if six else b4, qid)
        return summarize(da, ea, qid), summarize(db, eb, qid)

    with concurrent.futures.ThreadPoolExecutor(WORKERS) as ex:
        results = list(ex.map(one, range(len(queries))))
    elapsed = time.monotonic() - start
    if any(r is None for r in results):
        done = sum(r is not None for r in results)
        print('# time budget of %ds exceeded after %d of %d queries' % (BUDGET, done, len(queries)))
        return 2
    identical = 0
    failing = 0
    tolerated_n = 0
    bywhat = {}
    for q, (a, b) in zip(queries, results):
        diffs = compare(a, b)
        if not diffs:
            identical += 1
            continue
        bad = False
        for what, va, vb, oa, ob, detail in diffs:
            why = next((r for qre, wre, r in tol if qre.search(q) and
                        (wre.search(what) or (detail and wre.search(what + ' ' + detail)))), None)
            if why is None:
                bad = True
                bywhat[what] = bywhat.get(what, 0) + 1
                tag = 'DIFF'
            else:
                tag = 'TOLERATED (%s)' % why
            line = '# %s %s: %s: unihost=%s nsd=%s' % (tag, q, what + (' ' + detail if detail else ''), va, vb)
            if oa is not None:
                line += ' [only unihost: %s; only nsd: %s]' % (oa, ob)
            print(line)
        if bad:
            failing += 1
        else:
            tolerated_n += 1
    n = len(queries)
    print('# differing facets: ' + (', '.join('%s %d' % (k, bywhat[k]) for k in
                                             sorted(bywhat, key=lambda k: -bywhat[k])) or 'none'))
    print('# queries: %d, run time %.1fs; %d differ only in tolerated ways' % (n, elapsed, tolerated_n))
    print('# agreement: %d of %d queries identical (%.1f%%)' % (identical, n, 100.0 * identical / n))
    print('AGREEMENT %d %d %.1f %d' % (identical, n, 100.0 * identical / n, failing))
    return 1 if failing else 0


def main(argv):
    if len(argv) == 4 and argv[1] == 'corpus':
        q = build_corpus(load_zones(argv[2]))
        with open(argv[3], 'w') as f:
            f.write('\n'.join(q) + '\n')
        return 0
    if len(argv) == 8 and argv[1] == 'run':
        return run(*argv[2:])
    sys.stderr.write(__doc__)
    return 64


if __name__ == '__main__':
    sys.exit(main(sys.argv))
