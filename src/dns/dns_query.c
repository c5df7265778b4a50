/* Parsing a DNS query: see dns_query.h. RFC 1035 4.1, RFC 6891 6.1. */
#include "dns/dns_query.h"

#include <string.h>

#include "wire/dns_name.h"
#include "wire/dns_wire.h"

/* Skips one resource record; returns the offset after it, 0 if bad. */
static size_t skip_rr(const uint8_t *msg, size_t len, size_t off)
{
    off = dns_name_skip(msg, len, off);
    if (off == 0 || off + 10 > len)
        return 0;
    size_t rdlen = dns_get16(msg + off + 8);
    off += 10 + rdlen;
    return off <= len ? off : 0;
}

/* The options of an OPT record: NSID and COOKIE noted, the others
 * ignored (RFC 6891 6.1.2). False when they overrun the RDATA, or a
 * COOKIE comes twice. */
static bool read_options(const uint8_t *p, size_t len, struct dns_query *q)
{
    while (len > 0) {
        if (len < 4)
            return false;
        uint16_t code = dns_get16(p), size = dns_get16(p + 2);
        if ((size_t)size > len - 4)
            return false;
        if (code == DNS_OPTION_NSID) {
            q->nsid = true;
        } else if (code == DNS_OPTION_COOKIE) {
            if (q->cookie)
                return false;
            q->cookie = p + 4;
            q->cookie_len = size;
        }
        p += 4u + size;
        len -= 4u + size;
    }
    return true;
}

enum dns_parse_result dns_query_parse(const uint8_t *msg, size_t len, struct dns_query *q)
{
    memset(q, 0, sizeof *q);
    if (len < DNS_HEADER_SIZE)
        return DNS_PARSE_DROP;
    q->id = dns_get16(msg);
    q->flags = dns_get16(msg + 2);
    if (q->flags & DNS_FLAG_QR)
        return DNS_PARSE_DROP;      /* never answer a response: no loops, no reflection */

    uint16_t qdcount = dns_get16(msg + 4), ancount = dns_get16(msg + 6);
    uint16_t nscount = dns_get16(msg + 8), arcount = dns_get16(msg + 10);
    size_t off = DNS_HEADER_SIZE;

    if (qdcount == 1) {
        /* The question's name is never compressed in practice, and a pointer
         * there could only point backwards into the header: reject it. */
        size_t name_len = dns_name_wire_len(msg + off, len - off);
        if (name_len != 0 && off + name_len + 4 <= len) {
            q->qname = msg + off;
            q->qname_len = name_len;
            q->qtype = dns_get16(msg + off + name_len);
            q->qclass = dns_get16(msg + off + name_len + 2);
            q->question_len = name_len + 4;
            off += q->question_len;
        }
    }
    if (DNS_OPCODE(q->flags) != 0)
        return DNS_PARSE_NOTIMP;
    /* No question: only a cookie exchange may omit it (RFC 7873 5.4),
     * which needs the additional section read. */
    if (qdcount > 1 || (qdcount == 1 && q->question_len == 0))
        return DNS_PARSE_FORMERR;

    /* A query carries no answer or authority records, but for the client's
     * SOA that an IXFR query holds in its authority section (RFC 1995 3). */
    bool ixfr_soa = q->qtype == DNS_TYPE_IXFR && nscount == 1;
    if (ancount != 0 || (nscount != 0 && !ixfr_soa))
        return DNS_PARSE_FORMERR;
    if (ixfr_soa && (off = skip_rr(msg, len, off)) == 0)
        return DNS_PARSE_FORMERR;

    bool badvers = false;
    for (uint16_t i = 0; i < arcount; i++) {
        size_t rr = off;
        size_t end = skip_rr(msg, len, off);
        if (end == 0)
            return DNS_PARSE_FORMERR;
        uint16_t type = dns_get16(msg + dns_name_skip(msg, len, rr));
        if (type == DNS_TYPE_TSIG) {
            /* The last record, and only one (RFC 8945 5.1); dns_tsig.h
             * reads and checks it. */
            if (i != arcount - 1)
                return DNS_PARSE_FORMERR;
            q->tsig_off = rr;
        } else if (msg[rr] == 0 && type == DNS_TYPE_OPT) {
            if (q->has_edns)
                return DNS_PARSE_FORMERR;   /* RFC 6891 6.1.1: more than one OPT */
            q->has_edns = true;
            uint16_t payload = dns_get16(msg + rr + 3);
            q->edns_payload = payload < DNS_UDP_MAX_PLAIN ? DNS_UDP_MAX_PLAIN : payload;
            uint32_t ttl = dns_get32(msg + rr + 5);
            q->edns_do = (ttl & DNS_EDNS_DO) != 0;
            if (((ttl >> 16) & 0xff) != 0)
                badvers = true;
            if (!read_options(msg + rr + 11, dns_get16(msg + rr + 9), q))
                return DNS_PARSE_FORMERR;
        } else if (type == DNS_TYPE_OPT) {
            return DNS_PARSE_FORMERR;       /* OPT must be owned by the root */
        }
        off = end;
    }
    if (off != len)
        return DNS_PARSE_FORMERR;           /* trailing garbage */
    if (badvers)
        return DNS_PARSE_BADVERS;
    if (qdcount == 0)
        return q->cookie ? DNS_PARSE_COOKIE_PROBE : DNS_PARSE_FORMERR;
    return DNS_PARSE_OK;
}
