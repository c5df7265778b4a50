/* Zone transfers: see dns_transfer.h. */
#include "dns/dns_transfer.h"

#include <string.h>

#include "dns/dns_db.h"
#include "dns/dns_response.h"

bool dns_transfer_allowed(const struct blob *b, const struct blob_dns_zone *zone, const struct dns_peer *peer,
                          uint16_t key)
{
    for (uint32_t i = 0; i < zone->acl_count; i++) {
        const struct blob_dns_acl *acl = dns_db_acl(b, zone, i);
        if ((acl->key == BLOB_DNS_NO_KEY || acl->key == key) &&
            dns_db_prefix_contains(acl, peer->family, peer->addr))
            return true;
    }
    return false;
}

void dns_transfer_start(struct dns_transfer *t, const struct blob *b, const struct blob_dns_zone *zone,
                        const uint8_t *msg, const struct dns_query *q, const struct dns_tsig_state *tsig,
                        uint64_t now)
{
    memset(t, 0, sizeof *t);
    t->signed_request = tsig != NULL;
    if (tsig)
        t->tsig = *tsig;
    t->now = now;
    t->b = b;
    t->zone = zone;
    _Static_assert(sizeof t->query >= DNS_HEADER_SIZE + DNS_NAME_MAX + 4, "a question always fits");
    memcpy(t->query, msg, DNS_HEADER_SIZE + q->question_len);
    t->q = *q;
    t->q.qname = t->query + (q->qname - msg);
}

/* A message of the transfer, begun: the question in every one (RFC 5936
 * 2.2.1 allows it; names are then compressed against the apex), room kept
 * for OPT and an EDE. */
static void begin_message(struct dns_response *r, uint8_t *out, size_t limit, const uint8_t *query,
                          const struct dns_query *q)
{
    dns_response_begin(r, out, limit, query, q);
    dns_response_set(r, DNS_RCODE_NOERROR, DNS_FLAG_AA);
    if (q->has_edns)
        dns_response_reserve(r, DNS_OPT_SIZE + DNS_EDE_SIZE);
}

static void end_message(struct dns_response *r, const struct dns_query *q)
{
    if (q->has_edns)
        dns_response_add_opt(r, DNS_RCODE_NOERROR, q->edns_do, DNS_EDE_NONE, NULL);
}

/* Appends one record; false (nothing written) if it does not fit. */
static bool add_record(struct dns_response *r, const struct blob *b, const struct blob_dns_node *n,
                       const struct blob_dns_rrset *set, uint32_t rdata)
{
    struct blob_dns_rrset one = *set;
    one.rdata_first = set->rdata_first + rdata;
    one.rdata_count = 1;
    return dns_response_add_rrset(r, DNS_SECTION_ANSWER, dns_db_node_name(b, n), n->name.len, b, &one,
                                  UINT32_MAX);
}

/* Moves the cursor to the next record that is not the apex SOA; false at the end. */
static bool next_record(struct dns_transfer *t)
{
    const struct blob *b = t->b;
    const struct blob_dns_rrset *soa = dns_db_soa(b, t->zone);
    for (; t->node < t->zone->node_count; t->node++, t->rrset = 0, t->rdata = 0) {
        const struct blob_dns_node *n = dns_db_zone_node(b, t->zone, t->node);
        for (; t->rrset < n->rrset_count; t->rrset++, t->rdata = 0) {
            const struct blob_dns_rrset *set = dns_db_rrset_at(b, n, t->rrset);
            if (set != soa && t->rdata < set->rdata_count)
                return true;
        }
    }
    return false;
}

bool dns_transfer_done(const struct dns_transfer *t)
{
    return t->done;
}

size_t dns_transfer_soa_answer(const struct blob *b, const struct blob_dns_zone *zone, const uint8_t *msg,
                               const struct dns_query *q, struct dns_tsig_state *tsig, uint64_t now, uint8_t *out,
                               size_t out_size)
{
    struct dns_response r;
    size_t limit = out_size < DNS_UDP_MAX_PLAIN ? out_size : DNS_UDP_MAX_PLAIN;
    size_t signature = tsig ? dns_tsig_rr_size(tsig) : 0;
    begin_message(&r, out, limit - signature, msg, q);
    if (!add_record(&r, b, dns_db_apex(b, zone), dns_db_soa(b, zone), 0))
        return 0;           /* cannot happen: a SOA, its question and a TSIG fit in 512 */
    end_message(&r, q);
    return tsig ? dns_tsig_sign_response(tsig, out, r.len, limit, now) : r.len;
}

size_t dns_transfer_next(struct dns_transfer *t, uint8_t *out, size_t out_size)
{
    if (t->done)
        return 0;
    const struct blob *b = t->b;
    struct dns_response r;
    size_t signature = t->signed_request ? dns_tsig_rr_size(&t->tsig) : 0;
    begin_message(&r, out, (out_size < DNS_TRANSFER_MESSAGE_MAX ? out_size : DNS_TRANSFER_MESSAGE_MAX) - signature,
                  t->query, &t->q);
    const struct blob_dns_node *apex = dns_db_apex(b, t->zone);
    const struct blob_dns_rrset *soa = dns_db_soa(b, t->zone);
    if (!t->soa_sent) {
        if (!add_record(&r, b, apex, soa, 0))
            return 0;       /* cannot happen with the sizes above: a SOA fits in 512 */
        t->soa_sent = true;
    }
    while (next_record(t)) {
        const struct blob_dns_node *n = dns_db_zone_node(b, t->zone, t->node);
        const struct blob_dns_rrset *set = dns_db_rrset_at(b, n, t->rrset);
        if (!add_record(&r, b, n, set, t->rdata)) {
            if (r.counts[DNS_SECTION_ANSWER] > 0)
                goto finish;
            /* A record bigger than our usual message (a huge TXT): it goes
             * alone, in a message as large as DNS over TCP allows. */
            size_t most = out_size < DNS_TCP_MAX ? out_size : DNS_TCP_MAX;
            r.limit = most - signature - (t->q.has_edns ? DNS_OPT_SIZE + DNS_EDE_SIZE : 0);
            if (!add_record(&r, b, n, set, t->rdata))
                return 0;   /* needs more room than out_size: see dns_transfer_done() */
        }
        t->rdata++;
    }
    if (!add_record(&r, b, apex, soa, 0))
        goto finish;        /* the closing SOA goes in the next message */
    t->done = true;
finish:
    end_message(&r, &t->q);
    if (!t->signed_request)
        return r.len;
    /* Signed in the room kept for it; a failure would be a sizing bug:
     * end the transfer rather than send a message unsigned. */
    size_t n = dns_tsig_sign_response(&t->tsig, out, r.len, r.len + signature, t->now);
    if (n == 0)
        t->done = false;
    return n;
}
