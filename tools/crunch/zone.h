/*
 * The zone pass: parses every *.zone master file of a directory with ldns
 * and checks it (SOA, class, apex NS, CNAME rules, delegations and glue,
 * RRset TTLs), producing records ready for zone_emit.
 */
#ifndef CRUNCH_ZONE_H
#define CRUNCH_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "wire/dns_name.h"

struct zone_rr {
    uint8_t *owner;         /* lower-cased wire name */
    size_t owner_len;
    uint8_t *key;           /* reversed-label key (dns_name_to_key) */
    size_t key_len;
    uint16_t type;
    uint32_t ttl;
    uint8_t *rdata;         /* uncompressed wire RDATA, as ldns encodes it */
    size_t rdata_len;
    unsigned line;          /* where the record starts in the file */
    size_t order;           /* position in the file, to keep its order within an RRset */
    int dropped;            /* excluded (error or exact duplicate) */
};

/* A client allowed to transfer the zone: an address prefix, and the TSIG
 * key it must sign with (an index into the dns.conf keys) or
 * BLOB_DNS_NO_KEY. */
struct zone_acl {
    uint8_t family;         /* 4 or 6 */
    uint8_t prefix_len;
    uint16_t key;
    uint8_t addr[16];
};

/* A server told of the zone's serial by NOTIFY (RFC 1996). */
struct zone_notify {
    uint8_t family;
    uint16_t port;
    uint16_t key;           /* as in zone_acl */
    uint8_t addr[16];
};

struct zone {
    char *file;             /* as given on the command line joined with the name */
    uint8_t apex[DNS_NAME_MAX];     /* lower-cased wire name of the SOA owner */
    size_t apex_len;
    uint8_t apex_key[DNS_NAME_MAX];
    size_t apex_key_len;
    unsigned soa_line;
    struct zone_rr *rrs;    /* sorted by (key, type, file order), without duplicates */
    size_t rr_count;
    struct zone_acl *acl;   /* who may transfer it (transfer.h); none: nobody */
    size_t acl_count;
    unsigned acl_line;      /* where its clients were given (0: nowhere) */
    const char *acl_file;   /*   in which file (transfers.conf or dns.conf) */
    struct zone_notify *notify;
    size_t notify_count;
};

struct zone_set {
    struct zone *items;     /* sorted by apex key (dns_key_compare) */
    size_t count;
};

/*
 * Loads every *.zone file of dir (not recursively, by name order), each
 * one zone whose initial $ORIGIN is the file name without ".zone".
 * Reports every problem with diag and returns the number of errors; on
 * errors the set holds only what was valid.
 */
unsigned zones_load(const char *dir, struct zone_set *out);

void zones_free(struct zone_set *set);

/* Text form of a wire name for messages, e.g. "www.example.org."; out holds 1024 bytes. */
const char *zone_name_text(const uint8_t *wire, char out[1024]);

/*
 * The NSEC3 parameters unihost serves. RFC 9276 section 3.1 asks signers
 * for 0 extra iterations and no salt (crunch warns otherwise); section 3.2
 * lets validators treat a zone with more iterations than their limit as
 * insecure, so that its answers silently lose their protection. crunch
 * refuses what the strictest widely deployed validators downgrade so:
 *   - BIND 9.20 (from 9.19.19): more than 50 iterations
 *     (DNS_NSEC3_MAXITERATIONS 50U, lib/dns/include/dns/nsec3.h; 9.18
 *     keeps 150);
 *   - Knot Resolver 5.7.1 and 6.0.6 on: more than 51 SHA-1 blocks per
 *     hashed name, (iterations + 1) * ((salt length + 19) / 64 + 1): 50
 *     iterations with a salt of up to 44 bytes, fewer with a longer one
 *     (kr_nsec3_limited(), lib/dnssec/nsec3.h);
 *   - PowerDNS Recursor 5.0 on: more than 50 (nsec3-max-iterations).
 * Unbound allows 150 (val-nsec3-keysize-iterations "1024 150 2048 150
 * 4096 150" since 1.13.2), systemd-resolved 100.
 * This also bounds the engine's work: a denial hashes three names, each
 * with (iterations + 1) SHA-1 rounds (an opt-out span's closest provable
 * encloser proof: one per label between a name of the zone and the apex).
 */
#define ZONE_NSEC3_ITERATIONS_MAX 50
#define ZONE_NSEC3_BLOCKS_MAX 51

/* SHA-1 blocks per hashed name as Knot Resolver counts them (it leaves out
 * the name itself and the padding). */
static inline unsigned long zone_nsec3_blocks(unsigned iterations, unsigned salt_len)
{
    return (iterations + 1ul) * ((salt_len + 19u) / 64 + 1);
}

/*
 * The DNSSEC records of a signed zone (zone_dnssec.c): RRSIGs beside the
 * RRsets they cover, NSEC or NSEC3 (not both), NSEC3 with the apex
 * NSEC3PARAM's parameters. Returns the number of errors reported.
 */
unsigned zone_check_dnssec(const struct zone *z, const char *path);

/* The type an RRSIG covers (its RRset is one per covered type); 0 for
 * other types. */
uint32_t zone_rrset_subtype(const struct zone_rr *r);

/* Do two records belong to the same RRset (name, type, covered type)? */
int zone_same_rrset(const struct zone_rr *a, const struct zone_rr *b);

/* Is the key `a` equal to or an ancestor of the key `b`? */
int zone_key_at_or_below(const uint8_t *b, size_t blen, const uint8_t *a, size_t alen);

#endif
