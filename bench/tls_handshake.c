/*
 * In-process TLS server handshake cost: full TLS 1.2 handshakes of
 * src/http/tls_server.c against a BearSSL client in the same process, no
 * network. Only the time spent in the server's calls is counted, so the
 * figure is the server's CPU per handshake (what bounds handshakes/s on one
 * core), without the client's share or the TCP path.
 *
 * Usage: build/bench/tls_handshake [CERT KEY] [SECONDS]
 *        (default: the development pair build/tls/dev-{cert,key}.pem, 2 s)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "tls_client.h"
#include "http/tls_server.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *read_file(const char *path, size_t *len)
{
    const char *pem = tls_read_pem(path, len);
    if (!pem) {
        perror(path);
        exit(1);
    }
    return pem;
}

/* The client offers what bench/https.sh's clients offer: TLS 1.2 and the
 * server's three suites. */
static void client_init(struct tls_client *cl, const struct tls_credentials *creds)
{
    unsigned char seed[32];
    if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed)
        exit(1);
    int key_type = tls_client_init(cl, creds, seed, sizeof seed);
    br_ssl_engine_set_versions(&cl->cc.eng, BR_TLS12, BR_TLS12);
    static const uint16_t ec_suites[] = {
        BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };
    static const uint16_t rsa_suites[] = {
        BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    };
    br_ssl_engine_set_suites(&cl->cc.eng, key_type == BR_KEYTYPE_EC ? ec_suites : rsa_suites, 3);
}

static double server_seconds;

/* Moves records both ways until neither side moves; times the server. */
static void pump(struct tls_client *cl, struct tls_conn *sv)
{
    for (int round = 0; round < 1000; round++) {
        int moved = 0;
        size_t len;
        unsigned char *buf = br_ssl_engine_sendrec_buf(&cl->cc.eng, &len);
        if (buf && len) {
            double t0 = now();
            size_t n = tls_conn_put_received(sv, buf, len);
            server_seconds += now() - t0;
            if (n) {
                br_ssl_engine_sendrec_ack(&cl->cc.eng, n);
                moved = 1;
            }
        }
        double t0 = now();
        const uint8_t *rec = tls_conn_records(sv, &len);
        server_seconds += now() - t0;
        if (rec && len) {
            size_t room;
            unsigned char *in = br_ssl_engine_recvrec_buf(&cl->cc.eng, &room);
            if (in && room) {
                size_t n = len < room ? len : room;
                memcpy(in, rec, n);
                br_ssl_engine_recvrec_ack(&cl->cc.eng, n);
                t0 = now();
                tls_conn_records_sent(sv, n);
                server_seconds += now() - t0;
                moved = 1;
            }
        }
        if (!moved)
            return;
    }
}

static struct tls_credentials creds;
static struct tls_server server;
static struct tls_conn conn;
static struct tls_client client;

int main(int argc, char **argv)
{
    const char *cert = argc > 2 ? argv[1] : "build/tls/dev-cert.pem";
    const char *key = argc > 2 ? argv[2] : "build/tls/dev-key.pem";
    double seconds = argc == 2 ? atof(argv[1]) : argc > 3 ? atof(argv[3]) : 2.0;
    size_t cl, kl;
    const char *cp = read_file(cert, &cl);
    const char *kp = read_file(key, &kl);
    char err[256];
    if (tls_credentials_load(&creds, cp, cl, cert, kp, kl, key, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    tls_server_init(&server, &creds);
    client_init(&client, &creds);

    unsigned long count = 0;
    double start = now();
    while (now() - start < seconds) {
        unsigned char seed[TLS_SEED_BYTES];
        if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed)
            return 1;
        double t0 = now();
        int rc = tls_conn_init(&conn, &server, seed, sizeof seed);
        server_seconds += now() - t0;
        if (rc != 0 || !br_ssl_client_reset(&client.cc, "unihost.test", 0)) {
            fprintf(stderr, "tls_handshake: could not start a handshake\n");
            return 1;
        }
        pump(&client, &conn);
        if (!tls_conn_handshake_done(&conn) || conn.resumed) {
            fprintf(stderr, "tls_handshake: handshake %lu failed (%s)\n", count,
                    tls_error_text(tls_conn_error(&conn)));
            return 1;
        }
        count++;
    }
    printf("tls_handshake: %s key, %lu full handshakes, suite %s\n",
           creds.key_type == BR_KEYTYPE_EC ? "EC P-256" : "RSA", count, tls_conn_suite_name(&conn));
    printf("tls_handshake: server %.1f us per handshake = %.0f handshakes/s on one core\n",
           server_seconds / (double)count * 1e6, (double)count / server_seconds);
    return 0;
}
