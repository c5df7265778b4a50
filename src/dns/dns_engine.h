/*
 * The authoritative DNS engine: a function from (blob, query bytes,
 * transport, client) to response bytes. No I/O, no allocation, no global
 * state, so the same code answers on tap and on Xen, in unit tests and
 * under a fuzzer.
 */
#ifndef UNIHOST_DNS_ENGINE_H
#define UNIHOST_DNS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"
#include "dns/dns_challenge.h"
#include "dns/dns_cookie.h"
#include "dns/dns_query.h"
#include "dns/dns_rrl.h"
#include "dns/dns_transfer.h"
#include "dns/dns_tsig.h"

/*
 * What the engine needs from its host beyond the blob: the clock and the
 * state that outlives a query. NULL (tests, fuzzers) means time 0, no
 * rate limiting and no cookies.
 */
struct dns_engine_env {
    uint64_t now_ms;                /* a monotonic clock, in ms: the rate limiter's buckets */
    uint64_t unix_time;             /* seconds since the epoch: cookie timestamps, TSIG */
    struct dns_rrl *rrl;            /* UDP answers' rate limiter (dns_rrl.h); NULL: none */
    const struct dns_cookie_secrets *cookies;   /* DNS cookies' secrets (dns_cookie.h); NULL: none answered */
    uint64_t *cookie_counts;        /* cookies judged, by enum dns_cookie_status (the metrics); NULL: not counted */
    const struct dns_tsig_key *tsig_keys;       /* the blob's TSIG keys, in its order (dns_tsig.h) */
    size_t tsig_key_count;
    /* The runtime `_acme-challenge` TXT records laid over the zones
     * (dns_challenge.h); NULL: none. See dns_engine_handle(). */
    const struct dns_challenges *challenges;
};

/* The TSIG keys of blob b as dns_tsig.h takes them, into keys[0 ..
 * min(b's count, max)); returns how many. They point into the blob. */
size_t dns_engine_tsig_keys(const struct blob *b, struct dns_tsig_key *keys, size_t max);
/* What the transport does with a message. */
enum dns_action {
    DNS_ACTION_NONE,        /* no answer: a response, shorter than a header (UDP: drop; TCP: close) */
    DNS_ACTION_ANSWER,      /* send out[0 .. *out_len) */
    DNS_ACTION_TRANSFER,    /* *xfr is ready: send what dns_transfer_next() makes, in turn */
};

/*
 * The one entry point for DNS messages: parses msg[0..len) once and
 * decides whether to answer it, to transfer a zone or to refuse.
 *
 * An AXFR (over TCP) or IXFR at the apex of a zone whose ACL allows `peer`
 * is a transfer: over TCP, *xfr is prepared; over UDP, an IXFR is answered
 * with the current SOA alone (RFC 1995 section 2). `peer` NULL allows no
 * transfer, and `xfr` NULL none over TCP: they are refused as NSD refuses
 * them. Everything else is answered into out (room for `out_size` bytes,
 * at least 512): over UDP within the size the client can take (512, or
 * its EDNS payload size capped by ours) and truncated with TC set when it
 * does not fit. The answer is written where the caller will send it from:
 * it is made once, never copied.
 *
 * A request signed with TSIG (RFC 8945) is verified against
 * env->tsig_keys: a bad one is answered NOTAUTH with the TSIG error
 * (BADKEY, BADSIG, BADTIME), a good one is answered signed, and its key
 * is what the transfer ACLs compare with entries that name one.
 *
 * With env->cookies (and dns.conf's answer-cookie), a query's COOKIE
 * option (RFC 7873) is judged and answered with our server cookie; a
 * malformed one is FORMERR, and a query with no question and a cookie is
 * answered with the cookie alone (5.4).
 *
 * Over UDP, with env->rrl, the answer is accounted to the client's
 * prefix and may be dropped (DNS_ACTION_NONE) or replaced by an empty
 * truncated one (slip), as dns_rrl.h decides; a client that sent a valid
 * server cookie is never limited (its address is not forged), and one
 * that sent a cookie without a valid server cookie gets BADCOOKIE with a
 * fresh one instead of a truncated answer (5.2.3), so its next query
 * carries it.
 *
 * With env->challenges, a name that has records there (always
 * "_acme-challenge.<name>") is answered from them when it lies in one of
 * our zones, above any zone cut, and the zone is not signed: TXT (and
 * ANY) with those records, TTL DNS_CHALLENGE_TTL, AA, in place of what
 * the zone answers TXT with there (its own TXT, a CNAME, a wildcard's
 * data: while the client publishes, the name is its); another type as the zone answers it if the name
 * exists in the zone, else NODATA with the zone's SOA (the name exists
 * now). A name without records there is answered as if there were no
 * table. In a zone signed offline they are not answered at all (see
 * dns_engine_challenge_fit()). They answer for the name asked, not at
 * the end of a CNAME chain: a zone that aliases one `_acme-challenge`
 * name to another leads the chain to the zone's data, as ever.
 */
enum dns_action dns_engine_handle(const struct blob *b, const struct dns_engine_env *env, const uint8_t *msg, size_t len,
                                  enum dns_transport transport, const struct dns_peer *peer,
                                  struct dns_transfer *xfr, uint8_t *out, size_t out_size, size_t *out_len);

/*
 * Can the engine answer runtime `_acme-challenge` records at the wire name
 * `name` of blob b (dns_challenge_name() makes it from text)? An ACME
 * client asks before it publishes, and logs why not:
 *  - NOT_OURS: no zone of the blob holds the name;
 *  - DELEGATED: it lies at or below a zone cut: the child's servers answer;
 *  - SIGNED_ZONE: its zone is signed offline. The blob holds signatures,
 *    never private keys, so an answer from the table would go out
 *    unsigned, and a validating resolver (Let's Encrypt's validates)
 *    takes an unsigned answer from a signed zone as bogus. The engine
 *    answers such a name as the zone says (NXDOMAIN, with its proof)
 *    rather than serve what validators reject. Use HTTP-01 there, or make
 *    `_acme-challenge.<name>` a zone of its own, unsigned, delegated
 *    without DS (an insecure delegation, which validators accept).
 */
enum dns_challenge_fit {
    DNS_CHALLENGE_SERVED,
    DNS_CHALLENGE_NOT_OURS,
    DNS_CHALLENGE_DELEGATED,
    DNS_CHALLENGE_SIGNED_ZONE,
};
enum dns_challenge_fit dns_engine_challenge_fit(const struct blob *b, const uint8_t *name, size_t name_len);
const char *dns_challenge_fit_text(enum dns_challenge_fit fit);

/*
 * dns_engine_handle() for a client allowed no transfer: returns the
 * answer's length, or 0 when the message deserves none.
 */
size_t dns_engine_answer(const struct blob *b, const uint8_t *msg, size_t len,
                         enum dns_transport transport, uint8_t *out, size_t out_size);

#endif
