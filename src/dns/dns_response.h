/*
 * Writing a DNS response into a caller-owned buffer: header, the question
 * copied byte for byte (so the client's letter case survives), then RRsets
 * section by section. Owner names are compressed against the question, so an
 * owner that matches the query name is written as a pointer to it and the
 * client sees its own case. Every write is all-or-nothing: an RRset that does
 * not fit leaves the message as it was.
 */
#ifndef UNIHOST_DNS_RESPONSE_H
#define UNIHOST_DNS_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"
#include "dns/dns_query.h"

enum dns_section { DNS_SECTION_ANSWER, DNS_SECTION_AUTHORITY, DNS_SECTION_ADDITIONAL };

struct dns_response {
    uint8_t *buf;
    size_t limit;           /* the message may not grow past this */
    size_t len;
    uint16_t counts[3];
    size_t qname_off;       /* where the question's name sits in buf (0: no question) */
    size_t qname_len;
    uint8_t qlabel[DNS_NAME_MAX];   /* 1 where a label starts in the question name */
    /* The owner name written last and where: the next records of its
     * RRset, and the RRSIGs beside it, point at it (2 bytes each). */
    const uint8_t *last_owner;
    size_t last_owner_len, last_owner_off;
};

/* Starts a response to q (question echoed when q has one). `limit` >= 12. */
void dns_response_begin(struct dns_response *r, uint8_t *buf, size_t limit,
                        const uint8_t *query, const struct dns_query *q);

/* Sets the rcode (low 4 bits; extended bits go in OPT) and flags to add. */
void dns_response_set(struct dns_response *r, unsigned rcode, uint16_t add_flags);

/*
 * Appends every record of an RRset owned by `owner` (wire name). `ttl`
 * replaces the stored TTL when not UINT32_MAX. Returns false, writing
 * nothing, if it does not fit.
 */
bool dns_response_add_rrset(struct dns_response *r, enum dns_section section,
                            const uint8_t *owner, size_t owner_len, const struct blob *b,
                            const struct blob_dns_rrset *set, uint32_t ttl);

/*
 * Appends one record whose RDATA is not in the blob (it is copied as it
 * is, no name in it compressed): the runtime `_acme-challenge` TXT records
 * (dns_challenge.h). The owner is compressed as add_rrset's are, so the
 * records of one name written in a row point at the first. Returns false,
 * writing nothing, if it does not fit.
 */
bool dns_response_add_record(struct dns_response *r, enum dns_section section, const uint8_t *owner,
                             size_t owner_len, uint16_t type, uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
                             size_t rdata_len);

/*
 * Appends the OPT record (RFC 6891) with our payload size, the extended
 * rcode bits, the DO flag echoed and, unless `ede` is DNS_EDE_NONE, an
 * Extended DNS Error (RFC 8914). The OPT always fits if the caller
 * reserved DNS_OPT_SIZE bytes below `limit` (dns_response_reserve()); the
 * EDE option goes in when 6 more bytes fit (it comes with answers that
 * hold no records, so a full message never loses space to it).
 */
#define DNS_OPT_SIZE 11
#define DNS_EDE_SIZE 6              /* an Extended DNS Error option without text */
#define DNS_EDE_NONE 0xffffu

/* Options beside EDE that the answer carries: NSID (RFC 5001) and COOKIE
 * (RFC 7873). Unlike EDE they always go in, so their room is reserved
 * with the OPT's: DNS_OPT_SIZE + dns_edns_extra_size(). */
struct dns_edns_extra {
    const uint8_t *nsid;            /* NULL: no NSID option */
    uint16_t nsid_len;
    const uint8_t *cookie;          /* NULL: no COOKIE option */
    uint16_t cookie_len;
};

static inline size_t dns_edns_extra_size(const struct dns_edns_extra *x)
{
    return (x->nsid ? 4u + x->nsid_len : 0u) + (x->cookie ? 4u + x->cookie_len : 0u);
}

/* `extra` may be NULL. */
void dns_response_add_opt(struct dns_response *r, unsigned rcode, bool dnssec_ok, uint16_t ede,
                          const struct dns_edns_extra *extra);

/* One TXT record of one string (at most 255 bytes), owned by the question
 * name, TTL 0, of class `rclass`, in the answer section: the CHAOS
 * answers about the server itself. False if it does not fit. */
bool dns_response_add_txt(struct dns_response *r, uint16_t rclass, const uint8_t *text, size_t len);

/* Lowers or raises the usable limit (e.g. to keep room for OPT). */
static inline void dns_response_reserve(struct dns_response *r, size_t bytes)
{
    r->limit -= bytes;
}

/* A point to go back to: what was written after it is dropped. */
struct dns_response_mark {
    size_t len;
    uint16_t counts[3];
};

static inline struct dns_response_mark dns_response_mark(const struct dns_response *r)
{
    struct dns_response_mark m = {r->len, {r->counts[0], r->counts[1], r->counts[2]}};
    return m;
}

void dns_response_rewind(struct dns_response *r, struct dns_response_mark m);

/* Removes the echoed question (NOTIMP answers carry none, as NSD's). */
void dns_response_drop_question(struct dns_response *r);

/* Empties the answer, authority and additional sections (before OPT). */
void dns_response_clear_sections(struct dns_response *r);

#endif
