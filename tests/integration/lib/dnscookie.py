#!/usr/bin/env python3
"""RFC 9018 server cookies, computed independently of the servers under test
(tests/integration/dns_cookies.sh): a pure-Python SipHash-2-4 and the cookie
of RFC 9018 section 4, so the test can say which secret made a cookie that
unihost or NSD sent, and make cookies of its own (any time, any secret).

  dnscookie.py selftest
      checks SipHash-2-4 against the reference vector of the SipHash paper
      and the cookie against RFC 9018 Appendix A.1; exit 1 if either fails
  dnscookie.py make SECRET CLIENT ADDR TIME
      prints the 24-byte COOKIE option value (hex): the 8-byte client cookie
      CLIENT (hex), version 1, reserved zero, TIME (seconds since 1970) and
      the hash under SECRET (32 hex digits) for client address ADDR
  dnscookie.py verify SECRET COOKIE ADDR MAXAGE
      prints what is wrong with COOKIE (hex) as a cookie made under SECRET
      for ADDR: not 24 bytes, not version 1, reserved not zero, made more
      than MAXAGE seconds ago or more than 2 s ahead of this clock, or a
      hash that is not SECRET's; prints nothing when it is right
  dnscookie.py serve
      reads commands (make or verify and their arguments) one a line from
      standard input and answers each with exactly one line (flushed): what
      the command prints, or an empty line; so a shell test pays for one
      Python start-up, not one per cookie
"""
import ipaddress
import struct
import sys
import time

MASK = (1 << 64) - 1


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def siphash24(key, msg):
    """SipHash-2-4 of msg under the 16-byte key: the 8 bytes, little-endian,
    as the reference implementation writes them."""
    k0, k1 = struct.unpack('<QQ', key)
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]

    def rnd():
        v[0] = (v[0] + v[1]) & MASK
        v[1] = _rotl(v[1], 13) ^ v[0]
        v[0] = _rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & MASK
        v[3] = _rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & MASK
        v[3] = _rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & MASK
        v[1] = _rotl(v[1], 17) ^ v[2]
        v[2] = _rotl(v[2], 32)

    full = len(msg) // 8 * 8
    words = [struct.unpack('<Q', msg[i:i + 8])[0] for i in range(0, full, 8)]
    words.append(((len(msg) & 0xff) << 56) | int.from_bytes(msg[full:], 'little'))
    for m in words:
        v[3] ^= m
        rnd()
        rnd()
        v[0] ^= m
    v[2] ^= 0xff
    for _ in range(4):
        rnd()
    return struct.pack('<Q', v[0] ^ v[1] ^ v[2] ^ v[3])


def cookie_hash(secret, client, head, addr):
    """RFC 9018 4.4: SipHash-2-4(client cookie | version | reserved |
    timestamp | client IP) under the server secret."""
    return siphash24(secret, client + head + ipaddress.ip_address(addr).packed)


def make(secret, client, addr, when):
    head = bytes([1, 0, 0, 0]) + struct.pack('>I', when & 0xffffffff)
    return client + head + cookie_hash(secret, client, head, addr)


def verify(secret, cookie, addr, maxage):
    if len(cookie) != 24:
        return 'a cookie of %d bytes, not 24 (8 client, 16 server)' % len(cookie)
    client, head, mac = cookie[:8], cookie[8:16], cookie[16:]
    problems = []
    if head[0] != 1:
        problems.append('version %d, not 1' % head[0])
    if head[1:4] != b'\0\0\0':
        problems.append('reserved bytes %s, not zero' % head[1:4].hex())
    made = struct.unpack('>I', head[4:8])[0]
    now = int(time.time())
    if not now - maxage <= made <= now + 2:
        problems.append('made at %d, %d s from now (%d)' % (made, made - now, now))
    if cookie_hash(secret, client, head, addr) != mac:
        problems.append('its hash is not the one secret %s gives for %s' % (secret.hex(), addr))
    return '; '.join(problems)


def selftest():
    failed = []
    # The SipHash paper, appendix A: key 00..0f, message 00..0e.
    got = siphash24(bytes(range(16)), bytes(range(15))).hex()
    if got != 'e545be4961ca29a1':
        failed.append('siphash24 reference vector: %s, want e545be4961ca29a1' % got)
    # RFC 9018 Appendix A.1: a new server cookie for 198.51.100.100.
    got = make(bytes.fromhex('e5e973e5a6b2a43f48e7dc849e37bfcf'), bytes.fromhex('2464c4abcf10c957'),
               '198.51.100.100', 1559731985).hex()
    if got != '2464c4abcf10c957010000005cf79f111f8130c3eee29480':
        failed.append('RFC 9018 A.1: %s, want 2464c4abcf10c957010000005cf79f111f8130c3eee29480' % got)
    for f in failed:
        print(f)
    return 1 if failed else 0


def command(args):
    """The one-line answer to make or verify (None: not a command)."""
    if len(args) == 5 and args[0] == 'make':
        return make(bytes.fromhex(args[1]), bytes.fromhex(args[2]), args[3], int(args[4])).hex()
    if len(args) == 5 and args[0] == 'verify':
        try:
            cookie = bytes.fromhex(args[2])
        except ValueError:
            return 'not hex: %r' % args[2]
        return verify(bytes.fromhex(args[1]), cookie, args[3], int(args[4]))
    return None


def main(argv):
    if argv[1:2] == ['selftest']:
        return selftest()
    if argv[1:2] == ['serve']:
        for line in sys.stdin:
            try:
                out = command(line.split())
            except ValueError as e:
                out = 'bad command %r: %s' % (line.strip(), e)
            print('bad command %r' % line.strip() if out is None else out, flush=True)
        return 0
    out = command(argv[1:])
    if out is None:
        print(__doc__, file=sys.stderr)
        return 2
    if out:
        print(out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
