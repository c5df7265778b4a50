/* Zone transfers: see dns_transfer.h. */
#include "dns/dns_transfer.h"

#include <string.h>

#include "dns/dns_response.h"

bool dns_transfer_allowed(const struct blob *b, const struct blob_dns_zone *zone, const struct dns_peer *peer)
{
    for (uint32_t i = 0; i < zone->acl_count; i++) {
        const struct blob_dns_acl *acl = &b->acls[zone->acl_first + i];
        if (acl->family != peer->family)
            continue;
        unsigned whole = acl->prefix_len / 8, rest = acl->prefix_len % 8;
        if (memcmp(acl->addr, peer->addr, whole) != 0)
            continue;
        uint8_t mask = (uint8_t)(0xff00u >> rest);
        if (rest == 0 || ((acl->addr[whole] ^ peer->addr[whole]) & mask) == 0)
            return true;
    }
    return false;
}

bool dns_transfer_begin(struct dns_transfer *t, const struct blob *b, const uint8_t *msg, size_t len,
                        enum dns_transport transport, const struct dns_peer *peer)
{
    struct dns_query q;
    if (dns_query_parse(msg, len, &q) != DNS_PARSE_OK || DNS_OPCODE(q.flags) != 0 ||
        q.qclass != DNS_CLASS_IN || DNS_HEADER_SIZE + q.question_len > sizeof t->query)
        return false;
    if (!(q.qtype == DNS_TYPE_IXFR || (q.qtype == DNS_TYPE_AXFR && transport == DNS_OVER_TCP)))
        return false;
    uint8_t key[DNS_NAME_MAX];
    size_t key_len = dns_name_to_key(q.qname, q.qname_len, key);
    const struct blob_dns_zone *zone = NULL;
    for (uint32_t i = 0; i < b->zone_count && !zone; i++)
        if (b->zones[i].apex_key.len == key_len &&
            memcmp(blob_bytes(b, b->zones[i].apex_key), key, key_len) == 0)
            zone = &b->zones[i];
    if (!zone || !dns_transfer_allowed(b, zone, peer))
        return false;

    memset(t, 0, sizeof *t);
    t->b = b;
    t->zone = zone;
    memcpy(t->query, msg, DNS_HEADER_SIZE + q.question_len);
    t->q = q;
    t->q.qname = t->query + (q.qname - msg);
    /* Over UDP an IXFR gets only the SOA: the client then asks over TCP
     * (RFC 1995 section 2) if its serial is older. */
    t->soa_only = transport == DNS_OVER_UDP;
    t->node = zone->node_first;
    return true;
}

/* Appends one record; false (nothing written) if it does not fit. */
static bool add_record(struct dns_response *r, const struct blob *b, const struct blob_dns_node *n,
                       const struct blob_dns_rrset *set, uint32_t rdata)
{
    struct blob_dns_rrset one = *set;
    one.rdata_first = set->rdata_first + rdata;
    one.rdata_count = 1;
    return dns_response_add_rrset(r, DNS_SECTION_ANSWER, blob_bytes(b, n->name), n->name.len, b, &one,
                                  UINT32_MAX);
}

/* Moves the cursor to the next record that is not the apex SOA; false at the end. */
static bool next_record(struct dns_transfer *t)
{
    const struct blob *b = t->b;
    uint32_t end = t->zone->node_first + t->zone->node_count;
    for (; t->node < end; t->node++, t->rrset = 0, t->rdata = 0) {
        const struct blob_dns_node *n = &b->nodes[t->node];
        for (; t->rrset < n->rrset_count; t->rrset++, t->rdata = 0) {
            uint32_t index = n->rrset_first + t->rrset;
            if (index == t->zone->soa_rrset)
                continue;
            if (t->rdata < b->rrsets[index].rdata_count)
                return true;
        }
    }
    return false;
}

bool dns_transfer_done(const struct dns_transfer *t)
{
    return t->done;
}

size_t dns_transfer_next(struct dns_transfer *t, uint8_t *out, size_t out_size)
{
    if (t->done)
        return 0;
    const struct blob *b = t->b;
    size_t limit = out_size < DNS_TRANSFER_MESSAGE_MAX ? out_size : DNS_TRANSFER_MESSAGE_MAX;
    if (t->soa_only)
        limit = DNS_UDP_MAX_PLAIN;
    struct dns_response r;
    /* The question in every message (RFC 5936 2.2.1 allows it): names are
     * then compressed against the apex. */
    dns_response_begin(&r, out, limit, t->query, &t->q);
    dns_response_set(&r, DNS_RCODE_NOERROR, DNS_FLAG_AA);
    if (t->q.has_edns)
        dns_response_reserve(&r, DNS_OPT_SIZE + DNS_EDE_SIZE);

    const struct blob_dns_node *apex = &b->nodes[t->zone->node_first];
    const struct blob_dns_rrset *soa = &b->rrsets[t->zone->soa_rrset];
    if (!t->soa_sent) {
        if (!add_record(&r, b, apex, soa, 0))
            return 0;       /* cannot happen with the sizes above: a SOA fits in 512 */
        t->soa_sent = true;
    }
    while (!t->soa_only && next_record(t)) {
        const struct blob_dns_node *n = &b->nodes[t->node];
        const struct blob_dns_rrset *set = &b->rrsets[n->rrset_first + t->rrset];
        if (!add_record(&r, b, n, set, t->rdata)) {
            if (r.counts[DNS_SECTION_ANSWER] > 0)
                goto finish;
            /* A record bigger than our usual message (a huge TXT): it goes
             * alone, in a message as large as DNS over TCP allows. */
            size_t most = out_size < DNS_TCP_MAX ? out_size : DNS_TCP_MAX;
            r.limit = most - (t->q.has_edns ? DNS_OPT_SIZE + DNS_EDE_SIZE : 0);
            if (!add_record(&r, b, n, set, t->rdata))
                return 0;   /* needs more room than out_size: see dns_transfer_done() */
        }
        t->rdata++;
    }
    if (!t->soa_only && !add_record(&r, b, apex, soa, 0))
        goto finish;        /* the closing SOA goes in the next message */
    t->done = true;
finish:
    if (t->q.has_edns)
        dns_response_add_opt(&r, DNS_RCODE_NOERROR, t->q.edns_do, DNS_EDE_NONE);
    return r.len;
}
