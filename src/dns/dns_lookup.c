/* A host name's addresses through a recursive resolver: see dns_lookup.h. */
#include "dns/dns_lookup.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wire/dns_wire.h"

size_t dns_lookup_query(struct dns_lookup *l, const char *host, uint16_t qtype, uint16_t id, uint8_t *out)
{
    memset(l, 0, sizeof *l);
    if (qtype != DNS_TYPE_A && qtype != DNS_TYPE_AAAA)
        return 0;
    l->qname_len = dns_name_from_host(host, l->qname);
    if (l->qname_len == 0)
        return 0;
    l->id = id;
    l->qtype = qtype;
    size_t n = 0;
    dns_put16(out, id);
    dns_put16(out + 2, DNS_FLAG_RD);
    dns_put16(out + 4, 1);      /* QDCOUNT */
    dns_put16(out + 6, 0);
    dns_put16(out + 8, 0);
    dns_put16(out + 10, 1);     /* ARCOUNT: the OPT */
    n = DNS_HEADER_SIZE;
    memcpy(out + n, l->qname, l->qname_len);
    n += l->qname_len;
    dns_put16(out + n, qtype);
    dns_put16(out + n + 2, DNS_CLASS_IN);
    n += 4;
    /* OPT: root owner, our payload size, no extended flags, no options. */
    out[n++] = 0;
    dns_put16(out + n, DNS_TYPE_OPT);
    dns_put16(out + n + 2, DNS_EDNS_PAYLOAD);
    dns_put32(out + n + 4, 0);
    dns_put16(out + n + 8, 0);
    return n + 10;
}

static int failed(char *why, size_t size, const char *text)
{
    snprintf(why, size, "%s", text);
    return DNS_LOOKUP_FAILED;
}

int dns_lookup_answer(const struct dns_lookup *l, const uint8_t *msg, size_t len, uint8_t addrs[][16], size_t max,
                      uint32_t *ttl, char *why, size_t why_size)
{
    *ttl = UINT32_MAX;
    if (len < DNS_HEADER_SIZE || dns_get16(msg) != l->id)
        return DNS_LOOKUP_NOT_OURS;
    uint16_t flags = dns_get16(msg + 2);
    if (!(flags & DNS_FLAG_QR) || DNS_OPCODE(flags) != 0 || dns_get16(msg + 4) != 1)
        return DNS_LOOKUP_NOT_OURS;
    uint8_t name[DNS_NAME_MAX];
    size_t name_len;
    size_t at = dns_name_read(msg, len, DNS_HEADER_SIZE, name, &name_len);
    if (at == 0 || at + 4 > len || name_len != l->qname_len || memcmp(name, l->qname, name_len) != 0 ||
        dns_get16(msg + at) != l->qtype || dns_get16(msg + at + 2) != DNS_CLASS_IN)
        return DNS_LOOKUP_NOT_OURS;
    at += 4;
    if (flags & DNS_FLAG_TC)
        return DNS_LOOKUP_TRUNCATED;
    unsigned rcode = flags & 0xfu;
    if (rcode == DNS_RCODE_NXDOMAIN)
        return DNS_LOOKUP_NO_ADDRESS;
    if (rcode != DNS_RCODE_NOERROR) {
        snprintf(why, why_size, "the resolver answered rcode %u%s", rcode,
                 rcode == DNS_RCODE_SERVFAIL ? " (SERVFAIL)" : rcode == DNS_RCODE_REFUSED ? " (REFUSED)" : "");
        return DNS_LOOKUP_FAILED;
    }

    /* The answer section, read once into a bounded list of what matters:
     * CNAMEs and records of our type, with their owners. */
    unsigned answers = dns_get16(msg + 6);
    uint8_t target[DNS_NAME_MAX];
    size_t target_len = l->qname_len;
    memcpy(target, l->qname, target_len);
    size_t found = 0;
    for (unsigned links = 0; links <= DNS_LOOKUP_CNAME_MAX; links++) {
        bool moved = false;
        size_t pos = at;
        for (unsigned i = 0; i < answers; i++) {
            size_t p = dns_name_read(msg, len, pos, name, &name_len);
            if (p == 0 || p + 10 > len)
                return failed(why, why_size, "a malformed answer section");
            uint16_t type = dns_get16(msg + p), klass = dns_get16(msg + p + 2);
            uint32_t rr_ttl = dns_get32(msg + p + 4);
            size_t rdlen = dns_get16(msg + p + 8);
            size_t rdata = p + 10;
            if (rdata + rdlen > len)
                return failed(why, why_size, "a record runs past the answer's end");
            pos = rdata + rdlen;
            if (klass != DNS_CLASS_IN || name_len != target_len || memcmp(name, target, name_len) != 0)
                continue;
            if (type == DNS_TYPE_CNAME && !moved && found == 0) {
                uint8_t next[DNS_NAME_MAX];
                size_t next_len;
                if (dns_name_read(msg, len, rdata, next, &next_len) != rdata + rdlen)
                    return failed(why, why_size, "a malformed CNAME");
                memcpy(target, next, next_len);
                target_len = next_len;
                if (rr_ttl < *ttl)
                    *ttl = rr_ttl;
                moved = true;
            } else if (type == l->qtype && !moved) {
                size_t want = type == DNS_TYPE_A ? 4 : 16;
                if (rdlen != want)
                    return failed(why, why_size, "an address record of the wrong length");
                if (found < max) {
                    memset(addrs[found], 0, 16);
                    memcpy(addrs[found], msg + rdata, want);
                    found++;
                }
                if (rr_ttl < *ttl)
                    *ttl = rr_ttl;
            }
        }
        if (!moved)
            return (int)found;
    }
    return failed(why, why_size, "a CNAME chain longer than 8 links");
}
