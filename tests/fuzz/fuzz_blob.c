/*
 * libFuzzer target: blob_open()'s structural checks, and the engines over
 * whatever blob they accept.
 *
 * Random bytes would almost never get past the blob's SHA-256, so the input
 * is a list of edits to the fixture blob instead: 4 bytes each, a 24-bit
 * little-endian offset into the payload (taken modulo its size, the
 * preamble is never edited) and the byte to write there; a trailing partial
 * edit is ignored. The SHA-256 is then recomputed into the preamble, so
 * what gets fuzzed is everything blob_open() checks after the hash.
 *
 * blob_open() must never crash. When it accepts, every reference in every
 * table is walked and its bytes summed (ASan sees the blob as a heap buffer
 * of its exact size), blob_http_find() must find each file at its own
 * index, and the DNS and HTTP engines answer a set of queries derived from
 * the blob's own names and paths: the engines read the blob without checks
 * of their own, so whatever blob_open() lets through must be safe for them.
 * Every representation (identity, gzip, brotli) is walked and asked for.
 * The files' stored header lines (format 3) go into responses as they are:
 * an accepted blob must keep them within their bound and cuts, and every
 * response over it must still be framed by its Content-Length.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "dns/dns_engine.h"
#include "wire/dns_name.h"
#include "fuzz_common.h"
#include "http/http_engine.h"

static uint8_t *base;           /* the fixture blob, as loaded */
static size_t base_size;
static uint8_t *work;           /* the edited copy, exactly base_size bytes */
static uint8_t *answer;         /* 65535 bytes of room for DNS answers */
static struct http_conn conn;
static volatile uint64_t sink;  /* keeps the sums from being optimised away */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct blob b;
    base = fuzz_load_blob(&b, &base_size);
    if (base_size % 8 != 0 || base_size <= sizeof(struct blob_preamble)) {
        fprintf(stderr, "fuzz: the fixture blob's size is not a multiple of 8\n");
        exit(1);
    }
    work = aligned_alloc(8, base_size);
    answer = malloc(65535);
    if (!work || !answer)
        abort();
    return 0;
}

/* ---- walking every reference --------------------------------------------- */

static uint64_t sum_ref(const struct blob *b, struct blob_ref r)
{
    if (r.len == 0)
        return 0;
    FUZZ_CHECK((uint64_t)r.off + r.len <= b->size, "an accepted reference lies inside the blob");
    const uint8_t *p = blob_bytes(b, r);
    uint64_t s = 0;
    for (uint32_t i = 0; i < r.len; i++)
        s += p[i];
    return s;
}

static void check_table(const struct blob *b, const void *table, uint32_t count, size_t record)
{
    const uint8_t *t = table;
    FUZZ_CHECK(t >= b->base && (uint64_t)(t - b->base) + (uint64_t)count * record <= b->size,
               "an accepted table lies inside the blob");
    FUZZ_CHECK((uintptr_t)t % 8 == 0, "an accepted table is aligned");
}

/* A representation's stored lines: inside the blob, bounded, cut in order,
 * each line ending in CRLF with no other CR or LF. */
static uint64_t walk_head(const struct blob *b, const struct blob_http_head *h, bool present)
{
    if (!present) {
        FUZZ_CHECK(h->lines.len == 0, "no stored lines for an absent gzip or brotli variant");
        return 0;
    }
    FUZZ_CHECK(h->lines.len > 0 && h->lines.len <= BLOB_HTTP_HEAD_MAX, "accepted stored lines are bounded");
    FUZZ_CHECK(h->not_modified_end <= h->content_end && h->content_end <= h->ranges_end &&
                   h->ranges_end < h->length_end && h->length_end <= h->lines.len,
               "accepted cuts are in order, with a Content-Length run");
    const uint8_t *p = blob_bytes(b, h->lines);
    for (uint32_t i = 0; i < h->lines.len; i++) {
        if (p[i] == '\r')
            FUZZ_CHECK(i + 1 < h->lines.len && p[i + 1] == '\n', "CR only before LF in stored lines");
        else if (p[i] == '\n')
            FUZZ_CHECK(i > 0 && p[i - 1] == '\r', "LF only after CR in stored lines");
        else
            FUZZ_CHECK(p[i] >= 0x20 && p[i] < 0x7f, "no control bytes in stored lines");
    }
    FUZZ_CHECK(p[h->lines.len - 1] == '\n', "stored lines end with a line end");
    return sum_ref(b, h->lines) + h->not_modified_end + h->content_end + h->ranges_end + h->length_end;
}

static uint64_t walk_http(const struct blob *b)
{
    uint64_t s = 0;
    check_table(b, b->http_files, b->http_file_count, sizeof *b->http_files);
    check_table(b, b->http_heads, b->http_file_count, sizeof *b->http_heads);
    for (uint32_t i = 0; i < b->http_file_count; i++) {
        const struct blob_http_file *f = &b->http_files[i];
        s += sum_ref(b, f->path) + sum_ref(b, f->content_type) + f->mtime + f->flags + sum_ref(b, f->cache_control);
        for (int c = 0; c < BLOB_HTTP_CODINGS; c++) {
            struct blob_http_representation r = blob_http_representation(b, f, (enum blob_http_coding)c);
            s += sum_ref(b, r.body) + sum_ref(b, r.etag) + walk_head(b, r.head, r.present);
        }
        FUZZ_CHECK(f->path.len > 0 && blob_bytes(b, f->path)[0] == '/', "an accepted path starts with '/'");
        FUZZ_CHECK(blob_http_find(b, (const char *)blob_bytes(b, f->path), f->path.len) == f,
                   "blob_http_find() finds each file at its own index");
    }
    check_table(b, b->redirects, b->redirect_count, sizeof *b->redirects);
    for (uint32_t i = 0; i < b->redirect_count; i++) {
        const struct blob_http_redirect *r = &b->redirects[i];
        s += sum_ref(b, r->from) + sum_ref(b, r->to) + r->status;
        FUZZ_CHECK(r->status == 301 || r->status == 302 || r->status == 307 || r->status == 308,
                   "an accepted redirect has a redirect status");
        for (uint32_t k = 0; k < r->to.len; k++)
            FUZZ_CHECK(blob_bytes(b, r->to)[k] >= 0x20 && blob_bytes(b, r->to)[k] < 0x7f,
                       "an accepted redirect target holds no control byte");
        FUZZ_CHECK(blob_http_find_redirect(b, (const char *)blob_bytes(b, r->from), r->from.len) == r,
                   "blob_http_find_redirect() finds each redirect at its own index");
    }
    return s;
}

static uint64_t walk_rrset(const struct blob *b, uint32_t index)
{
    FUZZ_CHECK(index < b->rrset_count, "an accepted RRset index is in range");
    const struct blob_dns_rrset *s = &b->rrsets[index];
    FUZZ_CHECK((uint64_t)s->rdata_first + s->rdata_count <= b->rdata_count,
               "an accepted RRset's records are in range");
    uint64_t sum = s->type + s->rclass + s->ttl;
    for (uint32_t i = 0; i < s->rdata_count; i++)
        sum += sum_ref(b, b->rdatas[s->rdata_first + i]);
    return sum;
}

static uint64_t walk_node(const struct blob *b, uint32_t index)
{
    FUZZ_CHECK(index < b->node_count, "an accepted node index is in range");
    const struct blob_dns_node *n = &b->nodes[index];
    uint64_t s = sum_ref(b, n->name) + sum_ref(b, n->key) + n->flags;
    FUZZ_CHECK(dns_name_wire_len(blob_bytes(b, n->name), n->name.len) == n->name.len,
               "an accepted node name is a whole wire name");
    FUZZ_CHECK((uint64_t)n->rrset_first + n->rrset_count <= b->rrset_count,
               "an accepted node's RRsets are in range");
    for (uint32_t i = 0; i < n->rrset_count; i++)
        s += walk_rrset(b, n->rrset_first + i);
    return s;
}

static uint64_t walk_dns(const struct blob *b)
{
    uint64_t s = 0;
    check_table(b, b->zones, b->zone_count, sizeof *b->zones);
    check_table(b, b->nodes, b->node_count, sizeof *b->nodes);
    check_table(b, b->rrsets, b->rrset_count, sizeof *b->rrsets);
    check_table(b, b->rdatas, b->rdata_count, sizeof *b->rdatas);
    for (uint32_t i = 0; i < b->zone_count; i++) {
        const struct blob_dns_zone *z = &b->zones[i];
        s += sum_ref(b, z->apex) + sum_ref(b, z->apex_key);
        FUZZ_CHECK(z->node_count > 0 && (uint64_t)z->node_first + z->node_count <= b->node_count,
                   "an accepted zone's nodes are in range");
        s += walk_rrset(b, z->soa_rrset);
        for (uint32_t k = 0; k < z->node_count; k++)
            s += walk_node(b, z->node_first + k);
    }
    for (uint32_t i = 0; i < b->node_count; i++)
        s += walk_node(b, i);
    for (uint32_t i = 0; i < b->rrset_count; i++)
        s += walk_rrset(b, i);
    for (uint32_t i = 0; i < b->rdata_count; i++)
        s += sum_ref(b, b->rdatas[i]);
    return s;
}

/* ---- the engines over the accepted blob --------------------------------- */

static void ask(const struct blob *b, const uint8_t *name, size_t name_len, uint16_t qtype,
                enum dns_transport t, bool edns)
{
    uint8_t q[12 + DNS_NAME_MAX + 4 + 11];
    if (name_len > DNS_NAME_MAX)
        return;
    static uint16_t id;
    id++;
    memset(q, 0, 12);
    q[0] = (uint8_t)(id >> 8);
    q[1] = (uint8_t)id;
    q[2] = 0x01;                        /* RD */
    q[5] = 1;                           /* QDCOUNT */
    memcpy(q + 12, name, name_len);
    size_t len = 12 + name_len;
    q[len++] = (uint8_t)(qtype >> 8);
    q[len++] = (uint8_t)qtype;
    q[len++] = 0;
    q[len++] = 1;                       /* IN */
    if (edns) {
        q[11] = 1;                      /* ARCOUNT */
        static const uint8_t opt[11] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0};
        memcpy(q + len, opt, sizeof opt);
        len += sizeof opt;
    }
    size_t n = dns_engine_answer(b, q, len, t, answer, 65535);
    fuzz_check_dns_answer(q, len, answer, n, t, 65535, false);
}

static void ask_dns(const struct blob *b)
{
    static const uint16_t types[] = {1, 2, 5, 6, 15, 16, 28, 33, 43, 255};
    uint32_t nodes = b->node_count < 48 ? b->node_count : 48;
    for (uint32_t i = 0; i < nodes; i++) {
        const struct blob_dns_node *n = &b->nodes[i];
        const uint8_t *name = blob_bytes(b, n->name);
        enum dns_transport t = (i & 1) ? DNS_OVER_TCP : DNS_OVER_UDP;
        ask(b, name, n->name.len, types[i % 10], t, i & 2);
        ask(b, name, n->name.len, 1, DNS_OVER_UDP, false);
        ask(b, name, n->name.len, 255, DNS_OVER_TCP, false);
        for (uint32_t k = 0; k < n->rrset_count && k < 4; k++)
            ask(b, name, n->name.len, b->rrsets[n->rrset_first + k].type, t, true);
        /* a child: NXDOMAIN, a wildcard or a referral below a cut */
        uint8_t child[DNS_NAME_MAX];
        if (n->name.len + 2 <= sizeof child) {
            child[0] = 1;
            child[1] = 'z';
            memcpy(child + 2, name, n->name.len);
            ask(b, child, n->name.len + 2, 1, DNS_OVER_UDP, true);
            ask(b, child, n->name.len + 2, 2, DNS_OVER_TCP, false);
        }
    }
    static const uint8_t root[] = {0};
    ask(b, root, sizeof root, 6, DNS_OVER_UDP, false);
}

/* One response's framing: its Content-Length and what followed its header
 * block (the first output, whole: fuzz_blob sends everything at once). */
struct framing {
    bool has_length;
    uint64_t length;
    uint64_t after_head;
};

static void read_framing(struct framing *fr, const uint8_t *head, size_t n)
{
    size_t end = 0;
    for (size_t i = 0; i + 4 <= n && end == 0; i++)
        if (memcmp(head + i, "\r\n\r\n", 4) == 0)
            end = i + 4;
    FUZZ_CHECK(end != 0, "the header block is whole in the first output");
    static const char cl[] = "\r\nContent-Length: ";
    for (size_t i = 0; i + sizeof cl - 1 < end; i++) {
        if (memcmp(head + i, cl, sizeof cl - 1) != 0)
            continue;
        FUZZ_CHECK(!fr->has_length, "one Content-Length");
        fr->has_length = true;
        size_t j = i + sizeof cl - 1;
        FUZZ_CHECK(head[j] >= '0' && head[j] <= '9', "Content-Length is a number");
        for (; head[j] >= '0' && head[j] <= '9'; j++)
            fr->length = fr->length * 10 + (uint64_t)(head[j] - '0');
        FUZZ_CHECK(head[j] == '\r', "Content-Length is only a number");
    }
    fr->after_head = n - end;
}

/* What get() asks for: no coding, gzip, or brotli and gzip at once. */
static const char *const accept_lines[] = {"", "Accept-Encoding: gzip\r\n", "Accept-Encoding: br, gzip;q=0.5\r\n"};

static void get(const struct blob *b, const uint8_t *path, size_t path_len, bool head, unsigned accept)
{
    char req[1024];
    if (path_len > 512)
        return;
    size_t len = 0;
    memcpy(req, head ? "HEAD " : "GET ", head ? 5 : 4);
    len += head ? 5 : 4;
    memcpy(req + len, path, path_len);
    len += path_len;
    static const char rest[] = " HTTP/1.1\r\nHost: fuzz\r\nIf-None-Match: \"x\"\r\n";
    memcpy(req + len, rest, sizeof rest - 1);
    len += sizeof rest - 1;
    const char *ae = accept_lines[accept % 3];
    memcpy(req + len, ae, strlen(ae));
    len += strlen(ae);
    memcpy(req + len, "\r\n", 2);
    len += 2;

    http_conn_init(&conn, b);
    size_t fed = 0;
    bool started = false;
    struct framing fr = {0};
    for (unsigned steps = 0;; steps++) {
        FUZZ_CHECK(steps < 64, "an HTTP exchange over an accepted blob ends");
        const uint8_t *out;
        size_t n;
        bool in_blob;
        while (http_conn_output(&conn, &out, &n, &in_blob)) {
            FUZZ_CHECK(n > 0, "offered output is never empty");
            if (!started) {
                FUZZ_CHECK(!in_blob && n >= 9 && memcmp(out, "HTTP/1.1 ", 9) == 0,
                           "a response starts with \"HTTP/1.1 \"");
                read_framing(&fr, out, n);
            } else {
                fr.after_head += n;
            }
            started = true;
            if (in_blob)
                FUZZ_CHECK(out >= b->base && out + n <= b->base + b->size, "blob output lies in the blob");
            uint64_t s = 0;
            for (size_t i = 0; i < n; i++)
                s += out[i];
            sink += s;
            http_conn_sent(&conn, n);
        }
        if (fed == len || http_conn_should_close(&conn))
            break;
        size_t used = http_conn_feed(&conn, (const uint8_t *)req + fed, len - fed, 784111777);
        FUZZ_CHECK(used <= len - fed, "the engine takes no more than it is given");
        fed += used;
    }
    /* A path of visible ASCII makes one well-formed request: one response,
     * framed by its Content-Length (a 304 has none: an edited ETag may
     * match the request's). Other bytes in an accepted path may make no
     * request or two. */
    bool one_request = true;
    for (size_t i = 0; i < path_len; i++)
        one_request &= path[i] > 0x20 && path[i] < 0x7f;
    if (!one_request)
        return;
    FUZZ_CHECK(started, "a request over an accepted blob is answered");
    if (memcmp(conn.head, "HTTP/1.1 304 ", 13) == 0)
        return;
    FUZZ_CHECK(fr.has_length, "a response to GET or HEAD has a Content-Length");
    FUZZ_CHECK(fr.after_head == (head ? 0 : fr.length), "the body is exactly Content-Length bytes (none for HEAD)");
}

static void ask_http(const struct blob *b)
{
    uint32_t files = b->http_file_count < 16 ? b->http_file_count : 16;
    for (uint32_t i = 0; i < files; i++) {
        const struct blob_http_file *f = &b->http_files[i];
        get(b, blob_bytes(b, f->path), f->path.len, false, i);
        get(b, blob_bytes(b, f->path), f->path.len, true, i + 1);
    }
    get(b, (const uint8_t *)"/", 1, false, 2);
    get(b, (const uint8_t *)"/docs", 5, false, 0);
    get(b, (const uint8_t *)"/no/such/page", 13, false, 1);
    get(b, (const uint8_t *)"/no/such/page", 13, true, 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const size_t pre = sizeof(struct blob_preamble);
    memcpy(work, base, base_size);
    for (size_t i = 0; i + 4 <= size; i += 4) {
        size_t off = (size_t)data[i] | (size_t)data[i + 1] << 8 | (size_t)data[i + 2] << 16;
        work[pre + off % (base_size - pre)] = data[i + 3];
    }
    br_sha256_context ctx;
    br_sha256_init(&ctx);
    br_sha256_update(&ctx, work + pre, base_size - pre);
    br_sha256_out(&ctx, work + offsetof(struct blob_preamble, payload_sha256));

    struct blob b;
    const char *error = NULL;
    if (blob_open(&b, work, base_size, &error) != 0) {
        FUZZ_CHECK(error != NULL && *error != '\0', "a refusal says why");
        return 0;
    }
    FUZZ_CHECK(b.base == work && b.size == base_size, "an accepted blob is the one given");
    sink += walk_http(&b) + walk_dns(&b);
    ask_dns(&b);
    ask_http(&b);
    return 0;
}
