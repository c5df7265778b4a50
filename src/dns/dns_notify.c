/* NOTIFY messages: see dns_notify.h. */
#include "dns/dns_notify.h"

#include <string.h>

#include "dns/dns_db.h"
#include "dns/dns_query.h"
#include "dns/dns_response.h"
#include "wire/dns_name.h"
#include "wire/dns_wire.h"

uint32_t dns_notify_serial(const struct blob *b, const struct blob_dns_zone *z)
{
    struct blob_ref rd = dns_db_rdata(b, dns_db_soa(b, z), 0);
    /* SERIAL is the first of the five integers that end an SOA. */
    return rd.len >= 20 ? dns_get32(blob_bytes(b, rd) + rd.len - 20) : 0;
}

size_t dns_notify_make(const struct blob *b, const struct blob_dns_zone *z, uint16_t id, uint8_t *out,
                       size_t room)
{
    const uint8_t *apex = blob_bytes(b, z->apex);
    size_t question_len = z->apex.len + 4;
    if (room < DNS_HEADER_SIZE + question_len)
        return 0;
    /* The question is written as a query's, so dns_response can append
     * the SOA compressed against it. */
    uint8_t query[DNS_HEADER_SIZE + DNS_NAME_MAX + 4];
    memset(query, 0, DNS_HEADER_SIZE);
    dns_put16(query, id);
    dns_put16(query + 2, (uint16_t)(DNS_OPCODE_NOTIFY << 11));
    dns_put16(query + 4, 1);
    memcpy(query + DNS_HEADER_SIZE, apex, z->apex.len);
    dns_put16(query + DNS_HEADER_SIZE + z->apex.len, DNS_TYPE_SOA);
    dns_put16(query + DNS_HEADER_SIZE + z->apex.len + 2, DNS_CLASS_IN);
    struct dns_query q;
    memset(&q, 0, sizeof q);
    q.id = id;
    q.flags = (uint16_t)(DNS_OPCODE_NOTIFY << 11);
    q.qname = query + DNS_HEADER_SIZE;
    q.qname_len = z->apex.len;
    q.qtype = DNS_TYPE_SOA;
    q.qclass = DNS_CLASS_IN;
    q.question_len = question_len;

    struct dns_response r;
    dns_response_begin(&r, out, room, query, &q);
    /* A request, not a response: QR clear, AA set (RFC 1996 3.7). */
    dns_put16(out + 2, (uint16_t)(DNS_OPCODE_NOTIFY << 11 | DNS_FLAG_AA));
    if (!dns_response_add_rrset(&r, DNS_SECTION_ANSWER, apex, z->apex.len, b, dns_db_soa(b, z), UINT32_MAX))
        return DNS_HEADER_SIZE + question_len;     /* the SOA is optional */
    return r.len;
}

enum dns_notify_reply dns_notify_check_reply(const struct blob *b, const struct blob_dns_zone *z, uint16_t id,
                                             const uint8_t *msg, size_t len, unsigned *rcode)
{
    if (len < DNS_HEADER_SIZE || dns_get16(msg) != id)
        return DNS_NOTIFY_NOT_OURS;
    uint16_t flags = dns_get16(msg + 2);
    if (!(flags & DNS_FLAG_QR) || DNS_OPCODE(flags) != DNS_OPCODE_NOTIFY || dns_get16(msg + 4) != 1)
        return DNS_NOTIFY_NOT_OURS;
    size_t name_len = dns_name_wire_len(msg + DNS_HEADER_SIZE, len - DNS_HEADER_SIZE);
    if (name_len == 0 || DNS_HEADER_SIZE + name_len + 4 > len ||
        !dns_name_equal(msg + DNS_HEADER_SIZE, name_len, blob_bytes(b, z->apex), z->apex.len) ||
        dns_get16(msg + DNS_HEADER_SIZE + name_len) != DNS_TYPE_SOA ||
        dns_get16(msg + DNS_HEADER_SIZE + name_len + 2) != DNS_CLASS_IN)
        return DNS_NOTIFY_NOT_OURS;
    *rcode = flags & 0xfu;
    return *rcode == DNS_RCODE_NOERROR ? DNS_NOTIFY_ACKED : DNS_NOTIFY_REFUSED;
}
