/*
 * A host name's addresses through a recursive resolver (--resolver), sans
 * I/O: the query to send over UDP, and the reading of the answer. What
 * the ACME client needs to reach its CA by name, and no more: one A or
 * AAAA question with recursion desired and EDNS (1232 bytes, the size
 * that avoids fragmentation), the answer's CNAME chain followed (at most
 * DNS_LOOKUP_CNAME_MAX links) to the addresses of its last name.
 *
 * An answer counts only if it is the answer to this query: a response
 * with another ID, another question or from the wrong place is ignored,
 * so that an off-path attacker must guess the 16-bit ID and the source
 * port (the caller's part) together. The resolver is trusted as a
 * recursive resolver is; the name's certificate is what proves the CA.
 */
#ifndef UNIHOST_DNS_LOOKUP_H
#define UNIHOST_DNS_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "wire/dns_name.h"

#define DNS_LOOKUP_QUERY_MAX (12 + DNS_NAME_MAX + 4 + 11)
#define DNS_LOOKUP_CNAME_MAX 8

struct dns_lookup {
    uint16_t id;
    uint16_t qtype;                     /* 1 (A) or 28 (AAAA) */
    uint8_t qname[DNS_NAME_MAX];        /* lower case */
    size_t qname_len;
};

enum dns_lookup_result {
    DNS_LOOKUP_NOT_OURS = -3,   /* not the answer to this query: ignore it, keep waiting */
    DNS_LOOKUP_FAILED = -2,     /* a malformed answer, SERVFAIL, REFUSED, a CNAME loop: see why */
    DNS_LOOKUP_TRUNCATED = -1,  /* TC set: the answer needs TCP */
    DNS_LOOKUP_NO_ADDRESS = 0,  /* NXDOMAIN, or no address of that type */
    /* > 0: that many addresses */
};

/* Sets the lookup up for `host` (a host name as dns_name_from_host()
 * reads it: letters, digits, '-' and '_', a trailing dot allowed) and writes the
 * query with `id` to out (DNS_LOOKUP_QUERY_MAX bytes). Returns its length,
 * or 0 for a host that is not such a name. */
size_t dns_lookup_query(struct dns_lookup *l, const char *host, uint16_t qtype, uint16_t id, uint8_t *out);

/* Reads a response to the query: up to `max` addresses (4 bytes each for
 * A, 16 for AAAA) into addrs, the least TTL of the chain in *ttl. `why`
 * (at least 96 bytes) says what was wrong for DNS_LOOKUP_FAILED. */
int dns_lookup_answer(const struct dns_lookup *l, const uint8_t *msg, size_t len, uint8_t addrs[][16], size_t max,
                      uint32_t *ttl, char *why, size_t why_size);

#endif
