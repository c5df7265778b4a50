/* Parsing and checking zone files: see zone.h. */
#include "zone.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "diag.h"
#include "util.h"

#define DEFAULT_TTL 3600

/* ---- names and types for messages ---------------------------------------- */

const char *zone_name_text(const uint8_t *wire, char out[1024])
{
    size_t o = 0;
    if (wire[0] == 0) {
        strcpy(out, ".");
        return out;
    }
    for (size_t i = 0; wire[i] != 0; i += 1u + wire[i]) {
        for (size_t j = 1; j <= wire[i]; j++) {
            uint8_t c = wire[i + j];
            if (c == '.' || c == '\\')
                o += (size_t)sprintf(out + o, "\\%c", c);
            else if (c <= ' ' || c >= 0x7f)
                o += (size_t)sprintf(out + o, "\\%03u", c);
            else
                out[o++] = (char)c;
        }
        out[o++] = '.';
    }
    out[o] = '\0';
    return out;
}

static const char *type_text(uint16_t type, char out[32])
{
    char *s = ldns_rr_type2str((ldns_rr_type)type);
    snprintf(out, 32, "%s", s ? s : "?");
    free(s);
    return out;
}

int zone_key_at_or_below(const uint8_t *name, size_t name_len, const uint8_t *ancestor, size_t ancestor_len)
{
    /* Keys hold whole labels with their length bytes, so a byte prefix is a label prefix. */
    return ancestor_len <= name_len && memcmp(name, ancestor, ancestor_len) == 0;
}

static int key_equal(const struct zone_rr *a, const struct zone_rr *b)
{
    return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

/* ---- reading the master file --------------------------------------------- */

struct source_text {
    const char *text;
    size_t len;
    size_t *line_start;     /* offset of each line; line n starts at line_start[n - 1] */
    unsigned line_count;
};

static void index_lines(struct source_text *src)
{
    src->line_count = 1;
    for (size_t i = 0; i < src->len; i++)
        src->line_count += src->text[i] == '\n';
    src->line_start = xmalloc(src->line_count * sizeof *src->line_start);
    unsigned n = 0;
    src->line_start[n++] = 0;
    for (size_t i = 0; i < src->len; i++)
        if (src->text[i] == '\n')
            src->line_start[n++] = i + 1;
}

/* Line `line` without its newline, leading blanks or comment. */
static void line_text(const struct source_text *src, unsigned line, const char **start, size_t *len)
{
    const char *s = src->text + src->line_start[line - 1];
    const char *end = src->text + (line < src->line_count ? src->line_start[line] : src->len);
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    const char *stop = s;
    while (stop < end && *stop != '\n' && *stop != '\r' && *stop != ';')
        stop++;
    while (stop > s && (stop[-1] == ' ' || stop[-1] == '\t'))
        stop--;
    *start = s;
    *len = (size_t)(stop - s);
}

/* Line holding the byte at offset (1-based). */
static unsigned line_of_offset(const struct source_text *src, size_t offset)
{
    unsigned lo = 0, hi = src->line_count;     /* last line starting at or before offset */
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (src->line_start[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

/*
 * The line where what ldns consumed in [from, to) starts: the first line
 * there holding more than blanks and a comment. Taken from file offsets,
 * not from ldns's line counter, which a stray ')' throws off.
 */
static unsigned first_content_line(const struct source_text *src, size_t from, size_t to)
{
    unsigned first = line_of_offset(src, from);
    unsigned last = line_of_offset(src, to > from ? to - 1 : from);
    for (unsigned l = first; l <= last; l++) {
        const char *s;
        size_t len;
        line_text(src, l, &s, &len);
        if (len > 0)
            return l;
    }
    return first;
}

/* "$TTL 3600" or "$TTL 1h30m": what ldns_str2period accepts; ldns itself takes "abc" as 0. */
static int ttl_directive_valid(const char *s, size_t len)
{
    size_t i = 4;   /* after "$TTL" */
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == len)
        return 0;
    while (i < len && s[i] != ' ' && s[i] != '\t') {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i < len && strchr("sSmMhHdDwW", s[i]) && s[i] != '\0')
            i++;
    }
    return 1;
}

struct rr_list {
    struct zone_rr *items;
    size_t count, cap;
};

static void free_rr(struct zone_rr *rr)
{
    free(rr->owner);    /* key shares the owner's allocation */
    free(rr->rdata);
}

/* Converts one parsed record; returns 0, or -1 with the error reported. */
static int add_rr(struct rr_list *list, ldns_rr *rr, const char *path, unsigned line)
{
    char tbuf[32];
    if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
        char *cls = ldns_rr_class2str(ldns_rr_get_class(rr));
        diag_error(path, line, "%s record of class %s: unihost serves only class IN",
                   type_text((uint16_t)ldns_rr_get_type(rr), tbuf), cls ? cls : "?");
        free(cls);
        return -1;
    }
    ldns_rdf *owner = ldns_rr_owner(rr);
    size_t owner_len = ldns_rdf_size(owner);
    if (owner_len == 0 || owner_len > DNS_NAME_MAX ||
        dns_name_wire_len(ldns_rdf_data(owner), owner_len) != owner_len) {
        diag_error(path, line, "the owner name is not a valid absolute domain name");
        return -1;
    }
    ldns_buffer *wire = ldns_buffer_new(512);
    if (!wire || ldns_rr_rdata2buffer_wire(wire, rr) != LDNS_STATUS_OK) {
        diag_error(path, line, "cannot encode the record data of this %s record",
                   type_text((uint16_t)ldns_rr_get_type(rr), tbuf));
        ldns_buffer_free(wire);
        return -1;
    }
    size_t rdata_len = ldns_buffer_position(wire);
    if (rdata_len > 65535) {
        diag_error(path, line, "the record data is %zu bytes, more than the 65535 DNS allows", rdata_len);
        ldns_buffer_free(wire);
        return -1;
    }
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 64;
        list->items = xrealloc(list->items, list->cap * sizeof *list->items);
    }
    struct zone_rr *r = &list->items[list->count];
    memset(r, 0, sizeof *r);
    r->owner = xmalloc(2 * DNS_NAME_MAX);
    r->owner_len = owner_len;
    dns_name_lower(r->owner, ldns_rdf_data(owner), owner_len);
    r->key = r->owner + DNS_NAME_MAX;
    r->key_len = dns_name_to_key(r->owner, owner_len, r->key);
    r->type = (uint16_t)ldns_rr_get_type(rr);
    r->ttl = ldns_rr_ttl(rr);
    r->rdata_len = rdata_len;
    r->rdata = xmalloc(rdata_len);
    memcpy(r->rdata, ldns_buffer_begin(wire), rdata_len);
    r->line = line;
    r->order = list->count;
    list->count++;
    ldns_buffer_free(wire);
    return 0;
}

/* Parses the file record by record; returns the number of errors. */
static unsigned parse_file(const char *path, const char *origin_text, struct rr_list *list)
{
    uint8_t *data;
    size_t len;
    int err = read_file(path, &data, &len);
    if (err) {
        diag_error(path, 0, "cannot read the zone file: %s", strerror(err));
        return 1;
    }
    ldns_rdf *origin = ldns_dname_new_frm_str(origin_text);
    if (!origin) {
        diag_error(path, 1, "the file name does not give a valid zone name (%s)", origin_text);
        free(data);
        return 1;
    }
    ldns_rdf *prev = ldns_rdf_clone(origin);
    struct source_text src = {(const char *)data, len, NULL, 0};
    index_lines(&src);
    unsigned errors = 0;
    uint32_t default_ttl = DEFAULT_TTL;
    int line_nr = 1;
    /* fmemopen of a zero-length buffer is not portable; an empty file has no records. */
    FILE *fp = len ? fmemopen(data, len, "r") : NULL;
    while (fp && !feof(fp)) {
        long pos = ftell(fp);
        ldns_rr *rr = NULL;
        ldns_status status = ldns_rr_new_frm_fp_l(&rr, fp, &default_ttl, &origin, &prev, &line_nr);
        long end = feof(fp) ? (long)len : ftell(fp);
        unsigned line = first_content_line(&src, (size_t)pos, (size_t)end);
        const char *text;
        size_t text_len;
        line_text(&src, line, &text, &text_len);
        switch (status) {
        case LDNS_STATUS_OK:
            if (add_rr(list, rr, path, line) != 0)
                errors++;
            break;
        case LDNS_STATUS_SYNTAX_EMPTY:
        case LDNS_STATUS_SYNTAX_ORIGIN:
            break;
        case LDNS_STATUS_SYNTAX_TTL:
            if (!ttl_directive_valid(text, text_len)) {
                diag_error(path, line, "invalid $TTL directive \"%.*s\": it needs a TTL such as 3600 or 1h",
                           (int)text_len, text);
                errors++;
            }
            break;
        case LDNS_STATUS_SYNTAX_INCLUDE:
            diag_error(path, line, "$INCLUDE is not supported: a zone is exactly one file, so put the records here");
            errors++;
            break;
        default:
            diag_error(path, line, "%s, in \"%.*s\"", ldns_get_errorstr_by_id(status),
                       (int)(text_len > 80 ? 80 : text_len), text);
            errors++;
            break;
        }
        ldns_rr_free(rr);
        /* ldns consumes at least a line per call; stop rather than loop if it did not. */
        if (status == LDNS_STATUS_MEM_ERR || (end == pos && !feof(fp)))
            break;
    }
    if (fp)
        fclose(fp);
    ldns_rdf_deep_free(origin);
    ldns_rdf_deep_free(prev);
    free(src.line_start);
    free(data);
    return errors;
}

/* ---- checks ---------------------------------------------------------------- */

uint32_t zone_rrset_subtype(const struct zone_rr *r)
{
    if (r->type != LDNS_RR_TYPE_RRSIG)
        return 0;
    return r->rdata_len >= 2 ? (uint32_t)((r->rdata[0] << 8) | r->rdata[1]) : 0;
}

int zone_same_rrset(const struct zone_rr *a, const struct zone_rr *b)
{
    return a->type == b->type && zone_rrset_subtype(a) == zone_rrset_subtype(b) &&
           a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

/* Names, then types; RRSIGs by the type they cover (one RRset each, as
 * the blob stores them), then file order. */
static int by_key_type_order(const void *a, const void *b)
{
    const struct zone_rr *x = a, *y = b;
    int c = dns_key_compare(x->key, x->key_len, y->key, y->key_len);
    if (c != 0)
        return c;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    uint32_t xs = zone_rrset_subtype(x), ys = zone_rrset_subtype(y);
    if (xs != ys)
        return xs < ys ? -1 : 1;
    return x->order < y->order ? -1 : (x->order > y->order);
}

static void compact(struct zone *z)
{
    size_t kept = 0;
    for (size_t i = 0; i < z->rr_count; i++) {
        if (z->rrs[i].dropped)
            free_rr(&z->rrs[i]);
        else
            z->rrs[kept++] = z->rrs[i];
    }
    z->rr_count = kept;
}

/* Index of the first record at exactly this key, or -1 (rrs sorted by key). */
static long find_name(const struct zone *z, const uint8_t *key, size_t key_len)
{
    size_t lo = 0, hi = z->rr_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dns_key_compare(z->rrs[mid].key, z->rrs[mid].key_len, key, key_len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < z->rr_count && z->rrs[lo].key_len == key_len && memcmp(z->rrs[lo].key, key, key_len) == 0)
        return (long)lo;
    return -1;
}

static int name_has_address(const struct zone *z, const uint8_t *key, size_t key_len)
{
    long i = find_name(z, key, key_len);
    for (; i >= 0 && (size_t)i < z->rr_count && z->rrs[i].key_len == key_len &&
           memcmp(z->rrs[i].key, key, key_len) == 0; i++)
        if (z->rrs[i].type == LDNS_RR_TYPE_A || z->rrs[i].type == LDNS_RR_TYPE_AAAA)
            return 1;
    return 0;
}

/* SOA: exactly one; its owner is the apex; every record at or below it. */
static unsigned check_soa_and_apex(struct zone *z, const char *path)
{
    unsigned errors = 0;
    const struct zone_rr *soa = NULL;
    char name[1024], apex[1024];
    for (size_t i = 0; i < z->rr_count; i++) {
        struct zone_rr *r = &z->rrs[i];
        if (r->type != LDNS_RR_TYPE_SOA)
            continue;
        if (!soa) {
            soa = r;
            continue;
        }
        diag_error(path, r->line, "second SOA record (at %s); the zone already has its SOA at line %u, and a zone has exactly one",
                   zone_name_text(r->owner, name), soa->line);
        r->dropped = 1;
        errors++;
    }
    if (!soa) {
        diag_error(path, 1, "the zone has no SOA record; every zone needs one, and its owner is the zone apex");
        return errors + 1;
    }
    memcpy(z->apex, soa->owner, soa->owner_len);
    z->apex_len = soa->owner_len;
    memcpy(z->apex_key, soa->key, soa->key_len);
    z->apex_key_len = soa->key_len;
    z->soa_line = soa->line;
    zone_name_text(z->apex, apex);
    for (size_t i = 0; i < z->rr_count; i++) {
        struct zone_rr *r = &z->rrs[i];
        if (r->dropped || zone_key_at_or_below(r->key, r->key_len, z->apex_key, z->apex_key_len))
            continue;
        char tbuf[32];
        diag_error(path, r->line, "%s record at %s is outside the zone %s: every record must be at or below the owner of the SOA (line %u)",
                   type_text(r->type, tbuf), zone_name_text(r->owner, name), apex, soa->line);
        r->dropped = 1;
        errors++;
    }
    return errors;
}

/*
 * Per RRset (records sorted by key, type, file order): one TTL for all
 * (RFC 2181 section 5.2; for RRSIGs, per covered type, since the
 * signatures of each RRset carry that RRset's TTL); exact duplicates
 * dropped silently (section 5).
 */
static unsigned check_rrsets(struct zone *z, const char *path)
{
    unsigned errors = 0;
    char name[1024], tbuf[32];
    size_t first = 0;
    for (size_t i = 0; i < z->rr_count; i++) {
        struct zone_rr *r = &z->rrs[i];
        if (i == 0 || !zone_same_rrset(r, &z->rrs[first])) {
            first = i;
            continue;
        }
        const struct zone_rr *head = &z->rrs[first];
        if (r->ttl != head->ttl && r->type == LDNS_RR_TYPE_RRSIG) {
            char covered[32];
            diag_error(path, r->line, "TTL %u of this RRSIG record at %s differs from TTL %u of the RRSIG at line %u covering the same type %s; signatures of one RRset must have the same TTL (RFC 2181 section 5.2)",
                       r->ttl, zone_name_text(r->owner, name), head->ttl, head->line,
                       type_text((uint16_t)zone_rrset_subtype(r), covered));
            errors++;
        } else if (r->ttl != head->ttl) {
            diag_error(path, r->line, "TTL %u of this %s record at %s differs from TTL %u of the same RRset at line %u; all records of an RRset must have the same TTL (RFC 2181 section 5.2)",
                       r->ttl, type_text(r->type, tbuf), zone_name_text(r->owner, name), head->ttl, head->line);
            errors++;
        }
        for (size_t j = first; j < i; j++) {
            if (!z->rrs[j].dropped && z->rrs[j].rdata_len == r->rdata_len &&
                memcmp(z->rrs[j].rdata, r->rdata, r->rdata_len) == 0) {
                r->dropped = 1;
                break;
            }
        }
    }
    return errors;
}

static int is_apex(const struct zone *z, const struct zone_rr *r)
{
    return r->key_len == z->apex_key_len && memcmp(r->key, z->apex_key, r->key_len) == 0;
}

/* Types that may sit beside a CNAME (RFC 2181 section 10.1, RFC 4035). */
static int allowed_beside_cname(uint16_t type)
{
    return type == LDNS_RR_TYPE_CNAME || type == LDNS_RR_TYPE_RRSIG ||
           type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3;
}

/* CNAME: not at the apex, at most one per name, and no other data beside it. */
static unsigned check_cnames(struct zone *z, const char *path)
{
    unsigned errors = 0;
    char name[1024], tbuf[32];
    for (size_t start = 0, end; start < z->rr_count; start = end) {
        for (end = start + 1; end < z->rr_count && key_equal(&z->rrs[end], &z->rrs[start]); end++)
            ;
        const struct zone_rr *cname = NULL;
        for (size_t i = start; i < end; i++) {
            const struct zone_rr *r = &z->rrs[i];
            if (r->dropped || r->type != LDNS_RR_TYPE_CNAME)
                continue;
            if (!cname) {
                cname = r;
                if (z->apex_len && is_apex(z, r)) {
                    diag_error(path, r->line, "CNAME at the zone apex %s: the apex holds the SOA and NS records, which cannot coexist with a CNAME",
                               zone_name_text(r->owner, name));
                    errors++;
                }
            } else {
                diag_error(path, r->line, "second CNAME at %s (the first is at line %u); a name can have only one CNAME",
                           zone_name_text(r->owner, name), cname->line);
                errors++;
            }
        }
        /* At the apex the CNAME itself is the error; the SOA and NS are not. */
        if (!cname || (z->apex_len && is_apex(z, cname)))
            continue;
        for (size_t i = start; i < end; i++) {
            const struct zone_rr *r = &z->rrs[i];
            if (r->dropped || allowed_beside_cname(r->type))
                continue;
            /* One message per RRset: at its first record. */
            if (i > start && z->rrs[i - 1].type == r->type)
                continue;
            diag_error(path, r->line, "%s record at %s, which has a CNAME (line %u); a CNAME cannot coexist with other data (RFC 1034 section 3.6.2, RFC 2181 section 10.1)",
                       type_text(r->type, tbuf), zone_name_text(r->owner, name), cname->line);
            errors++;
        }
    }
    return errors;
}

static unsigned check_apex_ns(const struct zone *z, const char *path)
{
    long first = find_name(z, z->apex_key, z->apex_key_len);
    for (size_t i = first < 0 ? z->rr_count : (size_t)first; i < z->rr_count && is_apex(z, &z->rrs[i]); i++)
        if (z->rrs[i].type == LDNS_RR_TYPE_NS)
            return 0;
    char apex[1024];
    diag_error(path, z->soa_line, "the zone %s has no NS records at its apex; a zone needs NS records beside its SOA",
               zone_name_text(z->apex, apex));
    return 1;
}

struct name_key {
    uint8_t key[DNS_NAME_MAX];
    size_t len;
};

struct name_keys {
    struct name_key *items;     /* sorted by dns_key_compare */
    size_t count;
};

static int by_name_key(const void *a, const void *b)
{
    const struct name_key *x = a, *y = b;
    return dns_key_compare(x->key, x->len, y->key, y->len);
}

static int is_ns_target(const struct name_keys *targets, const uint8_t *key, size_t key_len)
{
    struct name_key probe;
    memcpy(probe.key, key, key_len);
    probe.len = key_len;
    return bsearch(&probe, targets->items, targets->count, sizeof probe, by_name_key) != NULL;
}

/* Keys of every NS target in the zone: A/AAAA records of these names are glue. */
static void collect_ns_targets(const struct zone *z, struct name_keys *targets)
{
    memset(targets, 0, sizeof *targets);
    size_t cap = 0;
    for (size_t i = 0; i < z->rr_count; i++) {
        const struct zone_rr *r = &z->rrs[i];
        if (r->dropped || r->type != LDNS_RR_TYPE_NS ||
            dns_name_wire_len(r->rdata, r->rdata_len) != r->rdata_len)
            continue;
        if (targets->count == cap) {
            cap = cap ? cap * 2 : 16;
            targets->items = xrealloc(targets->items, cap * sizeof *targets->items);
        }
        struct name_key *k = &targets->items[targets->count++];
        k->len = dns_name_to_key(r->rdata, r->rdata_len, k->key);
    }
    if (targets->count > 1)
        qsort(targets->items, targets->count, sizeof *targets->items, by_name_key);
}

static int is_address(uint16_t type)
{
    return type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA;
}

static int allowed_at_cut(uint16_t type)
{
    return type == LDNS_RR_TYPE_NS || type == LDNS_RR_TYPE_DS ||
           type == LDNS_RR_TYPE_RRSIG || type == LDNS_RR_TYPE_NSEC;
}

/*
 * Delegations: an NS RRset below the apex is a zone cut. At the cut only
 * NS, DS, RRSIG and NSEC; below it only glue (A/AAAA of a name server
 * named by an NS record of the zone, so sibling glue is accepted too);
 * and an in-bailiwick name server needs its glue. (A name server named
 * like the cut itself has its glue at the cut, so A/AAAA of an NS target
 * are accepted there too; otherwise such a delegation could not be valid.)
 */
static unsigned check_delegations(const struct zone *z, const char *path)
{
    unsigned errors = 0;
    char name[1024], cut_name[1024], target_name[1024], tbuf[32];
    struct name_keys targets;
    collect_ns_targets(z, &targets);
    const struct zone_rr *cut = NULL;   /* the NS record starting the current cut */
    for (size_t start = 0, end; start < z->rr_count; start = end) {
        for (end = start + 1; end < z->rr_count && key_equal(&z->rrs[end], &z->rrs[start]); end++)
            ;
        const struct zone_rr *first = &z->rrs[start];
        /* Canonical order puts every descendant of a cut right after it. */
        if (cut && !zone_key_at_or_below(first->key, first->key_len, cut->key, cut->key_len))
            cut = NULL;
        if (cut) {
            int glue_name = is_ns_target(&targets, first->key, first->key_len);
            for (size_t i = start; i < end; i++) {
                const struct zone_rr *r = &z->rrs[i];
                if (r->dropped)
                    continue;
                if (glue_name && is_address(r->type))
                    continue;
                diag_error(path, r->line, "%s record at %s lies below the delegation %s (line %u) and is not glue; only A and AAAA records of its name servers may be there",
                           type_text(r->type, tbuf), zone_name_text(r->owner, name),
                           zone_name_text(cut->owner, cut_name), cut->line);
                errors++;
            }
            continue;
        }
        if (is_apex(z, first))
            continue;
        const struct zone_rr *ns = NULL;
        for (size_t i = start; i < end && !ns; i++)
            if (!z->rrs[i].dropped && z->rrs[i].type == LDNS_RR_TYPE_NS)
                ns = &z->rrs[i];
        if (!ns)
            continue;
        cut = ns;
        for (size_t i = start; i < end; i++) {
            const struct zone_rr *r = &z->rrs[i];
            if (r->dropped)
                continue;
            /* A/AAAA at the cut is glue when the cut names itself as a name server. */
            if (!allowed_at_cut(r->type) &&
                !(is_address(r->type) && is_ns_target(&targets, r->key, r->key_len))) {
                diag_error(path, r->line, "%s record at %s is data at delegation point %s (NS at line %u); only NS, DS, RRSIG and NSEC may be there",
                           type_text(r->type, tbuf), zone_name_text(r->owner, name),
                           zone_name_text(cut->owner, cut_name), cut->line);
                errors++;
                continue;
            }
            if (r->type != LDNS_RR_TYPE_NS || dns_name_wire_len(r->rdata, r->rdata_len) != r->rdata_len)
                continue;
            uint8_t target_key[DNS_NAME_MAX];
            size_t target_key_len = dns_name_to_key(r->rdata, r->rdata_len, target_key);
            if (zone_key_at_or_below(target_key, target_key_len, r->key, r->key_len) &&
                !name_has_address(z, target_key, target_key_len)) {
                diag_error(path, r->line, "the delegation %s needs glue: its name server %s lies inside the delegation, but the zone has no A or AAAA record for it",
                           zone_name_text(r->owner, name), zone_name_text(r->rdata, target_name));
                errors++;
            }
        }
    }
    free(targets.items);
    return errors;
}

/* ---- one file, then the directory -------------------------------------------- */

static unsigned load_zone(const char *path, const char *file_name, struct zone *z)
{
    memset(z, 0, sizeof *z);
    z->file = xstrdup(path);
    char *origin = xasprintf("%.*s.", (int)(strlen(file_name) - strlen(".zone")), file_name);
    struct rr_list list = {0};
    unsigned errors = parse_file(path, origin, &list);
    free(origin);
    z->rrs = list.items;
    z->rr_count = list.count;

    errors += check_soa_and_apex(z, path);
    compact(z);
    if (z->rr_count > 1)
        qsort(z->rrs, z->rr_count, sizeof *z->rrs, by_key_type_order);
    errors += check_rrsets(z, path);
    compact(z);
    errors += check_cnames(z, path);
    if (z->apex_len) {
        errors += check_apex_ns(z, path);
        errors += check_delegations(z, path);
        errors += zone_check_dnssec(z, path);
    }
    return errors;
}

static int is_zone_file_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".zone") == 0;
}

static int by_apex(const void *a, const void *b)
{
    const struct zone *x = a, *y = b;
    int c = dns_key_compare(x->apex_key, x->apex_key_len, y->apex_key, y->apex_key_len);
    if (c != 0)
        return c;
    return strcmp(x->file, y->file);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

unsigned zones_load(const char *dir, struct zone_set *out)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d) {
        diag_error(dir, 0, "cannot read the zones directory: %s", strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_zone_file_name(e->d_name))
            continue;
        names = xrealloc(names, (count + 1) * sizeof *names);
        names[count++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (count == 0) {
        diag_error(dir, 0, "no zone files (NAME.zone) in the zones directory");
        return 1;
    }
    qsort(names, count, sizeof *names, by_string);
    unsigned errors = 0;
    out->items = xcalloc(count, sizeof *out->items);
    for (size_t i = 0; i < count; i++) {
        char *path = path_join(dir, names[i]);
        errors += load_zone(path, names[i], &out->items[out->count++]);
        free(path);
        free(names[i]);
    }
    free(names);

    qsort(out->items, out->count, sizeof *out->items, by_apex);
    char apex[1024];
    for (size_t i = 1; i < out->count; i++) {
        const struct zone *a = &out->items[i - 1], *b = &out->items[i];
        if (a->apex_len && b->apex_len && a->apex_key_len == b->apex_key_len &&
            memcmp(a->apex_key, b->apex_key, a->apex_key_len) == 0) {
            diag_error(b->file, b->soa_line, "the zone %s is already defined by %s (SOA at line %u); each zone must be in one file",
                       zone_name_text(b->apex, apex), a->file, a->soa_line);
            errors++;
        }
    }
    return errors;
}

void zones_free(struct zone_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        struct zone *z = &set->items[i];
        for (size_t j = 0; j < z->rr_count; j++)
            free_rr(&z->rrs[j]);
        free(z->rrs);
        free(z->acl);
        free(z->notify);
        free(z->file);
    }
    free(set->items);
    memset(set, 0, sizeof *set);
}
