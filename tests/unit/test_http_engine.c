/*
 * The HTTP engine over the fixture site (tests/fixtures/site): requests in as
 * bytes, responses out as bytes, checked against the blob's own files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_file.h"
#include "content/blob_writer.h"
#include "check.h"
#include "file_heads.h"
#include "http/http_date.h"
#include "http/http_engine.h"

static struct blob blob;
static struct http_conn conn;

/* Everything the connection answers to `req`, fed in pieces of `chunk`
 * bytes (0: all at once), draining output before feeding more, as the
 * transport does. */
static char response[1 << 20];
static size_t response_len;

static void converse(const char *req, size_t chunk)
{
    size_t len = strlen(req), fed = 0;
    response_len = 0;
    for (int guard = 0; guard < 100000; guard++) {
        const uint8_t *data;
        size_t n;
        bool in_blob;
        while (http_conn_output(&conn, &data, &n, &in_blob)) {
            size_t take = n > 1000 ? 1000 : n;     /* a small send buffer */
            if (response_len + take <= sizeof response) {
                memcpy(response + response_len, data, take);
                response_len += take;
            }
            http_conn_sent(&conn, take);
        }
        if (fed == len || http_conn_should_close(&conn))
            break;
        size_t piece = chunk ? (len - fed < chunk ? len - fed : chunk) : len - fed;
        fed += http_conn_feed(&conn, (const uint8_t *)req + fed, piece, 784111777);
    }
    response[response_len < sizeof response ? response_len : sizeof response - 1] = '\0';
}

static void fresh(void)
{
    http_conn_init(&conn, &blob);
}

static const struct blob_http_file *file(const char *path)
{
    return blob_http_find(&blob, path, strlen(path));
}

static bool has_header(const char *name_value)
{
    const char *end = strstr(response, "\r\n\r\n");
    const char *hit = strstr(response, name_value);
    return hit && end && hit < end;
}

static int status(void)
{
    return strncmp(response, "HTTP/1.1 ", 9) == 0 ? atoi(response + 9) : -1;
}

static const char *body(void)
{
    const char *end = strstr(response, "\r\n\r\n");
    return end ? end + 4 : NULL;
}

static size_t body_len(void)
{
    const char *b = body();
    return b ? response_len - (size_t)(b - response) : 0;
}

static bool body_is(const struct blob_ref r)
{
    return body_len() == r.len && memcmp(body(), blob_bytes(&blob, r), r.len) == 0;
}

static bool header_equals_ref(const char *name, struct blob_ref r)
{
    char want[512];
    snprintf(want, sizeof want, "\r\n%s: %.*s\r\n", name, (int)r.len, (const char *)blob_bytes(&blob, r));
    return has_header(want);
}

static void test_get(void)
{
    const struct blob_http_file *index = file("/index.html");
    CHECK("get: fixture has /index.html", index != NULL);
    if (!index)
        return;
    fresh();
    converse("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("get: / is 200", status() == 200);
    CHECK("get: / serves index.html byte for byte", body_is(index->body));
    char cl[64];
    snprintf(cl, sizeof cl, "\r\nContent-Length: %u\r\n", index->body.len);
    CHECK("get: Content-Length", has_header(cl));
    CHECK("get: Content-Type with charset", has_header("\r\nContent-Type: text/html; charset=utf-8\r\n"));
    CHECK("get: strong ETag from the blob", header_equals_ref("ETag", index->etag) &&
          blob_bytes(&blob, index->etag)[0] == '"');
    CHECK("get: Date", has_header("\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
    CHECK("get: Last-Modified", has_header("\r\nLast-Modified: "));
    CHECK("get: nosniff", has_header("\r\nX-Content-Type-Options: nosniff\r\n"));
    CHECK("get: Vary for a compressible type", has_header("\r\nVary: Accept-Encoding\r\n"));
    CHECK("get: keep-alive by default in 1.1", !http_conn_should_close(&conn) && !has_header("Connection: close"));

    fresh();
    converse("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("head: 200 with the same length and no body", status() == 200 && has_header(cl) && body_len() == 0);

    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("get: clean URL serves the .html page", status() == 200 && body_is(file("/docs/page.html")->body));
    fresh();
    converse("GET /docs/page.html HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("get: the .html URL too", status() == 200 && body_is(file("/docs/page.html")->body));
    fresh();
    converse("GET /docs/ HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("get: /dir/ serves its index", status() == 200 && body_is(file("/docs/index.html")->body));
    fresh();
    converse("GET /docs HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("get: /dir redirects to /dir/", status() == 301 && has_header("\r\nLocation: /docs/\r\n"));
    fresh();
    converse("GET /css/style.css?v=3 HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("get: query string ignored, CSS type", status() == 200 &&
          has_header("\r\nContent-Type: text/css; charset=utf-8\r\n"));
    fresh();
    converse("GET http://example.test/docs/page HTTP/1.1\r\nHost: example.test\r\n\r\n", 0);
    CHECK("get: absolute-form target", status() == 200 && body_is(file("/docs/page.html")->body));
}

static void test_not_found_and_methods(void)
{
    fresh();
    converse("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("404: status 404", status() == 404);
    CHECK("404: the site's 404 page", body_is(file("/404.html")->body));
    fresh();
    converse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 0);
    CHECK("405: POST", status() == 405 && has_header("\r\nAllow: GET, HEAD, OPTIONS\r\n"));
    fresh();
    converse("GET / HTTP/1.1\r\n\r\n", 0);
    CHECK("400: HTTP/1.1 without Host", status() == 400 && http_conn_should_close(&conn));
    fresh();
    converse("GET / HTTP/1.0\r\n\r\n", 0);
    CHECK("1.0: no Host needed, closes after", status() == 200 && http_conn_should_close(&conn) &&
          has_header("\r\nConnection: close\r\n"));
    fresh();
    converse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0);
    CHECK("1.0: keep-alive on request", status() == 200 && !http_conn_should_close(&conn) &&
          has_header("\r\nConnection: keep-alive\r\n"));
    fresh();
    converse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0);
    CHECK("close: Connection: close honoured", has_header("\r\nConnection: close\r\n") &&
          http_conn_should_close(&conn));
}

static void test_paths(void)
{
    static const char *escapes[] = {
        "GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /docs/../../index.html/.. HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
        fresh();
        converse(escapes[i], 0);
        CHECK("paths: dot segments never escape the blob", status() == 404 || status() == 200);
    }
    fresh();
    converse("GET /docs/../index.html HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("paths: dot segments removed", status() == 200 && body_is(file("/index.html")->body));
    fresh();
    converse("GET /docs/%70age HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("paths: percent-decoding", status() == 200 && body_is(file("/docs/page.html")->body));
    fresh();
    converse("GET /docs%2fpage HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("paths: an encoded slash is refused", status() == 400);
    fresh();
    converse("GET /index.html%00.png HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("paths: an encoded NUL is refused", status() == 400);
    fresh();
    converse("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("paths: a bad escape is refused", status() == 400);
}

static void test_conditional_and_gzip(void)
{
    const struct blob_http_file *page = file("/docs/page.html");
    char req[512];
    snprintf(req, sizeof req, "GET /docs/page HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"nope\", %.*s\r\n\r\n",
             (int)page->etag.len, (const char *)blob_bytes(&blob, page->etag));
    fresh();
    converse(req, 0);
    CHECK("304: If-None-Match with the ETag", status() == 304 && body_len() == 0 &&
          header_equals_ref("ETag", page->etag));
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"other\"\r\n\r\n", 0);
    CHECK("304: a different ETag gets the page", status() == 200 && body_is(page->body));

    CHECK("gzip: the fixture page has a gzip variant", page->gzip_body.len > 0);
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0.8\r\n\r\n", 0);
    CHECK("gzip: served when accepted", status() == 200 && has_header("\r\nContent-Encoding: gzip\r\n") &&
          body_is(page->gzip_body) && header_equals_ref("ETag", page->gzip_etag));
    CHECK("gzip: its ETag differs from identity", page->gzip_etag.len != page->etag.len ||
          memcmp(blob_bytes(&blob, page->gzip_etag), blob_bytes(&blob, page->etag), page->etag.len) != 0);
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0\r\n\r\n", 0);
    CHECK("gzip: q=0 refuses it", status() == 200 && !has_header("Content-Encoding") && body_is(page->body));
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("gzip: identity without Accept-Encoding", !has_header("Content-Encoding") && body_is(page->body));
}

static void test_pipelining_and_limits(void)
{
    fresh();
    converse("GET /docs/ HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
             "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    const char *first = strstr(response, "HTTP/1.1 200");
    const char *second = strstr(response, "HTTP/1.1 404");
    const char *third = second ? strstr(second, "HTTP/1.1 200") : NULL;
    CHECK("pipelining: three responses in request order", first && second && third && first < second);

    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\n\r\n", 1);
    CHECK("trickle: one byte at a time parses the same", status() == 200 &&
          body_is(file("/docs/page.html")->body));

    static char req[20000];
    fresh();
    strcpy(req, "GET /");
    memset(req + 5, 'a', 3000);
    strcpy(req + 3005, " HTTP/1.1\r\nHost: x\r\n\r\n");
    converse(req, 0);
    CHECK("414: target too long", status() == 414 && http_conn_should_close(&conn));

    fresh();
    strcpy(req, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
    size_t at = strlen(req);
    memset(req + at, 'b', 9000);
    strcpy(req + at + 9000, "\r\n\r\n");
    converse(req, 0);
    CHECK("431: headers too large", status() == 431 && http_conn_should_close(&conn));

    fresh();
    converse("\x01\x02garbage\r\n\r\n", 0);
    CHECK("400: garbage", status() == 400 && http_conn_should_close(&conn));
    fresh();
    converse("GET / HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n", 0);
    CHECK("400: garbage after a good request, answered in order", status() == 200 &&
          strstr(response, "HTTP/1.1 400") != NULL && http_conn_should_close(&conn));
}

/* The Nth response of a pipelined conversation (0-based), or NULL. */
static const char *nth_response(int n)
{
    const char *p = response;
    for (int i = 0; p && i < n; i++)
        p = strstr(p + 1, "HTTP/1.1 ");
    return p;
}

static void test_options(void)
{
    fresh();
    converse("OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("options: 204 with Allow", status() == 204 && has_header("\r\nAllow: GET, HEAD, OPTIONS\r\n"));
    CHECK("options: no Content-Length and no body (RFC 9110 8.6)", !has_header("Content-Length") &&
          body_len() == 0 && !http_conn_should_close(&conn));
    fresh();
    converse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\nGET /docs/page HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    const char *second = nth_response(1);
    CHECK("options: OPTIONS * then a GET on the same connection", status() == 204 && second &&
          strncmp(second, "HTTP/1.1 200", 12) == 0);
    fresh();
    converse("DELETE /docs/page HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("options: a 405 names the same methods", status() == 405 &&
          has_header("\r\nAllow: GET, HEAD, OPTIONS\r\n"));
}

static void request_with(const char *path, const char *headers)
{
    char req[1024];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n", path, headers);
    fresh();
    converse(req, 0);
}

/*
 * The representation of /docs/page a request with `accept` (whole header
 * lines, or "") gets: its coding, told by Content-Encoding, once the body,
 * ETag and Vary are checked to be that representation's; -1 otherwise.
 */
static int served_coding(const char *accept)
{
    const struct blob_http_file *page = file("/docs/page.html");
    request_with("/docs/page", accept);
    int coding = has_header("\r\nContent-Encoding: br\r\n")     ? BLOB_HTTP_BR
                 : has_header("\r\nContent-Encoding: gzip\r\n") ? BLOB_HTTP_GZIP
                 : has_header("Content-Encoding")               ? -1
                                                                : BLOB_HTTP_IDENTITY;
    if (coding < 0 || status() != 200 || !has_header("\r\nVary: Accept-Encoding\r\n"))
        return -1;
    struct blob_http_representation r = blob_http_representation(&blob, page, (enum blob_http_coding)coding);
    return r.present && body_is(r.body) && header_equals_ref("ETag", r.etag) ? coding : -1;
}

static const struct { const char *accept, *name; int want; } negotiations[] = {
    {"Accept-Encoding: br\r\n", "ae: br alone gets br", BLOB_HTTP_BR},
    {"Accept-Encoding: gzip\r\n", "ae: gzip alone gets gzip", BLOB_HTTP_GZIP},
    {"Accept-Encoding: br;q=0.5, gzip\r\n", "ae: 'br;q=0.5, gzip' gets gzip, the higher q", BLOB_HTTP_GZIP},
    {"Accept-Encoding: br, gzip;q=0.8\r\n", "ae: 'br, gzip;q=0.8' gets br, the higher q", BLOB_HTTP_BR},
    {"Accept-Encoding: gzip, deflate, br\r\n", "ae: equal q gets the smaller, br (a browser's list)", BLOB_HTTP_BR},
    {"Accept-Encoding: gzip, br;q=0\r\n", "ae: br;q=0 refuses br", BLOB_HTTP_GZIP},
    {"Accept-Encoding: br;q=0, gzip;q=0\r\n", "ae: both refused gets identity", BLOB_HTTP_IDENTITY},
    {"Accept-Encoding: *\r\n", "ae: * gets the smallest, br", BLOB_HTTP_BR},
    {"Accept-Encoding: *, br;q=0\r\n", "ae: an explicit q=0 beats *", BLOB_HTTP_GZIP},
    {"Accept-Encoding: *;q=0.5, gzip;q=0, br;q=0\r\n", "ae: * stands for an unlisted identity too",
     BLOB_HTTP_IDENTITY},
    {"Accept-Encoding: identity\r\n", "ae: identity alone gets identity", BLOB_HTTP_IDENTITY},
    {"Accept-Encoding: \r\n", "ae: an empty value gets identity", BLOB_HTTP_IDENTITY},
    {"", "ae: no Accept-Encoding gets identity", BLOB_HTTP_IDENTITY},
    {"Accept-Encoding: gzip;q=0.5\r\n", "ae: an unlisted identity ranks below any listed coding",
     BLOB_HTTP_GZIP},
    {"Accept-Encoding: br;q=0.8, identity;q=0.9\r\n", "ae: a listed identity with the higher q wins",
     BLOB_HTTP_IDENTITY},
    {"Accept-Encoding: gzip;q=0.001, identity;q=0\r\n", "ae: the least q above 0 still accepts",
     BLOB_HTTP_GZIP},
    {"Accept-Encoding: *;q=0\r\n", "ae: nothing acceptable still gets identity", BLOB_HTTP_IDENTITY},
    {"Accept-Encoding: br;q=1.0, gzip;q=1\r\n", "ae: q=1.0 and q=1 are equal: the smaller", BLOB_HTTP_BR},
    {"Accept-Encoding: gzip;q=0.999, br;q=0.998\r\n", "ae: q in thousandths", BLOB_HTTP_GZIP},
    {"Accept-Encoding: BR;Q=0.9 , GZip;q=0.1\r\n", "ae: names and q case-insensitive, spaces around",
     BLOB_HTTP_BR},
    {"Accept-Encoding: x-gzip\r\n", "ae: x-gzip is gzip", BLOB_HTTP_GZIP},
    {"Accept-Encoding: br;q=1.5, gzip;q=0.1\r\n", "ae: a q above 1 is malformed: br not listed",
     BLOB_HTTP_GZIP},
    {"Accept-Encoding: br;q=0.0001, gzip;q=0.1\r\n", "ae: a q of four decimals is malformed", BLOB_HTTP_GZIP},
    {"Accept-Encoding: br;level=5, gzip;q=0.1\r\n", "ae: a parameter other than q: element ignored",
     BLOB_HTTP_GZIP},
    {"Accept-Encoding: br;q=, gzip;q=0.1\r\n", "ae: an empty q: element ignored", BLOB_HTTP_GZIP},
    {"Accept-Encoding: ,, gzip ,\r\n", "ae: empty list elements mean nothing", BLOB_HTTP_GZIP},
    {"Accept-Encoding: brotli, gzip;q=0.1\r\n", "ae: 'brotli' is no coding we know", BLOB_HTTP_GZIP},
    {"Accept-Encoding: gzip;q=0.5\r\nAccept-Encoding: br;q=0.4\r\n", "ae: two field lines make one list",
     BLOB_HTTP_GZIP},
    {"Accept-Encoding: br;q=0\r\nAccept-Encoding: br\r\n", "ae: a coding listed twice keeps its last q",
     BLOB_HTTP_BR},
};

static void test_content_negotiation(void)
{
    const struct blob_http_file *page = file("/docs/page.html");
    CHECK("br: the fixture page has gzip and brotli variants", page->gzip_body.len > 0 && page->br_body.len > 0);
    CHECK("br: crunch kept brotli only as the smaller", page->br_body.len < page->gzip_body.len);
    if (page->br_body.len == 0)
        return;
    for (size_t i = 0; i < sizeof negotiations / sizeof negotiations[0]; i++) {
        int got = served_coding(negotiations[i].accept);
        if (got == negotiations[i].want)
            printf("ok - %s\n", negotiations[i].name);
        else {
            printf("not ok - %s: served coding %d, want %d\n", negotiations[i].name, got, negotiations[i].want);
            check_failures++;
        }
    }

    /* A value cut at the engine's 512 bytes: the element the cut falls in
     * is not read ("br;q=0" of "br;q=0.5" would refuse br). */
    char accept[1024];
    snprintf(accept, sizeof accept, "Accept-Encoding: *;q=0.1,%*sbr;q=0.5\r\n", 498, "");
    CHECK("ae: a cut value's last element is not read", served_coding(accept) == BLOB_HTTP_BR);

    /* Each representation its own strong ETag; conditional requests per
     * representation. */
    struct blob_http_representation rep[BLOB_HTTP_CODINGS];
    for (int c = 0; c < BLOB_HTTP_CODINGS; c++)
        rep[c] = blob_http_representation(&blob, page, (enum blob_http_coding)c);
    bool distinct = true;
    for (int c = 0; c < BLOB_HTTP_CODINGS; c++)
        for (int k = 0; k < c; k++)
            distinct &= rep[c].etag.len != rep[k].etag.len ||
                        memcmp(blob_bytes(&blob, rep[c].etag), blob_bytes(&blob, rep[k].etag), rep[c].etag.len) != 0;
    CHECK("br: identity, gzip and brotli ETags all differ", distinct);
    CHECK("br: its ETag is strong", rep[BLOB_HTTP_BR].etag.len > 2 && blob_bytes(&blob, rep[BLOB_HTTP_BR].etag)[0] == '"');

    char h[512];
    snprintf(h, sizeof h, "Accept-Encoding: br\r\nIf-None-Match: %.*s\r\n", (int)rep[BLOB_HTTP_BR].etag.len,
             (const char *)blob_bytes(&blob, rep[BLOB_HTTP_BR].etag));
    request_with("/docs/page", h);
    CHECK("br: If-None-Match with its ETag is 304, with that ETag and Vary", status() == 304 && body_len() == 0 &&
          header_equals_ref("ETag", rep[BLOB_HTTP_BR].etag) && has_header("\r\nVary: Accept-Encoding\r\n") &&
          !has_header("Content-Encoding") && !has_header("Content-Length"));
    snprintf(h, sizeof h, "Accept-Encoding: gzip\r\nIf-None-Match: %.*s\r\n", (int)rep[BLOB_HTTP_BR].etag.len,
             (const char *)blob_bytes(&blob, rep[BLOB_HTTP_BR].etag));
    request_with("/docs/page", h);
    CHECK("br: its ETag does not validate the gzip representation", status() == 200 &&
          body_is(page->gzip_body) && header_equals_ref("ETag", page->gzip_etag));
    snprintf(h, sizeof h, "Accept-Encoding: br\r\nIf-None-Match: %.*s, %.*s\r\n", (int)page->etag.len,
             (const char *)blob_bytes(&blob, page->etag), (int)page->gzip_etag.len,
             (const char *)blob_bytes(&blob, page->gzip_etag));
    request_with("/docs/page", h);
    CHECK("br: the other representations' ETags do not validate it", status() == 200 && body_is(page->br_body));
    snprintf(h, sizeof h, "Accept-Encoding: gzip, br\r\nIf-None-Match: W/%.*s\r\n", (int)rep[BLOB_HTTP_BR].etag.len,
             (const char *)blob_bytes(&blob, rep[BLOB_HTTP_BR].etag));
    request_with("/docs/page", h);
    CHECK("br: If-None-Match compares weakly (W/ of its ETag is 304)", status() == 304);

    fresh();
    converse("HEAD /docs/page HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\n\r\n", 0);
    char cl[64];
    snprintf(cl, sizeof cl, "\r\nContent-Length: %u\r\n", page->br_body.len);
    CHECK("br: HEAD states brotli's coding, length and ETag, no body", status() == 200 && body_len() == 0 &&
          has_header("\r\nContent-Encoding: br\r\n") && has_header(cl) &&
          header_equals_ref("ETag", page->br_etag));

    /* The 404 page is negotiated like any file. */
    const struct blob_http_file *not_found = file("/404.html");
    if (not_found && not_found->br_body.len > 0) {
        fresh();
        converse("GET /nowhere HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\n\r\n", 0);
        CHECK("br: the 404 page in brotli", status() == 404 && body_is(not_found->br_body) &&
              has_header("\r\nContent-Encoding: br\r\n"));
    }
    /* A type crunch never compresses has no coded representation to give. */
    const struct blob_http_file *png = NULL;
    for (uint32_t i = 0; i < blob.http_file_count && !png; i++)
        if (!(blob.http_files[i].flags & BLOB_HTTP_COMPRESSIBLE))
            png = &blob.http_files[i];
    if (png) {
        char req[512];
        snprintf(req, sizeof req, "GET %.*s HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip\r\n\r\n",
                 (int)png->path.len, (const char *)blob_bytes(&blob, png->path));
        fresh();
        converse(req, 0);
        CHECK("br: an incompressible type is sent as it is, without Vary", status() == 200 && body_is(png->body) &&
              png->br_body.len == 0 && !has_header("Content-Encoding") && !has_header("\r\nVary:"));
    }
}

static void test_if_modified_since(void)
{
    const struct blob_http_file *page = file("/docs/page.html");
    char date[HTTP_DATE_LEN + 1], earlier[HTTP_DATE_LEN + 1], h[512];
    http_date_format(page->mtime, date);
    date[HTTP_DATE_LEN] = '\0';
    http_date_format(page->mtime - 1, earlier);
    earlier[HTTP_DATE_LEN] = '\0';

    snprintf(h, sizeof h, "If-Modified-Since: %s\r\n", date);
    request_with("/docs/page", h);
    CHECK("ims: Last-Modified itself gives 304 with the validators", status() == 304 && body_len() == 0 &&
          header_equals_ref("ETag", page->etag) && has_header("\r\nLast-Modified: ") &&
          has_header("\r\nCache-Control: no-cache\r\n") && !has_header("Content-Length"));
    snprintf(h, sizeof h, "If-Modified-Since: %s\r\n", earlier);
    request_with("/docs/page", h);
    CHECK("ims: a second earlier gives the page", status() == 200 && body_is(page->body));
    snprintf(h, sizeof h, "If-Modified-Since: %s\r\nIf-None-Match: \"other\"\r\n", date);
    request_with("/docs/page", h);
    CHECK("ims: ignored when If-None-Match is present (RFC 9110 13.2.2)", status() == 200);
    request_with("/docs/page", "If-Modified-Since: yesterday\r\n");
    CHECK("ims: not a date: ignored", status() == 200);
    snprintf(h, sizeof h, "HEAD /docs/page HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: %s\r\n\r\n", date);
    fresh();
    converse(h, 0);
    CHECK("ims: HEAD too", status() == 304);
    snprintf(h, sizeof h, "If-Modified-Since: %s\r\n", date);
    request_with("/nowhere", h);
    CHECK("ims: a 404 stays a 404", status() == 404);
}

static bool body_is_slice(struct blob_ref r, size_t first, size_t len)
{
    return body_len() == len && first + len <= r.len && memcmp(body(), blob_bytes(&blob, r) + first, len) == 0;
}

static void test_ranges(void)
{
    const struct blob_http_file *page = file("/docs/page.html");
    size_t n = page->body.len;
    char want[128], h[512];
    CHECK("range: fixture page is long enough", n > 100);

    request_with("/docs/page", "");
    CHECK("range: 200s say Accept-Ranges: bytes", has_header("\r\nAccept-Ranges: bytes\r\n"));

    request_with("/docs/page", "Range: bytes=0-9\r\n");
    snprintf(want, sizeof want, "\r\nContent-Range: bytes 0-9/%zu\r\n", n);
    CHECK("range: bytes=0-9 is 206 with Content-Range, Content-Length 10 and the first 10 bytes",
          status() == 206 && has_header(want) && has_header("\r\nContent-Length: 10\r\n") &&
          body_is_slice(page->body, 0, 10) && header_equals_ref("ETag", page->etag));

    request_with("/docs/page", "Range: bytes=-5\r\n");
    snprintf(want, sizeof want, "\r\nContent-Range: bytes %zu-%zu/%zu\r\n", n - 5, n - 1, n);
    CHECK("range: suffix bytes=-5", status() == 206 && has_header(want) && body_is_slice(page->body, n - 5, 5));

    request_with("/docs/page", "Range: bytes=10-\r\n");
    CHECK("range: open bytes=10-", status() == 206 && body_is_slice(page->body, 10, n - 10));

    request_with("/docs/page", "Range: bytes=10-999999999999999999999999\r\n");
    CHECK("range: a last-pos past the end is cut at the end", status() == 206 && body_is_slice(page->body, 10, n - 10));

    snprintf(h, sizeof h, "Range: bytes=%zu-\r\n", n);
    request_with("/docs/page", h);
    snprintf(want, sizeof want, "\r\nContent-Range: bytes */%zu\r\n", n);
    CHECK("range: starting at the length is 416 with bytes */N", status() == 416 && has_header(want) &&
          !http_conn_should_close(&conn));
    request_with("/docs/page", "Range: bytes=-0\r\n");
    CHECK("range: an empty suffix is 416", status() == 416);

    request_with("/docs/page", "Range: bytes=0-1, 5-6\r\n");
    CHECK("range: several ranges get the whole page (200)", status() == 200 && body_is(page->body));
    request_with("/docs/page", "Range: bytes=9-3\r\n");
    CHECK("range: an invalid range is ignored", status() == 200 && body_is(page->body));
    request_with("/docs/page", "Range: items=0-3\r\n");
    CHECK("range: other units are ignored", status() == 200);

    fresh();
    converse("HEAD /docs/page HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n", 0);
    CHECK("range: ignored for HEAD", status() == 200 && body_len() == 0);
    request_with("/nowhere", "Range: bytes=0-9\r\n");
    CHECK("range: ignored for a 404", status() == 404);

    request_with("/docs/page", "Range: bytes=0-9\r\nAccept-Encoding: gzip\r\n");
    snprintf(want, sizeof want, "\r\nContent-Range: bytes 0-9/%u\r\n", page->gzip_body.len);
    CHECK("range: of the gzip representation, with its ETag", status() == 206 && has_header(want) &&
          has_header("\r\nContent-Encoding: gzip\r\n") && body_is_slice(page->gzip_body, 0, 10) &&
          header_equals_ref("ETag", page->gzip_etag));

    request_with("/docs/page", "Range: bytes=5-14\r\nAccept-Encoding: gzip, br\r\n");
    snprintf(want, sizeof want, "\r\nContent-Range: bytes 5-14/%u\r\n", page->br_body.len);
    CHECK("range: of the brotli representation, in its bytes, with its ETag", status() == 206 && has_header(want) &&
          has_header("\r\nContent-Encoding: br\r\n") && has_header("\r\nContent-Length: 10\r\n") &&
          body_is_slice(page->br_body, 5, 10) && header_equals_ref("ETag", page->br_etag));
    request_with("/docs/page", "Range: bytes=-7\r\nAccept-Encoding: br\r\n");
    CHECK("range: a suffix of the brotli representation is its last bytes", status() == 206 &&
          body_is_slice(page->br_body, page->br_body.len - 7, 7));
    snprintf(h, sizeof h, "Range: bytes=%u-\r\nAccept-Encoding: br\r\n", page->br_body.len);
    request_with("/docs/page", h);
    snprintf(want, sizeof want, "\r\nContent-Range: bytes */%u\r\n", page->br_body.len);
    CHECK("range: past the brotli representation's end is 416 with its length", status() == 416 && has_header(want));
    snprintf(h, sizeof h, "Range: bytes=0-9\r\nAccept-Encoding: br\r\nIf-Range: %.*s\r\n",
             (int)page->br_etag.len, (const char *)blob_bytes(&blob, page->br_etag));
    request_with("/docs/page", h);
    CHECK("if-range: brotli's own ETag gives its range", status() == 206 && body_is_slice(page->br_body, 0, 10));
    snprintf(h, sizeof h, "Range: bytes=0-9\r\nAccept-Encoding: br\r\nIf-Range: %.*s\r\n",
             (int)page->gzip_etag.len, (const char *)blob_bytes(&blob, page->gzip_etag));
    request_with("/docs/page", h);
    CHECK("if-range: the gzip ETag does not match the brotli representation: all of it", status() == 200 &&
          body_is(page->br_body) && has_header("\r\nContent-Encoding: br\r\n"));

    snprintf(h, sizeof h, "Range: bytes=0-9\r\nIf-Range: %.*s\r\n", (int)page->etag.len,
             (const char *)blob_bytes(&blob, page->etag));
    request_with("/docs/page", h);
    CHECK("if-range: its ETag gives the range", status() == 206 && body_is_slice(page->body, 0, 10));
    snprintf(h, sizeof h, "Range: bytes=0-9\r\nAccept-Encoding: gzip\r\nIf-Range: %.*s\r\n", (int)page->etag.len,
             (const char *)blob_bytes(&blob, page->etag));
    request_with("/docs/page", h);
    CHECK("if-range: the identity ETag does not match the gzip representation", status() == 200 &&
          body_is(page->gzip_body));
    request_with("/docs/page", "Range: bytes=0-9\r\nIf-Range: \"stale\"\r\n");
    CHECK("if-range: another ETag gives the whole page", status() == 200 && body_is(page->body));
    snprintf(h, sizeof h, "Range: bytes=0-9\r\nIf-Range: W/%.*s\r\n", (int)page->etag.len,
             (const char *)blob_bytes(&blob, page->etag));
    request_with("/docs/page", h);
    CHECK("if-range: a weak ETag never matches", status() == 200);
    char date[HTTP_DATE_LEN + 1];
    http_date_format(page->mtime, date);
    date[HTTP_DATE_LEN] = '\0';
    snprintf(h, sizeof h, "Range: bytes=0-9\r\nIf-Range: %s\r\n", date);
    request_with("/docs/page", h);
    CHECK("if-range: Last-Modified gives the range", status() == 206);
    http_date_format(page->mtime + 1, date);
    snprintf(h, sizeof h, "Range: bytes=0-9\r\nIf-Range: %s\r\n", date);
    request_with("/docs/page", h);
    CHECK("if-range: another date gives the whole page", status() == 200);
    snprintf(h, sizeof h, "Range: bytes=0-9\r\nIf-None-Match: %.*s\r\n", (int)page->etag.len,
             (const char *)blob_bytes(&blob, page->etag));
    request_with("/docs/page", h);
    CHECK("range: a matching If-None-Match wins (304)", status() == 304);
}

static void test_cache_and_headers(void)
{
    const struct blob_http_file *css = file("/css/style.css");
    request_with("/css/style.css", "");
    CHECK("cache: the fixture's _cache rule for /css/*", status() == 200 &&
          has_header("\r\nCache-Control: public, max-age=86400, immutable\r\n") && header_equals_ref("Cache-Control", css->cache_control));
    request_with("/", "");
    CHECK("cache: pages default to no-cache", has_header("\r\nCache-Control: no-cache\r\n"));
    request_with("/nowhere", "");
    CHECK("cache: the 404 page carries nosniff and its type", status() == 404 &&
          has_header("\r\nX-Content-Type-Options: nosniff\r\n"));
}

static void test_redirects(void)
{
    static const struct { const char *path; int status; const char *location; } cases[] = {
        {"/old-page", 301, "/docs/page"},
        {"/old-page?from=mail", 301, "/docs/page"},
        {"/temporary", 302, "/docs/"},
        {"/kept-method", 307, "/docs/page"},
        {"/permanent", 308, "/"},
        {"/elsewhere", 301, "https://www.example.org/x?y=1"},
        {"http://x/old-%70age", 301, "/docs/page"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[256], name[128];
        request_with(cases[i].path, "");
        snprintf(want, sizeof want, "\r\nLocation: %s\r\n", cases[i].location);
        snprintf(name, sizeof name, "redirect: %s -> %d %s", cases[i].path, cases[i].status, cases[i].location);
        CHECK(name, status() == cases[i].status && has_header(want) && body_len() > 0 &&
              !http_conn_should_close(&conn));
    }
    fresh();
    converse("HEAD /old-page HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("redirect: HEAD has no body", status() == 301 && body_len() == 0);
    request_with("/old-page/", "");
    CHECK("redirect: sources match exactly", status() == 404);
}

static void test_request_bodies(void)
{
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    const char *second = nth_response(1);
    CHECK("body: a small GET body is discarded, the next request answered", status() == 200 && second &&
          strncmp(second, "HTTP/1.1 200", 12) == 0 && !http_conn_should_close(&conn));
    fresh();
    converse("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
             "GET /docs/ HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    second = nth_response(1);
    CHECK("body: a small chunked body is discarded too", status() == 200 && second &&
          strncmp(second, "HTTP/1.1 200", 12) == 0);
    fresh();
    converse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", 0);
    CHECK("body: an announced body past the limit is 413, then close", status() == 413 &&
          http_conn_should_close(&conn));
    static char req[40000];
    size_t at = (size_t)sprintf(req, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 5; i++) {           /* 5 chunks of 4096 bytes: past HTTP_BODY_MAX */
        at += (size_t)sprintf(req + at, "1000\r\n");
        memset(req + at, 'z', 4096);
        at += 4096;
        at += (size_t)sprintf(req + at, "\r\n");
    }
    fresh();
    converse(req, 0);
    CHECK("body: a chunked body past the limit is 413, then close", status() == 413 &&
          http_conn_should_close(&conn));
}

static void test_mid_request(void)
{
    fresh();
    CHECK("mid-request: not before any byte", !http_conn_mid_request(&conn));
    const char *part = "GET /docs/page HT";
    size_t used = http_conn_feed(&conn, (const uint8_t *)part, strlen(part), 1);
    CHECK("mid-request: true after part of a request", used == strlen(part) && http_conn_mid_request(&conn));
    const char *rest = "TP/1.1\r\nHost: x\r\n\r\n";
    http_conn_feed(&conn, (const uint8_t *)rest, strlen(rest), 1);
    CHECK("mid-request: false once complete (response pending)", !http_conn_mid_request(&conn));
    const uint8_t *data;
    size_t n;
    bool in_blob;
    while (http_conn_output(&conn, &data, &n, &in_blob))
        http_conn_sent(&conn, n);
    CHECK("mid-request: false when idle between requests", !http_conn_mid_request(&conn));
    http_conn_feed(&conn, (const uint8_t *)"G", 1, 1);
    CHECK("mid-request: true at the first byte of the next request", http_conn_mid_request(&conn));
}

/* How many times `line` is in the header block of the last response. */
static int header_count(const char *line)
{
    const char *end = strstr(response, "\r\n\r\n");
    int n = 0;
    for (const char *hit = strstr(response, line); hit && end && hit < end; hit = strstr(hit + 1, line))
        n++;
    return n;
}

static void test_extra_headers(void)
{
    static const char hsts[] = "Strict-Transport-Security: max-age=5\r\n";
    const char *sts = "\r\nStrict-Transport-Security: max-age=5\r\n";
    fresh();
    CHECK("extra: accepted", http_conn_set_extra_headers(&conn, hsts, sizeof hsts - 1));
    converse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("extra: in a 200, once, in the header block", status() == 200 && header_count(sts) == 1);
    CHECK("extra: the body is untouched", body_is(file("/index.html")->body));
    converse("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("extra: in a HEAD answer", status() == 200 && header_count(sts) == 1 && body_len() == 0);
    converse("GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("extra: in a 404", status() == 404 && header_count(sts) == 1);
    converse("GET /docs HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("extra: in a 301", status() == 301 && header_count(sts) == 1);
    converse("OPTIONS / HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("extra: in a 204 to OPTIONS", status() == 204 && header_count(sts) == 1);
    char req[512];
    const struct blob_http_file *index = file("/index.html");
    snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: a\r\nIf-None-Match: %.*s\r\n\r\n", (int)index->etag.len,
             (const char *)blob_bytes(&blob, index->etag));
    converse(req, 0);
    CHECK("extra: in a 304", status() == 304 && header_count(sts) == 1);
    converse("GET / HTTP/1.1\r\nHost: a\r\nRange: bytes=0-9\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    const char *second = strstr(response + 1, "HTTP/1.1 200 ");
    CHECK("extra: in each of two pipelined responses (206, 200)",
          status() == 206 && header_count(sts) == 1 && second && strstr(second, sts) != NULL);
    fresh();
    converse("GET /a HTTP/1.1\r\n\r\n", 0);
    CHECK("extra: none on a fresh connection (a 400)", status() == 400 && header_count(sts) == 0);
    fresh();
    CHECK("extra: accepted again after init", http_conn_set_extra_headers(&conn, hsts, sizeof hsts - 1));
    converse("GET /a HTTP/1.1\r\n\r\n", 0);
    CHECK("extra: in a 400 (no Host)", status() == 400 && header_count(sts) == 1);

    fresh();
    converse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("extra: none after init", status() == 200 && header_count("Strict-Transport-Security") == 0);
    static char big[HTTP_EXTRA_HEADERS_MAX + 10];
    memset(big, 'x', sizeof big);
    memcpy(big, "X-Big: ", 7);
    memcpy(big + sizeof big - 2, "\r\n", 2);
    CHECK("extra: too long is refused", !http_conn_set_extra_headers(&conn, big, sizeof big));
    CHECK("extra: without CRLF is refused", !http_conn_set_extra_headers(&conn, "X-A: b", 6));
    converse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("extra: a refused set adds nothing", status() == 200 && header_count("X-Big") == 0);
    /* The most the engine takes, still within HTTP_HEAD_MAX with a full
     * 200 header block: the response is whole. */
    static char most[HTTP_EXTRA_HEADERS_MAX];
    memset(most, 'y', sizeof most);
    memcpy(most, "X-Most: ", 8);
    memcpy(most + sizeof most - 2, "\r\n", 2);
    CHECK("extra: the largest allowed is accepted", http_conn_set_extra_headers(&conn, most, sizeof most));
    converse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("extra: the largest allowed fits a 200's header block",
          status() == 200 && header_count("\r\nX-Most: yyy") == 1 && body_is(file("/index.html")->body));
    CHECK("extra: removed with NULL", http_conn_set_extra_headers(&conn, NULL, 0));
    converse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("extra: gone after removal", status() == 200 && header_count("X-Most") == 0);
}


/* The status of the Nth response (0-based) of the last conversation, or -1. */
static int nth_status(int n)
{
    const char *r = nth_response(n);
    return r ? atoi(r + 9) : -1;
}

/* How many responses the last conversation holds. */
static int response_count(void)
{
    int n = 0;
    while (nth_response(n))
        n++;
    return n;
}

static void test_upgrade_ignored(void)
{
    /* What curl --http2 sends over plain HTTP, then a second request on the
     * same connection: both are HTTP/1.1, neither is taken for HTTP/2. */
    static const char h2c[] = "GET /docs/ HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                              "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"
                              "GET /docs/page HTTP/1.1\r\nHost: x\r\n\r\n";
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        fresh();
        converse(h2c, chunk);
        const char *second = nth_response(1);
        CHECK(chunk ? "upgrade: h2c trickled: still two 200s in order" : "upgrade: h2c then a pipelined GET: 200, 200",
              response_count() == 2 && nth_status(0) == 200 && nth_status(1) == 200 && !http_conn_should_close(&conn));
        CHECK("upgrade: the second response is the second page's, whole",
              second && strlen(second) > file("/docs/page.html")->body.len &&
              memcmp(response + response_len - file("/docs/page.html")->body.len,
                     blob_bytes(&blob, file("/docs/page.html")->body), file("/docs/page.html")->body.len) == 0);
        CHECK("upgrade: no 101 and no Upgrade header in the answer", strstr(response, " 101 ") == NULL &&
              strstr(response, "\r\nUpgrade:") == NULL);
    }
    fresh();
    converse("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 3\r\n\r\nabc"
             "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\nGET /docs/ HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("upgrade: with a body, then two more requests: 200, 404, 200",
          response_count() == 3 && nth_status(0) == 200 && nth_status(1) == 404 && nth_status(2) == 200);
    fresh();
    converse("CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n\x16\x03\x01\x02\x00", 0);
    CHECK("upgrade: CONNECT gets 405 with Allow, then close (what follows may be tunnel bytes)",
          status() == 405 && response_count() == 1 && has_header("\r\nAllow: GET, HEAD, OPTIONS\r\n") &&
          has_header("\r\nConnection: close\r\n") && http_conn_should_close(&conn));
}

/* A blob whose directory names hold bytes a header may not: the
 * directory-slash redirect must not put them in Location as they are. */
static void *odd_blob_data;
static struct blob odd_blob;

static bool build_odd_blob(void)
{
    /* Sorted by path, as the format requires (memcmp order). */
    static char many_crs[400 + 2] = "/";
    memset(many_crs + 1, '\r', 400);
    const char *dirs[] = {
        many_crs,
        "//evil.test",
        "/a\r\nSet-Cookie: x=1",
        "/sp ace \"q\" %41 <\xc3\xa9>?#",
    };
    struct blob_writer *w = blob_writer_new();
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/index.html", dirs[i]);
        struct blob_http_file f = {0};
        f.path = blob_writer_bytes(w, path, strlen(path));
        f.content_type = blob_writer_bytes(w, "text/html; charset=utf-8", 24);
        f.body = blob_writer_bytes(w, "<p>odd</p>", 10);
        f.etag = blob_writer_bytes(w, "\"odd\"", 5);
        f.mtime = 1000;
        blob_writer_add(w, BLOB_TABLE_HTTP_FILES, &f);
        add_file_heads(w, &f);
    }
    uint8_t *out = NULL;
    size_t len = 0;
    int r = blob_writer_finish(w, 1, &out, &len);
    blob_writer_free(w);
    const char *err;
    if (r != 0 || blob_open(&odd_blob, out, len, &err) != 0) {
        free(out);
        return false;
    }
    odd_blob_data = out;
    return true;
}

/* The Location value of the last response (up to its CRLF), or "". */
static const char *location(void)
{
    static char v[1024];
    v[0] = '\0';
    const char *end = strstr(response, "\r\n\r\n");
    const char *at = strstr(response, "\r\nLocation: ");
    if (!at || !end || at > end)
        return v;
    at += 12;
    size_t n = strcspn(at, "\r\n");
    if (n >= sizeof v)
        n = sizeof v - 1;
    memcpy(v, at, n);
    v[n] = '\0';
    return v;
}

/* Every header line of the last response has a name we wrote: a name of
 * the form "X: y" that is not ours means a line was injected. */
static bool only_our_headers(void)
{
    static const char *ours[] = {"Date", "Server", "Connection", "Location", "Content-Type",
                                 "X-Content-Type-Options", "Content-Length", "Allow"};
    const char *end = strstr(response, "\r\n\r\n");
    if (!end)
        return false;
    for (const char *line = strstr(response, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
        bool known = false;
        for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
            if (strncmp(line, ours[i], strlen(ours[i])) == 0 && line[strlen(ours[i])] == ':')
                known = true;
        if (!known)
            return false;
    }
    return true;
}

static void test_location_encoded(void)
{
    CHECK("location: the odd blob is built", build_odd_blob());
    if (!odd_blob_data)
        return;
    static const struct { const char *target, *location, *name; } cases[] = {
        {"/a%0d%0aSet-Cookie:%20x=1", "/a%0D%0ASet-Cookie:%20x=1/",
         "location: a CR LF in a directory name is encoded, no header injected"},
        {"/sp%20ace%20%22q%22%20%2541%20%3C%C3%A9%3E%3F%23", "/sp%20ace%20%22q%22%20%2541%20%3C%C3%A9%3E%3F%23/",
         "location: space, quotes, '%', '<>', non-ASCII, '?' and '#' are encoded"},
        {"//evil.test", "/.//evil.test/", "location: a path starting with // does not become //host"},
        {"http://x//evil.test?q=1", "/.//evil.test/", "location: the same from an absolute-form target"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char req[512];
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", cases[i].target);
        http_conn_init(&conn, &odd_blob);
        converse(req, 0);
        const char *loc = location();
        CHECK(cases[i].name, status() == 301 && strcmp(loc, cases[i].location) == 0 && only_our_headers());
        /* Following the Location reaches the directory's index. */
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", cases[i].location);
        http_conn_init(&conn, &odd_blob);
        converse(req, 0);
        CHECK("location: following it serves the directory's index", status() == 200 && body_len() == 10 &&
              memcmp(body(), "<p>odd</p>", 10) == 0);
    }
    http_conn_init(&conn, &odd_blob);
    converse("HEAD /a%0d%0aSet-Cookie:%20x=1 HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("location: HEAD too", status() == 301 && strcmp(location(), "/a%0D%0ASet-Cookie:%20x=1/") == 0 &&
          only_our_headers() && body_len() == 0);
    /* Dot segments go before the lookup; the Location is of what was found. */
    static char req[HTTP_URL_MAX + 64];
    char *at = req + sprintf(req, "GET ");
    for (int i = 0; i < 300; i++)
        at += sprintf(at, "/.");
    strcpy(at, "/a%0d%0aSet-Cookie:%20x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    http_conn_init(&conn, &odd_blob);
    converse(req, 0);
    CHECK("location: of the path without its dot segments", status() == 301 &&
          strcmp(location(), "/a%0D%0ASet-Cookie:%20x=1/") == 0);
    /* 400 CRs: 1200 bytes once encoded, more than a header block holds. */
    at = req + sprintf(req, "GET /");
    for (int i = 0; i < 400; i++)
        at += sprintf(at, "%%0d");
    strcpy(at, " HTTP/1.1\r\nHost: x\r\n\r\n");
    http_conn_init(&conn, &odd_blob);
    converse(req, 0);
    CHECK("location: too long once encoded: 414, then close, and no CR in the header block",
          status() == 414 && http_conn_should_close(&conn) && only_our_headers() && location()[0] == '\0');
    free(odd_blob_data);
    odd_blob_data = NULL;
}

/* One request alone on a fresh connection: its status, and whether the
 * connection then closes. */
static int alone(const char *req, size_t chunk, bool *closes)
{
    fresh();
    converse(req, chunk);
    if (closes)
        *closes = http_conn_should_close(&conn);
    return response_count() == 1 ? status() : -1;
}

struct request_case {
    const char *req;
    int status;
    const char *name;
};

static void check_cases(const struct request_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t chunk = 0; chunk <= 1; chunk++) {   /* whole, then one byte at a time */
            bool closes = false;
            int got = alone(cases[i].req, chunk, &closes);
            char name[256];
            snprintf(name, sizeof name, "%s%s", cases[i].name, chunk ? " (trickled)" : "");
            bool want_close = cases[i].status >= 400 && cases[i].status != 405;
            if (got != cases[i].status || closes != want_close)
                printf("# got %d, %s\n", got, closes ? "closing" : "open");
            CHECK(name, got == cases[i].status && closes == want_close);
        }
    }
}

static void test_request_line_errors(void)
{
    static const struct request_case cases[] = {
        {"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400, "request line: text after the version: 400"},
        {"GET / HTTP/1.1x\r\nHost: x\r\n\r\n", 400, "request line: a version with a tail: 400"},
        {"GET / HTTP/1\r\nHost: x\r\n\r\n", 400, "request line: HTTP/1 without minor: 400"},
        {"GET / HTTP/11.1\r\nHost: x\r\n\r\n", 400, "request line: a two-digit major: 400"},
        {"GET / HTTQ/1.1\r\nHost: x\r\n\r\n", 400, "request line: not HTTP/: 400"},
        {"GET /\r\nHost: x\r\n\r\n", 400, "request line: no version (HTTP/0.9's form): 400"},
        {"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line: two spaces after the method: 400"},
        {"GET /  HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line: two spaces before the version: 400"},
        {"GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line: HTAB in the target: 400"},
        {"GET /\tHTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line: HTAB as the separator: 400"},
        {"GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line: a raw non-ASCII target byte: 400"},
        {" GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line: leading space: 400"},
        {"\r\n / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line: an empty line, then no method: 400"},
        {"\r\nBREW / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: BREW after an empty line: 501"},
        {"GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line: * with GET: 400 (only OPTIONS has it)"},
        {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "version: HTTP/2.0 in an HTTP/1.1 request line: 505"},
        {"GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505, "version: HTTP/3.0: 505"},
        {"GET / HTTP/0.9\r\nHost: x\r\n\r\n", 505, "version: HTTP/0.9 stated: 505"},
        {"GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505, "version: HTTP/1.2 (llhttp refuses it): 505"},
        {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "version: HTTP/2's connection preface: 505"},
        {"PRI * HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: PRI with HTTP/1.1: 501"},
        {"BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: an unknown token (BREW): 501"},
        {"get / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: methods are case-sensitive (get): 501"},
        {"GE / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: a prefix of a known one (GE): 501"},
        {"GETS / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: a known one and more (GETS): 501"},
        {"X-Y / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: any token: 501"},
        {"BREWCOFFEEBREWCOFFEEBREWCOFFEE / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: a long token: 501"},
        {"PROPFIND / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: WebDAV's PROPFIND (llhttp knows it, unihost not): 501"},
        {"DESCRIBE / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method: RTSP's DESCRIBE: 501"},
        {"GE@T / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "method: not a token (GE@T): 400"},
        {"GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", 400, "method: HTAB after it: 400"},
        {"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 400, "method: a TLS ClientHello on plain HTTP: 400"},
        {"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab", 405, "method: PUT is known: 405"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
    fresh();
    converse("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    const char *line = "HTTP/1.1 501 Not Implemented\r\n";
    CHECK("method: 501 says Not Implemented", strncmp(response, line, strlen(line)) == 0);
    fresh();
    converse("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 0);
    line = "HTTP/1.1 505 HTTP Version Not Supported\r\n";
    CHECK("version: 505 says HTTP Version Not Supported", strncmp(response, line, strlen(line)) == 0);
    fresh();
    converse("GET / HTTP/1.1\r\nHost: x\r\n\r\nBREW / HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("method: a pipelined BREW after a GET: 200, then 501", response_count() == 2 && nth_status(0) == 200 &&
          nth_status(1) == 501);
    fresh();
    converse("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("request line: an empty line before it is ignored (RFC 9112 2.2)", status() == 200);
}

static void test_header_errors(void)
{
    static const struct request_case cases[] = {
        {"GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", 400, "host: two different Host lines: 400"},
        {"GET / HTTP/1.1\r\nHost: a.test\r\nHost: a.test\r\n\r\n", 400, "host: two equal Host lines: 400 too"},
        {"GET / HTTP/1.0\r\nHost: a.test\r\nHost: b.test\r\n\r\n", 400, "host: two Host lines in HTTP/1.0: 400"},
        {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "host: a space in it: 400"},
        {"GET / HTTP/1.1\r\nHost: a.test/x\r\n\r\n", 400, "host: a slash in it: 400"},
        {"GET / HTTP/1.1\r\nHost: u@a.test\r\n\r\n", 400, "host: userinfo: 400"},
        {"GET / HTTP/1.1\r\nHost: a.test:x\r\n\r\n", 400, "host: a port that is no number: 400"},
        {"GET / HTTP/1.1\r\nHost: \xc3\xa9.test\r\n\r\n", 400, "host: raw non-ASCII: 400"},
        {"GET / HTTP/1.1\r\nHost: a\x01.test\r\n\r\n", 400, "host: a control byte: 400"},
        {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "field: space between name and colon: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nAccept : */*\r\n\r\n", 400, "field: space before the colon of any field: 400"},
        {"GET / HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n", 400, "field: no name: 400"},
        {"GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400, "field: whitespace before the first field: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400, "field: obs-fold: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n", 400, "field: obs-fold with HTAB: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A:\r\n b\r\n\r\n", 400, "field: obs-fold after an empty first line: 400"},
        {"GET / HTTP/1.1\r\nHost:\r\n evil.test\r\n\r\n", 400, "field: a folded Host: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n0\r\n\r\n", 400,
         "field: a folded Transfer-Encoding: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
         "body: Content-Length with Transfer-Encoding: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3x\r\n\r\nabc", 400, "body: an invalid Content-Length: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, "body: a negative Content-Length: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400,
         "body: two Content-Lengths: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400,
         "body: a Transfer-Encoding not ending in chunked: 400"},
        {"GET / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
         "body: Transfer-Encoding in HTTP/1.0: 400"},
        {"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n0\r\n\r\n", 200,
         "body: a chunk extension is ignored: 200"},
        {"GET / HTTP/1.1\r\nHost: x  \r\n\r\n", 200, "host: trailing whitespace is no part of it: 200"},
        {"GET / HTTP/1.1\r\nHost:\r\n\r\n", 200, "host: empty (RFC 9110 7.2 allows it): 200"},
        {"GET / HTTP/1.1\r\nHost: [2001:db8::2]:80\r\n\r\n", 200, "host: an IPv6 literal and port: 200"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
    fresh();
    converse("HEAD / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 0);
    CHECK("host: a HEAD with two Hosts gets its 400 without a body", status() == 400 && body_len() == 0 &&
          has_header("\r\nContent-Length: "));
    fresh();
    converse("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\nGET / HTTP/1.1\r\n\r\n", 0);
    CHECK("host: a pipelined request with two Hosts: 200, then 400 and nothing more", response_count() == 2 &&
          nth_status(0) == 200 && nth_status(1) == 400 && http_conn_should_close(&conn));
    const struct blob_http_file *page = file("/docs/page.html");
    char h[256];
    snprintf(h, sizeof h, "Range: bytes=0-9\r\nIf-Range: %.*s \t\r\n", (int)page->etag.len,
             (const char *)blob_bytes(&blob, page->etag));
    request_with("/docs/page", h);
    CHECK("field: trailing whitespace is no part of a value (If-Range still matches)", status() == 206);
}

static void test_trailers_and_targets(void)
{
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nRange: bytes=0-9\r\n"
             "Host: y\r\nIf-None-Match: *\r\n\r\n", 0);
    CHECK("trailers: fields after the body change nothing (no 206, no 304, no second Host)", status() == 200 &&
          body_is(file("/docs/page.html")->body));
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A: a\r\n b\r\n\r\n", 0);
    CHECK("trailers: obs-fold there is refused too", status() == 400);

    static const struct request_case cases[] = {
        {"GET http://x HTTP/1.1\r\nHost: x\r\n\r\n", 200, "absolute-form: no path means / (RFC 9110 4.2.3)"},
        {"GET http://x?a=1 HTTP/1.1\r\nHost: x\r\n\r\n", 200, "absolute-form: a query without a path means /"},
        {"GET HTTP://x/docs/page HTTP/1.1\r\nHost: x\r\n\r\n", 200, "absolute-form: the scheme is case-insensitive"},
        {"GET https://x:8443/docs/page HTTP/1.1\r\nHost: x\r\n\r\n", 200, "absolute-form: https and a port"},
        {"GET http://u@x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400, "absolute-form: userinfo: 400"},
        {"GET http://x%zz/ HTTP/1.1\r\nHost: x\r\n\r\n", 400, "absolute-form: a bad authority: 400"},
        {"GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400, "absolute-form: another scheme: 400"},
        {"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 204, "asterisk-form: OPTIONS *: 204"},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
    fresh();
    converse("GET http://x?a=1 HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("absolute-form: http://x?a=1 serves the root page", body_is(file("/index.html")->body));
}

/* ---- format 3: the header lines stored in the blob ------------------------ */

struct text {
    char *p;
    size_t len, size;
};

static void add(struct text *t, const void *s, size_t n)
{
    if (t->len + n <= t->size) {
        memcpy(t->p + t->len, s, n);
        t->len += n;
    }
}

static void adds(struct text *t, const char *s)
{
    add(t, s, strlen(s));
}

/*
 * What a response about `f` must be, made from the stored lines and their
 * cuts (blob_format.h): the start every response has, the runs `status`
 * takes, the empty line, then the body or its range unless `head`.
 */
static size_t expected_file_response(char *out, size_t size, const struct blob *b, const struct blob_http_file *f,
                                     enum blob_http_coding coding, int status, const char *connection, bool head,
                                     size_t first, size_t last)
{
    struct blob_http_representation rep = blob_http_representation(b, f, coding);
    const struct blob_http_head *h = rep.head;
    const char *lines = (const char *)blob_bytes(b, h->lines);
    struct blob_ref body = rep.body;
    struct text t = {out, 0, size};
    adds(&t, status == 200 ? "HTTP/1.1 200 OK\r\n" : status == 206 ? "HTTP/1.1 206 Partial Content\r\n"
             : status == 304 ? "HTTP/1.1 304 Not Modified\r\n" : "HTTP/1.1 404 Not Found\r\n");
    adds(&t, "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: unihost\r\n");
    adds(&t, connection);
    size_t from = 0, to = body.len;
    switch (status) {
    case 200:
        add(&t, lines, h->lines.len);
        break;
    case 304:
        add(&t, lines, h->not_modified_end);
        add(&t, lines + h->length_end, h->lines.len - h->length_end);
        break;
    case 206: {
        add(&t, lines, h->ranges_end);
        char range[128];
        snprintf(range, sizeof range, "Content-Range: bytes %zu-%zu/%u\r\nContent-Length: %zu\r\n", first, last,
                 body.len, last - first + 1);
        adds(&t, range);
        add(&t, lines + h->length_end, h->lines.len - h->length_end);
        from = first;
        to = last + 1;
        break;
    }
    default:
        add(&t, lines, h->content_end);
        add(&t, lines + h->ranges_end, h->lines.len - h->ranges_end);
        break;
    }
    adds(&t, "\r\n");
    if (!head && status != 304)
        add(&t, blob_bytes(b, body) + from, to - from);
    return t.len;
}

static bool response_is(const char *want, size_t len)
{
    return response_len == len && memcmp(response, want, len) == 0;
}

/* The lines of a representation as the engine wrote them before crunch
 * did (format 2), from the file record's values, with their cuts. */
static bool lines_as_before(const struct blob *b, const struct blob_http_file *f, enum blob_http_coding coding)
{
    static const char *const encoding_line[BLOB_HTTP_CODINGS] = {"", "Content-Encoding: gzip\r\n",
                                                                 "Content-Encoding: br\r\n"};
    struct blob_http_representation rep = blob_http_representation(b, f, coding);
    const struct blob_http_head *h = rep.head;
    struct blob_ref etag = rep.etag;
    char date[HTTP_DATE_LEN + 1] = {0};
    http_date_format(f->mtime, date);
    char want[2048], cc[400] = "";
    if (f->cache_control.len > 0)
        snprintf(cc, sizeof cc, "Cache-Control: %.*s\r\n", (int)f->cache_control.len,
                 (const char *)blob_bytes(b, f->cache_control));
    int validators = snprintf(want, sizeof want, "ETag: %.*s\r\nLast-Modified: %s\r\n%s%s", (int)etag.len,
                              (const char *)blob_bytes(b, etag), date, cc,
                              f->flags & BLOB_HTTP_COMPRESSIBLE ? "Vary: Accept-Encoding\r\n" : "");
    int content = validators + snprintf(want + validators, sizeof want - (size_t)validators,
                                        "Content-Type: %.*s\r\n%s", (int)f->content_type.len,
                                        (const char *)blob_bytes(b, f->content_type),
                                        encoding_line[coding]);
    int ranges = content + snprintf(want + content, sizeof want - (size_t)content, "Accept-Ranges: bytes\r\n");
    int length = ranges + snprintf(want + ranges, sizeof want - (size_t)ranges, "Content-Length: %u\r\n",
                                   rep.body.len);
    int all = length + snprintf(want + length, sizeof want - (size_t)length, "X-Content-Type-Options: nosniff\r\n");
    return h->lines.len == (uint32_t)all && memcmp(blob_bytes(b, h->lines), want, (size_t)all) == 0 &&
           h->not_modified_end == validators && h->content_end == content && h->ranges_end == ranges &&
           h->length_end == length;
}

static void test_stored_heads(void)
{
    static char want[1 << 20];
    bool same = true, absent_no_head = true, get = true, head = true, not_modified = true, partial = true, http10 = true, closing = true;
    unsigned coded_files[BLOB_HTTP_CODINGS] = {0};
    static const char *const accept[BLOB_HTTP_CODINGS] = {"", "Accept-Encoding: gzip\r\n", "Accept-Encoding: br\r\n"};
    for (uint32_t i = 0; i < blob.http_file_count; i++) {
        const struct blob_http_file *f = &blob.http_files[i];
        for (int gz = 0; gz < BLOB_HTTP_CODINGS; gz++) {
            struct blob_http_representation rep = blob_http_representation(&blob, f, (enum blob_http_coding)gz);
            if (!rep.present) {
                absent_no_head &= rep.head->lines.len == 0 && rep.head->length_end == 0;
                continue;
            }
            coded_files[gz]++;
            same &= lines_as_before(&blob, f, (enum blob_http_coding)gz);
            const char *ae = accept[gz];
            struct blob_ref etag = rep.etag;
            struct blob_ref body = rep.body;
            char req[4096];
            int p = (int)f->path.len;
            const char *path = (const char *)blob_bytes(&blob, f->path);
            snprintf(req, sizeof req, "GET %.*s HTTP/1.1\r\nHost: x\r\n%s\r\n", p, path, ae);
            fresh();
            converse(req, 0);
            get &= response_is(want, expected_file_response(want, sizeof want, &blob, f, gz, 200, "", false, 0, 0));
            snprintf(req, sizeof req, "HEAD %.*s HTTP/1.1\r\nHost: x\r\n%s\r\n", p, path, ae);
            fresh();
            converse(req, 0);
            head &= response_is(want, expected_file_response(want, sizeof want, &blob, f, gz, 200, "", true, 0, 0));
            snprintf(req, sizeof req, "GET %.*s HTTP/1.1\r\nHost: x\r\n%sIf-None-Match: %.*s\r\n\r\n", p, path, ae,
                     (int)etag.len, (const char *)blob_bytes(&blob, etag));
            fresh();
            converse(req, 0);
            not_modified &=
                response_is(want, expected_file_response(want, sizeof want, &blob, f, gz, 304, "", false, 0, 0));
            if (body.len >= 3) {
                snprintf(req, sizeof req, "GET %.*s HTTP/1.1\r\nHost: x\r\n%sRange: bytes=1-2\r\n\r\n", p, path, ae);
                fresh();
                converse(req, 0);
                partial &=
                    response_is(want, expected_file_response(want, sizeof want, &blob, f, gz, 206, "", false, 1, 2));
            }
            snprintf(req, sizeof req, "GET %.*s HTTP/1.0\r\nConnection: keep-alive\r\n%s\r\n", p, path, ae);
            fresh();
            converse(req, 0);
            http10 &= response_is(want, expected_file_response(want, sizeof want, &blob, f, gz, 200,
                                                               "Connection: keep-alive\r\n", false, 0, 0));
            snprintf(req, sizeof req, "HEAD %.*s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n", p, path, ae);
            fresh();
            converse(req, 0);
            closing &= response_is(want, expected_file_response(want, sizeof want, &blob, f, gz, 200,
                                                                "Connection: close\r\n", true, 0, 0));
        }
    }
    CHECK("stored heads: the fixture has files with a gzip variant and files with a brotli one",
          coded_files[BLOB_HTTP_GZIP] > 0 && coded_files[BLOB_HTTP_BR] > 0);
    CHECK("stored heads: every file's lines are those the engine wrote itself before format 3, cut where "
          "blob_format.h says", same);
    CHECK("stored heads: a file without a gzip or brotli variant has a head of zeros for it", absent_no_head);
    CHECK("stored heads: every file's GET is the start, its stored lines and the body (identity, gzip, br)", get);
    CHECK("stored heads: every HEAD is the GET's header block", head);
    CHECK("stored heads: every 304 is the validators' run and the last run", not_modified);
    CHECK("stored heads: every 206 puts its range's lines where the stored Content-Length was", partial);
    CHECK("stored heads: HTTP/1.0 keep-alive, then the stored lines", http10);
    CHECK("stored heads: Connection: close, then the stored lines", closing);

    const struct blob_http_file *page = file("/404.html");
    CHECK("stored heads: the fixture has a 404 page", page != NULL);
    if (!page)
        return;
    fresh();
    converse("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("stored heads: the 404 page takes all runs but Accept-Ranges",
          response_is(want, expected_file_response(want, sizeof want, &blob, page, BLOB_HTTP_IDENTITY, 404, "", false,
                                                   0, 0)));
    if (page->gzip_body.len > 0) {
        fresh();
        converse("HEAD /nowhere HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n", 0);
        CHECK("stored heads: so does its gzip variant, for HEAD",
              response_is(want, expected_file_response(want, sizeof want, &blob, page, BLOB_HTTP_GZIP, 404, "", true,
                                                       0, 0)));
    }
}

/*
 * A blob of one file, /x.html, whose record says text/html while its stored
 * lines were composed for text/plain, with `tail` (whole lines) after
 * them: what the engine sends must come from the lines.
 */
static void *stored_blob_data;
static struct blob stored_blob;

static bool build_stored_blob(const char *tail)
{
    free(stored_blob_data);
    stored_blob_data = NULL;
    struct blob_writer *w = blob_writer_new();
    struct blob_http_file f = {0};
    f.path = blob_writer_bytes(w, "/x.html", 7);
    f.content_type = blob_writer_bytes(w, "text/html; charset=utf-8", 24);
    f.body = blob_writer_bytes(w, "<p>stored</p>", 13);
    f.etag = blob_writer_bytes(w, "\"s\"", 3);
    f.mtime = 1000;
    blob_writer_add(w, BLOB_TABLE_HTTP_FILES, &f);
    struct http_file_head_fields in = {.etag = "\"s\"", .etag_len = 3, .mtime = 1000, .content_type = "text/plain",
                                       .content_type_len = 10, .length = 13};
    uint8_t lines[2 * BLOB_HTTP_HEAD_MAX];
    struct blob_http_file_heads heads;
    memset(&heads, 0, sizeof heads);
    size_t n = http_file_head_compose(&in, lines, &heads.identity);
    memcpy(lines + n, tail, strlen(tail));
    heads.identity.lines = blob_writer_bytes(w, lines, n + strlen(tail));
    blob_writer_add(w, BLOB_TABLE_HTTP_HEADS, &heads);
    uint8_t *out = NULL;
    size_t len = 0;
    int r = blob_writer_finish(w, 1, &out, &len);
    blob_writer_free(w);
    const char *err;
    if (r != 0 || blob_open(&stored_blob, out, len, &err) != 0) {
        free(out);
        return false;
    }
    stored_blob_data = out;
    return true;
}

static void test_stored_heads_are_sent(void)
{
    CHECK("stored heads: a blob with lines of its own is built", build_stored_blob("X-Stored: yes\r\n"));
    if (!stored_blob_data)
        return;
    http_conn_init(&conn, &stored_blob);
    converse("GET /x.html HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("stored heads: a 200 carries the stored lines, not the record's values",
          status() == 200 && has_header("\r\nContent-Type: text/plain\r\n") && !has_header("text/html") &&
          has_header("\r\nX-Content-Type-Options: nosniff\r\nX-Stored: yes\r\n\r\n") &&
          strcmp(body(), "<p>stored</p>") == 0);
    http_conn_init(&conn, &stored_blob);
    converse("GET /x.html HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"s\"\r\n\r\n", 0);
    CHECK("stored heads: a 304 carries the last run too", status() == 304 && has_header("\r\nX-Stored: yes\r\n") &&
          !has_header("\r\nContent-Type:"));
    http_conn_init(&conn, &stored_blob);
    converse("GET /x.html HTTP/1.1\r\nHost: x\r\nRange: bytes=3-8\r\n\r\n", 0);
    CHECK("stored heads: a 206 too", status() == 206 && has_header("\r\nX-Stored: yes\r\n") &&
          has_header("\r\nContent-Range: bytes 3-8/13\r\nContent-Length: 6\r\n") && strcmp(body(), "stored") == 0);

    /* The longest lines the reader lets through, the longest extra lines,
     * HTTP/1.0's Connection line and a 206: still one whole response. */
    static char pad[BLOB_HTTP_HEAD_MAX + 2];
    size_t composed = 0;
    {
        struct http_file_head_fields in = {.etag = "\"s\"", .etag_len = 3, .mtime = 1000,
                                           .content_type = "text/plain", .content_type_len = 10, .length = 13};
        uint8_t lines[BLOB_HTTP_HEAD_MAX];
        struct blob_http_head h;
        composed = http_file_head_compose(&in, lines, &h);
    }
    size_t room = BLOB_HTTP_HEAD_MAX - composed;    /* one X-Pad line fills it */
    memset(pad, 'p', room - 2);
    memcpy(pad, "X-Pad: ", 7);
    memcpy(pad + room - 2, "\r\n", 3);
    CHECK("stored heads: a blob with lines of BLOB_HTTP_HEAD_MAX bytes is accepted", build_stored_blob(pad) &&
          blob_http_heads(&stored_blob, &stored_blob.http_files[0])->identity.lines.len == BLOB_HTTP_HEAD_MAX);
    if (!stored_blob_data)
        return;
    static char most[HTTP_EXTRA_HEADERS_MAX];
    memset(most, 'y', sizeof most);
    memcpy(most, "X-Most: ", 8);
    memcpy(most + sizeof most - 2, "\r\n", 2);
    void *largest = stored_blob_data;
    struct blob largest_blob = stored_blob;
    stored_blob_data = NULL;
    memcpy(pad + room - 2, "p\r\n", 4);
    CHECK("stored heads: well-formed lines of BLOB_HTTP_HEAD_MAX + 1 bytes are refused", !build_stored_blob(pad));
    free(stored_blob_data);
    stored_blob_data = largest;
    stored_blob = largest_blob;
    http_conn_init(&conn, &stored_blob);
    CHECK("stored heads: the largest extra lines are taken", http_conn_set_extra_headers(&conn, most, sizeof most));
    converse("GET /x.html HTTP/1.0\r\nConnection: keep-alive\r\nRange: bytes=3-8\r\n\r\n", 0);
    CHECK("stored heads: the largest stored and extra lines fit a 206's header block whole",
          status() == 206 && has_header("\r\nConnection: keep-alive\r\n") && has_header("\r\nX-Pad: ppp") &&
          has_header("pp\r\nX-Most: yyy") && has_header("yy\r\n\r\n") && strcmp(body(), "stored") == 0);
    free(stored_blob_data);
    stored_blob_data = NULL;
}

/* ---- the access log's hooks ---------------------------------------------------- */

static struct {
    int begun, done;
    char method[16], target[HTTP_URL_MAX + 1], ua[HTTP_USER_AGENT_KEPT + 1];
    size_t target_len, ua_len;
    bool has_method, has_ua, target_cut, ua_cut, complete;
    int status;
    uint64_t bytes;
} seen;

static void hook_begun(void *ctx)
{
    (void)ctx;
    seen.begun++;
}

static void hook_done(void *ctx, const struct http_access *a)
{
    (void)ctx;
    seen.done++;
    seen.has_method = a->method != NULL;
    snprintf(seen.method, sizeof seen.method, "%.*s", (int)a->method_len, a->method ? a->method : "");
    memcpy(seen.target, a->target, a->target_len);
    seen.target_len = a->target_len;
    seen.target_cut = a->target_cut;
    seen.has_ua = a->user_agent != NULL;
    if (a->user_agent)
        memcpy(seen.ua, a->user_agent, a->user_agent_len);
    seen.ua_len = a->user_agent_len;
    seen.ua_cut = a->user_agent_cut;
    seen.status = a->status;
    seen.bytes = a->bytes;
    seen.complete = a->complete;
}

static const struct http_access_hooks hooks = {hook_begun, hook_done, NULL};

static void logged(const char *req, size_t chunk)
{
    memset(&seen, 0, sizeof seen);
    fresh();
    http_conn_set_access_hooks(&conn, &hooks);
    converse(req, chunk);
}

static bool target_is(const char *want)
{
    return seen.target_len == strlen(want) && memcmp(seen.target, want, seen.target_len) == 0;
}

static void test_access_hooks(void)
{
    logged("GET /docs/?q=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/8\r\n\r\n", 3);
    CHECK("access: one request, one begun and one done", seen.begun == 1 && seen.done == 1);
    CHECK("access: method, raw target, status, User-Agent", strcmp(seen.method, "GET") == 0 && target_is("/docs/?q=1") &&
          seen.status == 200 && seen.has_ua && seen.ua_len == 6 && memcmp(seen.ua, "curl/8", 6) == 0 && !seen.ua_cut);
    CHECK("access: bytes are the whole response, taken", seen.bytes == response_len && seen.complete);

    logged("GET /a HTTP/1.1\r\nHost: a\r\n\r\nHEAD /b HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("access: pipelined requests, one report each", seen.begun == 2 && seen.done == 2 &&
          strcmp(seen.method, "HEAD") == 0 && target_is("/b") && seen.status == 404 && !seen.has_ua);

    /* Bytes a terminal would act on, in a target llhttp refuses at the
     * first of them: the target is kept as it came, to its word's end. */
    logged("GET /x\x1b[31m\x1b]0;t\x07\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("access: a refused target is reported as it came", seen.done == 1 && seen.status == 400 &&
          target_is("/x\x1b[31m\x1b]0;t\x07\x7f"));
    logged("GET /x\x1b[31m\x1b]0;t\x07\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 1);
    CHECK("access: ... as far as the bytes that came with the refused one", seen.done == 1 && seen.status == 400 &&
          target_is("/x\x1b"));
    logged("GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    CHECK("access: a target with bytes above 0x7e (which llhttp passes on)", seen.status == 400 && target_is("/\xc3\xa9"));
    logged("GET /ok HTTP/1.1\r\nHost: a\r\nUser-Agent: e\x1b[31mvil\x07\r\n\r\n", 0);
    CHECK("access: a User-Agent with control bytes, refused, is reported as it came", seen.done == 1 && (
          seen.status == 400) && target_is("/ok") && seen.has_ua && seen.ua_len == 10 && memcmp(seen.ua, "e\x1b[31mvil\x07", 10) == 0);
    logged("GET /ok HTTP/1.1\r\nHost: a\r\nUser-Agent: \x1b[31mvil\r\n\r\n", 0);
    CHECK("access: ... refused at its first byte, a byte at a time", seen.status == 400 && seen.has_ua &&
          seen.ua_len == 8 && memcmp(seen.ua, "\x1b[31mvil", 8) == 0);

    char big[HTTP_URL_MAX + 100];
    memset(big, 'u', sizeof big);
    big[0] = '/';
    char req[HTTP_URL_MAX + 200];
    snprintf(req, sizeof req, "GET %.*s HTTP/1.1\r\nHost: a\r\n\r\n", (int)sizeof big, big);
    logged(req, 0);
    CHECK("access: a target past HTTP_URL_MAX is reported cut", seen.status == 414 && seen.target_cut &&
          seen.target_len == HTTP_URL_MAX);

    char ua[HTTP_USER_AGENT_KEPT + 50];
    memset(ua, 'a', sizeof ua);
    snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: %.*s\r\n\r\n", (int)sizeof ua, ua);
    logged(req, 7);
    CHECK("access: a long User-Agent is kept to its bound, cut", seen.has_ua && seen.ua_cut &&
          seen.ua_len == HTTP_USER_AGENT_KEPT);

    logged("BREW /pot HTTP/1.1\r\n\r\n", 0);
    CHECK("access: an unknown method: reported, method none", seen.done == 1 && seen.status == 501 && !seen.has_method);

    /* A response the connection ends before it is taken. */
    memset(&seen, 0, sizeof seen);
    fresh();
    http_conn_set_access_hooks(&conn, &hooks);
    const char *get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    http_conn_feed(&conn, (const uint8_t *)get, strlen(get), 784111777);
    http_conn_sent(&conn, 10);
    CHECK("access: nothing reported while a response is going out", seen.done == 0);
    http_conn_end(&conn);
    CHECK("access: the cut response is reported at the end, incomplete", seen.done == 1 && !seen.complete &&
          seen.bytes == 10 && seen.status == 200);
    http_conn_end(&conn);
    CHECK("access: ... once", seen.done == 1);
}

/* ---- ACME HTTP-01 (http_challenge.h) ---------------------------------------- */

#define TOKEN "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"
#define THUMBPRINT "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"
#define KEY_AUTHORIZATION TOKEN "." THUMBPRINT

static struct http_challenges challenges;

static enum http_challenge_result add_token(const char *token, const char *value)
{
    return http_challenges_add(&challenges, token, strlen(token), value, strlen(value));
}

static void test_challenge_table(void)
{
    http_challenges_init(&challenges);
    CHECK("http-01 table: a token and its key authorization", add_token(TOKEN, KEY_AUTHORIZATION) ==
          HTTP_CHALLENGE_OK && challenges.count == 1);
    CHECK("http-01 table: the same token again is replaced, not added",
          add_token(TOKEN, KEY_AUTHORIZATION) == HTTP_CHALLENGE_OK && challenges.count == 1);
    CHECK("http-01 table: a token under 128 bits (21 characters) is refused",
          add_token("abcdefghijklmnopqrstu", "abcdefghijklmnopqrstu." THUMBPRINT) == HTTP_CHALLENGE_BAD_TOKEN);
    CHECK("http-01 table: 22 characters are enough",
          add_token("abcdefghijklmnopqrstuv", "abcdefghijklmnopqrstuv." THUMBPRINT) == HTTP_CHALLENGE_OK);
    CHECK("http-01 table: a token outside base64url is refused",
          add_token("abcdefghijklmnopqrst/../x", "abcdefghijklmnopqrst/../x." THUMBPRINT) ==
              HTTP_CHALLENGE_BAD_TOKEN);
    CHECK("http-01 table: padding is no base64url of RFC 8555",
          add_token("abcdefghijklmnopqrstuv==", "abcdefghijklmnopqrstuv==." THUMBPRINT) == HTTP_CHALLENGE_BAD_TOKEN);
    char long_token[200];
    memset(long_token, 'A', 128);
    long_token[128] = 0;
    char long_value[300];
    snprintf(long_value, sizeof long_value, "%s.%s", long_token, THUMBPRINT);
    CHECK("http-01 table: a token over 127 characters is refused",
          add_token(long_token, long_value) == HTTP_CHALLENGE_BAD_TOKEN);
    CHECK("http-01 table: a value for another token is refused",
          add_token("abcdefghijklmnopqrstuvw", KEY_AUTHORIZATION) == HTTP_CHALLENGE_BAD_VALUE);
    CHECK("http-01 table: a value without its thumbprint is refused",
          add_token("abcdefghijklmnopqrstuvw", "abcdefghijklmnopqrstuvw.") == HTTP_CHALLENGE_BAD_VALUE);
    CHECK("http-01 table: a thumbprint with a CR in it is refused",
          add_token("abcdefghijklmnopqrstuvw",
                    "abcdefghijklmnopqrstuvw.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mq\r\n") ==
              HTTP_CHALLENGE_BAD_VALUE);

    http_challenges_clear(&challenges);
    bool all = true;
    for (int i = 0; i < HTTP_CHALLENGE_CAPACITY; i++) {
        char token[40], value[100];
        snprintf(token, sizeof token, "token-number-%02d-abcdefgh", i);
        snprintf(value, sizeof value, "%s.%s", token, THUMBPRINT);
        all &= add_token(token, value) == HTTP_CHALLENGE_OK;
    }
    CHECK("http-01 table: HTTP_CHALLENGE_CAPACITY tokens fit", all && challenges.count == HTTP_CHALLENGE_CAPACITY);
    CHECK("http-01 table: one more is refused", add_token(TOKEN, KEY_AUTHORIZATION) == HTTP_CHALLENGE_FULL);
    CHECK("http-01 table: removal makes room",
          http_challenges_remove(&challenges, "token-number-00-abcdefgh", 24) == HTTP_CHALLENGE_OK &&
          add_token(TOKEN, KEY_AUTHORIZATION) == HTTP_CHALLENGE_OK);
    CHECK("http-01 table: removal of a token not there",
          http_challenges_remove(&challenges, "token-number-00-abcdefgh", 24) == HTTP_CHALLENGE_NOT_FOUND);
    CHECK("http-01 table: every result has a text",
          strcmp(http_challenge_result_text(HTTP_CHALLENGE_BAD_VALUE), "?") != 0);
    http_challenges_clear(&challenges);
    CHECK("http-01 table: clear empties it", challenges.count == 0);
}

static void challenge_conn(void)
{
    fresh();
    http_conn_set_challenges(&conn, &challenges);
}

static void test_challenge_answers(void)
{
    http_challenges_init(&challenges);
    add_token(TOKEN, KEY_AUTHORIZATION);

    challenge_conn();
    converse("GET /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: www.example.test\r\n\r\n", 0);
    CHECK("http-01: 200", status() == 200);
    CHECK("http-01: the key authorization, nothing else",
          body_len() == strlen(KEY_AUTHORIZATION) && memcmp(body(), KEY_AUTHORIZATION, body_len()) == 0);
    CHECK("http-01: application/octet-stream", has_header("\r\nContent-Type: application/octet-stream\r\n"));
    CHECK("http-01: its length", has_header("\r\nContent-Length: 87\r\n"));
    CHECK("http-01: not cached", has_header("\r\nCache-Control: no-store\r\n"));
    CHECK("http-01: the connection stays open", !http_conn_should_close(&conn));

    challenge_conn();
    converse("HEAD /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("http-01: HEAD: 200, the length, no body", status() == 200 && has_header("\r\nContent-Length: 87\r\n") &&
          body_len() == 0);

    challenge_conn();
    converse("GET http://www.example.test/.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("http-01: absolute form", status() == 200 && body_len() == 87);

    challenge_conn();
    converse("GET /.well-known/acme-challenge/" TOKEN "?x=1 HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("http-01: a query is ignored", status() == 200 && body_len() == 87);

    challenge_conn();
    converse("GET /.well-known/acme-challenge/EVAGXFADS6PSRB2LAV9IZF17DT3JUXGJ-PCT92WR-OA HTTP/1.1\r\nHost: x\r\n\r\n",
             0);
    CHECK("http-01: tokens are case-sensitive: another case is 404", status() == 404);

    challenge_conn();
    converse("GET /.well-known/acme-challenge/unknown-token-abcdefghijkl HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("http-01: an unknown token is 404, the site's page", status() == 404 &&
          body_is(file("/404.html")->body));

    challenge_conn();
    converse("GET /.well-known/acme-challenge/ HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("http-01: no token is 404", status() == 404);

    challenge_conn();
    converse("POST /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 0);
    CHECK("http-01: POST is 405 as anywhere", status() == 405);

    /* Pipelined after another request: each answered in order, the
     * challenge on the same connection. */
    challenge_conn();
    converse("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: x\r\n\r\n",
             7);
    const char *second = strstr(response + 1, "HTTP/1.1 200 OK");
    CHECK("http-01: pipelined behind a page, answered in turn",
          status() == 200 && second && strstr(second, KEY_AUTHORIZATION) != NULL);

    fresh();
    converse("GET /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("http-01: a connection without the table: 404 as today", status() == 404);

    http_challenges_remove(&challenges, TOKEN, strlen(TOKEN));
    challenge_conn();
    converse("GET /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    CHECK("http-01: a withdrawn token is 404", status() == 404);

    /* The answer is copied when it is made: a token withdrawn while its
     * response is going out changes none of its bytes. */
    add_token(TOKEN, KEY_AUTHORIZATION);
    challenge_conn();
    const char *req = "GET /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: x\r\n\r\n";
    http_conn_feed(&conn, (const uint8_t *)req, strlen(req), 784111777);
    http_challenges_clear(&challenges);
    add_token("abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz." THUMBPRINT);
    const uint8_t *data;
    size_t n;
    bool in_blob;
    response_len = 0;
    while (http_conn_output(&conn, &data, &n, &in_blob) && response_len + n < sizeof response) {
        memcpy(response + response_len, data, n);
        response_len += n;
        http_conn_sent(&conn, n);
    }
    response[response_len] = '\0';
    CHECK("http-01: a response under way keeps its bytes when the table changes",
          status() == 200 && body_len() == 87 && memcmp(body(), KEY_AUTHORIZATION, 87) == 0);
    http_challenges_clear(&challenges);
}

int main(void)
{
    size_t size;
    void *data = load_fixture_blob(&blob, &size);
    test_get();
    test_not_found_and_methods();
    test_paths();
    test_conditional_and_gzip();
    test_content_negotiation();
    test_pipelining_and_limits();
    test_options();
    test_if_modified_since();
    test_ranges();
    test_cache_and_headers();
    test_redirects();
    test_request_bodies();
    test_mid_request();
    test_extra_headers();
    test_upgrade_ignored();
    test_location_encoded();
    test_request_line_errors();
    test_header_errors();
    test_trailers_and_targets();
    test_stored_heads();
    test_stored_heads_are_sent();
    test_access_hooks();
    test_challenge_table();
    test_challenge_answers();
    free(data);
    return CHECK_DONE();
}
