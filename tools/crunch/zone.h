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

/* NSEC3 iterations unihost serves: each query may cost three hashes of
 * (iterations + 1) SHA-1 rounds; RFC 9276 asks signers for 0. */
#define ZONE_NSEC3_ITERATIONS_MAX 150

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
