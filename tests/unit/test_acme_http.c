/*
 * Unit tests of src/acme/http_exchange.c: URLs split for a connection,
 * request heads, and responses read the ways a server may frame them
 * (Content-Length, chunked, ended by the close, HEAD), fed whole and a
 * byte at a time, with the limits on what is kept.
 */
#include <stdio.h>
#include <string.h>

#include "acme/http_exchange.h"
#include "check.h"

static void test_urls(void)
{
    struct http_url u;
    CHECK("http: URL with a port and a path", http_url_split("https://localhost:14000/dir", &u) &&
                                                  strcmp(u.host, "localhost") == 0 && u.port == 14000 &&
                                                  strcmp(u.path, "/dir") == 0);
    CHECK("http: URL without port or path", http_url_split("https://acme.example.org", &u) &&
                                                u.port == 443 && strcmp(u.path, "/") == 0);
    static const char *const bad[] = {
        "http://ca.test/dir", "https://:443/", "https://ca.test:0/", "https://ca.test:65536/", "https://ca.test:x/",
        "https://user@ca.test/", "https://[2001:db8::1]/", "https://ca.test?x", "ftp://ca.test/",
    };
    int refused = 1;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (http_url_split(bad[i], &u)) {
            printf("# accepted %s\n", bad[i]);
            refused = 0;
        }
    CHECK("http: other schemes, userinfo, IPv6 literals, bad ports are refused", refused);
}

static void test_request_head(void)
{
    char head[512];
    struct acme_request post = { .method = "POST", .url = "https://localhost:14000/order-plz", .body = "{}",
                                 .body_len = 2, .content_type = "application/jose+json",
                                 .accept = "application/pem-certificate-chain" };
    size_t n = http_request_head(&post, head, sizeof head);
    CHECK("http: a POST's head", n == strlen(head) &&
                                     strcmp(head, "POST /order-plz HTTP/1.1\r\nHost: localhost:14000\r\n"
                                                  "User-Agent: unihost-acme\r\nConnection: close\r\n"
                                                  "Content-Type: application/jose+json\r\n"
                                                  "Accept: application/pem-certificate-chain\r\nContent-Length: 2\r\n\r\n") == 0);
    struct acme_request headreq = { .method = "HEAD", .url = "https://ca.test/nonce" };
    n = http_request_head(&headreq, head, sizeof head);
    CHECK("http: a HEAD's head, default port left out", n > 0 && strstr(head, "HEAD /nonce HTTP/1.1\r\nHost: ca.test\r\n") &&
                                                            strstr(head, "Content-Length: 0\r\n\r\n"));
    CHECK("http: a head that does not fit is 0", http_request_head(&post, head, 64) == 0);
}

static char body[256];

/* Feeds `text` (one piece, or a byte at a time); returns what feed/eof said. */
static int run(struct http_exchange *x, const char *method, const char *text, size_t len, int bytewise, int eof)
{
    struct acme_request req = { .method = method, .url = "https://ca.test/x" };
    http_exchange_init(x, &req, body, sizeof body);
    int r = 0;
    if (bytewise) {
        for (size_t i = 0; i < len && r == 0; i++)
            r = http_exchange_feed(x, text + i, 1);
    } else {
        r = http_exchange_feed(x, text, len);
    }
    if (r == 0 && eof)
        r = http_exchange_eof(x);
    return r;
}

static void test_responses(void)
{
    static struct http_exchange x;
    struct acme_response r;
    const char *with_length = "HTTP/1.1 201 Created\r\nREPLAY-nonce: n0nce_-1\r\nLocation: https://ca.test/acct/1\r\n"
                              "Retry-After: 3\r\nX-Other: ignored\r\nContent-Length: 17\r\n\r\n{\"status\":\"ok\"}\r\n"
                              "HTTP/1.1 500 Next\r\n\r\n";
    for (int bytewise = 0; bytewise <= 1; bytewise++) {
        int done = run(&x, "POST", with_length, strlen(with_length), bytewise, 0);
        http_exchange_response(&x, &r);
        char name[96];
        snprintf(name, sizeof name, "http: Content-Length response, headers any case (%s)", bytewise ? "a byte at a time" : "whole");
        CHECK(name, done == 1 && r.status == 201 && strcmp(r.replay_nonce, "n0nce_-1") == 0 &&
                        strcmp(r.location, "https://ca.test/acct/1") == 0 && strcmp(r.retry_after, "3") == 0 &&
                        r.body_len == 17 && memcmp(r.body, "{\"status\":\"ok\"}\r\n", 17) == 0);
    }
    const char *chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nReplay-Nonce: abc\r\n\r\n"
                          "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";
    int done = run(&x, "POST", chunked, strlen(chunked), 1, 0);
    http_exchange_response(&x, &r);
    CHECK("http: chunked response", done == 1 && r.status == 200 && r.body_len == 12 &&
                                        strcmp(r.body, "hello, world") == 0 && strcmp(r.replay_nonce, "abc") == 0);
    const char *until_close = "HTTP/1.1 200 OK\r\nContent-Type: application/pem-certificate-chain\r\n\r\n-----BEGIN";
    done = run(&x, "POST", until_close, strlen(until_close), 0, 1);
    http_exchange_response(&x, &r);
    CHECK("http: response ended by the close", done == 1 && r.status == 200 && strcmp(r.body, "-----BEGIN") == 0 &&
                                                   !r.replay_nonce && !r.location);
    const char *head = "HTTP/1.1 200 OK\r\nReplay-Nonce: hn\r\nContent-Length: 120\r\n\r\n";
    done = run(&x, "HEAD", head, strlen(head), 0, 0);
    http_exchange_response(&x, &r);
    CHECK("http: a HEAD response ends with its head", done == 1 && r.status == 200 && r.body_len == 0 &&
                                                          strcmp(r.replay_nonce, "hn") == 0);

    const char *big = "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n";
    char bigger[400];
    snprintf(bigger, sizeof bigger, "%s%0300d", big, 0);
    CHECK("http: a body larger than the buffer fails", run(&x, "POST", bigger, strlen(bigger), 0, 0) == -1 &&
                                                           strstr(x.error, "too large"));
    char long_nonce[400];
    snprintf(long_nonce, sizeof long_nonce, "HTTP/1.1 200 OK\r\nReplay-Nonce: %0200d\r\nContent-Length: 0\r\n\r\n", 0);
    CHECK("http: a nonce longer than kept fails", run(&x, "POST", long_nonce, strlen(long_nonce), 1, 0) == -1 &&
                                                      strstr(x.error, "too long"));
    const char *cut = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
    CHECK("http: a close before Content-Length's end fails", run(&x, "POST", cut, strlen(cut), 0, 1) == -1);
    http_exchange_response(&x, &r);
    CHECK("http: ... and reads as no response", r.status == 0);
    const char *junk = "HTTP/1.1 2OO OK\r\n\r\n";
    CHECK("http: a malformed status line fails", run(&x, "POST", junk, strlen(junk), 0, 0) == -1 && x.error);
    const char *short_status = "HTTP/1.1 00 \r\n\r\n";
    CHECK("http: a status of two digits fails", run(&x, "POST", short_status, strlen(short_status), 0, 1) == -1 &&
                                                    strstr(x.error, "status"));
    const char *smuggle = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab";
    CHECK("http: two Content-Lengths fail", run(&x, "POST", smuggle, strlen(smuggle), 0, 0) == -1);
}

int main(void)
{
    test_urls();
    test_request_head();
    test_responses();
    return CHECK_DONE();
}
