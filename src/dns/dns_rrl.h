/*
 * Response-rate limiting (RRL) for DNS over UDP, with the semantics of
 * NSD's and Knot's: a spoofed-source flood should not turn this server
 * into an amplifier aimed at the spoofed address. Before sending a UDP
 * response the transport asks dns_rrl_account() whether to send it as is,
 * send it truncated (TC=1, "slip": a real client behind that address
 * retries over TCP, which cannot be spoofed) or drop it.
 *
 * Only UDP is limited: the caller does not call this for TCP, whose
 * three-way handshake already proves the client's address.
 *
 * Responses are counted in buckets, one per
 *   (client prefix, kind of response, what the response is about):
 *   - the client prefix is the address cut to ipv4_prefix / ipv6_prefix
 *     bits (/24 and /56 by default), so one host cannot escape by using
 *     the many addresses of its network;
 *   - DNS_RRL_POSITIVE is keyed by (query name, qtype);
 *   - DNS_RRL_NXDOMAIN, DNS_RRL_NODATA and DNS_RRL_REFERRAL by the zone:
 *     the caller passes the zone's apex name and the qtype is ignored, so
 *     a flood of random subdomains or random types lands in one bucket;
 *   - DNS_RRL_ERROR (REFUSED, FORMERR, SERVFAIL, NOTIMP...): one bucket per
 *     prefix; `what` and the qtype are ignored.
 *   NXDOMAIN and NODATA for one zone are separate buckets, as in NSD: a
 *   flood of names that do not exist then does not limit the answers for
 *   names that exist without the asked type (AAAA at an IPv4-only host,
 *   the commonest NODATA), and the most an attacker gains by mixing the
 *   kinds is a few times the rate for the zone.
 *   An answer synthesized from a wildcard should be passed as
 *   DNS_RRL_POSITIVE with the wildcard's owner ("*.example.") as `what`,
 *   not the query name, or random names under it would each get a bucket
 *   (NSD keys such answers by the wildcard too).
 *   Names are compared case-insensitively (the lower-cased form is hashed).
 *
 * Each bucket is a token bucket: `rate` responses a second refill it and
 * it holds at most `rate` (one second of burst). Time is the caller's
 * millisecond clock; the arithmetic is integer only (credit is kept in
 * thousandths of a response, `rate` of them per millisecond), so it is
 * exact and needs no floating point. Of the responses a bucket limits,
 * the 1st, (slip+1)th, (2*slip+1)th... go out truncated and the others are
 * dropped: exactly ceil(limited / slip) slip, per bucket, deterministically.
 *
 * The table is fixed (DNS_RRL_ENTRIES, no allocation): a direct-mapped
 * array indexed by SipHash-2-4, under a key the caller draws from platform
 * randomness, of the bucket's identity. A new identity that lands on a
 * used entry takes it over with a full bucket (NSD does the same). Why
 * that is safe:
 *   - a collision can only make the limit laxer, never stricter: both
 *     identities restart from a full bucket, so no client is ever limited
 *     by traffic that belongs in another bucket;
 *   - what a flooder gains is one bucket's worth (`rate` responses) each
 *     time its entry is taken over between two of its responses. Its own
 *     identities evict each other only if they hash to one entry, which it
 *     cannot arrange without the key (and there are few of them per
 *     target: the zone's RRsets, three zone buckets per zone, one error
 *     bucket). To evict by volume it must send Q queries a second whose
 *     buckets are elsewhere (other prefixes or names, each answered like
 *     any query below the rate), which take a given entry over
 *     Q / DNS_RRL_ENTRIES times a second: a limited bucket then passes at
 *     most rate * (1 + Q / DNS_RRL_ENTRIES) a second. Doubling one
 *     bucket's rate takes 16384 spoofed queries a second, and each such
 *     query buys the target rate / 16384 (0.012 at rate 200) extra
 *     responses, while being answered once itself, as without RRL;
 *   - an entry keeps its identity's whole 64-bit hash (the low bit forced
 *     to 1, marking it used), so two identities share a bucket only if
 *     their hashes agree in the other 63 bits.
 *
 * Caller-owned state, no allocation, no I/O; not thread-safe (one per
 * thread that sends UDP, or a lock around it).
 */
#ifndef UNIHOST_DNS_RRL_H
#define UNIHOST_DNS_RRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob_format.h"
#include "dns/dns_query.h"

/* NSD's defaults (rrl-ratelimit, rrl-slip, rrl-ipv4/ipv6-prefix-length):
 * BLOB_DNS_RRL_*_DEFAULT in blob_format.h, what a blob without dns.conf
 * options gets. */

/* Rates above this are taken as this (keeps a full bucket, rate * 1000
 * thousandths, within 32 bits); no server answers a million a second to
 * one prefix and one name that it would want to limit. */
#define DNS_RRL_RATE_MAX 1000000

/*
 * Entries in the table (a power of two). 16384 entries of 24 bytes:
 * 384 KiB, about 2% of the Xen guest's default 16 MiB. A bucket only
 * matters for a second after its last response (it is full again by
 * then), so the table needs room for the identities active within a
 * second; and the larger it is, the less often a flood spread over it
 * takes a given entry over (Q / 16384 times a second for Q responses a
 * second, see above). NSD's default is 1000000 buckets and Knot's 393241,
 * for servers with gigabytes; this is a small unikernel.
 */
#define DNS_RRL_ENTRIES 16384

enum dns_rrl_kind {
    DNS_RRL_POSITIVE,       /* an answer: `what` is the query name (or the wildcard's owner) */
    DNS_RRL_NXDOMAIN,       /* `what` is the zone's apex */
    DNS_RRL_NODATA,         /* name exists, type does not: `what` is the zone's apex */
    DNS_RRL_REFERRAL,       /* a delegation: `what` is the zone's apex */
    DNS_RRL_ERROR,          /* any other RCODE: `what` is ignored */
};

enum dns_rrl_verdict {
    DNS_RRL_SEND,           /* send the response as it is */
    DNS_RRL_SLIP,           /* send it truncated: TC=1, no records (the client may retry over TCP) */
    DNS_RRL_DROP,           /* send nothing */
};

struct dns_rrl_config {
    uint32_t rate;                  /* responses per second per bucket; 0: RRL off (always send) */
    uint32_t slip;                  /* every slip-th limited response is truncated; 0: drop all, 1: truncate all */
    uint8_t ipv4_prefix;            /* bits of an IPv4 client address that make its bucket (<= 32) */
    uint8_t ipv6_prefix;            /* ... of an IPv6 one (<= 128) */
    const struct blob_dns_acl *exempt;  /* clients never limited; the array must outlive the state */
    size_t exempt_count;
};

/* For metrics: checked = sent + limited, limited = slipped + dropped. */
struct dns_rrl_counters {
    uint64_t checked;               /* calls to dns_rrl_account() */
    uint64_t limited;               /* of those, over their bucket's rate */
    uint64_t slipped;               /* of the limited, answered truncated */
    uint64_t dropped;               /* of the limited, not answered */
};

/* One bucket (internal; in the header for the state's size). */
struct dns_rrl_entry {
    uint64_t identity;              /* keyed hash of the bucket's identity, low bit set; 0: unused */
    uint64_t stamp_ms;              /* the caller's clock when credit was last brought up to date */
    uint32_t credit;                /* thousandths of a response the bucket may still send */
    uint32_t until_slip;            /* limited responses to drop before the next slip */
};

struct dns_rrl {
    struct dns_rrl_config config;   /* as given, rate and prefixes clamped */
    uint8_t key[16];
    struct dns_rrl_counters counters;
    struct dns_rrl_entry entries[DNS_RRL_ENTRIES];
};

/*
 * Empties the table and sets its configuration (copied, but not the
 * exempt array it points to) and hash key (16 bytes from the platform's
 * randomness, copied). May be called again to reconfigure; the counters
 * restart from zero.
 */
void dns_rrl_init(struct dns_rrl *r, const struct dns_rrl_config *cfg, const uint8_t key[16]);

/*
 * Sets a new configuration (new content) keeping the key and the
 * counters. The buckets are kept when the rate and the prefixes are the
 * same (they still mean the same thing: a client limited before the change
 * stays limited), and emptied otherwise.
 */
void dns_rrl_reconfigure(struct dns_rrl *r, const struct dns_rrl_config *cfg);

/*
 * Counts one UDP response about to be sent to `client` and says what to do
 * with it. `what` is a wire name (at most DNS_NAME_MAX bytes are used) as
 * described for `kind`; `qtype` matters only for DNS_RRL_POSITIVE. now_ms
 * is any millisecond clock that mostly goes forward: a clock going back
 * refills nothing, one jumping forward refills at most a full bucket.
 */
enum dns_rrl_verdict dns_rrl_account(struct dns_rrl *r, const struct dns_peer *client, enum dns_rrl_kind kind,
                                     const uint8_t *what, size_t what_len, uint16_t qtype, uint64_t now_ms);

#endif
