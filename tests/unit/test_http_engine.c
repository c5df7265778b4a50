/*
 * The HTTP engine over the fixture site (tests/fixtures/site): requests in as
 * bytes, responses out as bytes, checked against the blob's own files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blob_file.h"
#include "check.h"
#include "http_engine.h"

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
    CHECK("405: POST", status() == 405 && has_header("\r\nAllow: GET, HEAD\r\n"));
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
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip;q=0.8\r\n\r\n", 0);
    CHECK("gzip: served when accepted", status() == 200 && has_header("\r\nContent-Encoding: gzip\r\n") &&
          body_is(page->gzip_body) && header_equals_ref("ETag", page->gzip_etag));
    CHECK("gzip: its ETag differs from identity", page->gzip_etag.len != page->etag.len ||
          memcmp(blob_bytes(&blob, page->gzip_etag), blob_bytes(&blob, page->etag), page->etag.len) != 0);
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0\r\n\r\n", 0);
    CHECK("gzip: q=0 refuses it", status() == 200 && !has_header("Content-Encoding") && body_is(page->body));
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nAccept-Encoding: *\r\n\r\n", 0);
    CHECK("gzip: * accepts it", has_header("\r\nContent-Encoding: gzip\r\n"));
    fresh();
    converse("GET /docs/page HTTP/1.1\r\nHost: x\r\nAccept-Encoding: *, gzip;q=0\r\n\r\n", 0);
    CHECK("gzip: an explicit q=0 beats *", !has_header("Content-Encoding"));
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

int main(void)
{
    size_t size;
    void *data = load_fixture_blob(&blob, &size);
    test_get();
    test_not_found_and_methods();
    test_paths();
    test_conditional_and_gzip();
    test_pipelining_and_limits();
    free(data);
    return CHECK_DONE();
}
