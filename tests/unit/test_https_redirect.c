/* Unit tests of the plain-HTTP redirect to HTTPS and of the HSTS line
 * (src/http/https_redirect.c, src/http/http_hsts.c). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "http/http_hsts.h"
#include "http/https_redirect.h"

static char out[HTTPS_REDIRECT_OUT_MAX];

static size_t answer(const char *req)
{
    memset(out, 0, sizeof out);
    return https_redirect_answer((const uint8_t *)req, strlen(req), 784111777, out, sizeof out);
}

/* True if the answer has status `status` and, when location is given,
 * exactly that Location, and is whole (ends with the empty line). */
static bool is(size_t n, int status, const char *location)
{
    char want[64];
    snprintf(want, sizeof want, "HTTP/1.1 %d ", status);
    if (n == 0 || strncmp(out, want, strlen(want)) != 0 || n != strlen(out))
        return false;
    if (n < 4 || memcmp(out + n - 4, "\r\n\r\n", 4) != 0 || !strstr(out, "\r\nConnection: close\r\n") ||
        !strstr(out, "\r\nContent-Length: 0\r\n") || !strstr(out, "\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"))
        return false;
    const char *loc = strstr(out, "\r\nLocation: ");
    if (!location)
        return loc == NULL;
    char line[600];
    snprintf(line, sizeof line, "\r\nLocation: %s\r\n", location);
    return loc && strncmp(loc, line, strlen(line)) == 0;
}

int main(void)
{
    CHECK("GET with Host: 301 to the same target over https",
          is(answer("GET /docs/?a=1 HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n"), 301,
             "https://www.unihost.test/docs/?a=1"));
    CHECK("the port of Host is dropped",
          is(answer("GET / HTTP/1.1\r\nhost:  unihost.test:8080 \r\n\r\n"), 301, "https://unihost.test/"));
    CHECK("an IPv6 literal Host is kept with its brackets",
          is(answer("HEAD /x HTTP/1.1\r\nHost: [2001:db8::2]:80\r\n\r\n"), 301, "https://[2001:db8::2]/x"));
    CHECK("absolute form: the authority is the host",
          is(answer("GET http://example.test:80/p?q HTTP/1.1\r\nHost: other.test\r\n\r\n"), 301,
             "https://example.test/p?q"));
    CHECK("absolute form without a path: /",
          is(answer("GET http://example.test HTTP/1.1\r\n\r\n"), 301, "https://example.test/"));
    CHECK("bare LF line ends are understood",
          is(answer("GET /a HTTP/1.0\nHost: h.test\n\n"), 301, "https://h.test/a"));
    CHECK("an incomplete head: wait for more", answer("GET / HTTP/1.1\r\nHost: h.test\r\n") == 0);
    CHECK("no Host: 400", is(answer("GET / HTTP/1.1\r\n\r\n"), 400, NULL));
    CHECK("two Host headers: 400", is(answer("GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n"), 400, NULL));
    CHECK("a Host with a space: 400", is(answer("GET / HTTP/1.1\r\nHost: bad host\r\n\r\n"), 400, NULL));
    CHECK("a Host with a slash: 400 (no open redirect through the host)",
          is(answer("GET / HTTP/1.1\r\nHost: evil.test/x\r\n\r\n"), 400, NULL));
    CHECK("a Host with userinfo: 400", is(answer("GET / HTTP/1.1\r\nHost: a@evil.test\r\n\r\n"), 400, NULL));
    CHECK("a non-numeric port: 400", is(answer("GET / HTTP/1.1\r\nHost: a.test:x\r\n\r\n"), 400, NULL));
    CHECK("a relative target: 400", is(answer("GET docs HTTP/1.1\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("a target with a control byte: 400", is(answer("GET /a\x01 HTTP/1.1\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("not HTTP/1.x: 400", is(answer("GET / HTTP/2.0\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("a malformed request line: 400", is(answer("GET /\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("a protocol-relative target is not an open redirect: it stays a path",
          is(answer("GET //evil.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n"), 301, "https://a.test//evil.test/x"));

    static char big[HTTPS_REDIRECT_HEAD_MAX + 64];
    memset(big, 'a', sizeof big - 1);
    memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
    CHECK("a head of 8 KiB without its end: 431", is(answer(big), 431, NULL));
    static char longurl[HTTPS_REDIRECT_OUT_MAX + 200];
    memset(longurl, 'a', sizeof longurl);
    memcpy(longurl, "GET /", 5);
    strcpy(longurl + sizeof longurl - 40, " HTTP/1.1\r\nHost: a.test\r\n\r\n");
    CHECK("a target too long for a Location: 414", is(answer(longurl), 414, NULL));

    /* Nothing from the request can add a header line: the target is
     * visible ASCII only, an escape of CR LF stays an escape. */
    size_t n301 = answer("GET /a%0d%0aSet-Cookie:%20x=1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
    CHECK("an escaped CR LF in the target stays escaped in Location",
          is(n301, 301, "https://a.test/a%0d%0aSet-Cookie:%20x=1") && strstr(out, "\r\nSet-Cookie") == NULL);
    CHECK("a raw CR in the target: 400", is(answer("GET /a\rSet-Cookie: x HTTP/1.1\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("a CR in Host: 400", is(answer("GET / HTTP/1.1\r\nHost: a.test\rSet-Cookie: x\r\n\r\n"), 400, NULL));
    CHECK("bytes a URI cannot hold are percent-encoded in Location",
          is(answer("GET /a\"<b>\\{|}^`?q=\"x\" HTTP/1.1\r\nHost: a.test\r\n\r\n"), 301,
             "https://a.test/a%22%3Cb%3E%5C%7B%7C%7D%5E%60?q=%22x%22"));
    CHECK("a '%' starting no escape is encoded", is(answer("GET /100%/%zz HTTP/1.1\r\nHost: a.test\r\n\r\n"), 301,
                                                    "https://a.test/100%25/%25zz"));
    CHECK("a fragment is dropped", is(answer("GET /a?b#c HTTP/1.1\r\nHost: a.test\r\n\r\n"), 301, "https://a.test/a?b"));
    CHECK("absolute form with a query and no path: /?q",
          is(answer("GET http://example.test?q HTTP/1.1\r\nHost: example.test\r\n\r\n"), 301, "https://example.test/?q"));
    CHECK("absolute form with https and an upper-case scheme",
          is(answer("GET https://example.test/p HTTP/1.1\r\nHost: example.test\r\n\r\n"), 301, "https://example.test/p") &&
          is(answer("GET HTTP://example.test/p HTTP/1.1\r\nHost: example.test\r\n\r\n"), 301, "https://example.test/p"));

    /* The same request errors as the HTTP engine, where it can tell them. */
    CHECK("two Host lines with absolute form: still 400",
          is(answer("GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("an invalid Host with absolute form: still 400",
          is(answer("GET http://a.test/ HTTP/1.1\r\nHost: a b\r\n\r\n"), 400, NULL));
    CHECK("whitespace between a field name and its colon: 400",
          is(answer("GET / HTTP/1.1\r\nHost: a.test\r\nAccept : */*\r\n\r\n"), 400, NULL));
    CHECK("obs-fold: 400", is(answer("GET / HTTP/1.1\r\nHost: a.test\r\nX-A: a\r\n b\r\n\r\n"), 400, NULL));
    CHECK("whitespace before the first field: 400", is(answer("GET / HTTP/1.1\r\n Host: a.test\r\n\r\n"), 400, NULL));
    CHECK("a field line without a colon: 400", is(answer("GET / HTTP/1.1\r\nHost: a.test\r\nX-A\r\n\r\n"), 400, NULL));
    CHECK("a field without a name: 400", is(answer("GET / HTTP/1.1\r\nHost: a.test\r\n: x\r\n\r\n"), 400, NULL));
    CHECK("a control byte in a field value: 400",
          is(answer("GET / HTTP/1.1\r\nHost: a.test\r\nX-A: a\x01b\r\n\r\n"), 400, NULL));
    CHECK("a method that is no token: 400", is(answer("GE@T / HTTP/1.1\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("an unknown method, a token: redirected like any other",
          is(answer("BREW /pot HTTP/1.1\r\nHost: a.test\r\n\r\n"), 301, "https://a.test/pot"));
    CHECK("HTTP/1. and no digit: 400", is(answer("GET / HTTP/1.x\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("text after the version: 400", is(answer("GET / HTTP/1.1 x\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("two spaces in the request line: 400", is(answer("GET  / HTTP/1.1\r\nHost: a.test\r\n\r\n"), 400, NULL));
    CHECK("an empty line before the request line is ignored (RFC 9112 2.2)",
          is(answer("\r\nGET /a HTTP/1.1\r\nHost: a.test\r\n\r\n"), 301, "https://a.test/a"));
    CHECK("an empty Host: 400 (nothing to redirect to)", is(answer("GET / HTTP/1.1\r\nHost:\r\n\r\n"), 400, NULL));

    /* HSTS */
    char line[HSTS_LINE_MAX];
    size_t n = hsts_line(line, 31536000);
    CHECK("the HSTS line", n == strlen(line) && strcmp(line, "Strict-Transport-Security: max-age=31536000\r\n") == 0);
    return CHECK_DONE();
}
