/*
 * Unit tests of the ACME client's HTTPS exchange (src/acme/https_conn.c):
 * unihost's own TLS server (src/http/tls_server.c, TLS 1.2 for this
 * BearSSL client) plays the CA's web server in the same process, records
 * moving between the two in memory, with the test's canned HTTP response.
 * Checked: a response read whole (status, Replay-Nonce, Location, body);
 * the request as the server received it; a chain not ending at a root of
 * --acme-ca, a certificate for another name, and a clock before or after
 * the certificate's validity each fail with a line that says so (the
 * dates, and the clock's); a response
 * cut off without close_notify fails; a response delimited by close_notify
 * is complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "check.h"
#include "tls_client.h"
#include "acme/ca_roots.h"
#include "acme/https_conn.h"
#include "http/tls_server.h"

static struct tls_credentials creds;
static struct tls_server server;
static struct tls_conn conn;
static struct https_conn client;
static struct ca_roots roots, other_roots;
static char body[4096];
static char received_request[4096];
static size_t received_len;

static void random_bytes(void *buf, size_t len)
{
    if (getrandom(buf, len, 0) != (ssize_t)len) {
        printf("not ok - getrandom\n");
        exit(1);
    }
}

/* 2026-12-05, inside the fixture certificate's validity. */
#define NOW_UNIX 1796428800

enum ending { END_CLOSE_NOTIFY, END_TCP_CUT };

/* Runs one exchange: the client's request, the server answering `answer`
 * once it has the whole request head (and `content` more bytes of body),
 * then ending as told. Returns https_conn_result(). */
static int exchange(const struct ca_roots *trust, const char *name, int64_t now, const struct acme_request *req,
                    const char *answer, enum ending end)
{
    uint8_t seed[TLS_SEED_BYTES];
    random_bytes(seed, sizeof seed);
    tls_conn_init(&conn, &server, seed, sizeof seed);
    random_bytes(seed, 32);
    received_len = 0;
    if (!https_conn_start(&client, trust, name, now, seed, 32, req, body, sizeof body))
        return -2;
    bool answered = false, ended = false;
    for (int round = 0; round < 200 && https_conn_result(&client) == 0; round++) {
        size_t len;
        const uint8_t *out;
        while ((out = https_conn_output(&client, &len)) != NULL) {
            size_t taken = tls_conn_put_received(&conn, out, len);
            https_conn_output_sent(&client, taken);
            if (taken == 0)
                break;
        }
        const uint8_t *in = tls_conn_plain_in(&conn, &len);
        if (in && len) {
            size_t n = len < sizeof received_request - received_len ? len : sizeof received_request - received_len;
            memcpy(received_request + received_len, in, n);
            received_len += n;
            tls_conn_plain_taken(&conn, len);
        }
        size_t want = req->body ? req->body_len : 0;
        const char *end_of_head = NULL;
        for (size_t i = 0; i + 4 <= received_len && !end_of_head; i++)
            if (memcmp(received_request + i, "\r\n\r\n", 4) == 0)
                end_of_head = received_request + i;
        if (!answered && end_of_head && (size_t)(received_request + received_len - end_of_head - 4) >= want) {
            size_t room;
            uint8_t *w = tls_conn_plain_room(&conn, &room);
            size_t n = strlen(answer);
            if (w && room >= n) {
                memcpy(w, answer, n);
                tls_conn_plain_written(&conn, n);
                tls_conn_flush(&conn);
                answered = true;
            }
        }
        if (answered && !ended && end == END_CLOSE_NOTIFY) {
            tls_conn_close(&conn);
            ended = true;
        }
        while ((out = tls_conn_records(&conn, &len)) != NULL) {
            size_t taken = https_conn_received(&client, out, len);
            tls_conn_records_sent(&conn, taken);
            if (taken == 0)
                break;
        }
        if (answered && end == END_TCP_CUT && !ended) {
            https_conn_peer_closed(&client);
            ended = true;
        }
    }
    return https_conn_result(&client);
}

static const struct acme_request get_directory = {"GET", "https://www.unihost.test/dir", NULL, 0, NULL, NULL};

static void test_response_read_whole(void)
{
    static const char answer[] = "HTTP/1.1 201 Created\r\n"
                                 "Replay-Nonce: nonce-abc_123\r\n"
                                 "Location: https://www.unihost.test/acct/1\r\n"
                                 "Content-Type: application/json\r\n"
                                 "Content-Length: 15\r\n\r\n"
                                 "{\"status\":\"ok\"}";
    static const char jws[] = "{\"protected\":\"x\",\"payload\":\"y\",\"signature\":\"z\"}";
    const struct acme_request post = {"POST", "https://www.unihost.test/new-acct", jws, sizeof jws - 1,
                                      "application/jose+json", NULL};
    int r = exchange(&roots, "www.unihost.test", NOW_UNIX, &post, answer, END_CLOSE_NOTIFY);
    struct acme_response resp;
    memset(&resp, 0, sizeof resp);
    if (r == 1)
        https_conn_response(&client, &resp);
    CHECK("a POST's response read whole: 201, Replay-Nonce, Location, the body",
          r == 1 && resp.status == 201 && resp.replay_nonce && strcmp(resp.replay_nonce, "nonce-abc_123") == 0 &&
              resp.location && strcmp(resp.location, "https://www.unihost.test/acct/1") == 0 &&
              resp.body_len == 15 && memcmp(resp.body, "{\"status\":\"ok\"}", 15) == 0);
    received_request[received_len < sizeof received_request ? received_len : sizeof received_request - 1] = '\0';
    CHECK("the server received the POST's head and the JWS after it",
          strncmp(received_request, "POST /new-acct HTTP/1.1\r\n", 25) == 0 &&
              strstr(received_request, "\r\nHost: www.unihost.test\r\n") != NULL &&
              strstr(received_request, "\r\nContent-Type: application/jose+json\r\n") != NULL &&
              received_len >= sizeof jws - 1 &&
              memcmp(received_request + received_len - (sizeof jws - 1), jws, sizeof jws - 1) == 0);
}

static void test_refusals(void)
{
    static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
    int r = exchange(&other_roots, "www.unihost.test", NOW_UNIX, &get_directory, answer, END_CLOSE_NOTIFY);
    CHECK("a chain that does not end at a root of --acme-ca fails, and says so",
          r == -1 && strstr(https_conn_error(&client), "--acme-ca") != NULL);
    r = exchange(&roots, "acme.example", NOW_UNIX, &get_directory, answer, END_CLOSE_NOTIFY);
    CHECK("a certificate for another name fails, and says so",
          r == -1 && strstr(https_conn_error(&client), "not for that name") != NULL);
    /* the fixture: notBefore 2026-11-22T06:28:17Z, notAfter 2126-10-29T06:28:17Z */
    r = exchange(&roots, "www.unihost.test", 1000, &get_directory, answer, END_CLOSE_NOTIFY);
    CHECK("a clock before the certificate's validity fails, saying since when it is valid and what the clock says",
          r == -1 && strcmp(https_conn_error(&client),
                            "TLS: the server's certificate is not valid before 2026-11-22T06:28:17Z, and unihost's "
                            "clock says 1970-01-01T00:16:40Z: is the clock right?") == 0);
    printf("# %s\n", https_conn_error(&client));
    r = exchange(&roots, "www.unihost.test", 4948928897 + 86400, &get_directory, answer, END_CLOSE_NOTIFY);
    CHECK("a clock after the certificate's validity fails, saying when it expired and what the clock says",
          r == -1 && strcmp(https_conn_error(&client),
                            "TLS: the server's certificate expired at 2126-10-29T06:28:17Z, and unihost's "
                            "clock says 2126-10-30T06:28:17Z: is the clock right?") == 0);
    printf("# %s\n", https_conn_error(&client));
    r = exchange(&roots, "www.unihost.test", 4948928897, &get_directory, answer, END_CLOSE_NOTIFY);
    CHECK("... and at its last second it is still valid", r == 1);
}

static void test_endings(void)
{
    /* No Content-Length: the response ends where the connection does. */
    static const char by_close[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"newNonce\":\"n\"}";
    int r = exchange(&roots, "www.unihost.test", NOW_UNIX, &get_directory, by_close, END_CLOSE_NOTIFY);
    struct acme_response resp;
    memset(&resp, 0, sizeof resp);
    if (r == 1)
        https_conn_response(&client, &resp);
    CHECK("a response delimited by the server's close_notify is complete",
          r == 1 && resp.status == 200 && resp.body_len == 16 && memcmp(resp.body, "{\"newNonce\":\"n\"}", 16) == 0);
    r = exchange(&roots, "www.unihost.test", NOW_UNIX, &get_directory, by_close, END_TCP_CUT);
    CHECK("the same response cut off without close_notify fails (a truncated body is not a body)",
          r == -1 && strstr(https_conn_error(&client), "close_notify") != NULL);
    static const char short_body[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}";
    r = exchange(&roots, "www.unihost.test", NOW_UNIX, &get_directory, short_body, END_CLOSE_NOTIFY);
    CHECK("a body shorter than its Content-Length fails", r == -1);
}

static void test_bad_request(void)
{
    const struct acme_request ftp = {"GET", "ftp://www.unihost.test/dir", NULL, 0, NULL, NULL};
    uint8_t seed[32] = {0};
    CHECK("a URL that is not https:// is refused before any byte is sent",
          !https_conn_start(&client, &roots, "www.unihost.test", NOW_UNIX, seed, sizeof seed, &ftp, body,
                            sizeof body) &&
              https_conn_error(&client)[0] != '\0');
}

int main(void)
{
    size_t cl, kl, ol;
    const char *cert = tls_read_fixture("ec-cert.pem", &cl);
    const char *key = tls_read_fixture("ec-key.pem", &kl);
    const char *other = tls_read_fixture("rsa-cert.pem", &ol);
    char err[256];
    if (tls_credentials_load(&creds, cert, cl, "ec-cert.pem", key, kl, "ec-key.pem", err, sizeof err) != 0) {
        printf("not ok - load the EC fixture: %s\n", err);
        return 1;
    }
    tls_server_init(&server, &creds);
    CHECK("the fixture certificate loads as the only CA root", ca_roots_load(&roots, cert, cl) == 1);
    CHECK("another certificate loads as a root that does not anchor it", ca_roots_load(&other_roots, other, ol) == 1);
    test_response_read_whole();
    test_refusals();
    test_endings();
    test_bad_request();
    return CHECK_DONE();
}
