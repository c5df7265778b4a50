/* Building DNS query messages byte by byte for the engine tests (so
 * malformed ones can be built too). */
#ifndef UNIHOST_TEST_DNS_QUERY_BUILDER_H
#define UNIHOST_TEST_DNS_QUERY_BUILDER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dns_wire.h"

struct query {
    uint8_t b[1024];
    size_t len;
};

static inline void q_begin(struct query *q, uint16_t id, uint16_t flags, uint16_t qd, uint16_t ar)
{
    memset(q, 0, sizeof *q);
    dns_put16(q->b, id);
    dns_put16(q->b + 2, flags);
    dns_put16(q->b + 4, qd);
    dns_put16(q->b + 10, ar);
    q->len = 12;
}

/* Appends a name given in dotted form without the final dot ("" = root). */
static inline void q_name(struct query *q, const char *dotted)
{
    const char *p = dotted;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        q->b[q->len++] = (uint8_t)n;
        memcpy(q->b + q->len, p, n);
        q->len += n;
        p += n + (dot ? 1 : 0);
    }
    q->b[q->len++] = 0;
}

static inline void q_u16(struct query *q, uint16_t v)
{
    dns_put16(q->b + q->len, v);
    q->len += 2;
}

static inline void q_opt(struct query *q, uint16_t payload, uint8_t version, bool do_bit)
{
    q->b[q->len++] = 0;
    q_u16(q, DNS_TYPE_OPT);
    q_u16(q, payload);
    q->b[q->len++] = 0;         /* extended rcode */
    q->b[q->len++] = version;
    q_u16(q, do_bit ? DNS_EDNS_DO : 0);
    q_u16(q, 0);                /* no options */
}

/* A standard query for name/type (RD set), optionally with EDNS. */
static inline void q_simple(struct query *q, const char *name, uint16_t type, bool edns)
{
    q_begin(q, 0x1234, DNS_FLAG_RD, 1, edns ? 1 : 0);
    q_name(q, name);
    q_u16(q, type);
    q_u16(q, DNS_CLASS_IN);
    if (edns)
        q_opt(q, 1232, 0, false);
}

#endif
