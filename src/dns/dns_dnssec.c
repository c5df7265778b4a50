/* DNSSEC records beside answers, and denial of existence: see dns_dnssec.h. */
#include "dns/dns_dnssec.h"

#include <string.h>

#include <bearssl.h>

#include "dns/dns_db.h"
#include "wire/dns_name.h"
#include "wire/dns_wire.h"

bool dnssec_add_signatures(struct dns_response *r, enum dns_section section, const uint8_t *owner,
                           size_t owner_len, const struct blob *b, const struct blob_dns_node *n,
                           uint16_t type, uint32_t ttl)
{
    const struct blob_dns_rrset *sigs = dns_db_signatures(b, n, type);
    return !sigs || dns_response_add_rrset(r, section, owner, owner_len, b, sigs, ttl);
}

bool dnssec_add_all_signatures(struct dns_response *r, enum dns_section section, const uint8_t *owner,
                               size_t owner_len, const struct blob *b, const struct blob_dns_node *n)
{
    for (uint32_t i = 0; i < n->rrset_count; i++) {
        const struct blob_dns_rrset *s = dns_db_rrset_at(b, n, i);
        if (s->type == DNS_TYPE_RRSIG &&
            !dns_response_add_rrset(r, section, owner, owner_len, b, s, UINT32_MAX))
            return false;
    }
    return true;
}

void dnssec_proof_begin(struct dnssec_proof *p, struct dns_response *r, const struct blob *b)
{
    p->r = r;
    p->b = b;
    p->zone = NULL;
    p->sent_count = 0;      /* sent[] is read only below it */
    p->nsec3_usable = false;
}

void dnssec_proof_zone(struct dnssec_proof *p, const struct blob_dns_zone *zone)
{
    const struct blob *b = p->b;
    p->zone = zone;
    p->nsec3_usable = false;
    if (!(zone->flags & BLOB_DNS_ZONE_NSEC3))
        return;
    const struct blob_dns_rrset *param = dns_db_rrset(b, dns_db_apex(b, zone), DNS_TYPE_NSEC3PARAM);
    if (!param)
        return;
    struct blob_ref rd = dns_db_rdata(b, param, 0);
    const uint8_t *d = blob_bytes(b, rd);
    /* SHA-1 only; hashing stops at the iteration cap (RFC 9276). */
    if (rd.len < 5 || rd.len < 5u + d[4] || d[0] != 1 || dns_get16(d + 2) > DNSSEC_NSEC3_ITERATIONS_MAX)
        return;
    p->iterations = dns_get16(d + 2);
    p->salt_len = d[4];
    p->salt = d + 5;
    p->nsec3_usable = true;
}

/* Writes the denial record (NSEC or NSEC3) of node n with its RRSIGs,
 * unless this answer already holds it. */
static bool add_denial_record(struct dnssec_proof *p, const struct blob_dns_node *n, uint16_t type)
{
    for (unsigned i = 0; i < p->sent_count; i++)
        if (p->sent[i] == n)
            return true;
    const struct blob_dns_rrset *set = dns_db_rrset(p->b, n, type);
    if (!set)
        return true;
    const uint8_t *owner = dns_db_node_name(p->b, n);
    struct dns_response_mark mark = dns_response_mark(p->r);
    if (!dns_response_add_rrset(p->r, DNS_SECTION_AUTHORITY, owner, n->name.len, p->b, set, UINT32_MAX) ||
        !dnssec_add_signatures(p->r, DNS_SECTION_AUTHORITY, owner, n->name.len, p->b, n, type, UINT32_MAX)) {
        dns_response_rewind(p->r, mark);
        return false;
    }
    if (p->sent_count < DNSSEC_PROOF_MAX)
        p->sent[p->sent_count++] = n;
    return true;
}

/* The suffix of a wire name that has `labels` labels. */
static const uint8_t *name_suffix(const uint8_t *name, size_t name_len, unsigned labels, size_t *suffix_len)
{
    unsigned skip = dns_name_label_count(name) - labels;
    size_t at = 0;
    while (skip-- > 0)
        at += 1u + name[at];
    *suffix_len = name_len - at;
    return name + at;
}

/* ---- NSEC ----------------------------------------------------------------- */

/* The NSEC that covers a name absent from the zone. */
static bool nsec_cover_key(struct dnssec_proof *p, const uint8_t *key, size_t key_len)
{
    const struct blob_dns_node *cover = dns_db_nsec_cover(p->b, p->zone, key, key_len);
    return !cover || add_denial_record(p, cover, DNS_TYPE_NSEC);
}

static bool nsec_cover_name(struct dnssec_proof *p, const uint8_t *name, size_t name_len)
{
    uint8_t key[DNS_NAME_MAX];
    return nsec_cover_key(p, key, dns_name_to_key(name, name_len, key));
}

/* The NSEC covering "*.<closest encloser>": no wildcard could answer. */
static bool nsec_cover_wildcard(struct dnssec_proof *p, const uint8_t *name, size_t name_len, unsigned ce_labels)
{
    uint8_t key[DNS_NAME_MAX + 2];
    size_t ce_len;
    const uint8_t *ce = name_suffix(name, name_len, ce_labels, &ce_len);
    size_t key_len = dns_name_to_key(ce, ce_len, key);
    if (key_len + 2 > DNS_NAME_MAX - 1)
        return true;            /* "*.<ce>" would be too long to exist */
    key[key_len] = 1;
    key[key_len + 1] = '*';
    return nsec_cover_key(p, key, key_len + 2);
}

static bool nsec_at(struct dnssec_proof *p, const struct blob_dns_node *n)
{
    const struct blob_dns_node *cover = dns_db_nsec_after(p->b, n);
    return !cover || add_denial_record(p, cover, DNS_TYPE_NSEC);
}

/* ---- NSEC3 ---------------------------------------------------------------- */

void dnssec_nsec3_hash(const uint8_t *name, size_t name_len, const uint8_t *salt, size_t salt_len,
                       unsigned iterations, char out[32])
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuv";
    uint8_t h[20];
    br_sha1_context ctx;
    br_sha1_init(&ctx);
    br_sha1_update(&ctx, name, name_len);
    br_sha1_update(&ctx, salt, salt_len);
    br_sha1_out(&ctx, h);
    for (unsigned i = 0; i < iterations; i++) {
        br_sha1_init(&ctx);
        br_sha1_update(&ctx, h, sizeof h);
        br_sha1_update(&ctx, salt, salt_len);
        br_sha1_out(&ctx, h);
    }
    /* 20 bytes are 160 bits: 32 digits of 5 bits, no padding. */
    for (unsigned i = 0; i < 32; i++) {
        unsigned bit = i * 5, byte = bit / 8, shift = bit % 8;
        unsigned v = (unsigned)h[byte] << 8 | (byte + 1 < sizeof h ? h[byte + 1] : 0);
        out[i] = digits[(v >> (11 - shift)) & 31];
    }
}

/* The hash of a suffix of `name` with `labels` labels (or of "*." and
 * that suffix). */
static void hash_suffix(const struct dnssec_proof *p, const uint8_t *name, size_t name_len, unsigned labels,
                        bool wildcard, char out[32])
{
    uint8_t buf[DNS_NAME_MAX + 2];
    size_t len;
    const uint8_t *suffix = name_suffix(name, name_len, labels, &len);
    size_t at = 0;
    if (wildcard) {
        if (len + 2 > DNS_NAME_MAX)
            len = DNS_NAME_MAX - 2;     /* cannot exist: any hash will be covered */
        buf[at++] = 1;
        buf[at++] = '*';
    }
    dns_name_lower(buf + at, suffix, len);
    dnssec_nsec3_hash(buf, at + len, p->salt, p->salt_len, p->iterations, out);
}

/* Adds the NSEC3 matching the suffix (when `match`, if there is one; the
 * result in *found) or covering it. */
static bool nsec3_add(struct dnssec_proof *p, const uint8_t *name, size_t name_len, unsigned labels,
                      bool wildcard, bool match, bool *found)
{
    char hash[32];
    bool exact;
    hash_suffix(p, name, name_len, labels, wildcard, hash);
    const struct blob_dns_node *n = dns_db_nsec3_cover(p->b, p->zone, hash, &exact);
    if (found)
        *found = exact;
    if (!n || (match && !exact))
        return true;
    return add_denial_record(p, n, DNS_TYPE_NSEC3);
}

/* RFC 5155 7.2.1: the NSEC3 matching the closest encloser and the one
 * covering the next closer name. */
static bool nsec3_closest_encloser(struct dnssec_proof *p, const uint8_t *name, size_t name_len, unsigned ce_labels)
{
    return nsec3_add(p, name, name_len, ce_labels, false, true, NULL) &&
           nsec3_add(p, name, name_len, ce_labels + 1, false, false, NULL);
}

static bool nsec3_active(const struct dnssec_proof *p)
{
    return (p->zone->flags & BLOB_DNS_ZONE_NSEC3) && p->nsec3_usable && p->zone->nsec3_count > 0;
}

/* ---- the proofs ------------------------------------------------------------- */

bool dnssec_prove_no_name(struct dnssec_proof *p, const uint8_t *name, size_t name_len, unsigned ce_labels)
{
    if (p->zone->flags & BLOB_DNS_ZONE_NSEC)
        return nsec_cover_name(p, name, name_len) && nsec_cover_wildcard(p, name, name_len, ce_labels);
    if (!nsec3_active(p))
        return true;
    return nsec3_closest_encloser(p, name, name_len, ce_labels) &&
           nsec3_add(p, name, name_len, ce_labels, true, false, NULL);
}

bool dnssec_prove_no_type(struct dnssec_proof *p, const struct blob_dns_node *n)
{
    if (p->zone->flags & BLOB_DNS_ZONE_NSEC)
        return nsec_at(p, n);
    if (!nsec3_active(p))
        return true;
    const uint8_t *name = dns_db_node_name(p->b, n);
    unsigned labels = dns_name_label_count(name);
    bool found;
    /* At a wildcard, the NSEC3 of its parent too: with it the answer is
     * the closest encloser proof of RFC 5155 7.2.5, as NSD gives it. */
    if ((n->flags & BLOB_DNS_NODE_WILDCARD) && !nsec3_add(p, name, n->name.len, labels - 1, false, true, NULL))
        return false;
    if (!nsec3_add(p, name, n->name.len, labels, false, true, &found))
        return false;
    if (found)
        return true;
    /* No NSEC3 of its own: a name in an opt-out span (an unsigned cut, or
     * an empty non-terminal above only such cuts). The closest provable
     * encloser proof shows the span is opt-out (RFC 5155 7.2.4, 7.2.7). */
    unsigned apex_labels = dns_name_label_count(dns_db_node_name(p->b, dns_db_apex(p->b, p->zone)));
    for (unsigned k = labels; k-- > apex_labels;) {
        if (!nsec3_add(p, name, n->name.len, k, false, true, &found))
            return false;
        if (found)
            return nsec3_add(p, name, n->name.len, k + 1, false, false, NULL);
    }
    return true;
}

bool dnssec_prove_wildcard_answer(struct dnssec_proof *p, const uint8_t *name, size_t name_len,
                                  unsigned ce_labels)
{
    if (p->zone->flags & BLOB_DNS_ZONE_NSEC)
        return nsec_cover_name(p, name, name_len);
    if (!nsec3_active(p))
        return true;
    return nsec3_add(p, name, name_len, ce_labels + 1, false, false, NULL);
}

bool dnssec_prove_wildcard_no_type(struct dnssec_proof *p, const uint8_t *name, size_t name_len,
                                   unsigned ce_labels, const struct blob_dns_node *wildcard)
{
    if (p->zone->flags & BLOB_DNS_ZONE_NSEC)
        return nsec_cover_name(p, name, name_len) && nsec_at(p, wildcard);
    if (!nsec3_active(p))
        return true;
    return nsec3_closest_encloser(p, name, name_len, ce_labels) &&
           nsec3_add(p, name, name_len, ce_labels, true, true, NULL);
}

bool dnssec_prove_unsigned_referral(struct dnssec_proof *p, const struct blob_dns_node *cut)
{
    return dnssec_prove_no_type(p, cut);
}
