/*
 * A DNS client for the engine's unit tests: queries built byte by byte (so
 * malformed ones can be too), answered by the engine over `blob`, decoded
 * with ldns.
 */
#ifndef UNIHOST_TEST_DNS_CLIENT_H
#define UNIHOST_TEST_DNS_CLIENT_H

#include <ldns/ldns.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dns/dns_engine.h"
#include "wire/dns_wire.h"

static struct blob blob;

/* ---- building queries ---------------------------------------------------- */

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

/* ---- answering and decoding ---------------------------------------------- */

static uint8_t out[65535];
static size_t out_len;

static inline ldns_pkt *ask(const struct query *q, enum dns_transport t)
{
    out_len = dns_engine_answer(&blob, q->b, q->len, t, out, sizeof out);
    if (out_len == 0)
        return NULL;
    ldns_pkt *p = NULL;
    if (ldns_wire2pkt(&p, out, out_len) != LDNS_STATUS_OK)
        return NULL;
    return p;
}

static inline ldns_pkt *ask_name(const char *name, uint16_t type)
{
    struct query q;
    q_simple(&q, name, type, false);
    return ask(&q, DNS_OVER_UDP);
}

static inline unsigned rcode_of(void)
{
    return out_len >= 4 ? (out[3] & 0xf) : 99;
}

/* Does the section hold an RR with this owner, type and rdata text? */
static inline bool has_rr(ldns_rr_list *list, const char *owner, ldns_rr_type type, const char *rdata)
{
    for (size_t i = 0; list && i < ldns_rr_list_rr_count(list); i++) {
        ldns_rr *rr = ldns_rr_list_rr(list, i);
        char *o = ldns_rdf2str(ldns_rr_owner(rr));
        char *r = ldns_rr_rd_count(rr) ? ldns_rdf2str(ldns_rr_rdf(rr, 0)) : strdup("");
        bool match = ldns_rr_get_type(rr) == type && strcasecmp(o, owner) == 0 &&
                     (!rdata || strcmp(r, rdata) == 0);
        free(o);
        free(r);
        if (match)
            return true;
    }
    return false;
}

static inline uint32_t ttl_of_first(ldns_rr_list *list)
{
    return ldns_rr_list_rr_count(list) ? ldns_rr_ttl(ldns_rr_list_rr(list, 0)) : 0;
}

#endif
