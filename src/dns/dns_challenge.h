/*
 * The one writable part of unihost's DNS data: a small runtime set of
 * `_acme-challenge.<name>` TXT records (RFC 8555 8.4, DNS-01) laid over
 * the read-only zones of the blob. An ACME client adds a record while the
 * CA validates, and removes it after; the DNS engine (dns_engine.h, through
 * dns_engine_env.challenges) answers from it.
 *
 * Bounded: at most DNS_CHALLENGE_CAPACITY records in all, several per name
 * (a wildcard and its apex share `_acme-challenge.<apex>`, RFC 8555 8.4
 * and the CA looks for its value among them). Names compare without regard
 * to letter case, values byte for byte. Allocates nothing, does no I/O,
 * and only mem* functions, so it builds for Xen as the engine does.
 */
#ifndef UNIHOST_DNS_CHALLENGE_H
#define UNIHOST_DNS_CHALLENGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/dns_name.h"

#define DNS_CHALLENGE_CAPACITY 32
/* One TXT character-string: an ACME value is 43 (base64url of SHA-256). */
#define DNS_CHALLENGE_VALUE_MAX 255
/* The TTL of the overlay's answers. A resolver that looked keeps the
 * RRset as it was for this long, so a value added after a CA's resolver
 * looked, or one withdrawn, stays stale there for up to a minute: short,
 * as DNS providers' ACME plugins make theirs, and not 0, which a resolver
 * may raise to a floor of its own like any TTL (Unbound's cache-min-ttl,
 * BIND's min-cache-ttl). That is also why the TTL is not what makes
 * DNS-01 work: a name and its wildcard share one TXT name, and a resolver
 * that cached the RRset with the first value only would hand it out for
 * the second whatever the TTL. The ACME client publishes every value
 * before the CA hears of any challenge (acme_client.h), so the first
 * RRset cached holds them all. (The absence of a record, looked up
 * before it was published, is cached for the zone's negative TTL, RFC
 * 2308, not this one.) */
#define DNS_CHALLENGE_TTL 60

struct dns_challenge {
    uint8_t name[DNS_NAME_MAX];     /* wire form, lower case */
    size_t name_len;
    uint8_t value[DNS_CHALLENGE_VALUE_MAX];
    size_t value_len;
};

struct dns_challenges {
    struct dns_challenge records[DNS_CHALLENGE_CAPACITY];
    size_t count;                   /* records[0 .. count) are in use */
};

enum dns_challenge_result {
    DNS_CHALLENGE_OK,
    DNS_CHALLENGE_FULL,             /* DNS_CHALLENGE_CAPACITY records already */
    DNS_CHALLENGE_BAD_NAME,         /* not "_acme-challenge." and a host name, or too long */
    DNS_CHALLENGE_BAD_VALUE,        /* empty, or longer than DNS_CHALLENGE_VALUE_MAX */
    DNS_CHALLENGE_NOT_FOUND,        /* removal of a record that is not there */
};

void dns_challenges_init(struct dns_challenges *t);

/*
 * Adds the TXT record `value` at `name`, given as text as the ACME client
 * has it ("_acme-challenge.www.example.org", a final dot allowed). Adding
 * a record that is already there changes nothing and succeeds (an RRset
 * holds no duplicates).
 */
enum dns_challenge_result dns_challenges_add(struct dns_challenges *t, const char *name, const uint8_t *value,
                                             size_t value_len);

/* Removes that record: DNS_CHALLENGE_OK, or DNS_CHALLENGE_NOT_FOUND (or
 * BAD_NAME for a name that could never have been added). */
enum dns_challenge_result dns_challenges_remove(struct dns_challenges *t, const char *name, const uint8_t *value,
                                                size_t value_len);

/* Removes everything: a run that ends, whatever it left published. */
void dns_challenges_clear(struct dns_challenges *t);

/*
 * The engine's question: the records at the wire name `name` (any case),
 * one at a time. Start with *at = 0; each call returns the next record,
 * or NULL when there are no more. Cheap for the names it cannot hold: a
 * first label other than "_acme-challenge" is refused before any record
 * is compared.
 */
const struct dns_challenge *dns_challenges_next(const struct dns_challenges *t, const uint8_t *name,
                                                size_t name_len, size_t *at);

/* The lower-case wire form of a text name that starts with the label
 * "_acme-challenge" and has at least one label after it, into `wire`;
 * its length, or 0 if it is no such name. */
size_t dns_challenge_name(const char *text, uint8_t wire[DNS_NAME_MAX]);

/* One line for a log: what the result means. */
const char *dns_challenge_result_text(enum dns_challenge_result r);

#endif
