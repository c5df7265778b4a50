/* Writing a DNS response: see dns_response.h. */
#include "dns/dns_response.h"

#include <string.h>

#include "wire/dns_name.h"
#include "wire/dns_wire.h"

static size_t question_end(const struct dns_response *r)
{
    return r->qname_off ? r->qname_off + r->qname_len + 4 : DNS_HEADER_SIZE;
}

void dns_response_begin(struct dns_response *r, uint8_t *buf, size_t limit,
                        const uint8_t *query, const struct dns_query *q)
{
    /* Field by field: qlabel[] is read only below qname_len. */
    r->buf = buf;
    r->limit = limit;
    r->counts[0] = r->counts[1] = r->counts[2] = 0;
    r->qname_off = 0;
    r->qname_len = 0;
    r->last_owner = NULL;
    r->last_owner_len = r->last_owner_off = 0;
    dns_put16(buf, q->id);
    /* QR set, opcode and RD copied; everything else starts clear. */
    dns_put16(buf + 2, (uint16_t)(DNS_FLAG_QR | (q->flags & (0x7800u | DNS_FLAG_RD))));
    memset(buf + 4, 0, 8);
    r->len = DNS_HEADER_SIZE;
    if (q->question_len > 0 && DNS_HEADER_SIZE + q->question_len <= limit) {
        memcpy(buf + DNS_HEADER_SIZE, query + DNS_HEADER_SIZE, q->question_len);
        dns_put16(buf + 4, 1);
        r->qname_off = DNS_HEADER_SIZE;
        r->qname_len = q->qname_len;
        memset(r->qlabel, 0, q->qname_len);
        for (size_t i = 0; i < q->qname_len && q->qname[i] != 0; i += 1u + q->qname[i])
            r->qlabel[i] = 1;
        r->len += q->question_len;
    }
}

void dns_response_set(struct dns_response *r, unsigned rcode, uint16_t add_flags)
{
    uint16_t flags = dns_get16(r->buf + 2);
    flags = (uint16_t)((flags & ~0x000fu) | (rcode & 0xfu) | add_flags);
    dns_put16(r->buf + 2, flags);
}

/* Case-insensitive: does name[from..] equal the question name's suffix of
 * the same length, starting on one of its label boundaries? */
static bool matches_question_suffix(const struct dns_response *r, const uint8_t *name,
                                    size_t name_len, size_t from, size_t *q_at)
{
    size_t tail = name_len - from;
    if (r->qname_off == 0 || tail > r->qname_len)
        return false;
    size_t at = r->qname_len - tail;
    if (!r->qlabel[at])
        return false;
    if (!dns_name_equal(name + from, tail, r->buf + r->qname_off + at, tail))
        return false;
    *q_at = r->qname_off + at;
    return true;
}

/* Writes `name`, ending in a pointer into the question where a suffix of it
 * matches; returns bytes written, or 0 if it does not fit. */
static size_t put_name(struct dns_response *r, size_t at, const uint8_t *name, size_t name_len)
{
    for (size_t from = 0; name[from] != 0; from += 1u + name[from]) {
        size_t q_at;
        if (matches_question_suffix(r, name, name_len, from, &q_at)) {
            if (at + from + 2 > r->limit)
                return 0;
            memcpy(r->buf + at, name, from);
            dns_put16(r->buf + at + from, (uint16_t)(0xc000u | q_at));
            return from + 2;
        }
    }
    if (at + name_len > r->limit)
        return 0;
    memcpy(r->buf + at, name, name_len);
    return name_len;
}

/*
 * Writes RDATA at `at`, compressing the domain names of the types RFC 3597
 * section 4 lets us compress (as NSD does: it keeps signed answers within
 * the same sizes): NS, CNAME, SOA, PTR, MX. Returns its length, or 0 if it
 * does not fit.
 */
static size_t put_rdata(struct dns_response *r, size_t at, uint16_t type, const uint8_t *rd, size_t len)
{
    size_t names = 0, skip = 0;
    switch (type) {
    case 2: case 5: case 12:            /* NS, CNAME, PTR: one name */
        names = 1;
        break;
    case 6:                             /* SOA: two names, then 20 bytes */
        names = 2;
        break;
    case 15:                            /* MX: preference, then a name */
        names = 1;
        skip = 2;
        break;
    default:
        break;
    }
    size_t in = skip, out = at + skip;
    if (at + skip > r->limit)
        return 0;
    memcpy(r->buf + at, rd, skip);
    for (size_t k = 0; k < names; k++) {
        size_t name_len = in < len ? dns_name_wire_len(rd + in, len - in) : 0;
        if (name_len == 0)
            break;                      /* not a name after all: copied as it is */
        size_t n = put_name(r, out, rd + in, name_len);
        if (n == 0)
            return 0;
        in += name_len;
        out += n;
    }
    if (out + (len - in) > r->limit)
        return 0;
    memcpy(r->buf + out, rd + in, len - in);
    return out + (len - in) - at;
}

/* Writes a record's owner name at `at`: a pointer to the last owner
 * written when it is the same name, else the name compressed against the
 * question. Returns bytes written, or 0 if it does not fit. */
static size_t put_owner(struct dns_response *r, size_t at, const uint8_t *owner, size_t owner_len)
{
    /* The same bytes are the same name: the records of one RRset
     * compare without a walk. */
    if (r->last_owner && r->last_owner_off < 0x4000 &&
        ((owner == r->last_owner && owner_len == r->last_owner_len) ||
         dns_name_equal(owner, owner_len, r->last_owner, r->last_owner_len))) {
        if (at + 2 > r->limit)
            return 0;
        dns_put16(r->buf + at, (uint16_t)(0xc000u | r->last_owner_off));
        return 2;
    }
    size_t n = put_name(r, at, owner, owner_len);
    if (n > 2 || (n == 2 && (r->buf[at] & 0xc0) != 0xc0)) {
        r->last_owner = owner;
        r->last_owner_len = owner_len;
        r->last_owner_off = at;
    }
    return n;
}

bool dns_response_add_rrset(struct dns_response *r, enum dns_section section,
                            const uint8_t *owner, size_t owner_len, const struct blob *b,
                            const struct blob_dns_rrset *set, uint32_t ttl)
{
    size_t at = r->len;
    struct dns_response_mark mark = dns_response_mark(r);
    if (ttl == UINT32_MAX)
        ttl = set->ttl;
    for (uint32_t i = 0; i < set->rdata_count; i++) {
        struct blob_ref rd = b->rdatas[set->rdata_first + i];
        size_t n = put_owner(r, at, owner, owner_len);
        if (n == 0 || at + n + 10 > r->limit) {
            dns_response_rewind(r, mark);
            return false;
        }
        at += n;
        size_t rd_len = put_rdata(r, at + 10, set->type, blob_bytes(b, rd), rd.len);
        if (rd_len == 0 && rd.len > 0) {
            dns_response_rewind(r, mark);
            return false;
        }
        dns_put16(r->buf + at, set->type);
        dns_put16(r->buf + at + 2, set->rclass);
        dns_put32(r->buf + at + 4, ttl);
        dns_put16(r->buf + at + 8, (uint16_t)rd_len);
        at += 10 + rd_len;
    }
    r->len = at;
    r->counts[section] = (uint16_t)(r->counts[section] + set->rdata_count);
    dns_put16(r->buf + 6 + 2 * section, r->counts[section]);
    return true;
}

bool dns_response_add_record(struct dns_response *r, enum dns_section section, const uint8_t *owner,
                             size_t owner_len, uint16_t type, uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
                             size_t rdata_len)
{
    struct dns_response_mark mark = dns_response_mark(r);
    size_t at = r->len;
    size_t n = put_owner(r, at, owner, owner_len);
    if (n == 0 || rdata_len > 0xffff || at + n + 10 + rdata_len > r->limit) {
        dns_response_rewind(r, mark);
        return false;
    }
    at += n;
    dns_put16(r->buf + at, type);
    dns_put16(r->buf + at + 2, rclass);
    dns_put32(r->buf + at + 4, ttl);
    dns_put16(r->buf + at + 8, (uint16_t)rdata_len);
    memcpy(r->buf + at + 10, rdata, rdata_len);
    r->len = at + 10 + rdata_len;
    r->counts[section]++;
    dns_put16(r->buf + 6 + 2 * section, r->counts[section]);
    return true;
}

/* Appends one option to the OPT record starting at `opt`. */
static void put_option(struct dns_response *r, uint8_t *opt, uint16_t code, const uint8_t *data, uint16_t len)
{
    uint8_t *p = r->buf + r->len;
    dns_put16(p, code);
    dns_put16(p + 2, len);
    if (len)
        memcpy(p + 4, data, len);
    r->len += 4u + len;
    dns_put16(opt + 9, (uint16_t)(dns_get16(opt + 9) + 4u + len));
}

void dns_response_add_opt(struct dns_response *r, unsigned rcode, bool dnssec_ok, uint16_t ede,
                          const struct dns_edns_extra *extra)
{
    size_t extra_size = extra ? dns_edns_extra_size(extra) : 0;
    r->limit += DNS_OPT_SIZE + extra_size;
    uint8_t *p = r->buf + r->len;
    p[0] = 0;                               /* root owner */
    dns_put16(p + 1, DNS_TYPE_OPT);
    dns_put16(p + 3, DNS_EDNS_PAYLOAD);
    dns_put32(p + 5, ((uint32_t)(rcode >> 4) << 24) | (dnssec_ok ? DNS_EDNS_DO : 0));
    dns_put16(p + 9, 0);
    r->len += DNS_OPT_SIZE;
    if (extra && extra->cookie)
        put_option(r, p, 10, extra->cookie, extra->cookie_len);    /* COOKIE */
    if (extra && extra->nsid)
        put_option(r, p, 3, extra->nsid, extra->nsid_len);         /* NSID */
    if (ede != DNS_EDE_NONE && r->len + DNS_EDE_SIZE <= r->limit) {
        uint8_t code[2];
        dns_put16(code, ede);
        put_option(r, p, 15, code, 2);      /* Extended DNS Error */
    }
    r->counts[DNS_SECTION_ADDITIONAL]++;
    dns_put16(r->buf + 10, r->counts[DNS_SECTION_ADDITIONAL]);
}

bool dns_response_add_txt(struct dns_response *r, uint16_t rclass, const uint8_t *text, size_t len)
{
    if (r->qname_off == 0 || len > 255 || r->len + 2 + 10 + 1 + len > r->limit)
        return false;
    uint8_t *p = r->buf + r->len;
    dns_put16(p, (uint16_t)(0xc000u | r->qname_off));
    dns_put16(p + 2, DNS_TYPE_TXT);
    dns_put16(p + 4, rclass);
    dns_put32(p + 6, 0);
    dns_put16(p + 10, (uint16_t)(1 + len));
    p[12] = (uint8_t)len;
    memcpy(p + 13, text, len);
    r->len += 13 + len;
    r->counts[DNS_SECTION_ANSWER]++;
    dns_put16(r->buf + 6, r->counts[DNS_SECTION_ANSWER]);
    return true;
}

void dns_response_drop_question(struct dns_response *r)
{
    r->qname_off = 0;
    r->qname_len = 0;
    memset(r->qlabel, 0, sizeof r->qlabel);
    r->len = DNS_HEADER_SIZE;
    r->last_owner = NULL;
    dns_put16(r->buf + 4, 0);
}

void dns_response_clear_sections(struct dns_response *r)
{
    r->len = question_end(r);
    r->last_owner = NULL;
    memset(r->counts, 0, sizeof r->counts);
    memset(r->buf + 6, 0, 6);
}

void dns_response_rewind(struct dns_response *r, struct dns_response_mark m)
{
    r->len = m.len;
    if (r->last_owner && r->last_owner_off >= m.len)
        r->last_owner = NULL;       /* its bytes are gone */
    for (int i = 0; i < 3; i++) {
        r->counts[i] = m.counts[i];
        dns_put16(r->buf + 6 + 2 * i, m.counts[i]);
    }
}
