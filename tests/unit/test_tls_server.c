/*
 * Unit tests of the TLS server wrapper (src/http/tls_server.c), driven by a
 * BearSSL *client* engine in the same process: records move between the two
 * in memory. Credentials are the test pairs in tests/fixtures/tls/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "check.h"
#include "tls_client.h"
#include "http/tls_server.h"

static int load(struct tls_credentials *c, const char *cert, const char *key, char *err, size_t errsz)
{
    size_t cl, kl;
    const char *cp = tls_read_fixture(cert, &cl);
    const char *kp = tls_read_fixture(key, &kl);
    return tls_credentials_load(c, cp, cl, cert, kp, kl, key, err, errsz);
}

static void seed(void *buf, size_t len)
{
    if (getrandom(buf, len, 0) != (ssize_t)len) {
        printf("not ok - getrandom\n");
        exit(1);
    }
}

/* ---- a BearSSL client that trusts the server's key ------------------------- */

/* What the client offers when a test names no suites: a browser's kind of
 * list (ECDHE first, then CBC and static RSA ones the server must pass
 * over), within the 8 suites BearSSL is built for (BR_MAX_CIPHER_SUITES). */
static const uint16_t typical_suites[] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,   BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,   BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,   BR_TLS_RSA_WITH_AES_128_GCM_SHA256,
};

static void client_init(struct tls_client *cl, const struct tls_credentials *creds, unsigned vmin,
                        unsigned vmax, const uint16_t *suites, size_t n_suites,
                        const char **alpn, size_t n_alpn)
{
    unsigned char sd[32];
    seed(sd, sizeof sd);
    tls_client_init(cl, creds, sd, sizeof sd);
    br_ssl_engine_set_versions(&cl->cc.eng, vmin, vmax);
    if (!suites) {
        suites = typical_suites;
        n_suites = sizeof typical_suites / sizeof typical_suites[0];
    }
    br_ssl_engine_set_suites(&cl->cc.eng, suites, n_suites);
    if (alpn)
        br_ssl_engine_set_protocol_names(&cl->cc.eng, alpn, n_alpn);
}

/* Moves records both ways until neither side has anything to move. */
static void pump(struct tls_client *cl, struct tls_conn *sv)
{
    for (int round = 0; round < 1000; round++) {
        bool moved = false;
        size_t len;
        unsigned char *buf = br_ssl_engine_sendrec_buf(&cl->cc.eng, &len);
        if (buf && len) {
            size_t n = tls_conn_put_received(sv, buf, len);
            if (n) {
                br_ssl_engine_sendrec_ack(&cl->cc.eng, n);
                moved = true;
            }
        }
        const uint8_t *rec = tls_conn_records(sv, &len);
        if (rec && len) {
            size_t room;
            unsigned char *in = br_ssl_engine_recvrec_buf(&cl->cc.eng, &room);
            if (in && room) {
                size_t n = len < room ? len : room;
                memcpy(in, rec, n);
                br_ssl_engine_recvrec_ack(&cl->cc.eng, n);
                tls_conn_records_sent(sv, n);
                moved = true;
            }
        }
        if (!moved)
            return;
    }
}

static struct tls_credentials ec_creds, rsa_creds;
static struct tls_server server_ec, server_rsa;
static struct tls_conn conn;
static struct tls_client client;

static bool handshake(struct tls_client *cl, struct tls_server *s, struct tls_conn *c, const char *sni,
                      bool resume)
{
    unsigned char sd[TLS_SEED_BYTES];
    seed(sd, sizeof sd);
    if (tls_conn_init(c, s, sd, sizeof sd) != 0)
        return false;
    if (!br_ssl_client_reset(&cl->cc, sni, resume))
        return false;
    pump(cl, c);
    return tls_conn_handshake_done(c) &&
           (br_ssl_engine_current_state(&cl->cc.eng) & BR_SSL_SENDAPP);
}

static void test_credentials(void)
{
    char err[256];
    CHECK("an EC P-256 pair loads", load(&ec_creds, "ec-cert.pem", "ec-key.pem", err, sizeof err) == 0);
    CHECK("the EC pair is an EC key", ec_creds.key_type == BR_KEYTYPE_EC && ec_creds.chain_len == 1);
    CHECK("an RSA pair loads", load(&rsa_creds, "rsa-cert.pem", "rsa-key.pem", err, sizeof err) == 0);
    CHECK("the RSA pair is an RSA key", rsa_creds.key_type == BR_KEYTYPE_RSA);

    struct tls_credentials bad;
    CHECK("a key file as the certificate is refused",
          load(&bad, "ec-key.pem", "ec-key.pem", err, sizeof err) != 0 &&
              strstr(err, "ec-key.pem: no CERTIFICATE block") != NULL);
    CHECK("a key that is not the certificate's is refused",
          load(&bad, "ec-cert.pem", "rsa-key.pem", err, sizeof err) != 0 &&
              strstr(err, "does not match the certificate") != NULL);
    CHECK("an RSA key for the EC certificate... and the other way round",
          load(&bad, "rsa-cert.pem", "ec-key.pem", err, sizeof err) != 0 &&
              strstr(err, "does not match") != NULL);
    CHECK("a P-384 key is refused with a reason",
          load(&bad, "ec-cert.pem", "p384-key.pem", err, sizeof err) != 0 &&
              strstr(err, "not on P-256") != NULL);
    CHECK("a certificate as the key is refused",
          load(&bad, "ec-cert.pem", "ec-cert.pem", err, sizeof err) != 0 &&
              strstr(err, "no PRIVATE KEY") != NULL);
    static const char junk[] = "-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n";
    size_t kl;
    const char *key = tls_read_fixture("ec-key.pem", &kl);
    CHECK("broken PEM is refused",
          tls_credentials_load(&bad, junk, sizeof junk - 1, "junk.pem", key, kl, "k", err, sizeof err) != 0 &&
              strstr(err, "junk.pem: ") == err);
    CHECK("an empty certificate file is refused",
          tls_credentials_load(&bad, "", 0, "empty.pem", key, kl, "k", err, sizeof err) != 0 &&
              strstr(err, "no CERTIFICATE block") != NULL);
    /* A chain: the same certificate twice stands in for leaf + intermediate. */
    size_t cl;
    const char *cert = tls_read_fixture("ec-cert.pem", &cl);
    static char chain[4096];
    memcpy(chain, cert, cl);
    memcpy(chain + cl, cert, cl);
    CHECK("a chain of two certificates loads",
          tls_credentials_load(&bad, chain, 2 * cl, "chain.pem", key, kl, "k", err, sizeof err) == 0 &&
              bad.chain_len == 2);
}

/* RFC 8446 4.1.3: the last 8 bytes of the TLS 1.2 ServerHello.random a
 * TLS 1.3 server sends, as the client received them. */
static bool random_has_sentinel(const struct tls_client *c)
{
    return memcmp(c->cc.eng.server_random + 24, "DOWNGRD\x01", 8) == 0;
}

static void test_handshake_ec(void)
{
    const char *alpn[] = {"h2", "http/1.1"};
    client_init(&client, &ec_creds, BR_TLS10, BR_TLS12, NULL, 0, alpn, 2);
    CHECK("EC: a TLS 1.2 handshake completes", handshake(&client, &server_ec, &conn, "www.unihost.test", 0));
    CHECK("EC: TLS 1.2 was negotiated", br_ssl_engine_get_version(&client.cc.eng) == BR_TLS12);
    CHECK("EC: the SNI is seen by the server", strcmp(tls_conn_server_name(&conn), "www.unihost.test") == 0);
    CHECK("EC: ALPN chose http/1.1",
          tls_conn_alpn(&conn) && strcmp(tls_conn_alpn(&conn), "http/1.1") == 0 &&
              br_ssl_engine_get_selected_protocol(&client.cc.eng) &&
              strcmp(br_ssl_engine_get_selected_protocol(&client.cc.eng), "http/1.1") == 0);
    CHECK("EC: an ECDHE-ECDSA AEAD suite", strncmp(tls_conn_suite_name(&conn), "ECDHE-ECDSA-", 12) == 0);
    CHECK("EC: a first handshake is not resumed", !conn.resumed);
    CHECK("EC (TLS 1.3 served): the TLS 1.2 ServerHello.random ends with the downgrade sentinel",
          random_has_sentinel(&client));

    /* Application data both ways. */
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t room;
    unsigned char *out = br_ssl_engine_sendapp_buf(&client.cc.eng, &room);
    memcpy(out, req, sizeof req - 1);
    br_ssl_engine_sendapp_ack(&client.cc.eng, sizeof req - 1);
    br_ssl_engine_flush(&client.cc.eng, 0);
    pump(&client, &conn);
    size_t len;
    const uint8_t *in = tls_conn_plain_in(&conn, &len);
    CHECK("EC: the server reads the client's plaintext", in && len == sizeof req - 1 && memcmp(in, req, len) == 0);
    tls_conn_plain_taken(&conn, len);

    /* A response larger than one record, written as room appears. */
    static uint8_t big[40000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7);
    size_t written = 0, got = 0;
    bool same = true;
    for (int i = 0; i < 100 && got < sizeof big; i++) {
        uint8_t *w = tls_conn_plain_room(&conn, &room);
        if (w && written < sizeof big) {
            size_t n = sizeof big - written < room ? sizeof big - written : room;
            memcpy(w, big + written, n);
            tls_conn_plain_written(&conn, n);
            written += n;
            if (written == sizeof big)
                tls_conn_flush(&conn);
        }
        pump(&client, &conn);
        unsigned char *r = br_ssl_engine_recvapp_buf(&client.cc.eng, &len);
        if (r) {
            if (got + len > sizeof big || memcmp(r, big + got, len) != 0)
                same = false;
            got += len;
            br_ssl_engine_recvapp_ack(&client.cc.eng, len);
        }
    }
    CHECK("EC: 40000 bytes reach the client intact, over several records", got == sizeof big && same);

    /* The server closes: close_notify reaches the client. */
    tls_conn_close(&conn);
    pump(&client, &conn);
    CHECK("EC: close_notify reaches the client",
          br_ssl_engine_current_state(&client.cc.eng) == BR_SSL_CLOSED &&
              br_ssl_engine_last_error(&client.cc.eng) == BR_ERR_OK);
}

/*
 * The key exchange over each curve a client may insist on, many times over:
 * X25519 and the P-256 generator multiplication and ECDSA signature are our
 * own code (src/crypto), checked here by BearSSL's client (a wrong public
 * key fails the Finished messages, a wrong signature the ServerKeyExchange).
 */
/* The client's signature check, on every curve whatever the engine's curve
 * set (BearSSL hands its ECDHE implementation to the verifier). */
static uint32_t verify_on_all_curves(const br_ec_impl *impl, const void *hash, size_t hash_len,
                                     const br_ec_public_key *pk, const void *sig, size_t sig_len)
{
    (void)impl;
    return br_ecdsa_i31_vrfy_asn1(&br_ec_all_m31, hash, hash_len, pk, sig, sig_len);
}

static void test_curves(void)
{
    static const struct {
        const char *name;
        int curve;
    } curves[] = {{"X25519", BR_EC_curve25519}, {"P-256", BR_EC_secp256r1},
                  {"P-384", BR_EC_secp384r1}, {"P-521", BR_EC_secp521r1}};
    for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++) {
        int done = 0, rounds = curves[i].curve == BR_EC_secp521r1 ? 5 : 40;
        for (int r = 0; r < rounds; r++) {
            static struct tls_client cl;
            client_init(&cl, &ec_creds, BR_TLS12, BR_TLS12, NULL, 0, NULL, 0);
            /* BearSSL's client offers the curves its implementation supports. */
            static br_ec_impl only;
            only = br_ec_all_m31;
            only.supported_curves = (uint32_t)1 << curves[i].curve;
            br_ssl_engine_set_ec(&cl.cc.eng, &only);
            br_ssl_engine_set_ecdsa(&cl.cc.eng, verify_on_all_curves);
            if (handshake(&cl, &server_ec, &conn, "unihost.test", 0) &&
                br_ssl_engine_get_ecdhe_curve(&cl.cc.eng) == curves[i].curve)
                done++;
        }
        char what[96];
        snprintf(what, sizeof what, "EC: %d of %d handshakes over %s complete", done, rounds, curves[i].name);
        CHECK(what, done == rounds);
    }
}

/*
 * A client whose X25519 share is a point of small order: whatever the
 * server's private key, the product is the all-zero u, so this client
 * "knows" the shared secret without a key of its own and derives its
 * keys from zeros. The server must refuse that secret (RFC 7748 6.1,
 * RFC 8422 5.11): the handshake fails. With the server accepting it, the
 * handshake would complete.
 */
static const uint8_t *low_order_share;

static size_t low_order_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
    (void)x, (void)xlen, (void)curve;
    memcpy(R, low_order_share, 32);
    return 32;
}

static uint32_t zero_secret_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen, int curve)
{
    (void)x, (void)xlen, (void)curve;
    memset(G, 0, Glen);
    return 1;
}

static void test_low_order_share(void)
{
    /* u = 0 (order 1... the neutral point), u = 1 (order 4) and the two
     * points of order 8 (RFC 7748's list of small-order u, canonical). */
    static const uint8_t shares[][32] = {
        {0},
        {1},
        {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
         0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
        {0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b,
         0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57},
    };
    int refused_all = 1;
    for (size_t i = 0; i < sizeof shares / sizeof shares[0]; i++) {
        static struct tls_client cl;
        static struct tls_conn c;
        static br_ec_impl attacker;
        client_init(&cl, &ec_creds, BR_TLS12, BR_TLS12, NULL, 0, NULL, 0);
        attacker = br_ec_all_m31;
        attacker.supported_curves = (uint32_t)1 << BR_EC_curve25519;
        attacker.mulgen = low_order_mulgen;
        attacker.mul = zero_secret_mul;
        low_order_share = shares[i];
        br_ssl_engine_set_ec(&cl.cc.eng, &attacker);
        br_ssl_engine_set_ecdsa(&cl.cc.eng, verify_on_all_curves);
        if (handshake(&cl, &server_ec, &c, "unihost.test", 0) || tls_conn_handshake_done(&c))
            refused_all = 0;
    }
    CHECK("X25519: a client share of small order (4 such points) fails the handshake", refused_all);
}

static void test_resumption(void)
{
    const char *alpn[] = {"http/1.1"};
    client_init(&client, &ec_creds, BR_TLS12, BR_TLS12, NULL, 0, alpn, 1);
    CHECK("resumption: a first handshake", handshake(&client, &server_ec, &conn, "unihost.test", 0));
    br_ssl_session_parameters sp;
    br_ssl_engine_get_session_parameters(&client.cc.eng, &sp);
    CHECK("resumption: the first is full", !conn.resumed);

    static struct tls_client again;
    static struct tls_conn conn2;
    client_init(&again, &ec_creds, BR_TLS12, BR_TLS12, NULL, 0, alpn, 1);
    br_ssl_engine_set_session_parameters(&again.cc.eng, &sp);
    CHECK("resumption: a second handshake with the session", handshake(&again, &server_ec, &conn2, "unihost.test", 1));
    br_ssl_session_parameters sp2;
    br_ssl_engine_get_session_parameters(&again.cc.eng, &sp2);
    CHECK("resumption: the server resumed it", conn2.resumed);
    CHECK("resumption: the resumed ServerHello.random carries the downgrade sentinel too",
          random_has_sentinel(&again));
    CHECK("resumption: same session ID", memcmp(sp.session_id, sp2.session_id, 32) == 0);

    /* A session the server never issued: a full handshake, not a failure. */
    static struct tls_client stranger;
    static struct tls_conn conn3;
    client_init(&stranger, &ec_creds, BR_TLS12, BR_TLS12, NULL, 0, alpn, 1);
    sp.session_id[0] ^= 0xff;
    br_ssl_engine_set_session_parameters(&stranger.cc.eng, &sp);
    CHECK("resumption: an unknown session falls back to a full handshake",
          handshake(&stranger, &server_ec, &conn3, "unihost.test", 1) && !conn3.resumed);
}

/* Sessions resume for a day at most (TLS_SESSION_LIFETIME_S). */
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
    return fake_now;
}

static void test_session_lifetime(void)
{
    const char *alpn[] = {"http/1.1"};
    fake_now = 1000;
    tls_server_set_clock(&server_ec, fake_clock);
    client_init(&client, &ec_creds, BR_TLS12, BR_TLS12, NULL, 0, alpn, 1);
    CHECK("lifetime: a full handshake", handshake(&client, &server_ec, &conn, "unihost.test", 0) && !conn.resumed);
    br_ssl_session_parameters sp;
    br_ssl_engine_get_session_parameters(&client.cc.eng, &sp);

    static struct tls_client again;
    static struct tls_conn conn2;
    fake_now = 1000 + TLS_SESSION_LIFETIME_S;
    client_init(&again, &ec_creds, BR_TLS12, BR_TLS12, NULL, 0, alpn, 1);
    br_ssl_engine_set_session_parameters(&again.cc.eng, &sp);
    CHECK("lifetime: the session resumes a day after it began",
          handshake(&again, &server_ec, &conn2, "unihost.test", 1) && conn2.resumed);

    fake_now = 1000 + TLS_SESSION_LIFETIME_S + 1;
    client_init(&again, &ec_creds, BR_TLS12, BR_TLS12, NULL, 0, alpn, 1);
    br_ssl_engine_set_session_parameters(&again.cc.eng, &sp);
    CHECK("lifetime: a second later it no longer does (a full handshake, no failure)",
          handshake(&again, &server_ec, &conn2, "unihost.test", 1) && !conn2.resumed);
    br_ssl_session_parameters sp2;
    br_ssl_engine_get_session_parameters(&again.cc.eng, &sp2);
    CHECK("lifetime: ... which makes a new session", memcmp(sp.session_id, sp2.session_id, 32) != 0);
}

/* The handshake must fail, with the server closed on an error. */
static void refused(const char *name, const struct tls_credentials *creds, struct tls_server *s, unsigned vmin,
                    unsigned vmax, const uint16_t *suites, size_t n, const char **alpn, size_t n_alpn)
{
    static struct tls_client cl;
    client_init(&cl, creds, vmin, vmax, suites, n, alpn, n_alpn);
    bool done = handshake(&cl, s, &conn, NULL, 0);
    char what[160];
    snprintf(what, sizeof what, "refused: %s (server says: %s)", name, tls_error_text(tls_conn_error(&conn)));
    CHECK(what, !done && tls_conn_closed(&conn) && tls_conn_error(&conn) != BR_ERR_OK &&
                    !tls_conn_handshake_done(&conn));
}

/*
 * BearSSL's client will not offer TLS 1.1 with its full suite list, so a
 * real TLS 1.2 ClientHello is taken and its versions lowered (the record's
 * and the hello's client_version): the server must refuse it.
 */
static void refused_old_version(const char *name, unsigned version)
{
    static struct tls_client cl;
    client_init(&cl, &ec_creds, BR_TLS12, BR_TLS12, NULL, 0, NULL, 0);
    br_ssl_client_reset(&cl.cc, "unihost.test", 0);
    size_t len;
    unsigned char *hello = br_ssl_engine_sendrec_buf(&cl.cc.eng, &len);
    static unsigned char rec[4096];
    bool is_hello = hello && len > 11 && len <= sizeof rec && hello[0] == 22 && hello[5] == 1;
    if (is_hello) {
        memcpy(rec, hello, len);
        rec[1] = 3, rec[2] = 1;                     /* record version: TLS 1.0, as clients send */
        rec[9] = (unsigned char)(version >> 8);     /* ClientHello.client_version */
        rec[10] = (unsigned char)version;
    }
    unsigned char sd[TLS_SEED_BYTES];
    seed(sd, sizeof sd);
    tls_conn_init(&conn, &server_ec, sd, sizeof sd);
    if (is_hello)
        tls_conn_put_received(&conn, rec, len);
    const uint8_t *out;
    bool alert = false;
    while ((out = tls_conn_records(&conn, &len)) != NULL) {
        if (len >= 7 && out[0] == 21 && out[5] == 2)  /* a fatal alert record */
            alert = true;
        tls_conn_records_sent(&conn, len);
    }
    char what[160];
    snprintf(what, sizeof what, "refused: a %s ClientHello, with a fatal alert (server says: %s)", name,
             tls_error_text(tls_conn_error(&conn)));
    CHECK(what, is_hello && alert && tls_conn_closed(&conn) && !tls_conn_handshake_done(&conn) &&
                    tls_conn_error(&conn) == BR_ERR_SEND_FATAL_ALERT + 70);     /* protocol_version */
}

static void test_refusals(void)
{
    refused_old_version("TLS 1.0", BR_TLS10);
    refused_old_version("TLS 1.1", BR_TLS11);
    static const uint16_t cbc[] = {BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
                                   BR_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
                                   BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA};
    refused("CBC suites only", &ec_creds, &server_ec, BR_TLS12, BR_TLS12, cbc, 3, NULL, 0);
    static const uint16_t rsa_kx[] = {BR_TLS_RSA_WITH_AES_128_GCM_SHA256, BR_TLS_RSA_WITH_AES_256_GCM_SHA384};
    refused("RSA key exchange only (RSA key)", &rsa_creds, &server_rsa, BR_TLS12, BR_TLS12, rsa_kx, 2, NULL, 0);
    static const uint16_t rsa_auth[] = {BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};
    refused("ECDHE-RSA with an EC key", &ec_creds, &server_ec, BR_TLS12, BR_TLS12, rsa_auth, 1, NULL, 0);
    const char *h2[] = {"h2"};
    refused("ALPN without http/1.1", &ec_creds, &server_ec, BR_TLS12, BR_TLS12, NULL, 0, h2, 1);
}

static void test_suites(void)
{
    static const struct {
        uint16_t id;
        const char *name;
        bool rsa;
    } want[] = {
        {BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", false},
        {BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384", false},
        {BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305", false},
        {BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256", true},
        {BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384", true},
        {BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305", true},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct tls_credentials *cr = want[i].rsa ? &rsa_creds : &ec_creds;
        struct tls_server *s = want[i].rsa ? &server_rsa : &server_ec;
        client_init(&client, cr, BR_TLS12, BR_TLS12, &want[i].id, 1, NULL, 0);
        char name[96];
        snprintf(name, sizeof name, "suite %s is accepted", want[i].name);
        CHECK(name, handshake(&client, s, &conn, NULL, 0) && strcmp(tls_conn_suite_name(&conn), want[i].name) == 0);
        snprintf(name, sizeof name, "suite %s: %s", want[i].name,
                 want[i].rsa ? "no downgrade sentinel (RSA: TLS 1.2 is all that is served)"
                             : "the downgrade sentinel");
        CHECK(name, random_has_sentinel(&client) != want[i].rsa);
    }
    CHECK("no SNI: the server name is empty", strcmp(tls_conn_server_name(&conn), "") == 0);
    CHECK("no ALPN offered: none chosen", tls_conn_alpn(&conn) == NULL);
}

static void test_garbage(void)
{
    unsigned char sd[TLS_SEED_BYTES];
    seed(sd, sizeof sd);
    tls_conn_init(&conn, &server_ec, sd, sizeof sd);
    static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    tls_conn_put_received(&conn, (const uint8_t *)http, sizeof http - 1);
    size_t len;
    while (tls_conn_records(&conn, &len))
        tls_conn_records_sent(&conn, len);
    CHECK("plain HTTP on the TLS port closes with an error",
          tls_conn_closed(&conn) && tls_conn_error(&conn) != BR_ERR_OK);
    CHECK("a short seed is refused", tls_conn_init(&conn, &server_ec, sd, 8) != 0);
}

int main(void)
{
    test_credentials();
    tls_server_init(&server_ec, &ec_creds);
    tls_server_init(&server_rsa, &rsa_creds);
    test_handshake_ec();
    test_curves();
    test_low_order_share();
    test_resumption();
    test_session_lifetime();
    test_refusals();
    test_suites();
    test_garbage();
    return CHECK_DONE();
}
