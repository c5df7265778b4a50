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
 */
enum dns_action dns_engine_handle(const struct blob *b, const struct dns_engine_env *env, const uint8_t *msg, size_t len,
                                  enum dns_transport transport, const struct dns_peer *peer,
                                  struct dns_transfer *xfr, uint8_t *out, size_t out_size, size_t *out_len);

/*
 * dns_engine_handle() for a client allowed no transfer: returns the
 * answer's length, or 0 when the message deserves none.
 */
size_t dns_engine_answer(const struct blob *b, const uint8_t *msg, size_t len,
                         enum dns_transport transport, uint8_t *out, size_t out_size);

#endif
