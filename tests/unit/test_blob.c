/*
 * The blob writer and reader together: what is written is read back, and a
 * damaged blob is refused with the right reason.
 */
#include <stdlib.h>
#include <string.h>

#include "content/blob.h"
#include "content/blob_writer.h"
#include "check.h"
#include "wire/dns_name.h"
#include "file_heads.h"

static struct blob_ref text(struct blob_writer *w, const char *s)
{
    return blob_writer_bytes(w, s, strlen(s));
}

/* A blob with two files (the first with a brotli variant: its bytes are
 * not brotli, which the reader never decodes), two redirects and one zone
 * of two names. */
static uint8_t *build(size_t *len)
{
    struct blob_writer *w = blob_writer_new();
    const char *paths[] = {"/a.html", "/b/index.html"};
    for (int i = 0; i < 2; i++) {
        struct blob_http_file f = {0};
        f.path = text(w, paths[i]);
        f.content_type = text(w, "text/html; charset=utf-8");
        f.body = text(w, i ? "<p>b</p>" : "<p>a</p>");
        f.etag = text(w, i ? "\"b\"" : "\"a\"");
        f.mtime = 1000 + (uint64_t)i;
        f.cache_control = text(w, i ? "no-cache" : "public, max-age=60");
        if (i == 0) {
            f.br_body = text(w, "br of <p>a</p>");
            f.br_etag = text(w, "\"a-br\"");
        }
        blob_writer_add(w, BLOB_TABLE_HTTP_FILES, &f);
        add_file_heads(w, &f);
    }
    /* Two redirects, sorted by source. */
    struct blob_http_redirect r = {text(w, "/moved"), text(w, "/a.html"), 301, 0};
    blob_writer_add(w, BLOB_TABLE_HTTP_REDIRECTS, &r);
    r = (struct blob_http_redirect){text(w, "/old"), text(w, "https://example.org/x"), 308, 0};
    blob_writer_add(w, BLOB_TABLE_HTTP_REDIRECTS, &r);
    static const uint8_t apex[] = "\7example\4test";
    static const uint8_t www[] = "\3www\7example\4test";
    uint8_t key[DNS_NAME_MAX];
    struct blob_dns_zone z = {0};
    z.apex = blob_writer_bytes(w, apex, sizeof apex);
    z.apex_key = blob_writer_bytes(w, key, dns_name_to_key(apex, sizeof apex, key));
    z.node_first = 0;
    z.node_count = 2;
    /* The apex holds NS (a whole wire name) and SOA, sorted by type. */
    static const uint8_t ns_target[] = "\2ns\5other\4test";   /* stored nowhere else */
    struct blob_ref rd = blob_writer_bytes(w, ns_target, sizeof ns_target);
    uint32_t rdata = blob_writer_add(w, BLOB_TABLE_DNS_RDATAS, &rd);
    uint32_t no_target = BLOB_DNS_NO_TARGET;       /* ns.other.test is not in the zone */
    blob_writer_add(w, BLOB_TABLE_DNS_TARGETS, &no_target);
    struct blob_dns_rrset ns = {2, 1, 3600, rdata, 1};
    uint32_t ns_index = blob_writer_add(w, BLOB_TABLE_DNS_RRSETS, &ns);
    static const uint8_t soa_rdata[22] = {0};
    rd = blob_writer_bytes(w, soa_rdata, sizeof soa_rdata);
    rdata = blob_writer_add(w, BLOB_TABLE_DNS_RDATAS, &rd);
    blob_writer_add(w, BLOB_TABLE_DNS_TARGETS, &no_target);
    struct blob_dns_rrset soa = {6, 1, 3600, rdata, 1};
    z.soa_rrset = blob_writer_add(w, BLOB_TABLE_DNS_RRSETS, &soa);
    struct blob_dns_node n = {0};
    n.name = z.apex;
    n.key = z.apex_key;
    n.rrset_first = ns_index;
    n.rrset_count = 2;
    n.flags = BLOB_DNS_NODE_APEX;
    n.nsec_node = UINT32_MAX;          /* an unsigned zone */
    blob_writer_add(w, BLOB_TABLE_DNS_NODES, &n);
    n.name = blob_writer_bytes(w, www, sizeof www);
    n.key = blob_writer_bytes(w, key, dns_name_to_key(www, sizeof www, key));
    n.rrset_count = 0;
    n.flags = 0;
    blob_writer_add(w, BLOB_TABLE_DNS_NODES, &n);
    blob_writer_add(w, BLOB_TABLE_DNS_ZONES, &z);
    uint8_t *out = NULL;
    if (blob_writer_finish(w, 42, &out, len) != 0)
        out = NULL;
    blob_writer_free(w);
    return out;
}

static const char *open_error(const uint8_t *data, size_t len)
{
    struct blob b;
    const char *err = NULL;
    return blob_open(&b, data, len, &err) == 0 ? NULL : err;
}

/* Recomputes the hash after a deliberate change, so the structure checks
 * (not the hash) are what must catch it. */
#include <bearssl.h>
static void rehash(uint8_t *data, size_t len)
{
    br_sha256_context c;
    br_sha256_init(&c);
    br_sha256_update(&c, data + sizeof(struct blob_preamble), len - sizeof(struct blob_preamble));
    br_sha256_out(&c, ((struct blob_preamble *)data)->payload_sha256);
}

/* Where `s` first occurs in the bytes `r` of `data`, as an offset in it. */
static uint32_t find_in(const uint8_t *data, struct blob_ref r, const char *s)
{
    size_t n = strlen(s);
    for (uint32_t i = 0; i + n <= r.len; i++)
        if (memcmp(data + r.off + i, s, n) == 0)
            return r.off + i;
    abort();                        /* the test names a string the lines do not hold */
}

/* Does the run `r` of `data` hold `s`? */
static bool lines_hold(const uint8_t *data, struct blob_ref r, const char *s)
{
    size_t n = strlen(s);
    for (uint32_t i = 0; i + n <= r.len; i++)
        if (memcmp(data + r.off + i, s, n) == 0)
            return true;
    return false;
}

int main(void)
{
    size_t len;
    uint8_t *data = build(&len);
    CHECK("writer: builds a blob", data != NULL);
    if (!data)
        return 1;
    struct blob b;
    const char *err = NULL;
    CHECK("reader: opens what the writer wrote", blob_open(&b, data, len, &err) == 0);
    CHECK("reader: counts", b.http_file_count == 2 && b.zone_count == 1 && b.node_count == 2 &&
          b.rrset_count == 2 && b.rdata_count == 2);
    CHECK("reader: creation time", b.dir->created == 42);
    const struct blob_http_file *f = blob_http_find(&b, "/b/index.html", 13);
    CHECK("reader: finds a file by path", f && f->body.len == 8 && memcmp(blob_bytes(&b, f->body), "<p>b</p>", 8) == 0);
    CHECK("reader: a missing path", blob_http_find(&b, "/c", 2) == NULL && blob_http_find(&b, "/a.htm", 6) == NULL);
    CHECK("writer: identical bytes stored once", b.http_files[0].content_type.off == b.http_files[1].content_type.off);
    CHECK("reader: tables 8-byte aligned", b.dir->tables[BLOB_TABLE_DNS_NODES].off % 8 == 0);

    uint8_t *copy = malloc(len);
    memcpy(copy, data, len);
    copy[len / 2] ^= 1;
    err = open_error(copy, len);
    CHECK("reader: a flipped byte is refused as corrupt", err && strstr(err, "SHA-256"));
    memcpy(copy, data, len);
    copy[0] = 'X';
    err = open_error(copy, len);
    CHECK("reader: bad magic is refused", err && strstr(err, "magic"));
    memcpy(copy, data, len);
    ((struct blob_preamble *)copy)->version = 99;
    err = open_error(copy, len);
    CHECK("reader: another format version is refused", err && strstr(err, "version"));
    err = open_error(data, len - 8);
    CHECK("reader: a truncated blob is refused", err && strstr(err, "size"));
    err = open_error(data, 20);
    CHECK("reader: a tiny blob is refused", err != NULL);

    memcpy(copy, data, len);
    struct blob_directory *dir = (void *)(copy + sizeof(struct blob_preamble));
    struct blob_http_file *files = (void *)(copy + dir->tables[BLOB_TABLE_HTTP_FILES].off);
    files[1].body.off = (uint32_t)len - 2;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a reference past the end is refused", err && strstr(err, "outside"));

    /* The directory's flags: only the known ones, covered by the hash. */
    memcpy(copy, data, len);
    CHECK("reader: a blob crunched without --dev is no development blob", dir->flags == 0);
    dir->flags = BLOB_DEVELOPMENT;
    err = open_error(copy, len);
    CHECK("reader: setting the development flag without rehashing is refused as corrupt",
          err && strstr(err, "SHA-256"));
    rehash(copy, len);
    struct blob dev;
    CHECK("reader: a development blob opens and says so",
          open_error(copy, len) == NULL && blob_open(&dev, copy, len, &err) == 0 && blob_is_development(&dev));
    dir->flags = BLOB_DEVELOPMENT << 1;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a flag this reader does not know is refused", err && strstr(err, "flags"));
    dir->flags = 0;
    dir->reserved = 1;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a non-zero reserved directory field is refused", err && strstr(err, "flags"));
    dir->reserved = 0;
    dir->build_id[3] = 1;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a build identity without the development flag is refused", err && strstr(err, "build identity"));
    dir->flags = BLOB_DEVELOPMENT;
    rehash(copy, len);
    CHECK("reader: ... and taken with it", open_error(copy, len) == NULL);

    memcpy(copy, data, len);
    files[0].path = files[1].path;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: unsorted files are refused", err && strstr(err, "sorted"));

    memcpy(copy, data, len);
    dir->tables[BLOB_TABLE_DNS_NODES].count = 1000;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a table past the end is refused", err != NULL);

    memcpy(copy, data, len);
    struct blob_dns_rrset *sets = (void *)(copy + dir->tables[BLOB_TABLE_DNS_RRSETS].off);
    sets[0].rdata_first = 5;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: an index past its table is refused", err && strstr(err, "outside"));

    memcpy(copy, data, len);
    struct blob_dns_node *nodes = (void *)(copy + dir->tables[BLOB_TABLE_DNS_NODES].off);
    struct blob_dns_node first = nodes[0];
    nodes[0] = nodes[1];
    nodes[1] = first;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a zone that does not start at its apex is refused", err && strstr(err, "apex"));

    memcpy(copy, data, len);
    nodes[1].key = nodes[0].key;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a key that is not its name's is refused", err && strstr(err, "malformed"));

    memcpy(copy, data, len);
    nodes[1].name.len -= 1;     /* no longer ends in the root label */
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a malformed wire name is refused", err && strstr(err, "malformed"));

    memcpy(copy, data, len);
    sets[1].type = 7;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: an apex without its SOA is refused", err && (strstr(err, "SOA") || strstr(err, "flags")));

    memcpy(copy, data, len);
    sets[0].type = 1;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: an apex flag without NS records is refused", err && strstr(err, "flags"));

    memcpy(copy, data, len);
    struct blob_ref *rdatas = (void *)(copy + dir->tables[BLOB_TABLE_DNS_RDATAS].off);
    copy[rdatas[0].off + rdatas[0].len - 1] = 0xfb;     /* the NS target loses its root label */
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: an NS target that is not a whole name is refused", err && strstr(err, "target"));

    /* ---- version 3: additional-section targets ---- */
    uint32_t *targets = (void *)(copy + dir->tables[BLOB_TABLE_DNS_TARGETS].off);
    CHECK("reader: one target slot per RDATA", b.target_count == b.rdata_count &&
          b.targets[0] == BLOB_DNS_NO_TARGET);
    memcpy(copy, data, len);
    targets[0] = 1;         /* www.example.test: a node of the zone, but not the NS's target */
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a target naming another node is refused", err && strstr(err, "target"));

    memcpy(copy, data, len);
    targets[0] = 7;         /* past the zone's nodes */
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a target outside the zone is refused", err && strstr(err, "target"));

    memcpy(copy, data, len);
    targets[1] = 0;         /* the SOA has no additional-section target */
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a target for a type without one is refused", err && strstr(err, "target"));

    memcpy(copy, data, len);
    dir->tables[BLOB_TABLE_DNS_TARGETS].count = 1;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a target table shorter than the records is refused", err && strstr(err, "target table"));

    /* ---- version 2: Cache-Control and redirects ---- */
    CHECK("reader: redirects read back", b.redirect_count == 2 &&
          blob_http_find_redirect(&b, "/old", 4) == &b.redirects[1] && b.redirects[1].status == 308 &&
          blob_http_find_redirect(&b, "/moved", 6) == &b.redirects[0] &&
          blob_http_find_redirect(&b, "/mov", 4) == NULL && blob_http_find_redirect(&b, "/", 1) == NULL);
    CHECK("reader: Cache-Control read back", f && f->cache_control.len == 8 &&
          memcmp(blob_bytes(&b, f->cache_control), "no-cache", 8) == 0);

    struct blob_http_redirect *redirects = (void *)(copy + dir->tables[BLOB_TABLE_HTTP_REDIRECTS].off);
    memcpy(copy, data, len);
    redirects[0].status = 200;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a redirect status other than 301/302/307/308 is refused", err && strstr(err, "status"));

    memcpy(copy, data, len);
    redirects[1].from = redirects[0].from;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: duplicate or unsorted redirect sources are refused", err && strstr(err, "sorted"));

    memcpy(copy, data, len);
    redirects[0].to.off = (uint32_t)len - 2;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a redirect target past the end is refused", err && strstr(err, "outside"));

    memcpy(copy, data, len);
    copy[redirects[1].to.off + 5] = '\n';     /* "https\n//...": a header split */
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a control byte in a redirect target is refused", err && strstr(err, "malformed"));

    memcpy(copy, data, len);
    copy[files[0].cache_control.off + 3] = '\r';
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a control byte in Cache-Control is refused", err && strstr(err, "control"));

    memcpy(copy, data, len);
    files[0].cache_control.len = BLOB_HTTP_CACHE_CONTROL_MAX + 1;    /* still inside the blob */
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a Cache-Control too long for a response header is refused", err && strstr(err, "long"));

    memcpy(copy, data, len);
    dir->tables[BLOB_TABLE_HTTP_REDIRECTS].count = 1000;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a redirect table past the end is refused", err && strstr(err, "outside"));

    /* ---- version 3: the header lines of each file's responses ---- */
    static const char b_lines[] = "ETag: \"b\"\r\nLast-Modified: Thu, 01 Jan 1970 00:16:41 GMT\r\n"
                                  "Cache-Control: no-cache\r\nContent-Type: text/html; charset=utf-8\r\n"
                                  "Accept-Ranges: bytes\r\nContent-Length: 8\r\nX-Content-Type-Options: nosniff\r\n";
    const struct blob_http_head *bh = &blob_http_heads(&b, f)->identity;
    CHECK("reader: a file's header lines read back, beside it", f && bh->lines.len == sizeof b_lines - 1 &&
          memcmp(blob_bytes(&b, bh->lines), b_lines, sizeof b_lines - 1) == 0);
    CHECK("reader: the cuts read back", bh->not_modified_end == 82 && bh->content_end == 122 &&
          bh->ranges_end == 144 && bh->length_end == 163);
    CHECK("reader: no gzip variant, no gzip lines", blob_http_heads(&b, f)->gzip.lines.len == 0);

    struct blob_http_file_heads *heads = (void *)(copy + dir->tables[BLOB_TABLE_HTTP_HEADS].off);
    const struct blob_http_head h0 = ((const struct blob_http_file_heads *)(data + dir->tables[BLOB_TABLE_HTTP_HEADS].off))
                                         ->identity;
#define AT(s) find_in(data, h0.lines, (s))
    static const struct { const char *at; int delta; uint8_t byte; const char *name; } bytes[] = {
        {"max-age", 3, '\n', "reader: a bare LF in stored header lines is refused"},
        {"max-age", 3, '\r', "reader: a bare CR in stored header lines is refused"},
        {"max-age", 3, 0x01, "reader: a control byte in stored header lines is refused"},
        {"max-age", 3, 0x7f, "reader: DEL in stored header lines is refused"},
        {"max-age", 3, 0xc3, "reader: a byte above ASCII in stored header lines is refused"},
        {"\r\nLast", 0, '\n', "reader: a line ending in LF LF is refused"},
        {"ETag", 2, ' ', "reader: a space in a stored header name is refused"},
        {"ETag", 4, ';', "reader: a stored line without a colon is refused"},
        {"ETag", 5, 'x', "reader: a stored line without the space after its colon is refused"},
        {"ETag: ", 6, ' ', "reader: a stored value starting with a space is refused"},
        {"max-age=60", 9, ' ', "reader: a stored value ending with a space is refused"},
        {"Content-Length: 8", 16, '9', "reader: a stored Content-Length that is not the body's is refused"},
        {"Content-Length", 8, 'X', "reader: a length run without Content-Length is refused"},
    };
    for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++) {
        memcpy(copy, data, len);
        copy[AT(bytes[i].at) + (uint32_t)bytes[i].delta] = bytes[i].byte;
        rehash(copy, len);
        err = open_error(copy, len);
        CHECK(bytes[i].name, err && strstr(err, "header lines"));
    }
    memcpy(copy, data, len);
    memcpy(copy + AT("ETag"), "Date", 4);
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a stored line naming one the engine writes (Date) is refused", err && strstr(err, "header lines"));
    memcpy(copy, data, len);
    memcpy(copy + AT("X-Content-Type-Options: nosniff"), "Content-Length: 8\r\nX-Pad: abcde", 31);
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a second Content-Length outside its run is refused", err && strstr(err, "header lines"));

    struct { struct blob_http_head h; const char *name; } cuts[] = {
        {h0, "reader: a cut inside a stored line is refused"},
        {h0, "reader: cuts out of order are refused"},
        {h0, "reader: an empty Content-Length run is refused"},
        {h0, "reader: a Content-Length run of two lines is refused"},
        {h0, "reader: a cut past the stored lines is refused"},
        {h0, "reader: stored lines longer than BLOB_HTTP_HEAD_MAX are refused"},
        {h0, "reader: stored lines past the end of the blob are refused"},
        {h0, "reader: a file without stored lines is refused"},
        {h0, "reader: stored lines cut short of their last CRLF are refused"},
    };
    cuts[0].h.not_modified_end += 1;
    cuts[1].h.content_end = (uint16_t)(h0.not_modified_end - 21);
    cuts[2].h.ranges_end = h0.length_end;
    cuts[3].h.ranges_end = h0.content_end;
    cuts[4].h.length_end = (uint16_t)(h0.lines.len + 1);
    cuts[5].h.lines.len = BLOB_HTTP_HEAD_MAX + 1;       /* still inside the blob */
    cuts[6].h.lines.off = UINT32_MAX - 8;              /* and past 4 GiB: a 32-bit sum would wrap */
    cuts[7].h.lines.len = 0;
    cuts[8].h.lines.len -= 2;
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        memcpy(copy, data, len);
        heads[0].identity = cuts[i].h;
        rehash(copy, len);
        err = open_error(copy, len);
        CHECK(cuts[i].name, err && (strstr(err, "header lines") || strstr(err, "outside")));
    }
    memcpy(copy, data, len);
    memcpy(copy + AT("Content-Length: 8\r\n"), "X-Not-Length: 888\r\n", 19);
    heads[0].identity.ranges_end = heads[0].identity.length_end;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: stored lines without any Content-Length are refused", err && strstr(err, "header lines"));
    memcpy(copy, data, len);
    heads[1].gzip = heads[1].identity;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: gzip lines for a file without a gzip variant are refused", err && strstr(err, "header lines"));
    memcpy(copy, data, len);
    heads[1].br = heads[1].identity;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: brotli lines for a file without a brotli variant are refused", err && strstr(err, "header lines"));

    /* ---- version 6: a brotli representation beside gzip ---- */
    const struct blob_http_file *a = blob_http_find(&b, "/a.html", 7);
    struct blob_http_representation abr = blob_http_representation(&b, a, BLOB_HTTP_BR);
    CHECK("reader: a brotli variant reads back with its ETag and its lines",
          abr.present && abr.body.len == 14 && abr.etag.len == 6 &&
          memcmp(blob_bytes(&b, abr.etag), "\"a-br\"", 6) == 0 && abr.head->lines.len > 0 &&
          lines_hold(data, abr.head->lines, "\r\nContent-Encoding: br\r\nAccept-Ranges: bytes\r\n"));
    CHECK("reader: no brotli variant, no brotli representation",
          !blob_http_representation(&b, f, BLOB_HTTP_BR).present && blob_http_heads(&b, f)->br.lines.len == 0);
    memcpy(copy, data, len);
    files[0].br_etag = files[0].etag;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a brotli variant with the identity's ETag is refused", err && strstr(err, "share an ETag"));
    memcpy(copy, data, len);
    files[0].br_body.off = (uint32_t)len - 4;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a brotli body past the end is refused", err && strstr(err, "outside"));
    memcpy(copy, data, len);
    files[0].br_body.len += 1;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a brotli body whose length its stored Content-Length does not state is refused",
          err && strstr(err, "header lines"));
    memcpy(copy, data, len);
    heads[0].br = (struct blob_http_head){0};
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a brotli variant without header lines is refused", err && strstr(err, "header lines"));

    memcpy(copy, data, len);
    dir->tables[BLOB_TABLE_HTTP_HEADS].count = 1;
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: stored lines for fewer files than there are are refused", err && strstr(err, "one per file"));
    memcpy(copy, data, len);
    files[1].body.len -= 1;                             /* the lines now state the wrong length */
    rehash(copy, len);
    err = open_error(copy, len);
    CHECK("reader: a body whose length the stored Content-Length does not state is refused",
          err && strstr(err, "header lines"));
#undef AT

    /* A version 5 blob (the one before brotli, or any other) is refused,
     * naming both versions. */
    static _Alignas(8) uint8_t old[sizeof(struct blob_preamble) + sizeof(struct blob_directory)];
    struct blob_preamble *pre = (void *)old;
    memcpy(pre->magic, BLOB_MAGIC, BLOB_MAGIC_LEN);
    pre->version = 5;
    pre->preamble_size = sizeof *pre;
    pre->total_size = sizeof old;
    rehash(old, sizeof old);
    err = open_error(old, sizeof old);
    CHECK("reader: a version 5 blob is refused, naming both versions and the remedy",
          err && strstr(err, "version 5 ") && strstr(err, "version 6 ") && strstr(err, "rebuild") &&
          strstr(err, "crunch"));
    pre->version = 99;
    err = open_error(old, sizeof old);
    CHECK("reader: so is a newer one", err && strstr(err, "version 99 ") && strstr(err, "version 6 "));

    free(copy);
    free(data);
    return CHECK_DONE();
}
