/*
 * TSIG (RFC 8945): DNS messages authenticated with a shared secret, HMAC
 * over the message and the TSIG record's fields. This module covers what an
 * authoritative server does with it:
 *
 *   - as a server, verify a signed request (a query, an AXFR or IXFR) and
 *     sign the answer, every message of a zone transfer included, or the
 *     TSIG error answer the RFC asks for;
 *   - as a client, sign the NOTIFY it sends (RFC 1996) and verify the
 *     reply, whose MAC covers the request's.
 *
 * Like the rest of the engine it does no I/O and allocates nothing: the
 * exchange's state lives in a caller-owned struct dns_tsig_state, and
 * messages are signed in place in the caller's buffer. Only BearSSL's
 * HMAC and the standard string functions are used (the Xen guest's libc).
 *
 * Secrets are never copied: keys point at the caller's bytes, and the
 * HMAC states derived from them are wiped from the stack after each use.
 */
#ifndef UNIHOST_DNS_TSIG_H
#define UNIHOST_DNS_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/dns_name.h"

/* The algorithms implemented (RFC 8945 6: SHA-256 is the one every
 * implementation must have; MD5 and SHA-1 are deliberately left out). Zero
 * is none of them, so a zeroed key matches nothing. */
enum dns_tsig_algorithm {
    DNS_TSIG_ALG_NONE = 0,
    DNS_TSIG_HMAC_SHA256,
    DNS_TSIG_HMAC_SHA384,
    DNS_TSIG_HMAC_SHA512,
};

#define DNS_TSIG_MAC_MAX 64         /* SHA-512's output: the longest MAC */

/* The TSIG RR's Error field (RFC 8945 3, IANA's TSIG/TKEY RCODEs). */
enum dns_tsig_error {
    DNS_TSIG_ERROR_NONE = 0,
    DNS_TSIG_BADSIG = 16,
    DNS_TSIG_BADKEY = 17,
    DNS_TSIG_BADTIME = 18,
    DNS_TSIG_BADTRUNC = 22,
};

/* The fudge this side puts in what it signs: RFC 8945 10 recommends 300 s. */
#define DNS_TSIG_FUDGE 300

/*
 * The most a TSIG RR appended by this module can take: owner and
 * algorithm names of up to 255 bytes each (an error answer echoes the
 * request's, whatever they are), TYPE, CLASS, TTL and RDLENGTH, then Time
 * Signed, Fudge, MAC Size, the longest MAC, Original ID, Error, Other Len
 * and the 6 bytes of Other Data a BADTIME answer carries. Callers reserve
 * this much room behind a message they will sign.
 */
#define DNS_TSIG_RR_MAX (DNS_NAME_MAX + 10 + DNS_NAME_MAX + 6 + 2 + 2 + DNS_TSIG_MAC_MAX + 2 + 2 + 2 + 6)

/*
 * A shared key, as the configuration gives it. The name is a wire name in
 * lower case (compared case-insensitively all the same); the secret is the
 * decoded bytes, which crunch requires to be at least as long as the
 * algorithm's digest (dns_tsig_digest_len()).
 */
struct dns_tsig_key {
    const uint8_t *name;
    size_t name_len;
    enum dns_tsig_algorithm alg;
    const uint8_t *secret;
    size_t secret_len;
};

/* What a verification found, and what the caller answers. */
enum dns_tsig_result {
    DNS_TSIG_OK,            /* signed and verified: sign the answer (or accept the reply) */
    DNS_TSIG_UNSIGNED,      /* no TSIG RR: answer as if TSIG did not exist (a reply: reject it) */
    DNS_TSIG_FORMERR,       /* TSIG misplaced, malformed, or a MAC size RFC 8945 5.2.2.1 forbids:
                             * answer FORMERR without a TSIG (a reply: reject it) */
    DNS_TSIG_NOTAUTH,       /* key unknown, MAC wrong or time off (state's error says which):
                             * answer NOTAUTH, with dns_tsig_sign_response() (a reply: reject it) */
};

/*
 * One TSIG exchange: a request verified and its answer's messages signed
 * (server), or a request signed and its reply verified (client). Filled by
 * dns_tsig_verify_request() or dns_tsig_sign_request(); caller-owned, no
 * pointers into the messages, so those buffers can be reused at once. The
 * key pointer must stay valid while the state is in use.
 */
struct dns_tsig_state {
    const struct dns_tsig_key *key; /* the key used; NULL if the request named none we have */
    uint16_t error;                 /* our verdict: a dns_tsig_error, 0 if the checks passed */
    uint16_t peer_error;            /* the Error field of the TSIG received (a reply may report one) */
    uint16_t original_id;           /* the request's Original ID */
    uint16_t fudge;                 /* the request's fudge */
    uint64_t time_signed;           /* the request's Time Signed: the client's clock */
    uint8_t mac[DNS_TSIG_MAC_MAX];  /* the request's MAC (as received, truncated or not), then
                                     * the MAC of the last answer message signed */
    uint16_t mac_len;
    uint32_t messages_signed;       /* of this answer, so far */
    uint8_t phase;                  /* what the state may be used for next (dns_tsig.c) */
    uint8_t key_name_len, alg_name_len;
    uint8_t key_name[DNS_NAME_MAX]; /* the request's key and algorithm names, lower case: */
    uint8_t alg_name[DNS_NAME_MAX]; /* an error answer echoes them, known or not */
};

/* dns_tsig_find()'s answer for a TSIG RR that is not the last record, or
 * is malformed, or a message whose records cannot be walked. */
#define DNS_TSIG_MISPLACED SIZE_MAX

/*
 * Where the TSIG RR of a message starts: the offset of its owner name, 0
 * if the message has none, DNS_TSIG_MISPLACED if one is anywhere but last
 * in the additional section (RFC 8945 5.2: FORMERR), if the last one is
 * malformed, or if the message's records run past its end. Reads only
 * msg[0..len).
 */
size_t dns_tsig_find(const uint8_t *msg, size_t len);

/*
 * Server side, RFC 8945 5.2: checks the TSIG of a request against `keys`
 * at time `now` (seconds since 1970), in the RFC's order: the key (name
 * and algorithm), the MAC's length, the MAC, the time. Fills s for the
 * answer either way. DNS_TSIG_NOTAUTH leaves s->error at DNS_TSIG_BADKEY,
 * DNS_TSIG_BADSIG or DNS_TSIG_BADTIME; s->key is set from BADSIG on. A
 * message that is not a request is the caller's to refuse beforehand.
 */
enum dns_tsig_result dns_tsig_verify_request(struct dns_tsig_state *s, const uint8_t *msg, size_t len,
                                             const struct dns_tsig_key *keys, size_t key_count, uint64_t now);

/*
 * Server side, RFC 8945 5.3: appends the TSIG RR to the answer message
 * msg[0..len) (whose header the caller has completed, its rcode NOTAUTH
 * after DNS_TSIG_NOTAUTH), adds one to ARCOUNT and returns the new length;
 * 0 if `room` (msg's size) is too small, or if s holds no request to
 * answer this way (it was unsigned or malformed, or its one error answer
 * was already signed).
 *
 * The first message covers the request MAC, the message and all the TSIG
 * fields; each further message of the same answer (a zone transfer over
 * TCP, 5.3.1) covers the previous message's MAC, the message and the
 * timers only. Every message is signed. For a BADKEY or BADSIG verdict the
 * TSIG is unsigned (MAC size 0); for BADTIME it is signed, with the
 * client's Time Signed and fudge and our time as Other Data (5.2.3).
 */
size_t dns_tsig_sign_response(struct dns_tsig_state *s, uint8_t *msg, size_t len, size_t room, uint64_t now);

/* The bytes dns_tsig_sign_response() will append for s: what an answer
 * keeps free below its size limit, so that the TSIG still fits. */
size_t dns_tsig_rr_size(const struct dns_tsig_state *s);

/*
 * Client side: signs the request msg[0..len) (our NOTIFY) with `key` at
 * time `now`, in place as dns_tsig_sign_response() does, and prepares s
 * to verify the reply. Returns the new length, 0 if room is too small or
 * the key unusable (no algorithm, or a name that is not a wire name).
 */
size_t dns_tsig_sign_request(struct dns_tsig_state *s, const struct dns_tsig_key *key, uint8_t *msg, size_t len,
                             size_t room, uint64_t now);

/*
 * Client side: verifies the reply to the request s signed. DNS_TSIG_OK
 * only if the reply is signed with the same key and algorithm, its MAC
 * (over our request's MAC, the reply and its TSIG fields) is right, its
 * time within its fudge of `now`, and it reports no error. Otherwise
 * DNS_TSIG_NOTAUTH with s->error saying what we found wrong (BADKEY: not
 * our key or algorithm; BADSIG: a wrong or absent MAC; BADTIME), or 0 if
 * the peer reported an error of its own in s->peer_error. The reply's ID
 * is the caller's to match against the request's.
 */
enum dns_tsig_result dns_tsig_verify_response(struct dns_tsig_state *s, const uint8_t *msg, size_t len,
                                              uint64_t now);

/* The algorithm a wire name names (case-insensitively, "hmac-sha256."
 * and so on); DNS_TSIG_ALG_NONE for any other name. */
enum dns_tsig_algorithm dns_tsig_algorithm_from_name(const uint8_t *name, size_t len);

/* The algorithm's wire name in lower case, its length in *len; NULL for
 * DNS_TSIG_ALG_NONE or an unknown value. */
const uint8_t *dns_tsig_algorithm_name(enum dns_tsig_algorithm alg, size_t *len);

/* The algorithm's digest length in bytes (32, 48, 64); 0 if unknown. */
size_t dns_tsig_digest_len(enum dns_tsig_algorithm alg);

#endif
