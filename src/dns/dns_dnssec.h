/*
 * Serving zones signed offline to DNSSEC-aware clients (RFC 4035 section
 * 3.1, RFC 5155 section 7.2): the RRSIGs beside an RRset, and the NSEC or
 * NSEC3 records that prove a name or a type does not exist. The records
 * come from the blob as the signer made them; nothing is signed here. No
 * allocation: NSEC3 hashes are computed on the stack with BearSSL's SHA-1.
 *
 * Every function that writes returns false, writing nothing more, when
 * its records do not fit: the caller then sets TC (RFC 4035 3.1.1).
 */
#ifndef UNIHOST_DNS_DNSSEC_H
#define UNIHOST_DNS_DNSSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"
#include "dns/dns_response.h"

/* Iterations beyond this are not hashed: such a zone gets no NSEC3 proofs
 * (crunch refuses it anyway: validators treat it as insecure; see
 * ZONE_NSEC3_ITERATIONS_MAX). A denial hashes three names, each with
 * (iterations + 1) SHA-1 rounds (an opt-out proof: one per label between
 * a name of the zone and the apex). */
#define DNSSEC_NSEC3_ITERATIONS_MAX 50

/*
 * Appends the RRSIGs at node n covering `type`, owned by `owner` (the
 * query name for a wildcard answer), with `ttl` as for
 * dns_response_add_rrset(). True when there are none.
 */
bool dnssec_add_signatures(struct dns_response *r, enum dns_section section, const uint8_t *owner,
                           size_t owner_len, const struct blob *b, const struct blob_dns_node *n,
                           uint16_t type, uint32_t ttl);

/* Appends every RRSIG at node n, whatever it covers (qtype RRSIG). */
bool dnssec_add_all_signatures(struct dns_response *r, enum dns_section section, const uint8_t *owner,
                               size_t owner_len, const struct blob *b, const struct blob_dns_node *n);

/* Denial-of-existence records for one zone, each written once (with its
 * RRSIGs) into the authority section. */
#define DNSSEC_PROOF_MAX 8
struct dnssec_proof {
    struct dns_response *r;
    const struct blob *b;
    const struct blob_dns_zone *zone;
    const struct blob_dns_node *sent[DNSSEC_PROOF_MAX];
    unsigned sent_count;
    /* NSEC3 zones: the chain's parameters, from the apex NSEC3PARAM */
    bool nsec3_usable;
    const uint8_t *salt;
    uint8_t salt_len;
    uint16_t iterations;
};

void dnssec_proof_begin(struct dnssec_proof *p, struct dns_response *r, const struct blob *b);

/* The zone the next proofs are about (a CNAME chain may cross zones);
 * records already written stay counted. */
void dnssec_proof_zone(struct dnssec_proof *p, const struct blob_dns_zone *zone);

/*
 * The proofs, for `name` (a wire name in the zone, any case) whose closest
 * encloser has `ce_labels` labels (root excluded):
 *  - no_name:   NXDOMAIN (RFC 4035 3.1.3.2, RFC 5155 7.2.2)
 *  - no_type:   NODATA at an existing node, ENT or zone cut included
 *               (RFC 4035 3.1.3.1, RFC 5155 7.2.3 and 7.2.4)
 *  - wildcard_answer: the name itself does not exist (RFC 4035 3.1.3.3,
 *               RFC 5155 7.2.6)
 *  - wildcard_no_type: no such name, and the wildcard lacks the type
 *               (RFC 4035 3.1.3.4, RFC 5155 7.2.5)
 *  - unsigned_referral: the cut has no DS (RFC 4035 3.1.4, RFC 5155 7.2.7)
 */
bool dnssec_prove_no_name(struct dnssec_proof *p, const uint8_t *name, size_t name_len, unsigned ce_labels);
bool dnssec_prove_no_type(struct dnssec_proof *p, const struct blob_dns_node *n);
bool dnssec_prove_wildcard_answer(struct dnssec_proof *p, const uint8_t *name, size_t name_len,
                                  unsigned ce_labels);
bool dnssec_prove_wildcard_no_type(struct dnssec_proof *p, const uint8_t *name, size_t name_len,
                                   unsigned ce_labels, const struct blob_dns_node *wildcard);
bool dnssec_prove_unsigned_referral(struct dnssec_proof *p, const struct blob_dns_node *cut);

/* Base32hex (RFC 4648 section 7, lower case) of a 20-byte SHA-1 NSEC3
 * hash of a lower-cased wire name; exposed for the tests. */
void dnssec_nsec3_hash(const uint8_t *name, size_t name_len, const uint8_t *salt, size_t salt_len,
                       unsigned iterations, char out[32]);

#endif
