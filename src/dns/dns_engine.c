/*
 * The authoritative DNS engine: see dns_engine.h. Answers per RFC 1034 4.3.2
 * over the zones in the blob: exact matches, CNAME, referrals at zone cuts,
 * NODATA and NXDOMAIN with the SOA (RFC 2308), REFUSED outside our zones.
 */
#include "dns_engine.h"

#include <string.h>

#include "dns_name.h"
#include "dns_query.h"
#include "dns_response.h"
#include "dns_wire.h"

struct lookup {
    const struct blob *b;
    const struct blob_dns_zone *zone;
    uint8_t key[DNS_NAME_MAX];      /* the query name's key */
    size_t key_len;
};

/* The zone whose apex is the longest ancestor-or-self of the query name. */
static const struct blob_dns_zone *find_zone(const struct blob *b, const uint8_t *key, size_t key_len)
{
    const struct blob_dns_zone *best = NULL;
    for (uint32_t i = 0; i < b->zone_count; i++) {
        const struct blob_dns_zone *z = &b->zones[i];
        if (z->apex_key.len <= key_len && (!best || z->apex_key.len > best->apex_key.len) &&
            memcmp(blob_bytes(b, z->apex_key), key, z->apex_key.len) == 0)
            best = z;
    }
    return best;
}

/* Binary search of the zone's nodes (canonical order) for an exact key. */
static const struct blob_dns_node *find_node(const struct lookup *l, const uint8_t *key, size_t key_len)
{
    const struct blob_dns_node *nodes = l->b->nodes + l->zone->node_first;
    uint32_t lo = 0, hi = l->zone->node_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = dns_key_compare(blob_bytes(l->b, nodes[mid].key), nodes[mid].key.len, key, key_len);
        if (c == 0)
            return &nodes[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const struct blob_dns_rrset *find_rrset(const struct blob *b, const struct blob_dns_node *n,
                                               uint16_t type)
{
    for (uint32_t i = 0; i < n->rrset_count; i++) {
        const struct blob_dns_rrset *s = &b->rrsets[n->rrset_first + i];
        if (s->type == type)
            return s;
    }
    return NULL;
}

/* The node for a wire name anywhere in the current zone, or NULL. */
static const struct blob_dns_node *find_name(const struct lookup *l, const uint8_t *wire, size_t len)
{
    uint8_t key[DNS_NAME_MAX];
    size_t key_len = dns_name_to_key(wire, len, key);
    return find_node(l, key, key_len);
}

/* Negative answers carry the SOA with the TTL of RFC 2308 section 5:
 * the smaller of the SOA's own TTL and its MINIMUM field. */
static bool add_negative_soa(struct dns_response *r, const struct lookup *l)
{
    const struct blob *b = l->b;
    const struct blob_dns_rrset *soa = &b->rrsets[l->zone->soa_rrset];
    struct blob_ref rd = b->rdatas[soa->rdata_first];
    uint32_t minimum = rd.len >= 4 ? dns_get32(blob_bytes(b, rd) + rd.len - 4) : 0;
    uint32_t ttl = soa->ttl < minimum ? soa->ttl : minimum;
    return dns_response_add_rrset(r, DNS_SECTION_AUTHORITY, blob_bytes(b, l->zone->apex),
                                  l->zone->apex.len, b, soa, ttl);
}

/* Additional-section addresses for a target name held in the zone. */
static void add_addresses(struct dns_response *r, const struct lookup *l, const uint8_t *target,
                          size_t target_len)
{
    const struct blob_dns_node *n = find_name(l, target, target_len);
    if (!n)
        return;
    static const uint16_t types[] = {DNS_TYPE_A, DNS_TYPE_AAAA};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        const struct blob_dns_rrset *s = find_rrset(l->b, n, types[i]);
        if (s)
            (void)dns_response_add_rrset(r, DNS_SECTION_ADDITIONAL, blob_bytes(l->b, n->name),
                                         n->name.len, l->b, s, UINT32_MAX);
    }
}

/* A referral (RFC 1034 4.3.2 step 3b): not authoritative, the cut's NS set
 * in authority, glue addresses in additional. */
static void refer(struct dns_response *r, const struct lookup *l, const struct blob_dns_node *cut)
{
    const struct blob *b = l->b;
    const struct blob_dns_rrset *ns = find_rrset(b, cut, DNS_TYPE_NS);
    if (!dns_response_add_rrset(r, DNS_SECTION_AUTHORITY, blob_bytes(b, cut->name), cut->name.len,
                                b, ns, UINT32_MAX)) {
        dns_response_set(r, DNS_RCODE_NOERROR, DNS_FLAG_TC);
        return;
    }
    for (uint32_t i = 0; i < ns->rdata_count; i++) {
        struct blob_ref rd = b->rdatas[ns->rdata_first + i];
        add_addresses(r, l, blob_bytes(b, rd), rd.len);
    }
}

/* Answers from the node that owns the query name exactly. */
static void answer_node(struct dns_response *r, const struct lookup *l, const struct dns_query *q,
                        const struct blob_dns_node *n)
{
    const struct blob *b = l->b;
    const struct blob_dns_rrset *set = NULL;
    if (q->qtype == DNS_TYPE_ANY) {
        /* RFC 8482: one RRset is a complete answer; never the whole node. */
        if (n->rrset_count > 0)
            set = &b->rrsets[n->rrset_first];
    } else {
        set = find_rrset(b, n, q->qtype);
        if (!set)
            set = find_rrset(b, n, DNS_TYPE_CNAME);
    }
    dns_response_set(r, DNS_RCODE_NOERROR, DNS_FLAG_AA);
    if (!set) {
        if (!add_negative_soa(r, l))
            dns_response_set(r, DNS_RCODE_NOERROR, DNS_FLAG_TC);
        return;
    }
    if (!dns_response_add_rrset(r, DNS_SECTION_ANSWER, q->qname, q->qname_len, b, set, UINT32_MAX)) {
        dns_response_set(r, DNS_RCODE_NOERROR, DNS_FLAG_TC);
        return;
    }
    if (set->type == DNS_TYPE_MX || set->type == DNS_TYPE_NS) {
        for (uint32_t i = 0; i < set->rdata_count; i++) {
            struct blob_ref rd = b->rdatas[set->rdata_first + i];
            size_t skip = set->type == DNS_TYPE_MX ? 2 : 0;     /* MX preference */
            if (rd.len > skip)
                add_addresses(r, l, blob_bytes(b, rd) + skip, rd.len - skip);
        }
    }
}

/* Length of the key's first `labels` labels (root side first). */
static size_t key_prefix(const uint8_t *key, size_t key_len, unsigned labels)
{
    size_t at = 0;
    while (labels-- > 0 && at < key_len)
        at += 1u + key[at];
    return at;
}

static void answer_in_zone(struct dns_response *r, struct lookup *l, const struct dns_query *q)
{
    unsigned apex_labels = dns_name_label_count(blob_bytes(l->b, l->zone->apex));
    unsigned labels = dns_name_label_count(q->qname);
    const struct blob_dns_node *n = &l->b->nodes[l->zone->node_first];
    /* Walk down from the apex one label at a time: the first missing name
     * means NXDOMAIN, the first zone cut means a referral (RFC 1034 4.3.2). */
    for (unsigned depth = apex_labels + 1; depth <= labels; depth++) {
        size_t len = key_prefix(l->key, l->key_len, depth);
        n = find_node(l, l->key, len);
        if (!n) {
            dns_response_set(r, DNS_RCODE_NXDOMAIN, DNS_FLAG_AA);
            if (!add_negative_soa(r, l))
                dns_response_set(r, DNS_RCODE_NXDOMAIN, DNS_FLAG_TC);
            return;
        }
        /* DS lives on the parent side of a cut (RFC 4035 3.1.4.1). */
        if ((n->flags & BLOB_DNS_NODE_DELEGATION) && !(depth == labels && q->qtype == DNS_TYPE_DS)) {
            refer(r, l, n);
            return;
        }
    }
    answer_node(r, l, q, n);
}

size_t dns_engine_answer(const struct blob *b, const uint8_t *msg, size_t len,
                         enum dns_transport transport, uint8_t *out, size_t out_size)
{
    struct dns_query q;
    enum dns_parse_result parsed = dns_query_parse(msg, len, &q);
    if (parsed == DNS_PARSE_DROP || out_size < DNS_UDP_MAX_PLAIN)
        return 0;

    size_t limit = DNS_TCP_MAX;
    if (transport == DNS_OVER_UDP) {
        limit = DNS_UDP_MAX_PLAIN;
        if (q.has_edns)
            limit = q.edns_payload < DNS_EDNS_PAYLOAD ? q.edns_payload : DNS_EDNS_PAYLOAD;
    }
    if (limit > out_size)
        limit = out_size;

    struct dns_response r;
    dns_response_begin(&r, out, limit, msg, &q);
    bool edns = q.has_edns && parsed != DNS_PARSE_FORMERR;
    if (edns)
        dns_response_reserve(&r, DNS_OPT_SIZE);
    unsigned rcode = DNS_RCODE_NOERROR;

    switch (parsed) {
    case DNS_PARSE_FORMERR:
        rcode = DNS_RCODE_FORMERR;
        break;
    case DNS_PARSE_NOTIMP:
        rcode = DNS_RCODE_NOTIMP;
        break;
    case DNS_PARSE_BADVERS:
        rcode = DNS_RCODE_BADVERS;
        break;
    default: {
        struct lookup l = {.b = b};
        l.key_len = dns_name_to_key(q.qname, q.qname_len, l.key);
        l.zone = find_zone(b, l.key, l.key_len);
        if (!l.zone || q.qclass != DNS_CLASS_IN || q.qtype == DNS_TYPE_AXFR || q.qtype == DNS_TYPE_IXFR) {
            rcode = DNS_RCODE_REFUSED;
            break;
        }
        answer_in_zone(&r, &l, &q);
        if (dns_get16(out + 2) & DNS_FLAG_TC)
            dns_response_clear_sections(&r);
        rcode = dns_get16(out + 2) & 0xfu;
        break;
    }
    }
    dns_response_set(&r, rcode, 0);
    if (edns)
        dns_response_add_opt(&r, rcode, q.edns_do);
    return r.len;
}
