/*
 * Checks the blob crunch builds from tests/crunch/good/ with the reader the
 * unikernel uses: HTTP files sorted with the right types, ETags, gzip and
 * brotli variants and stored header lines; DNS nodes in canonical order with empty non-terminals and the
 * right flags. Usage: test_crunch_blob BLOB SOURCE_DATE_EPOCH SITE_DIR
 * Prints "ok - ..." / "not ok - ..." lines; exits 1 if any check failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <zlib.h>

#include "content/blob.h"
#include "wire/dns_name.h"
#include "http/http_date.h"

static int failures;

static void check(int ok, const char *what)
{
    printf("%s - %s\n", ok ? "ok" : "not ok", what);
    if (!ok)
        failures++;
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = aligned_alloc(8, ((size_t)n + 7) / 8 * 8 + 8);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static int ref_equals(const struct blob *b, struct blob_ref r, const char *s)
{
    return r.len == strlen(s) && memcmp(blob_bytes(b, r), s, r.len) == 0;
}

/* memmem is a GNU extension; this test builds with the project's C11 flags. */
static int contains(const uint8_t *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return 1;
    return 0;
}

static int etag_well_formed(const struct blob *b, struct blob_ref r)
{
    if (r.len != 34)
        return 0;
    const uint8_t *p = blob_bytes(b, r);
    if (p[0] != '"' || p[33] != '"')
        return 0;
    for (int i = 1; i < 33; i++)
        if (!strchr("0123456789abcdef", p[i]))
            return 0;
    return 1;
}

static int gunzip_equals(const uint8_t *gz, size_t gz_len, const uint8_t *plain, size_t plain_len)
{
    uint8_t *out = malloc(plain_len + 16);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 31) != Z_OK)
        return 0;
    zs.next_in = (Bytef *)gz;
    zs.avail_in = (uInt)gz_len;
    zs.next_out = out;
    zs.avail_out = (uInt)plain_len + 16;
    int rc = inflate(&zs, Z_FINISH);
    int ok = rc == Z_STREAM_END && zs.total_out == plain_len && memcmp(out, plain, plain_len) == 0;
    inflateEnd(&zs);
    free(out);
    return ok;
}

/* Does the brotli stream br[0..br_len) decode to exactly plain[0..plain_len)? */
static int unbrotli_equals(const uint8_t *br, size_t br_len, const uint8_t *plain, size_t plain_len)
{
    size_t out_len = plain_len + 16;
    uint8_t *out = malloc(out_len);
    int ok = out && BrotliDecoderDecompress(br_len, br, &out_len, out) == BROTLI_DECODER_RESULT_SUCCESS &&
             out_len == plain_len && memcmp(out, plain, plain_len) == 0;
    free(out);
    return ok;
}

static void check_http(const struct blob *b, unsigned long long epoch, const char *site_dir)
{
    static const struct {
        const char *path, *type;
        int compressible;
    } expected[] = {
        {"/css/style.css", "text/css; charset=utf-8", 1},
        {"/docs/crunch.html", "text/html; charset=utf-8", 1},
        {"/docs/index.html", "text/html; charset=utf-8", 1},
        {"/img/logo.png", "image/png", 0},
        {"/img/pattern.png", "image/png", 0},
        {"/index.html", "text/html; charset=utf-8", 1},
        {"/robots.txt", "text/plain; charset=utf-8", 1},
    };
    size_t n = sizeof expected / sizeof expected[0];
    check(b->http_file_count == n, "http: exactly the published files (no _ or . names)");
    int paths_ok = 1, types_ok = 1, flags_ok = 1, etags_ok = 1, distinct = 1, mtimes_ok = 1, brotli_ok = 1;
    for (size_t i = 0; i < n && i < b->http_file_count; i++) {
        const struct blob_http_file *f = &b->http_files[i];
        paths_ok &= ref_equals(b, f->path, expected[i].path);
        types_ok &= ref_equals(b, f->content_type, expected[i].type);
        flags_ok &= ((f->flags & BLOB_HTTP_COMPRESSIBLE) != 0) == expected[i].compressible;
        etags_ok &= etag_well_formed(b, f->etag);
        if (f->gzip_body.len)
            etags_ok &= etag_well_formed(b, f->gzip_etag);
        if (f->br_body.len)
            etags_ok &= etag_well_formed(b, f->br_etag);
        mtimes_ok &= f->mtime <= epoch && f->mtime > 0;
        for (size_t j = 0; j < i; j++) {
            const struct blob_http_file *g = &b->http_files[j];
            distinct &= memcmp(blob_bytes(b, f->etag), blob_bytes(b, g->etag), 34) != 0;
        }
        if (f->gzip_body.len)
            distinct &= memcmp(blob_bytes(b, f->etag), blob_bytes(b, f->gzip_etag), 34) != 0;
        if (f->br_body.len)
            distinct &= memcmp(blob_bytes(b, f->etag), blob_bytes(b, f->br_etag), 34) != 0 &&
                        (f->gzip_body.len == 0 ||
                         memcmp(blob_bytes(b, f->gzip_etag), blob_bytes(b, f->br_etag), 34) != 0);
        /* Brotli only where it pays, never larger than gzip, never for an
         * already-compressed type. */
        brotli_ok &= f->br_body.len == 0 ||
                     ((f->flags & BLOB_HTTP_COMPRESSIBLE) && f->br_body.len < f->body.len &&
                      (f->gzip_body.len == 0 || f->br_body.len < f->gzip_body.len) &&
                      unbrotli_equals(blob_bytes(b, f->br_body), f->br_body.len, blob_bytes(b, f->body), f->body.len));
    }
    check(paths_ok, "http: files sorted by path");
    check(types_ok, "http: content types by extension");
    check(flags_ok, "http: compressible flag for text types only");
    check(etags_ok, "http: strong ETags, quoted lowercase hex of 16 bytes");
    check(distinct, "http: ETags distinct, gzip and brotli ETags differ from identity's and each other's");
    check(brotli_ok, "http: every brotli variant is of a compressible file, smaller than gzip and identity, and "
                     "decodes to the identity body");
    check(mtimes_ok, "http: mtimes clamped to SOURCE_DATE_EPOCH");
    check(b->dir->created == epoch, "blob: created is SOURCE_DATE_EPOCH");

    const struct blob_http_file *css = blob_http_find(b, "/css/style.css", 14);
    check(css && css->gzip_body.len > 0 && css->gzip_body.len < css->body.len,
          "http: style.css has a smaller gzip variant");
    check(css && gunzip_equals(blob_bytes(b, css->gzip_body), css->gzip_body.len,
                               blob_bytes(b, css->body), css->body.len),
          "http: gzip variant decompresses to the identity body");
    check(css && css->br_body.len > 0 && css->br_body.len < css->gzip_body.len &&
              unbrotli_equals(blob_bytes(b, css->br_body), css->br_body.len, blob_bytes(b, css->body), css->body.len),
          "http: style.css has a brotli variant, smaller than gzip, that decodes to the identity body");
    const struct blob_http_file *png = blob_http_find(b, "/img/logo.png", 13);
    char path[4096];
    snprintf(path, sizeof path, "%s/img/logo.png", site_dir);
    size_t png_len;
    uint8_t *png_src = read_all(path, &png_len);
    check(png && png_src && png->body.len == png_len &&
              memcmp(blob_bytes(b, png->body), png_src, png_len) == 0 && png->gzip_body.len == 0 &&
              png->br_body.len == 0,
          "http: an asset is stored byte for byte, without gzip or brotli");
    free(png_src);
    /* 4000 bytes of 'a' would gzip to almost nothing: still no variant,
     * because PNG is an already-compressed type. */
    const struct blob_http_file *pattern = blob_http_find(b, "/img/pattern.png", 16);
    check(pattern && pattern->body.len == 4000 && pattern->gzip_body.len == 0 && pattern->br_body.len == 0 &&
              !(pattern->flags & BLOB_HTTP_COMPRESSIBLE),
          "http: an already-compressed type (PNG) is never compressed, however well it would");

    check(css && ref_equals(b, css->cache_control, "public, max-age=3600"),
          "cache: default for non-HTML files is public, max-age=3600");
    const struct blob_http_file *crunch_page = blob_http_find(b, "/docs/crunch.html", 17);
    check(crunch_page && ref_equals(b, crunch_page->cache_control, "no-cache"), "cache: default for pages is no-cache");
    check(png && pattern && ref_equals(b, png->cache_control, "public, max-age=604800, immutable") &&
              ref_equals(b, pattern->cache_control, "public, max-age=604800, immutable"),
          "cache: /img/* rule from _cache");
    const struct blob_http_file *robots = blob_http_find(b, "/robots.txt", 11);
    check(robots && ref_equals(b, robots->cache_control, "public, max-age=60"), "cache: exact-path rule from _cache");

    static const struct { const char *from, *to; uint32_t status; } redirects[] = {
        {"/ext", "https://example.org/", 308},
        {"/old/crunch", "/docs/crunch", 301},
        {"/tmp-link", "/docs/", 302},
    };
    int redirects_ok = b->redirect_count == 3;
    for (uint32_t i = 0; redirects_ok && i < 3; i++)
        redirects_ok = ref_equals(b, b->redirects[i].from, redirects[i].from) &&
                       ref_equals(b, b->redirects[i].to, redirects[i].to) && b->redirects[i].status == redirects[i].status;
    check(redirects_ok, "redirects: from _redirects, sorted by source, 301 by default");
    check(blob_http_find_redirect(b, "/old/crunch", 11) == &b->redirects[1] &&
              blob_http_find_redirect(b, "/old", 4) == NULL,
          "redirects: found by exact source");

    check(robots && robots->gzip_body.len == 0 && robots->br_body.len == 0,
          "http: no gzip or brotli variant when it saves under 64 bytes (robots.txt)");

    /* Format 3: each representation's header lines, as the engine sends them. */
    char want[1024], date[40];
    int lines_ok = css != NULL;
    static const char *const encoding_line[BLOB_HTTP_CODINGS] = {"", "Content-Encoding: gzip\r\n",
                                                                 "Content-Encoding: br\r\n"};
    for (int gz = 0; css && gz < BLOB_HTTP_CODINGS; gz++) {
        struct blob_http_representation rep = blob_http_representation(b, css, (enum blob_http_coding)gz);
        const struct blob_http_head *h = rep.head;
        struct blob_ref etag = rep.etag;
        http_date_format(css->mtime, date);
        date[HTTP_DATE_LEN] = '\0';
        int n = snprintf(want, sizeof want, "ETag: %.*s\r\nLast-Modified: %s\r\nCache-Control: public, max-age=3600\r\n"
                         "Vary: Accept-Encoding\r\nContent-Type: text/css; charset=utf-8\r\n%sAccept-Ranges: bytes\r\n"
                         "Content-Length: %u\r\nX-Content-Type-Options: nosniff\r\n", (int)etag.len,
                         (const char *)blob_bytes(b, etag), date, encoding_line[gz], rep.body.len);
        lines_ok &= h->lines.len == (uint32_t)n && memcmp(blob_bytes(b, h->lines), want, (size_t)n) == 0;
    }
    check(lines_ok, "http: style.css's stored header lines, identity, gzip and brotli, byte for byte");
    check(robots && blob_http_heads(b, robots)->gzip.lines.len == 0 &&
              contains(blob_bytes(b, blob_http_heads(b, robots)->identity.lines),
                       blob_http_heads(b, robots)->identity.lines.len, "\r\nCache-Control: public, max-age=60\r\n"),
          "http: robots.txt's stored lines carry its _cache rule; no gzip lines without a gzip variant");
    const struct blob_http_file *index = blob_http_find(b, "/index.html", 11);
    check(index && index->body.len > 0 &&
              contains(blob_bytes(b, index->body), index->body.len,
                       "<title>Welcome &amp; &quot;hello&quot; - fixture</title>") &&
              contains(blob_bytes(b, index->body), index->body.len, "data-path=\"/\"") &&
              !contains(blob_bytes(b, index->body), index->body.len, "<script>"),
          "http: index page has escaped title, path, and no raw HTML");
}

struct expected_node {
    const char *name;       /* dotted, lower-case */
    unsigned rrsets;
    uint32_t flags;
};

static void name_to_text(const uint8_t *wire, char *out)
{
    size_t o = 0;
    for (size_t i = 0; wire[i]; i += 1u + wire[i]) {
        memcpy(out + o, wire + i + 1, wire[i]);
        o += wire[i];
        out[o++] = '.';
    }
    out[o] = '\0';
}

static void check_zone(const struct blob *b, uint32_t zi, const char *apex,
                       const struct expected_node *nodes, size_t count)
{
    char what[256], name[1024];
    const struct blob_dns_zone *z = &b->zones[zi];
    name_to_text(blob_bytes(b, z->apex), name);
    snprintf(what, sizeof what, "dns: zone %u is %s", zi, apex);
    check(strcmp(name, apex) == 0, what);
    snprintf(what, sizeof what, "dns: %s has %zu nodes", apex, count);
    check(z->node_count == count, what);
    int names_ok = 1, rrsets_ok = 1, flags_ok = 1, order_ok = 1, keys_ok = 1;
    for (uint32_t i = 0; i < count && i < z->node_count; i++) {
        const struct blob_dns_node *n = &b->nodes[z->node_first + i];
        name_to_text(blob_bytes(b, n->name), name);
        if (strcmp(name, nodes[i].name) != 0) {
            printf("# node %u: got %s, expected %s\n", i, name, nodes[i].name);
            names_ok = 0;
        }
        rrsets_ok &= n->rrset_count == nodes[i].rrsets;
        if (n->flags != nodes[i].flags) {
            printf("# node %s: flags %u, expected %u\n", name, n->flags, nodes[i].flags);
            flags_ok = 0;
        }
        uint8_t key[DNS_NAME_MAX];
        size_t key_len = dns_name_to_key(blob_bytes(b, n->name), n->name.len, key);
        keys_ok &= key_len == n->key.len && memcmp(key, blob_bytes(b, n->key), key_len) == 0;
        if (i > 0) {
            const struct blob_dns_node *p = &b->nodes[z->node_first + i - 1];
            order_ok &= dns_key_compare(blob_bytes(b, p->key), p->key.len,
                                        blob_bytes(b, n->key), n->key.len) < 0;
        }
        for (uint32_t s = 1; s < n->rrset_count; s++)
            rrsets_ok &= b->rrsets[n->rrset_first + s - 1].type < b->rrsets[n->rrset_first + s].type;
    }
    snprintf(what, sizeof what, "dns: %s node names, empty non-terminals included", apex);
    check(names_ok, what);
    snprintf(what, sizeof what, "dns: %s nodes in canonical order with matching keys", apex);
    check(order_ok && keys_ok, what);
    snprintf(what, sizeof what, "dns: %s RRset counts (0 for empty non-terminals), sorted by type", apex);
    check(rrsets_ok, what);
    snprintf(what, sizeof what, "dns: %s node flags (apex, delegation, below cut, wildcard)", apex);
    check(flags_ok, what);
    const struct blob_dns_rrset *soa = &b->rrsets[z->soa_rrset];
    snprintf(what, sizeof what, "dns: %s soa_rrset is the apex SOA", apex);
    const struct blob_dns_node *apex_node = &b->nodes[z->node_first];
    check(soa->type == 6 && z->soa_rrset >= apex_node->rrset_first &&
              z->soa_rrset < apex_node->rrset_first + apex_node->rrset_count,
          what);
}

static void check_dns(const struct blob *b)
{
    enum { A = BLOB_DNS_NODE_APEX, D = BLOB_DNS_NODE_DELEGATION, B = BLOB_DNS_NODE_BELOW_CUT,
           W = BLOB_DNS_NODE_WILDCARD };
    static const struct expected_node parent[] = {
        {"unihost.test.", 3, A},            /* NS, SOA, MX */
        {"alias.unihost.test.", 1, 0},
        {"b.unihost.test.", 0, 0},
        {"a.b.unihost.test.", 0, 0},
        {"host.a.b.unihost.test.", 1, 0},
        {"mail.unihost.test.", 1, 0},
        {"ns1.unihost.test.", 1, 0},
        {"ns2.unihost.test.", 1, 0},
        {"sub.unihost.test.", 2, D},        /* NS, DS */
        {"ns.sub.unihost.test.", 1, B},
        {"wild.unihost.test.", 0, 0},
        {"*.wild.unihost.test.", 1, W},
        {"www.unihost.test.", 1, 0},
    };
    static const struct expected_node child[] = {
        {"sub.unihost.test.", 2, A},
        {"ns.sub.unihost.test.", 1, 0},
    };
    check(b->zone_count == 2, "dns: two zones, the nested one separate");
    if (b->zone_count != 2)
        return;
    check_zone(b, 0, "unihost.test.", parent, sizeof parent / sizeof parent[0]);
    check_zone(b, 1, "sub.unihost.test.", child, sizeof child / sizeof child[0]);

    const struct blob_dns_zone *z = &b->zones[0];
    if (z->node_count != sizeof parent / sizeof parent[0])
        return;     /* already reported; the node indexes below would be wrong */
    const struct blob_dns_node *www = &b->nodes[z->node_first + 12];
    const struct blob_dns_rrset *a = &b->rrsets[www->rrset_first];
    static const uint8_t a80[4] = {192, 0, 2, 80}, a81[4] = {192, 0, 2, 81};
    check(a->type == 1 && a->rclass == 1 && a->ttl == 300 && a->rdata_count == 2 &&
              b->rdatas[a->rdata_first].len == 4 &&
              memcmp(blob_bytes(b, b->rdatas[a->rdata_first]), a80, 4) == 0 &&
              memcmp(blob_bytes(b, b->rdatas[a->rdata_first + 1]), a81, 4) == 0,
          "dns: www A RRset in file order, exact duplicate dropped, $TTL applied");
    const struct blob_dns_node *apex = &b->nodes[z->node_first];
    const struct blob_dns_rrset *ns = &b->rrsets[apex->rrset_first];
    static const uint8_t ns1[] = "\3ns1\7unihost\4test";
    check(ns->type == 2 && ns->rdata_count == 2 && b->rdatas[ns->rdata_first].len == sizeof ns1 &&
              memcmp(blob_bytes(b, b->rdatas[ns->rdata_first]), ns1, sizeof ns1) == 0,
          "dns: NS RDATA is the uncompressed wire name");
}

/* tests/crunch/good/zones/dns.conf, every option given. */
static void check_dns_conf(const struct blob *b)
{
    const struct blob_dns_server *s = b->dns_server;
    check(b->dir->tables[BLOB_TABLE_DNS_SERVER].count == 1, "dns.conf: one server record");
    check(s->rrl_rate == 50 && s->rrl_slip == 3 && s->rrl_ipv4_prefix == 28 && s->rrl_ipv6_prefix == 48,
          "dns.conf: rate limiting as configured");
    static const uint8_t secret[16] = {0xe5, 0xe9, 0x73, 0xe5, 0xa6, 0xb2, 0xa4, 0x3f,
                                       0x48, 0xe7, 0xdc, 0x84, 0x9e, 0x37, 0xbf, 0xcf};
    check(!(s->flags & BLOB_DNS_ANSWER_COOKIE) && (s->flags & BLOB_DNS_COOKIE_SECRET) &&
              (s->flags & BLOB_DNS_COOKIE_STAGING) && memcmp(s->cookie_secret, secret, 16) == 0 &&
              s->cookie_staging[0] == 0x00 && s->cookie_staging[15] == 0xff,
          "dns.conf: cookies off, both secrets stored");
    check(ref_equals(b, s->nsid, "ns1.unihost") && (s->flags & BLOB_DNS_SHOW_VERSION) &&
              ref_equals(b, s->version, "unihost test") && (s->flags & BLOB_DNS_MINIMAL_RESPONSES),
          "dns.conf: NSID, version shown, minimal responses");
    check(b->rrl_exempt_count == 2 && b->rrl_exempt[0].family == 4 && b->rrl_exempt[0].prefix_len == 24 &&
              b->rrl_exempt[0].key == BLOB_DNS_NO_KEY && b->rrl_exempt[1].family == 6 &&
              b->rrl_exempt[1].prefix_len == 48,
          "dns.conf: the exempt prefixes");
    static const uint8_t key_name[] = "\3xfr\7unihost\4test";
    int key_ok = b->tsig_key_count == 1 && b->tsig_keys[0].algorithm == BLOB_DNS_TSIG_HMAC_SHA384 &&
                 b->tsig_keys[0].name.len == sizeof key_name &&
                 memcmp(blob_bytes(b, b->tsig_keys[0].name), key_name, sizeof key_name) == 0 &&
                 b->tsig_keys[0].secret.len == 48;
    for (unsigned i = 0; key_ok && i < 48; i++)
        key_ok = blob_bytes(b, b->tsig_keys[0].secret)[i] == i;
    check(key_ok, "dns.conf: the key, its name lower-cased, its secret decoded");
    const struct blob_dns_zone *z = &b->zones[0];
    check(z->acl_count == 2 && b->acls[z->acl_first].key == 0 && b->acls[z->acl_first].prefix_len == 32 &&
              b->acls[z->acl_first + 1].key == BLOB_DNS_NO_KEY && b->acls[z->acl_first + 1].prefix_len == 24,
          "dns.conf: provide-xfr by address and key, and by address alone");
    const struct blob_dns_notify *n = &b->notifies[z->notify_first];
    check(z->notify_count == 2 && n[0].family == 4 && n[0].port == 5353 && n[0].key == 0 && n[1].family == 6 &&
              n[1].port == 53 && n[1].key == BLOB_DNS_NO_KEY && b->zones[1].notify_count == 0,
          "dns.conf: notify targets with their ports and keys");
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s BLOB SOURCE_DATE_EPOCH SITE_DIR\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);   /* keep the lines printed before any crash */
    size_t len;
    uint8_t *data = read_all(argv[1], &len);
    struct blob b;
    const char *error = "cannot read the file";
    int opened = data && blob_open(&b, data, len, &error) == 0;
    if (!opened)
        printf("# %s\n", error);
    check(opened, "blob: opens with blob_open");
    if (opened) {
        check_http(&b, strtoull(argv[2], NULL, 10), argv[3]);
        check_dns(&b);
        if (b.zone_count == 2)
            check_dns_conf(&b);
    }
    free(data);
    return failures ? 1 : 0;
}
