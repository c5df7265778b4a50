/*
 * TLS 1.2 full-handshake load for bench/https.sh's tls12 row: CLIENTS
 * threads, each in a loop of connect, full TLS 1.2 handshake, one GET, read
 * to the end, close, every request timed -- what tls_load does, with a
 * client that spends as little CPU per handshake as a correct TLS 1.2
 * client can, so that the server and not the client is what is measured.
 *
 * Why not tls_load (OpenSSL) for this row: an OpenSSL 3 client needs about
 * 0.7 ms of CPU per full handshake, twice what either server needs, so on
 * a machine of two cores its core runs out first and both servers are held
 * at the client's rate. This client is BearSSL's, and on its own side of
 * the handshake it
 *   - does not check an ECDSA ServerKeyExchange signature (it accepts any: the
 *     server still has to make one, and sends it; a load generator has no
 *     use for the answer, as it trusts the server anyway -- tls_load and
 *     `openssl s_time` do not verify the certificate either);
 *   - uses one fixed ECDHE private key for every connection, so that its
 *     public share is computed once; the shared secret is still computed
 *     for each connection, from the server's fresh share, because the
 *     Finished messages and the records depend on it.
 * Neither changes a byte of what the server receives or has to compute:
 * its share, its signature, its key derivation and its records are the
 * same work as for any client.
 *
 * Offers the suites ECDHE-{ECDSA,RSA}-{AES128-GCM-SHA256,AES256-GCM-SHA384,
 * CHACHA20-POLY1305} and the groups BearSSL lists (P-256, P-384, P-521,
 * X25519: both servers of bench/https.sh take X25519 by their own
 * preference); no session is ever offered (every handshake is full).
 *
 * Usage: tls12_load CERT.pem ADDR PORT SECONDS CLIENTS [PATH]
 *   CERT.pem  the server's certificate (its key type picks the suites)
 * Prints the line tls_load prints: "requests N errors E rate R/s p50 X ms
 * p99 Y ms resumed 0", then "groups x25519 N other M" (the good
 * handshakes by the ECDHE group the server took).
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>

#include "crypto/ec_impl.h"
#include "crypto/pem_walk.h"
#include "load_common.h"

static struct sockaddr_storage server;
static socklen_t server_len;
static const char *path = "/";
static br_x509_pkey server_key;        /* the certificate's key, for knownkey */
static unsigned char server_key_bytes[1024];

/* ---- the client's fixed ECDHE key ------------------------------------ */

/* Any scalar below both orders with its low bit set does; BearSSL's own
 * client forces the same shape on its random ones. */
static const unsigned char fixed_scalar[32] = {
    0x1d, 0x5c, 0x7e, 0x3a, 0x91, 0x42, 0x0f, 0x66, 0x2b, 0x83, 0x4c, 0x17, 0xd2, 0x09, 0x55, 0xa8,
    0x60, 0x3e, 0x9b, 0x71, 0xc4, 0x28, 0x5f, 0x0d, 0xe7, 0x36, 0x4a, 0x92, 0x18, 0xbb, 0x07, 0x45,
};
/* fixed_scalar x G per curve, computed once in main(). */
static unsigned char public_x25519[32], public_p256[65];

static unsigned char *fixed_public(int curve, size_t *len)
{
    if (curve == BR_EC_curve25519) {
        *len = sizeof public_x25519;
        return public_x25519;
    }
    *len = sizeof public_p256;
    return public_p256;
}

/* BearSSL's client calls mul(server share, random key) and then
 * mulgen(same key): both use the fixed scalar instead. */
static uint32_t fixed_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen, int curve)
{
    (void)x;
    (void)xlen;
    return ec_impl_fast.mul(G, Glen, fixed_scalar, sizeof fixed_scalar, curve);
}

static size_t fixed_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
    (void)x;
    (void)xlen;
    size_t len;
    const unsigned char *pub = fixed_public(curve, &len);
    memcpy(R, pub, len);
    return len;
}

static br_ec_impl fixed_key_ec;        /* ec_impl_fast with the two above */

/* ---- signatures: ECDSA accepted unchecked ----------------------------- */
/* (An RSA signature is checked for real: with a public exponent of 65537
 * that costs the client little, against the server's private-key
 * operation.) */

static uint32_t accept_ecdsa(const br_ec_impl *impl, const void *hash, size_t hash_len, const br_ec_public_key *pk,
                             const void *sig, size_t sig_len)
{
    (void)impl, (void)hash, (void)hash_len, (void)pk, (void)sig, (void)sig_len;
    return 1;
}

/* ---- one connection ---------------------------------------------------- */

struct client {
    unsigned long x25519, other_group;  /* good handshakes by ECDHE group */
    br_ssl_client_context cc;
    br_x509_minimal_context minimal;
    br_x509_knownkey_context knownkey;
    unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
};

static int sock_read(void *ctx, unsigned char *buf, size_t len)
{
    for (;;) {
        ssize_t r = read(*(int *)ctx, buf, len);
        if (r > 0)
            return (int)r;
        if (r < 0 && errno == EINTR)
            continue;
        return -1;
    }
}

static int sock_write(void *ctx, const unsigned char *buf, size_t len)
{
    for (;;) {
        ssize_t r = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);    /* a reset is an error, not SIGPIPE */
        if (r > 0)
            return (int)r;
        if (r < 0 && errno == EINTR)
            continue;
        return -1;
    }
}

static void client_setup(struct client *w, unsigned seed)
{
    br_ssl_client_init_full(&w->cc, &w->minimal, NULL, 0);
    static const uint16_t suites[] = {
        BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    };
    br_ssl_engine_set_suites(&w->cc.eng, suites, sizeof suites / sizeof suites[0]);
    br_ssl_engine_set_versions(&w->cc.eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_ec(&w->cc.eng, &fixed_key_ec);
    br_ssl_engine_set_ecdsa(&w->cc.eng, accept_ecdsa);
    if (server_key.key_type == BR_KEYTYPE_EC)
        br_x509_knownkey_init_ec(&w->knownkey, &server_key.key.ec, BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN);
    else
        br_x509_knownkey_init_rsa(&w->knownkey, &server_key.key.rsa, BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN);
    br_ssl_engine_set_x509(&w->cc.eng, &w->knownkey.vtable);
    br_ssl_engine_set_buffer(&w->cc.eng, w->iobuf, sizeof w->iobuf, 1);
    unsigned char entropy[32];
    for (size_t i = 0; i < sizeof entropy; i++)
        entropy[i] = (unsigned char)(seed * 131u + i * 7u);
    br_ssl_engine_inject_entropy(&w->cc.eng, entropy, sizeof entropy);
}

/* One connection: handshake, GET, the whole response. 0 on success. */
static int one_request(void *state)
{
    struct client *w = state;
    int fd = load_connect(&server, server_len);
    if (fd < 0)
        return -1;
    int rc = -1;
    if (!br_ssl_client_reset(&w->cc, "bench", 0))      /* 0: offer no session */
        goto out;
    br_sslio_context io;
    br_sslio_init(&io, &w->cc.eng, sock_read, &fd, sock_write, &fd);
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n", path);
    if (br_sslio_write_all(&io, req, (size_t)n) != 0 || br_sslio_flush(&io) != 0)
        goto out;
    unsigned char buf[16384];
    size_t got = 0;
    bool status_ok = false;
    for (;;) {
        int r = br_sslio_read(&io, buf, sizeof buf);
        if (r <= 0)
            break;          /* close_notify or the TCP close ends the response */
        if (got == 0)
            status_ok = r >= 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0;
        got += (size_t)r;
    }
    int err = br_ssl_engine_last_error(&w->cc.eng);
    /* The server may close the TCP connection right after its close_notify
     * or without one (BR_ERR_IO after the whole response): both are ends. */
    if (status_ok && (err == BR_ERR_OK || err == BR_ERR_IO))
        rc = 0;
    if (rc == 0) {
        int curve = w->cc.eng.ecdhe_curve;
        if (curve == BR_EC_curve25519)
            w->x25519++;
        else
            w->other_group++;
    }
out:
    close(fd);
    return rc;
}

static int load_server_key(const char *file)
{
    static char pem[65536];
    FILE *f = fopen(file, "rb");
    if (!f)
        return -1;
    size_t len = fread(pem, 1, sizeof pem, f);
    fclose(f);
    static uint8_t der[16384];
    size_t der_len = pem_first_der(pem, len, "CERTIFICATE", der, sizeof der);
    if (der_len == 0)
        return -1;
    br_x509_decoder_context xd;
    br_x509_decoder_init(&xd, NULL, NULL);
    br_x509_decoder_push(&xd, der, der_len);
    const br_x509_pkey *p = br_x509_decoder_get_pkey(&xd);
    if (!p)
        return -1;
    server_key = *p;
    if (p->key_type == BR_KEYTYPE_EC) {
        memcpy(server_key_bytes, p->key.ec.q, p->key.ec.qlen);
        server_key.key.ec.q = server_key_bytes;
    } else {
        if (p->key.rsa.nlen > 768 || p->key.rsa.elen > 256)
            return -1;
        memcpy(server_key_bytes, p->key.rsa.n, p->key.rsa.nlen);
        memcpy(server_key_bytes + 768, p->key.rsa.e, p->key.rsa.elen);
        server_key.key.rsa.n = server_key_bytes;
        server_key.key.rsa.e = server_key_bytes + 768;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: tls12_load CERT.pem ADDR PORT SECONDS CLIENTS [PATH]\n");
        return 2;
    }
    if (load_server_key(argv[1]) != 0) {
        fprintf(stderr, "tls12_load: %s: no certificate with a key BearSSL can read\n", argv[1]);
        return 2;
    }
    double seconds;
    int clients;
    if (load_target("tls12_load", argv + 2, &server, &server_len, &seconds, &clients) != 0)
        return 2;
    if (argc > 6)
        path = argv[6];

    fixed_key_ec = ec_impl_fast;
    fixed_key_ec.mul = fixed_mul;
    fixed_key_ec.mulgen = fixed_mulgen;
    if (ec_impl_fast.mulgen(public_x25519, fixed_scalar, sizeof fixed_scalar, BR_EC_curve25519) != 32 ||
        ec_impl_fast.mulgen(public_p256, fixed_scalar, sizeof fixed_scalar, BR_EC_secp256r1) != 65) {
        fprintf(stderr, "tls12_load: cannot compute the fixed ECDHE key\n");
        return 1;
    }

    struct client *clients_state = calloc((size_t)clients, sizeof *clients_state);
    if (!clients_state)
        return 1;
    for (int i = 0; i < clients; i++)
        client_setup(&clients_state[i], (unsigned)i + 1);
    struct load_result r;
    if (load_run(clients, seconds, one_request, clients_state, sizeof *clients_state, &r) != 0) {
        fprintf(stderr, "tls12_load: cannot start the clients\n");
        return 1;
    }
    printf("requests %lu errors %lu rate %.0f/s p50 %.2f ms p99 %.2f ms resumed 0\n", r.requests, r.errors,
           (double)r.requests / r.elapsed, r.p50_ms, r.p99_ms);
    unsigned long x25519 = 0, other_group = 0;
    for (int i = 0; i < clients; i++) {
        x25519 += clients_state[i].x25519;
        other_group += clients_state[i].other_group;
    }
    printf("groups x25519 %lu other %lu\n", x25519, other_group);
    return r.requests > 0 ? 0 : 1;
}
