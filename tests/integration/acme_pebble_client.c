/*
 * The driver of tests/integration/acme_pebble.sh: runs the ACME client's
 * state machine (src/acme/acme_client.c) against a real CA, Pebble, over
 * the host's sockets. A protocol-level test (tests/integration/acme_unihost.sh
 * runs the whole service inside unihost): here HTTPS is unihost's own
 * exchange (src/acme/https_conn.c, BearSSL's client trusting only the
 * roots of --ca) moved over a TCP socket; HTTP-01 is
 * answered by this program's own small HTTP server, and DNS-01 records
 * are set in pebble-challtestsrv, the DNS server Pebble asks.
 *
 *   acme_pebble_client --directory URL --ca FILE --http-port PORT
 *       [--challtestsrv HOST:PORT] [--dns01] [--renew] --out CHAIN NAME...
 *
 * --renew: after the first certificate, a second run with the same
 * account key (the CA must find the existing account) and a fresh
 * certificate key, as a renewal does; its chain replaces the first.
 *
 * Prints the client's log as "# " lines and, at the end, "issued",
 * "not_before N", "not_after N" and "renew_at N"; exits 0 on issuance.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>


#include "acme/acme_client.h"
#include "acme/ca_roots.h"
#include "acme/http_exchange.h"
#include "acme/https_conn.h"
#include "acme/jwk.h"
#include "acme/key_pem.h"
#include "crypto/secret_bytes.h"
#include "http/tls_server.h"

static struct ca_roots roots;
static struct acme_client client;
static int http01_listener = -1;
/* The HTTP-01 tokens out: the client publishes every authorization's
 * before it tells the CA of any. */
static struct {
    char token[ACME_TOKEN_MAX], value[ACME_TOKEN_MAX + 48];
} http01[ACME_MAX_NAMES];
static const char *challtestsrv;

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("# %s\n", line);
    fflush(stdout);
}

static void die(const char *why)
{
    printf("error: %s\n", why);
    exit(1);
}

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

/* One request over TLS: unihost's own HTTPS exchange (src/acme/https_conn.c,
 * what the service runs over lwIP) moved over a socket. Returns 0 with
 * conn's response complete, or -1 (no usable response). */
static int https_exchange(const struct acme_request *req, struct https_conn *conn)
{
    static char body[65536];
    struct http_url u;
    char port[8];
    if (!http_url_split(req->url, &u))
        return -1;
    snprintf(port, sizeof port, "%u", u.port);
    int fd = connect_to(u.host, port);
    if (fd < 0)
        return -1;
    unsigned char seed[32];
    if (getrandom(seed, sizeof seed, 0) != sizeof seed)
        die("getrandom");
    bool ok = https_conn_start(conn, &roots, u.host, time(NULL), seed, sizeof seed, req, body, sizeof body);
    secret_wipe(seed, sizeof seed);
    while (ok && https_conn_result(conn) == 0) {
        size_t len;
        const uint8_t *out;
        while ((out = https_conn_output(conn, &len)) != NULL) {
            ssize_t n = write(fd, out, len);
            if (n <= 0 && errno != EINTR)
                break;
            https_conn_output_sent(conn, n > 0 ? (size_t)n : 0);
        }
        if (https_conn_result(conn) != 0)
            break;
        uint8_t in[4096];
        ssize_t n = read(fd, in, sizeof in);
        if (n > 0) {
            for (size_t at = 0; at < (size_t)n && https_conn_result(conn) == 0;) {
                size_t took = https_conn_received(conn, in + at, (size_t)n - at);
                at += took;
                while ((out = https_conn_output(conn, &len)) != NULL && write(fd, out, len) == (ssize_t)len)
                    https_conn_output_sent(conn, len);
                if (took == 0)
                    break;
            }
        } else if (n == 0 || errno != EINTR) {
            https_conn_peer_closed(conn);
        }
    }
    close(fd);
    if (!ok || https_conn_result(conn) != 1) {
        printf("# %s: %s\n", req->url, https_conn_error(conn)[0] ? https_conn_error(conn) : "no response");
        return -1;
    }
    return 0;
}

/* ---- pebble-challtestsrv's management API, for DNS-01 ---- */

static void challtestsrv_post(const char *what, const char *json)
{
    char host[64], port[8];
    if (sscanf(challtestsrv, "%63[^:]:%7s", host, port) != 2)
        die("--challtestsrv wants HOST:PORT");
    const char *path = what;
    int fd = connect_to(host, port);
    if (fd < 0)
        die("cannot reach pebble-challtestsrv");
    char req[1024];
    int n = snprintf(req, sizeof req, "POST /%s HTTP/1.0\r\nHost: %s\r\nContent-Length: %zu\r\n\r\n%s", path, host,
                     strlen(json), json);
    if (write(fd, req, (size_t)n) != n)
        die("write to pebble-challtestsrv");
    char answer[512];
    ssize_t got = read(fd, answer, sizeof answer - 1);
    close(fd);
    if (got < 12 || strncmp(answer + 9, "200", 3) != 0)
        die("pebble-challtestsrv refused the record");
}

/* ---- the HTTP-01 responder ---- */

static void serve_http01_once(void)
{
    int fd = accept(http01_listener, NULL, NULL);
    if (fd < 0)
        return;
    char req[2048];
    ssize_t n = read(fd, req, sizeof req - 1);
    if (n <= 0) {
        close(fd);
        return;
    }
    req[n] = '\0';
    static const char prefix[] = "GET /.well-known/acme-challenge/";
    const char *asked = strncmp(req, prefix, sizeof prefix - 1) == 0 ? req + sizeof prefix - 1 : "";
    const char *value = NULL;
    for (size_t i = 0; i < ACME_MAX_NAMES && !value; i++) {
        size_t len = strlen(http01[i].token);
        if (len && strncmp(asked, http01[i].token, len) == 0 && asked[len] == ' ')
            value = http01[i].value;
    }
    char resp[512];
    if (value) {
        snprintf(resp, sizeof resp, "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n%s",
                 strlen(value), value);
        printf("# http-01: answered the CA's request for the token\n");
    } else {
        snprintf(resp, sizeof resp, "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        printf("# http-01: 404 for %.60s\n", req);
    }
    if (write(fd, resp, strlen(resp)) < 0)
        printf("# http-01: write failed\n");
    close(fd);
}

/* Waits until `until`, answering HTTP-01 requests meanwhile. */
static void wait_serving(int64_t until)
{
    for (;;) {
        int64_t now = time(NULL);
        if (now >= until)
            return;
        struct pollfd p = { .fd = http01_listener, .events = POLLIN };
        if (poll(&p, 1, (int)(until - now) * 1000) > 0)
            serve_http01_once();
    }
}

static void random_key(struct p256_key *key)
{
    uint8_t secret[32];
    do {
        if (getrandom(secret, sizeof secret, 0) != sizeof secret)
            die("getrandom");
    } while (!p256_key_init(key, secret));
}

int main(int argc, char **argv)
{
    const char *directory = NULL, *ca = NULL, *out = NULL;
    int http_port = 0;
    enum acme_challenge_kind kind = ACME_HTTP01;
    int runs = 1;
    const char *names[ACME_MAX_NAMES];
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--directory") && i + 1 < argc)
            directory = argv[++i];
        else if (!strcmp(argv[i], "--ca") && i + 1 < argc)
            ca = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--http-port") && i + 1 < argc)
            http_port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--challtestsrv") && i + 1 < argc)
            challtestsrv = argv[++i];
        else if (!strcmp(argv[i], "--dns01"))
            kind = ACME_DNS01;
        else if (!strcmp(argv[i], "--renew"))
            runs = 2;
        else if (count < ACME_MAX_NAMES)
            names[count++] = argv[i];
    }
    if (!directory || !ca || !out || !http_port || count == 0)
        die("usage: acme_pebble_client --directory URL --ca FILE --http-port PORT [--challtestsrv HOST:PORT] [--dns01] [--renew] "
            "--out CHAIN NAME...");

    static char pem[65536];
    FILE *f = fopen(ca, "r");
    if (!f)
        die("cannot read --ca");
    size_t pem_len = fread(pem, 1, sizeof pem - 1, f);
    fclose(f);
    if (ca_roots_load(&roots, pem, pem_len) <= 0)
        die("no usable certificate in --ca");

    http01_listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(http01_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)http_port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(http01_listener, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(http01_listener, 16) != 0)
        die("cannot listen for HTTP-01");

    static struct p256_key account_key, cert_key;
    random_key(&account_key);
    random_key(&cert_key);
    struct acme_config cfg = {
        .directory_url = directory, .contact = "mailto:hostmaster@example.test", .names = names, .name_count = count,
        .challenge = kind, .account_key = &account_key, .certificate_key = &cert_key, .log = log_line,
    };
    if (!acme_client_init(&client, &cfg))
        die(acme_client_error(&client));

    static struct https_conn conn;
    for (int steps = 0; steps < 1000; steps++) {
        struct acme_action a;
        acme_client_next(&client, time(NULL), &a);
        switch (a.kind) {
        case ACME_SEND: {
            struct acme_response r = { 0 };     /* status 0: no response */
            if (https_exchange(&a.request, &conn) == 0)
                https_conn_response(&conn, &r);
            acme_client_response(&client, time(NULL), &r);
            break;
        }
        case ACME_WAIT:
            wait_serving(a.until);
            break;
        case ACME_PUBLISH:
        case ACME_UNPUBLISH:
            if (a.publication.kind == ACME_HTTP01) {
                /* a publication takes a free slot; a withdrawal frees its token's */
                bool add = a.kind == ACME_PUBLISH;
                size_t i = 0;
                while (i < ACME_MAX_NAMES &&
                       (add ? http01[i].token[0] != '\0' : strcmp(http01[i].token, a.publication.token) != 0))
                    i++;
                if (i == ACME_MAX_NAMES)
                    die(add ? "more HTTP-01 tokens than names" : "withdrawal of a token not published");
                snprintf(http01[i].token, sizeof http01[i].token, "%s", add ? a.publication.token : "");
                snprintf(http01[i].value, sizeof http01[i].value, "%s", a.publication.value);
            } else {
                if (!challtestsrv)
                    die("dns-01 needs --challtestsrv");
                char json[512];
                snprintf(json, sizeof json, "{\"host\":\"%s.\",\"value\":\"%s\"}", a.publication.dns_name,
                         a.publication.value);
                challtestsrv_post(a.kind == ACME_PUBLISH ? "set-txt" : "clear-txt", json);
            }
            if (a.kind == ACME_PUBLISH)
                acme_client_published(&client);
            break;
        case ACME_DONE: {
            size_t len;
            const char *chain = acme_client_chain(&client, &len);
            FILE *o = fopen(out, "w");
            if (!o || fwrite(chain, 1, len, o) != len)
                die("cannot write --out");
            fclose(o);
            int64_t nb, na;
            acme_client_validity(&client, &nb, &na);
            printf("issued\nnot_before %lld\nnot_after %lld\nrenew_at %lld\n", (long long)nb, (long long)na,
                   (long long)acme_client_renew_at(&client));
            /* What HTTPS will be given: the chain and the certificate key,
             * through the TLS server's own loader (the key must be the
             * leaf's). */
            char key_pem[400], err[256];
            static struct tls_credentials creds;
            size_t key_len = p256_key_pem_write(&cert_key, key_pem, sizeof key_pem);
            if (key_len && tls_credentials_load(&creds, chain, len, "chain", key_pem, key_len, "key", err,
                                                sizeof err) == 0)
                printf("tls_credentials: ok\n");
            else
                printf("tls_credentials: %s\n", key_len ? err : "the key PEM was not written");
            secret_wipe(key_pem, sizeof key_pem);
            if (--runs > 0) {
                random_key(&cert_key);
                if (!acme_client_init(&client, &cfg))
                    die(acme_client_error(&client));
                break;
            }
            p256_key_wipe(&account_key);
            p256_key_wipe(&cert_key);
            return 0;
        }
        case ACME_FAILED:
            die(acme_client_error(&client));
            break;
        case ACME_CHECKED:      /* only a check ends so, and this driver starts none */
            die("a run ended as a check of renewal information");
            break;
        }
    }
    die("too many steps");
}
