/* Validating and indexing a content blob: see blob.h and blob_format.h. */
#include "content/blob.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <bearssl.h>

#include "crypto/sha256_ni.h"
#include "wire/dns_name.h"
#include "wire/dns_wire.h"

_Static_assert(sizeof(struct blob_preamble) == 56, "preamble layout is part of the format");
_Static_assert(sizeof(struct blob_http_file) == 88, "record layout is part of the format");
_Static_assert(sizeof(struct blob_dns_zone) == 56, "record layout is part of the format");
_Static_assert(sizeof(struct blob_dns_node) == 32, "record layout is part of the format");
_Static_assert(sizeof(struct blob_dns_rrset) == 16, "record layout is part of the format");
_Static_assert(sizeof(struct blob_dns_acl) == 20, "record layout is part of the format");
_Static_assert(sizeof(struct blob_http_redirect) == 24, "record layout is part of the format");
_Static_assert(sizeof(struct blob_http_file_heads) == 48, "record layout is part of the format");
_Static_assert(sizeof(struct blob_dns_notify) == 24, "record layout is part of the format");
_Static_assert(sizeof(struct blob_dns_tsig_key) == 24, "record layout is part of the format");
_Static_assert(sizeof(struct blob_dns_server) == 64, "record layout is part of the format");
_Static_assert(BLOB_HTTP_HEAD_MAX <= UINT16_MAX, "a head's cuts are 16-bit offsets");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the blob is read in place: this reader needs a little-endian machine"
#endif

static int ref_ok(const struct blob *b, struct blob_ref r)
{
    return r.len == 0 || ((uint64_t)r.off + r.len <= b->size);
}

static int range_ok(uint32_t first, uint32_t count, uint32_t limit)
{
    return (uint64_t)first + count <= limit;
}

/* An address prefix, and the key it names if any (tsig_keys is indexed
 * before the zones are checked). */
static bool acl_ok(const struct blob *b, const struct blob_dns_acl *a)
{
    return ((a->family == 4 && a->prefix_len <= 32) || (a->family == 6 && a->prefix_len <= 128)) &&
           (a->key == BLOB_DNS_NO_KEY || a->key < b->tsig_key_count);
}

/* Bytes the engine copies into a response header: visible ASCII and spaces
 * only, so no blob can split or inject a header line. */
static int header_value_ok(const struct blob *b, struct blob_ref r)
{
    const uint8_t *p = blob_bytes(b, r);
    for (uint32_t i = 0; i < r.len; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            return 0;
    return 1;
}

/* Sorted strictly by memcmp, the shorter first on a tie (so no duplicates). */
static int sorted_after(const struct blob *b, struct blob_ref prev, struct blob_ref cur)
{
    size_t n = prev.len < cur.len ? prev.len : cur.len;
    int c = memcmp(blob_bytes(b, prev), blob_bytes(b, cur), n);
    return c < 0 || (c == 0 && prev.len < cur.len);
}

static int check_redirects(const struct blob *b, const char **error)
{
    for (uint32_t i = 0; i < b->redirect_count; i++) {
        const struct blob_http_redirect *r = &b->redirects[i];
        if (!ref_ok(b, r->from) || !ref_ok(b, r->to)) {
            *error = "an HTTP redirect refers outside the blob";
            return -1;
        }
        if (r->from.len == 0 || blob_bytes(b, r->from)[0] != '/' || r->to.len == 0 ||
            r->to.len > BLOB_HTTP_REDIRECT_TARGET_MAX || !header_value_ok(b, r->to) ||
            !header_value_ok(b, r->from)) {
            *error = "an HTTP redirect's source or target is malformed";
            return -1;
        }
        if (r->status != 301 && r->status != 302 && r->status != 307 && r->status != 308) {
            *error = "an HTTP redirect's status is not 301, 302, 307 or 308";
            return -1;
        }
        if (i > 0 && !sorted_after(b, b->redirects[i - 1].from, r->from)) {
            *error = "HTTP redirects are not sorted by source";
            return -1;
        }
    }
    return 0;
}

/* RFC 9110 5.6.2 tchar: what a field name is made of. */
static bool is_tchar(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* Names of lines the engine writes itself (Date, Server, Connection; a
 * range's Content-Range and Content-Length) or that frame the message: a
 * stored line naming one would give a response two of them, or a length
 * that is not its body's. The stored Content-Length has a run of its own. */
static bool name_is_the_engines(const uint8_t *name, size_t len)
{
    static const char *const names[] = {"Connection", "Content-Length", "Content-Range", "Date", "Server",
                                        "Transfer-Encoding"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == len && strncasecmp((const char *)name, names[i], len) == 0)
            return true;
    return false;
}

/*
 * One line of a head at `p` (`left` bytes on): "Name: value\r\n", the name
 * a token, the value visible ASCII and inner spaces (no CR or LF anywhere
 * else, nothing a client could read as another line). Returns its length,
 * 0 if malformed; *name_len is the name's.
 */
static size_t head_line(const uint8_t *p, size_t left, size_t *name_len)
{
    size_t i = 0;
    while (i < left && is_tchar(p[i]))
        i++;
    *name_len = i;
    if (i == 0 || i + 2 > left || p[i] != ':' || p[i + 1] != ' ')
        return 0;
    size_t value = i += 2;
    while (i < left && p[i] >= 0x20 && p[i] <= 0x7e)
        i++;
    if (i == value || p[value] == ' ' || p[i - 1] == ' ' || i + 2 > left || p[i] != '\r' || p[i + 1] != '\n')
        return 0;
    return i + 2;
}

/* "Content-Length: N\r\n" with N = `length` in decimal, nothing else. */
static bool is_length_line(const uint8_t *p, size_t len, uint32_t length)
{
    char line[32];
    int n = snprintf(line, sizeof line, "Content-Length: %u\r\n", (unsigned)length);
    return n > 0 && (size_t)n == len && memcmp(p, line, len) == 0;
}

/*
 * A representation's header lines (see struct blob_http_head): inside the
 * blob and within BLOB_HTTP_HEAD_MAX (the engine's buffer is sized by it),
 * well-formed lines, the cuts in order at line starts, the length run
 * exactly the body's Content-Length and no other line naming one the
 * engine writes. `body` is the representation's; an absent one (len 0,
 * only a coding: gzip or brotli) has a head of zeros.
 */
static bool head_ok(const struct blob *b, const struct blob_http_head *h, struct blob_ref body, bool present)
{
    if (!present)
        return h->lines.len == 0 && h->lines.off == 0 && h->not_modified_end == 0 && h->content_end == 0 &&
               h->ranges_end == 0 && h->length_end == 0;
    if (h->lines.len == 0 || h->lines.len > BLOB_HTTP_HEAD_MAX || !ref_ok(b, h->lines) ||
        h->not_modified_end > h->content_end || h->content_end > h->ranges_end ||
        h->ranges_end > h->length_end || h->length_end > h->lines.len)
        return false;
    const uint8_t *p = blob_bytes(b, h->lines);
    const uint16_t cuts[] = {h->not_modified_end, h->content_end, h->ranges_end, h->length_end};
    size_t cut = 0, length_lines = 0;
    for (size_t at = 0; at < h->lines.len;) {
        /* A cut inside a line is never passed: `cut` then stops short. */
        while (cut < 4 && cuts[cut] == at)
            cut++;
        size_t name_len, n = head_line(p + at, h->lines.len - at, &name_len);
        if (n == 0)
            return false;
        if (at >= h->ranges_end && at < h->length_end) {
            length_lines++;
            if (!is_length_line(p + at, n, body.len))
                return false;
        } else if (name_is_the_engines(p + at, name_len)) {
            return false;
        }
        at += n;
    }
    /* Every cut met at a line start (one at the very end included), and
     * the length run is that one line. */
    while (cut < 4 && cuts[cut] == h->lines.len)
        cut++;
    return cut == 4 && length_lines == 1;
}

/*
 * A file's representations: each inside the blob with a bounded,
 * printable ETag and its header lines; the ETags of those present all
 * different, since If-None-Match and If-Range pick a representation by
 * its ETag alone.
 */
static int check_representations(const struct blob *b, const struct blob_http_file *f, const char **error)
{
    struct blob_http_representation r[BLOB_HTTP_CODINGS];
    for (int c = 0; c < BLOB_HTTP_CODINGS; c++) {
        r[c] = blob_http_representation(b, f, (enum blob_http_coding)c);
        if (!ref_ok(b, r[c].body) || !ref_ok(b, r[c].etag)) {
            *error = "an HTTP file refers outside the blob";
            return -1;
        }
        if (r[c].etag.len > 64 || !header_value_ok(b, r[c].etag)) {
            *error = "an HTTP file's ETag is too long or holds control bytes";
            return -1;
        }
        if (!head_ok(b, r[c].head, r[c].body, r[c].present)) {
            *error = "an HTTP file's header lines are malformed or do not match it";
            return -1;
        }
        for (int k = 0; k < c; k++)
            if (r[c].present && r[k].present && r[c].etag.len == r[k].etag.len &&
                memcmp(blob_bytes(b, r[c].etag), blob_bytes(b, r[k].etag), r[c].etag.len) == 0) {
                *error = "two representations of an HTTP file share an ETag";
                return -1;
            }
    }
    return 0;
}

static int check_http(const struct blob *b, const char **error)
{
    if (b->dir->tables[BLOB_TABLE_HTTP_HEADS].count != b->http_file_count) {
        *error = "the blob's HTTP header lines are not one per file";
        return -1;
    }
    for (uint32_t i = 0; i < b->http_file_count; i++) {
        const struct blob_http_file *f = &b->http_files[i];
        if (!ref_ok(b, f->path) || !ref_ok(b, f->content_type) || !ref_ok(b, f->cache_control)) {
            *error = "an HTTP file refers outside the blob";
            return -1;
        }
        if (f->cache_control.len > BLOB_HTTP_CACHE_CONTROL_MAX || f->content_type.len > 128) {
            *error = "an HTTP file's header value is too long";
            return -1;
        }
        if (!header_value_ok(b, f->content_type) || !header_value_ok(b, f->cache_control)) {
            *error = "an HTTP file's header value holds control bytes";
            return -1;
        }
        if (f->path.len == 0 || blob_bytes(b, f->path)[0] != '/') {
            *error = "an HTTP file path does not start with '/'";
            return -1;
        }
        if (i > 0) {
            const struct blob_http_file *p = &b->http_files[i - 1];
            size_t n = p->path.len < f->path.len ? p->path.len : f->path.len;
            int c = memcmp(blob_bytes(b, p->path), blob_bytes(b, f->path), n);
            if (c > 0 || (c == 0 && p->path.len >= f->path.len)) {
                *error = "HTTP files are not sorted by path";
                return -1;
            }
        }
        /* What the engine copies into responses as they are. */
        if (check_representations(b, f, error) != 0)
            return -1;
    }
    return 0;
}

/* A node's name must be a valid wire name and its key must be that name's
 * key: the engine walks names and binary-searches keys without checks. */
static int node_name_ok(const struct blob *b, const struct blob_dns_node *n)
{
    if (!ref_ok(b, n->name) || !ref_ok(b, n->key) || n->name.len == 0 ||
        dns_name_wire_len(blob_bytes(b, n->name), n->name.len) != n->name.len)
        return 0;
    uint8_t key[DNS_NAME_MAX];
    size_t key_len = dns_name_to_key(blob_bytes(b, n->name), n->name.len, key);
    return key_len == n->key.len && memcmp(key, blob_bytes(b, n->key), key_len) == 0;
}

static int node_has_type(const struct blob *b, const struct blob_dns_node *n, uint16_t type)
{
    for (uint32_t k = 0; k < n->rrset_count; k++)
        if (b->rrsets[n->rrset_first + k].type == type)
            return 1;
    return 0;
}

/* The additional-section targets of a node's records (blob_format.h): a
 * node of the same zone with the target's very name, or none; none for
 * the types that have no such target. The engine follows them without
 * looking the name up again. */
static int targets_ok(const struct blob *b, const struct blob_dns_zone *z, const struct blob_dns_node *n)
{
    for (uint32_t k = 0; k < n->rrset_count; k++) {
        const struct blob_dns_rrset *s = &b->rrsets[n->rrset_first + k];
        int skip = s->type == DNS_TYPE_CNAME ? -1 : dns_rdata_target_offset(s->type);
        for (uint32_t r = 0; r < s->rdata_count; r++) {
            uint32_t target = b->targets[s->rdata_first + r];
            if (target == BLOB_DNS_NO_TARGET)
                continue;
            if (skip < 0 || target < z->node_first || target - z->node_first >= z->node_count)
                return 0;
            /* check_dns() made sure the RDATA holds a whole name there. */
            struct blob_ref rd = b->rdatas[s->rdata_first + r];
            uint8_t key[DNS_NAME_MAX];
            size_t key_len = dns_name_to_key(blob_bytes(b, rd) + skip, rd.len - (size_t)skip, key);
            const struct blob_dns_node *t = &b->nodes[target];
            if (t->key.len != key_len || memcmp(blob_bytes(b, t->key), key, key_len) != 0)
                return 0;
        }
    }
    return 1;
}

static int check_zone(const struct blob *b, const struct blob_dns_zone *z, const char **error)
{
    const struct blob_dns_node *apex = &b->nodes[z->node_first];
    if (apex->key.len != z->apex_key.len || apex->name.len != z->apex.len ||
        memcmp(blob_bytes(b, apex->key), blob_bytes(b, z->apex_key), z->apex_key.len) != 0 ||
        memcmp(blob_bytes(b, apex->name), blob_bytes(b, z->apex), z->apex.len) != 0) {
        *error = "a DNS zone does not start with its apex";
        return -1;
    }
    const struct blob_dns_rrset *soa = &b->rrsets[z->soa_rrset];
    if (z->soa_rrset < apex->rrset_first || z->soa_rrset >= apex->rrset_first + apex->rrset_count ||
        soa->type != 6 || soa->rdata_count != 1 || b->rdatas[soa->rdata_first].len < 22) {
        *error = "a DNS zone's SOA is missing or malformed";
        return -1;
    }
    for (uint32_t i = 1; i < z->node_count; i++) {
        const struct blob_dns_node *prev = &b->nodes[z->node_first + i - 1];
        const struct blob_dns_node *n = &b->nodes[z->node_first + i];
        if (dns_key_compare(blob_bytes(b, prev->key), prev->key.len, blob_bytes(b, n->key), n->key.len) >= 0) {
            *error = "DNS names are not in canonical order";
            return -1;
        }
        if (n->key.len <= z->apex_key.len ||
            memcmp(blob_bytes(b, n->key), blob_bytes(b, z->apex_key), z->apex_key.len) != 0) {
            *error = "a DNS name lies outside its zone";
            return -1;
        }
    }
    /* Denial-of-existence links must stay inside the zone and point at
     * nodes that hold the record the engine will read there. */
    for (uint32_t i = 0; i < z->node_count; i++) {
        uint32_t link = b->nodes[z->node_first + i].nsec_node;
        if (link == UINT32_MAX)
            continue;
        if (!(z->flags & BLOB_DNS_ZONE_NSEC) || link < z->node_first || link > z->node_first + i ||
            !node_has_type(b, &b->nodes[link], 47)) {
            *error = "a DNS name's NSEC link is wrong";
            return -1;
        }
    }
    if (!range_ok(z->nsec3_first, z->nsec3_count, b->nsec3_count) ||
        (z->nsec3_count > 0) != ((z->flags & BLOB_DNS_ZONE_NSEC3) != 0)) {
        *error = "a DNS zone's NSEC3 index is wrong";
        return -1;
    }
    for (uint32_t i = 0; i < z->nsec3_count; i++) {
        uint32_t node = b->nsec3[z->nsec3_first + i];
        if (node < z->node_first || node >= z->node_first + z->node_count ||
            !node_has_type(b, &b->nodes[node], 50)) {
            *error = "a DNS zone's NSEC3 index is wrong";
            return -1;
        }
    }
    for (uint32_t i = 0; i < z->node_count; i++)
        if (!targets_ok(b, z, &b->nodes[z->node_first + i])) {
            *error = "a DNS record's additional-section target is wrong";
            return -1;
        }
    if (!range_ok(z->acl_first, z->acl_count, b->acl_count)) {
        *error = "a DNS zone's transfer ACL lies outside the blob";
        return -1;
    }
    for (uint32_t i = 0; i < z->acl_count; i++)
        if (!acl_ok(b, &b->acls[z->acl_first + i])) {
            *error = "a DNS zone's transfer ACL entry is malformed";
            return -1;
        }
    if (!range_ok(z->notify_first, z->notify_count, b->notify_count)) {
        *error = "a DNS zone's NOTIFY targets lie outside the blob";
        return -1;
    }
    return 0;
}

/* ---- the server-wide DNS options ------------------------------------------ */

/* What a blob without a server record gets: what crunch writes when
 * dns.conf is absent. */
static const struct blob_dns_server server_defaults = {
    .rrl_rate = BLOB_DNS_RRL_RATE_DEFAULT,
    .rrl_slip = BLOB_DNS_RRL_SLIP_DEFAULT,
    .rrl_ipv4_prefix = BLOB_DNS_RRL_IPV4_PREFIX_DEFAULT,
    .rrl_ipv6_prefix = BLOB_DNS_RRL_IPV6_PREFIX_DEFAULT,
    .flags = BLOB_DNS_SERVER_FLAGS_DEFAULT,
};

static bool printable(const struct blob *b, struct blob_ref r)
{
    const uint8_t *p = blob_bytes(b, r);
    for (uint32_t i = 0; i < r.len; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            return false;
    return true;
}

static int check_dns_server(const struct blob *b, uint32_t count, const char **error)
{
    const struct blob_dns_server *s = b->dns_server;
    if (count > 1 || s->rrl_ipv4_prefix == 0 || s->rrl_ipv4_prefix > 32 || s->rrl_ipv6_prefix == 0 ||
        s->rrl_ipv6_prefix > 128 || !ref_ok(b, s->nsid) || s->nsid.len > BLOB_DNS_NSID_MAX ||
        !ref_ok(b, s->version) || s->version.len > BLOB_DNS_VERSION_MAX || !printable(b, s->version)) {
        *error = "the DNS server options are malformed";
        return -1;
    }
    if (b->tsig_key_count > BLOB_DNS_TSIG_KEYS_MAX) {
        *error = "the blob holds more TSIG keys than unihost takes";
        return -1;
    }
    for (uint32_t i = 0; i < b->tsig_key_count; i++) {
        const struct blob_dns_tsig_key *k = &b->tsig_keys[i];
        static const uint32_t digest_len[] = {0, 32, 48, 64};
        if (!ref_ok(b, k->name) || !ref_ok(b, k->secret) ||
            dns_name_wire_len(blob_bytes(b, k->name), k->name.len) != k->name.len || k->algorithm < 1 ||
            k->algorithm > 3 || k->secret.len < digest_len[k->algorithm] ||
            k->secret.len > BLOB_DNS_TSIG_SECRET_MAX) {
            *error = "a TSIG key is malformed";
            return -1;
        }
    }
    for (uint32_t i = 0; i < b->notify_count; i++) {
        const struct blob_dns_notify *n = &b->notifies[i];
        if ((n->family != 4 && n->family != 6) || n->port == 0 ||
            (n->key != BLOB_DNS_NO_KEY && n->key >= b->tsig_key_count)) {
            *error = "a NOTIFY target is malformed";
            return -1;
        }
    }
    for (uint32_t i = 0; i < b->rrl_exempt_count; i++)
        if (!acl_ok(b, &b->rrl_exempt[i]) || b->rrl_exempt[i].key != BLOB_DNS_NO_KEY) {
            *error = "a rate-limit exempt prefix is malformed";
            return -1;
        }
    return 0;
}

/* RRsets by type; RRSIG RRsets by the type they cover (the first two
 * bytes of each RRSIG's RDATA, checked to agree within the set). */
static bool rrset_in_order(const struct blob *b, const struct blob_dns_rrset *prev,
                           const struct blob_dns_rrset *next)
{
    if (prev->type != next->type)
        return prev->type < next->type;
    return next->type == DNS_TYPE_RRSIG &&
           dns_get16(blob_bytes(b, b->rdatas[prev->rdata_first])) <
           dns_get16(blob_bytes(b, b->rdatas[next->rdata_first]));
}

static int check_dns(const struct blob *b, const char **error)
{
    if (b->target_count != b->rdata_count) {
        *error = "the DNS target table does not match the records";
        return -1;
    }
    for (uint32_t i = 0; i < b->rdata_count; i++) {
        if (!ref_ok(b, b->rdatas[i]) || b->rdatas[i].len > 65535) {
            *error = "a DNS record's data lies outside the blob";
            return -1;
        }
    }
    for (uint32_t i = 0; i < b->rrset_count; i++) {
        const struct blob_dns_rrset *s = &b->rrsets[i];
        if (s->rdata_count == 0 || !range_ok(s->rdata_first, s->rdata_count, b->rdata_count)) {
            *error = "a DNS RRset refers outside the blob";
            return -1;
        }
        /* The engine reads the covered type of every RRSIG, and an RRSIG
         * RRset holds the signatures of one covered type. */
        for (uint32_t k = 0; s->type == DNS_TYPE_RRSIG && k < s->rdata_count; k++) {
            struct blob_ref rd = b->rdatas[s->rdata_first + k];
            if (rd.len < 18 || dns_get16(blob_bytes(b, rd)) !=
                                   dns_get16(blob_bytes(b, b->rdatas[s->rdata_first]))) {
                *error = "a DNS RRSIG RRset is malformed";
                return -1;
            }
        }
        /* Target names the engine reads out of RDATA must be whole wire
         * names. */
        int target = dns_rdata_target_offset(s->type);
        if (target < 0)
            continue;
        size_t skip = (size_t)target;
        for (uint32_t k = 0; k < s->rdata_count; k++) {
            struct blob_ref rd = b->rdatas[s->rdata_first + k];
            if (rd.len <= skip || dns_name_wire_len(blob_bytes(b, rd) + skip, rd.len - skip) != rd.len - skip) {
                *error = "a DNS record's target name is malformed";
                return -1;
            }
        }
    }
    /* Names after RRsets: their order check reads RRSIG data. */
    for (uint32_t i = 0; i < b->node_count; i++) {
        const struct blob_dns_node *n = &b->nodes[i];
        if (!node_name_ok(b, n)) {
            *error = "a DNS name is malformed or refers outside the blob";
            return -1;
        }
        if (!range_ok(n->rrset_first, n->rrset_count, b->rrset_count)) {
            *error = "a DNS name's RRsets lie outside the blob";
            return -1;
        }
        bool has_ns = false, has_soa = false;
        for (uint32_t k = 0; k < n->rrset_count; k++) {
            uint16_t type = b->rrsets[n->rrset_first + k].type;
            has_ns |= type == 2;
            has_soa |= type == 6;
            if (k > 0 && !rrset_in_order(b, &b->rrsets[n->rrset_first + k - 1], &b->rrsets[n->rrset_first + k])) {
                *error = "a DNS name's RRsets are not sorted by type";
                return -1;
            }
        }
        /* The engine follows these flags straight to the records. */
        if (((n->flags & BLOB_DNS_NODE_DELEGATION) && !has_ns) ||
            ((n->flags & BLOB_DNS_NODE_APEX) && !(has_ns && has_soa))) {
            *error = "a DNS name's flags do not match its records";
            return -1;
        }
    }
    /* Zones last: they rely on the nodes, RRsets and rdatas checked above. */
    for (uint32_t i = 0; i < b->zone_count; i++) {
        const struct blob_dns_zone *z = &b->zones[i];
        if (!ref_ok(b, z->apex) || !ref_ok(b, z->apex_key) || z->node_count == 0 ||
            !range_ok(z->node_first, z->node_count, b->node_count) || z->soa_rrset >= b->rrset_count) {
            *error = "a DNS zone refers outside the blob";
            return -1;
        }
        if (check_zone(b, z, error) != 0)
            return -1;
    }
    return 0;
}

int blob_open(struct blob *b, const void *data, size_t size, const char **error)
{
    memset(b, 0, sizeof *b);
    const struct blob_preamble *pre = data;
    if (size < sizeof *pre + sizeof(struct blob_directory) || ((uintptr_t)data % BLOB_ALIGN) != 0) {
        *error = "blob too short or misaligned";
        return -1;
    }
    if (memcmp(pre->magic, BLOB_MAGIC, BLOB_MAGIC_LEN) != 0) {
        *error = "not a unihost blob (bad magic)";
        return -1;
    }
    if (pre->version != BLOB_VERSION) {
        /* After an upgrade an old blob is the likely case: name both
         * versions, so the remedy is plain. blob_open() runs at start-up,
         * single-threaded: one buffer is enough. */
        static char message[160];
        snprintf(message, sizeof message,
                 "blob format version %u is not the version %u this unihost reads: rebuild the blob with this "
                 "unihost's crunch", (unsigned)pre->version, BLOB_VERSION);
        *error = message;
        return -1;
    }
    if (pre->preamble_size != sizeof *pre || pre->total_size != size) {
        *error = "blob size does not match its header (truncated or padded)";
        return -1;
    }
    uint8_t digest[32];
    sha256_fast_digest((const uint8_t *)data + sizeof *pre, size - sizeof *pre, digest);
    if (memcmp(digest, pre->payload_sha256, sizeof digest) != 0) {
        *error = "blob is corrupt (SHA-256 of its payload does not match)";
        return -1;
    }

    b->base = data;
    b->size = size;
    b->dir = (const void *)(b->base + sizeof *pre);
    const void *table[BLOB_TABLE_COUNT];
    for (int t = 0; t < BLOB_TABLE_COUNT; t++) {
        struct blob_table tab = b->dir->tables[t];
        if ((uint64_t)tab.off + (uint64_t)tab.count * blob_record_size[t] > size ||
            (tab.off % BLOB_ALIGN) != 0) {
            *error = "a blob table lies outside the blob or is misaligned";
            return -1;
        }
        table[t] = b->base + tab.off;
    }
    if ((b->dir->flags & ~(uint32_t)BLOB_FLAGS_KNOWN) != 0 || b->dir->reserved != 0) {
        *error = "the blob's directory has flags this unihost does not know";
        return -1;
    }
    static const uint8_t no_build_id[BLOB_BUILD_ID_LEN];
    if (!(b->dir->flags & BLOB_DEVELOPMENT) && memcmp(b->dir->build_id, no_build_id, sizeof no_build_id) != 0) {
        *error = "a build identity in a blob that is no development blob";
        return -1;
    }
    b->http_files = table[BLOB_TABLE_HTTP_FILES];
    b->http_file_count = b->dir->tables[BLOB_TABLE_HTTP_FILES].count;
    b->zones = table[BLOB_TABLE_DNS_ZONES];
    b->zone_count = b->dir->tables[BLOB_TABLE_DNS_ZONES].count;
    b->nodes = table[BLOB_TABLE_DNS_NODES];
    b->node_count = b->dir->tables[BLOB_TABLE_DNS_NODES].count;
    b->rrsets = table[BLOB_TABLE_DNS_RRSETS];
    b->rrset_count = b->dir->tables[BLOB_TABLE_DNS_RRSETS].count;
    b->rdatas = table[BLOB_TABLE_DNS_RDATAS];
    b->rdata_count = b->dir->tables[BLOB_TABLE_DNS_RDATAS].count;
    b->nsec3 = table[BLOB_TABLE_DNS_NSEC3];
    b->nsec3_count = b->dir->tables[BLOB_TABLE_DNS_NSEC3].count;
    b->acls = table[BLOB_TABLE_DNS_TRANSFER_ACL];
    b->acl_count = b->dir->tables[BLOB_TABLE_DNS_TRANSFER_ACL].count;
    b->redirects = table[BLOB_TABLE_HTTP_REDIRECTS];
    b->redirect_count = b->dir->tables[BLOB_TABLE_HTTP_REDIRECTS].count;
    b->targets = table[BLOB_TABLE_DNS_TARGETS];
    b->target_count = b->dir->tables[BLOB_TABLE_DNS_TARGETS].count;
    b->http_heads = table[BLOB_TABLE_HTTP_HEADS];
    uint32_t servers = b->dir->tables[BLOB_TABLE_DNS_SERVER].count;
    b->dns_server = servers ? table[BLOB_TABLE_DNS_SERVER] : &server_defaults;
    b->tsig_keys = table[BLOB_TABLE_DNS_TSIG_KEYS];
    b->tsig_key_count = b->dir->tables[BLOB_TABLE_DNS_TSIG_KEYS].count;
    b->notifies = table[BLOB_TABLE_DNS_NOTIFY];
    b->notify_count = b->dir->tables[BLOB_TABLE_DNS_NOTIFY].count;
    b->rrl_exempt = table[BLOB_TABLE_DNS_RRL_EXEMPT];
    b->rrl_exempt_count = b->dir->tables[BLOB_TABLE_DNS_RRL_EXEMPT].count;

    if (check_http(b, error) != 0 || check_redirects(b, error) != 0 || check_dns_server(b, servers, error) != 0 ||
        check_dns(b, error) != 0) {
        memset(b, 0, sizeof *b);
        return -1;
    }
    return 0;
}

const struct blob_http_file *blob_http_find(const struct blob *b, const char *path, size_t len)
{
    uint32_t lo = 0, hi = b->http_file_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const struct blob_http_file *f = &b->http_files[mid];
        size_t n = f->path.len < len ? f->path.len : len;
        int c = memcmp(blob_bytes(b, f->path), path, n);
        if (c == 0)
            c = (f->path.len > len) - (f->path.len < len);
        if (c == 0)
            return f;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct blob_http_redirect *blob_http_find_redirect(const struct blob *b, const char *path, size_t len)
{
    uint32_t lo = 0, hi = b->redirect_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const struct blob_http_redirect *r = &b->redirects[mid];
        size_t n = r->from.len < len ? r->from.len : len;
        int c = memcmp(blob_bytes(b, r->from), path, n);
        if (c == 0)
            c = (r->from.len > len) - (r->from.len < len);
        if (c == 0)
            return r;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
