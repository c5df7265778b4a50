/*
 * DNS Cookies, the server's side (RFC 7873), with the interoperable server
 * cookie of RFC 9018: what the COOKIE option of a query holds, and the
 * COOKIE option to send back. A cookie lets the server tell a client that
 * has heard from it before (and so is not spoofing its address) from one
 * that has not, with no state kept per client: the server cookie is a MAC,
 * under a server secret, of the client's cookie, its address and a time.
 *
 * The engine finds the option (code DNS_OPTION_COOKIE) in the query's OPT
 * record and hands over its value; this module neither parses messages
 * nor picks rcodes. What the engine does with each status (RFC 7873
 * section 5.2): MALFORMED, answer FORMERR without a COOKIE option;
 * CLIENT_ONLY and INVALID alike (5.2.4 defers to 5.2.3), by policy drop
 * the query, answer BADCOOKIE (extended rcode 23) carrying the new
 * cookie, or answer normally (the sensible choice over TCP, whose
 * handshake already shows the client owns its address); VALID, answer
 * normally. Every status but MALFORMED comes with a COOKIE option to send
 * back.
 *
 * The server cookie (RFC 9018 section 4) is 16 bytes: version 1, three
 * reserved bytes (zero when we make one, hashed as received when we check
 * one), the time it was made (seconds since 1970, 32 bits, compared as
 * serial numbers, RFC 1982) and the first 8 bytes of
 *   SipHash-2-4(secret, client cookie | version | reserved | time | client address)
 * with the address as 4 bytes (IPv4) or 16 (IPv6). One is valid from an
 * hour before `now` to five minutes after it (RFC 9018 section 4.3).
 *
 * Several instances (an anycast set, or a fleet behind one name) must
 * accept each other's cookies, since a client may reach any of them: give
 * all of them the same active secret (16 random bytes) and clocks kept in
 * step by NTP (`now` is wall-clock time, not uptime, and five minutes of
 * skew is all the window allows for). RFC 9018 is the interoperable
 * format, so other servers that implement it can share the set. To
 * replace the secret (RFC 9018 section 5) without turning valid cookies
 * away, first install the new one as the staging secret on every
 * instance: each then accepts cookies made with it but still makes them
 * with the old one. Once all instances have it, swap everywhere: the new
 * secret becomes active and the old one staging, so cookies handed out
 * before the swap still pass. An hour and five minutes after the last
 * instance swapped, no cookie made with the old secret is still within
 * its window, and the staging secret can be dropped. Done in the other
 * order, an instance that had swapped would hand out cookies that those
 * not yet told the new secret reject.
 *
 * Pure: no global state, no allocation; the caller owns the secrets. MACs
 * are compared in constant time and secret-derived bytes wiped off the
 * stack (crypto/secret_bytes.h).
 */
#ifndef UNIHOST_DNS_COOKIE_H
#define UNIHOST_DNS_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns_query.h"

#define DNS_COOKIE_CLIENT_LEN 8
#define DNS_COOKIE_SERVER_LEN 16    /* RFC 9018: version, 3 reserved, 32-bit time, 64-bit SipHash */
#define DNS_COOKIE_ANSWER_LEN (DNS_COOKIE_CLIENT_LEN + DNS_COOKIE_SERVER_LEN)
#define DNS_COOKIE_SECRET_LEN 16    /* a SipHash key */

struct dns_cookie_secrets {
    uint8_t active[DNS_COOKIE_SECRET_LEN];   /* makes every cookie we send, and checks */
    uint8_t staging[DNS_COOKIE_SECRET_LEN];  /* only checks, during a rollover */
    bool has_staging;
};

enum dns_cookie_status {
    DNS_COOKIE_MALFORMED,       /* option length not 8 and not 16..40: FORMERR (RFC 7873 5.2.2) */
    DNS_COOKIE_CLIENT_ONLY,     /* a client cookie alone (5.2.3) */
    DNS_COOKIE_INVALID,         /* a server cookie that is not ours, not version 1, or out of its
                                   time window (5.2.4) */
    DNS_COOKIE_VALID,           /* made by the active or the staging secret for this client address,
                                   within the window (5.2.5) */
    DNS_COOKIE_STATUSES         /* how many there are */
};

/*
 * What the COOKIE option value opt[0..opt_len) from `client` is, at time
 * `now` (seconds since 1970, modulo 2^32). The peer's family is 4 or 6,
 * and an IPv4 client is family 4 even when it came over an IPv6 socket as
 * ::ffff:a.b.c.d, or other RFC 9018 servers sharing the secret would hash
 * a different address.
 * For callers that need only the verdict (rate limiting, say).
 */
enum dns_cookie_status dns_cookie_check(const struct dns_cookie_secrets *s, const uint8_t *opt, size_t opt_len,
                                        const struct dns_peer *client, uint32_t now);

/*
 * The same verdict, and, unless it is MALFORMED, the option value to send
 * back in out (DNS_COOKIE_ANSWER_LEN bytes, not overlapping opt; untouched
 * when MALFORMED): the client cookie and a server cookie. The client's own server cookie is
 * sent back as it came when it is valid, made by the active secret,
 * younger than half an hour and has its reserved bytes zero; otherwise a
 * fresh one, made with the active secret at `now` (RFC 9018 section 4.3:
 * renewed at the latest after half an hour, so a client that keeps asking
 * never holds one that is about to expire).
 *
 * One call rather than check-then-build because the engine needs both for
 * every query that carries the option: the cookie is verified once, and
 * the verdict and the cookie sent back cannot disagree.
 */
enum dns_cookie_status dns_cookie_answer(const struct dns_cookie_secrets *s, const uint8_t *opt, size_t opt_len,
                                         const struct dns_peer *client, uint32_t now,
                                         uint8_t out[DNS_COOKIE_ANSWER_LEN]);

#endif
