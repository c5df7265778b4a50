/*
 * HTTPS handshake load for bench/https.sh: CLIENTS threads, each in a loop
 * of connect, TLS handshake, one GET, read to the end, close -- a new
 * connection for every request, as `openssl s_time -new` does, but timing
 * every request so that the latency distribution can be printed beside the
 * rate. By default each handshake is a full TLS 1.2 one (no session reuse,
 * no tickets).
 *
 * Usage: tls_load [-3] [-g GROUPS] [-r] ADDR PORT SECONDS CLIENTS CIPHERS [PATH]
 *   -3         TLS 1.3 only; CIPHERS are then TLS 1.3 suites (as
 *              SSL_CTX_set_ciphersuites takes them)
 *   -g GROUPS  the groups offered, e.g. X25519 or P-256 (OpenSSL's list
 *              syntax; the key share goes with the first)
 *   -r         resumed handshakes: each thread offers the session (TLS 1.2
 *              session ticket, TLS 1.3 ticket) its previous connection got;
 *              the first connection of a thread is a full handshake
 * Prints one line: "requests N errors E rate R/s p50 X ms p99 Y ms resumed M"
 * (M: connections the server resumed).
 * The server's certificate is not verified (the benchmark measures the
 * server's handshake, and s_time does not verify either).
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "load_common.h"

static struct sockaddr_storage server;
static socklen_t server_len;
static const char *path = "/";
static SSL_CTX *ctx;
static bool resume;

struct client {
    unsigned long resumed;
    SSL_SESSION *session;           /* -r: what the next connection offers */
};

/* One connection: handshake, GET, the whole response. 0 on success. */
static int one_request(void *state)
{
    struct client *w = state;
    int fd = load_connect(&server, server_len);
    if (fd < 0)
        return -1;
    int rc = -1;
    SSL *ssl = NULL;
    ssl = SSL_new(ctx);
    if (!ssl || SSL_set_fd(ssl, fd) != 1)
        goto out;
    if (resume && w->session && SSL_set_session(ssl, w->session) != 1)
        goto out;
    if (SSL_connect(ssl) != 1)
        goto out;
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n", path);
    if (SSL_write(ssl, req, n) != n)
        goto out;
    char buf[16384];
    size_t got = 0;
    bool status_ok = false;
    for (;;) {
        int r = SSL_read(ssl, buf, sizeof buf);
        if (r > 0) {
            if (got == 0)
                status_ok = r >= 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0;
            got += (size_t)r;
            continue;
        }
        int e = SSL_get_error(ssl, r);
        /* The server closes after the response: a clean close_notify or
         * the TCP close both end it. */
        if (e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL || e == SSL_ERROR_SSL)
            break;
        goto out;
    }
    rc = status_ok ? 0 : -1;
    if (rc == 0 && SSL_session_reused(ssl))
        w->resumed++;
    /* A TLS 1.3 ticket comes after the handshake: by the end of the
     * response it has arrived, and the session holds it. */
    if (rc == 0 && resume) {
        /* Freed without a shutdown of ours, the session would be marked
         * not resumable: count the exchange as cleanly closed (no bytes
         * sent; the connection ends with a reset as the others do). */
        SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_SESSION *s = SSL_get1_session(ssl);
        if (s) {
            if (w->session)
                SSL_SESSION_free(w->session);
            w->session = s;
        }
    }
out:
    if (ssl)
        SSL_free(ssl);
    close(fd);
    ERR_clear_error();
    return rc;
}

int main(int argc, char **argv)
{
    bool tls13 = false;
    const char *groups = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "3g:r")) != -1) {
        switch (opt) {
        case '3': tls13 = true; break;
        case 'g': groups = optarg; break;
        case 'r': resume = true; break;
        default: goto usage;
        }
    }
    argc -= optind - 1;
    argv += optind - 1;
    if (argc < 6) {
    usage:
        fprintf(stderr, "usage: tls_load [-3] [-g GROUPS] [-r] ADDR PORT SECONDS CLIENTS CIPHERS [PATH]\n");
        return 2;
    }
    double seconds;
    int clients;
    if (load_target("tls_load", argv + 1, &server, &server_len, &seconds, &clients) != 0)
        return 2;
    if (argc > 6)
        path = argv[6];

    int version = tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || !SSL_CTX_set_min_proto_version(ctx, version) || !SSL_CTX_set_max_proto_version(ctx, version) ||
        !(tls13 ? SSL_CTX_set_ciphersuites(ctx, argv[5]) : SSL_CTX_set_cipher_list(ctx, argv[5])) ||
        (groups && !SSL_CTX_set1_groups_list(ctx, groups))) {
        fprintf(stderr, "tls_load: cannot set up TLS %s with %s%s%s\n", tls13 ? "1.3" : "1.2", argv[5],
                groups ? " and groups " : "", groups ? groups : "");
        return 1;
    }
    /* No session cache of OpenSSL's: -r keeps one session per thread by
     * hand, and without -r nothing is offered (and no TLS 1.2 ticket asked
     * for), so that every handshake is a full one. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (!resume)
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);

    struct client *clients_state = calloc((size_t)clients, sizeof *clients_state);
    struct load_result r;
    if (!clients_state || load_run(clients, seconds, one_request, clients_state, sizeof *clients_state, &r) != 0) {
        fprintf(stderr, "tls_load: cannot start the clients\n");
        return 1;
    }
    unsigned long resumed = 0;
    for (int i = 0; i < clients; i++)
        resumed += clients_state[i].resumed;
    printf("requests %lu errors %lu rate %.0f/s p50 %.2f ms p99 %.2f ms resumed %lu\n", r.requests, r.errors,
           (double)r.requests / r.elapsed, r.p50_ms, r.p99_ms, resumed);
    return r.requests > 0 ? 0 : 1;
}
