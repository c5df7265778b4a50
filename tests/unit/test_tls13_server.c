/*
 * The TLS 1.3 server (src/tls/tls13_server.c) behind tls_server.c's
 * dispatch, under ASan and UBSan, against OpenSSL's libssl as the client
 * (an implementation independent of ours), in memory: every suite and
 * group, HelloRetryRequest, KeyUpdate both ways, large responses, clean
 * close, a tampered record; and against hand-made ClientHellos (RFC
 * 8448's, edited): a small-order X25519 share, 0-RTT declined, duplicate
 * extensions, a hello split across records; TLS 1.2 clients and RSA keys
 * still going to BearSSL.
 */
#include "check.h"
#include "rfc8448_trace.h"
#include "tls_client.h"
#include "crypto/secret_bytes.h"
#include "http/tls_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string.h>
#include <sys/random.h>

static struct tls_credentials ec_creds, rsa_creds;
static struct tls_server ec_server, rsa_server;
static struct tls_conn conn;

static int load(struct tls_credentials *c, const char *cert, const char *key)
{
    char path_c[128], path_k[128], err[256];
    snprintf(path_c, sizeof path_c, "tests/fixtures/tls/%s", cert);
    snprintf(path_k, sizeof path_k, "tests/fixtures/tls/%s", key);
    size_t cl, kl;
    const char *cp = tls_read_pem(path_c, &cl);
    const char *kp = tls_read_pem(path_k, &kl);
    if (!cp || !kp || tls_credentials_load(c, cp, cl, cert, kp, kl, key, err, sizeof err) != 0) {
        printf("not ok - load %s: run from the repository's top directory\n", cert);
        exit(1);
    }
    return 0;
}

static void start_conn(struct tls_server *server)
{
    uint8_t seed[TLS_SEED_BYTES];
    if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed)
        exit(1);
    secret_wipe(&conn, sizeof conn);
    tls_conn_init(&conn, server, seed, sizeof seed);
}

/* ---- an OpenSSL client over memory BIOs -------------------------------------- */

struct client {
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *to_client, *from_client;
    int server_hellos;              /* ServerHello and HelloRetryRequest messages seen */
    int key_updates_received;
    uint8_t pending[20000];         /* client bytes the server has not taken yet */
    size_t pending_len;
    bool tamper_next_app_record;    /* flip a bit in the next application record it sends */
};

static void count_messages(int write_p, int version, int content_type, const void *buf, size_t len,
                           SSL *ssl, void *arg)
{
    (void)version;
    (void)ssl;
    struct client *cl = arg;
    const uint8_t *b = buf;
    if (write_p || content_type != SSL3_RT_HANDSHAKE || len < 1)
        return;
    if (b[0] == 2)
        cl->server_hellos++;
    if (b[0] == 24)
        cl->key_updates_received++;
}

/* The first application traffic secrets, from OpenSSL's key log. */
static char keylog_lines[2][200];

static void keylog(const SSL *ssl, const char *line)
{
    (void)ssl;
    if (strncmp(line, "CLIENT_TRAFFIC_SECRET_0 ", 24) == 0)
        snprintf(keylog_lines[0], sizeof keylog_lines[0], "%s", line);
    if (strncmp(line, "SERVER_TRAFFIC_SECRET_0 ", 24) == 0)
        snprintf(keylog_lines[1], sizeof keylog_lines[1], "%s", line);
}

static bool keylog_secret(const char *label, uint8_t *secret, size_t len)
{
    const char *line = keylog_lines[strncmp(label, "SERVER", 6) == 0];
    if (strncmp(line, label, strlen(label)) != 0)
        return false;
    const char *hex = strchr(line + strlen(label), ' ');     /* after the client random */
    if (!hex || strlen(hex + 1) != 2 * len)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned b;
        if (sscanf(hex + 1 + 2 * i, "%2x", &b) != 1)
            return false;
        secret[i] = (uint8_t)b;
    }
    return true;
}

static void client_start(struct client *cl, const char *suites, const char *groups, int max_version,
                         const char *alpn)
{
    memset(cl, 0, sizeof *cl);
    cl->ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(cl->ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(cl->ctx, max_version);
    if (suites)
        SSL_CTX_set_ciphersuites(cl->ctx, suites);
    if (groups)
        SSL_CTX_set1_groups_list(cl->ctx, groups);
    SSL_CTX_load_verify_locations(cl->ctx, "tests/fixtures/tls/ec-cert.pem", NULL);
    SSL_CTX_set_verify(cl->ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_msg_callback(cl->ctx, count_messages);
    SSL_CTX_set_msg_callback_arg(cl->ctx, cl);
    SSL_CTX_set_keylog_callback(cl->ctx, keylog);
    cl->ssl = SSL_new(cl->ctx);
    cl->to_client = BIO_new(BIO_s_mem());
    cl->from_client = BIO_new(BIO_s_mem());
    SSL_set_bio(cl->ssl, cl->to_client, cl->from_client);
    SSL_set_tlsext_host_name(cl->ssl, "unihost.test");
    if (alpn) {
        uint8_t wire[64];
        size_t n = strlen(alpn);
        wire[0] = (uint8_t)n;
        memcpy(wire + 1, alpn, n);
        SSL_set_alpn_protos(cl->ssl, wire, (unsigned)n + 1);
    }
    SSL_set_connect_state(cl->ssl);
}

static void client_free(struct client *cl)
{
    SSL_free(cl->ssl);
    SSL_CTX_free(cl->ctx);
}

/* The server side's application: echoes what it reads. */
static void server_echo(void)
{
    size_t len;
    const uint8_t *in;
    while ((in = tls_conn_plain_in(&conn, &len)) != NULL) {
        size_t room;
        uint8_t *out = tls_conn_plain_room(&conn, &room);
        if (!out)
            return;
        size_t n = len < room ? len : room;
        memcpy(out, in, n);
        tls_conn_plain_written(&conn, n);
        tls_conn_plain_taken(&conn, n);
        tls_conn_flush(&conn);
    }
}

/* Moves bytes both ways until neither side has anything to move. */
static void pump(struct client *cl)
{
    for (int round = 0; round < 200; round++) {
        bool moved = false;
        SSL_do_handshake(cl->ssl);
        size_t room = sizeof cl->pending - cl->pending_len;
        int got = room ? BIO_read(cl->from_client, cl->pending + cl->pending_len, (int)room) : 0;
        if (got > 0) {
            if (cl->tamper_next_app_record && cl->pending[cl->pending_len] == 23 && got > 10) {
                cl->pending[cl->pending_len + got - 1] ^= 1;
                cl->tamper_next_app_record = false;
            }
            cl->pending_len += (size_t)got;
        }
        if (cl->pending_len) {
            size_t n = tls_conn_put_received(&conn, cl->pending, cl->pending_len);
            memmove(cl->pending, cl->pending + n, cl->pending_len - n);
            cl->pending_len -= n;
            moved |= n > 0;
        }
        server_echo();
        size_t len;
        const uint8_t *rec;
        while ((rec = tls_conn_records(&conn, &len)) != NULL) {
            BIO_write(cl->to_client, rec, (int)len);
            tls_conn_records_sent(&conn, len);
            moved = true;
        }
        if (!moved && got <= 0)
            return;
    }
}

/* Sends msg from the client and reads back its echo; true if it came. */
static bool echo_round_trip(struct client *cl, const uint8_t *msg, size_t len)
{
    if (SSL_write(cl->ssl, msg, (int)len) != (int)len)
        return false;
    static uint8_t back[300000];
    size_t have = 0;
    for (int i = 0; i < 400 && have < len; i++) {
        pump(cl);
        int n = SSL_read(cl->ssl, back + have, (int)(len - have));
        if (n > 0)
            have += (size_t)n;
    }
    return have == len && memcmp(back, msg, len) == 0;
}

static void test_suites_and_groups(void)
{
    static const char *suites[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                   "TLS_CHACHA20_POLY1305_SHA256"};
    static const char *groups[] = {"X25519", "P-256"};
    for (size_t s = 0; s < 3; s++) {
        for (size_t g = 0; g < 2; g++) {
            char name[200];
            struct client cl;
            start_conn(&ec_server);
            client_start(&cl, suites[s], groups[g], TLS1_3_VERSION, "http/1.1");
            pump(&cl);
            snprintf(name, sizeof name, "%s over %s: handshake done, certificate and signature verified by OpenSSL",
                     suites[s], groups[g]);
            CHECK(name, SSL_is_init_finished(cl.ssl) && SSL_get_verify_result(cl.ssl) == X509_V_OK &&
                            SSL_version(cl.ssl) == TLS1_3_VERSION && tls_conn_handshake_done(&conn) &&
                            cl.server_hellos == 1);
            snprintf(name, sizeof name, "%s over %s: the server names the version, suite, SNI and ALPN",
                     suites[s], groups[g]);
            CHECK(name, strcmp(tls_conn_version_name(&conn), "1.3") == 0 &&
                            strcmp(tls_conn_suite_name(&conn), suites[s]) == 0 &&
                            strcmp(tls_conn_server_name(&conn), "unihost.test") == 0 &&
                            tls_conn_alpn(&conn) && strcmp(tls_conn_alpn(&conn), "http/1.1") == 0);
            snprintf(name, sizeof name, "%s over %s: application data both ways", suites[s], groups[g]);
            CHECK(name, echo_round_trip(&cl, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18));
            client_free(&cl);
        }
    }
}

static void test_hello_retry(void)
{
    struct client cl;
    start_conn(&ec_server);
    client_start(&cl, NULL, "X448:P-256", TLS1_3_VERSION, NULL);
    pump(&cl);
    CHECK("HelloRetryRequest: a share only in X448 gets one, the second hello in P-256 completes",
          SSL_is_init_finished(cl.ssl) && cl.server_hellos == 2 && tls_conn_handshake_done(&conn));
    CHECK("HelloRetryRequest: then data flows", echo_round_trip(&cl, (const uint8_t *)"after retry", 11));
    client_free(&cl);

    start_conn(&ec_server);
    client_start(&cl, NULL, "X448", TLS1_3_VERSION, NULL);
    pump(&cl);
    CHECK("a client with no group in common is refused (handshake_failure)",
          !SSL_is_init_finished(cl.ssl) && tls_conn_closed(&conn) &&
              tls_conn_error(&conn) == BR_ERR_SEND_FATAL_ALERT + 40);
    client_free(&cl);
}

static void test_key_update_and_big_data(void)
{
    struct client cl;
    start_conn(&ec_server);
    client_start(&cl, "TLS_AES_256_GCM_SHA384", NULL, TLS1_3_VERSION, NULL);
    pump(&cl);
    CHECK("before KeyUpdate: data flows", echo_round_trip(&cl, (const uint8_t *)"one", 3));
    SSL_key_update(cl.ssl, SSL_KEY_UPDATE_REQUESTED);
    CHECK("KeyUpdate (update_requested): data flows after it", echo_round_trip(&cl, (const uint8_t *)"two", 3));
    CHECK("KeyUpdate: the server answered with its own", cl.key_updates_received == 1);
    SSL_key_update(cl.ssl, SSL_KEY_UPDATE_NOT_REQUESTED);
    CHECK("KeyUpdate (not requested): data flows, no answer",
          echo_round_trip(&cl, (const uint8_t *)"three", 5) && cl.key_updates_received == 1);
    static uint8_t big[200000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 31 + (i >> 9));
    CHECK("200 KB each way, over many records, intact", echo_round_trip(&cl, big, sizeof big));

    /* close_notify from the client: answered, closed cleanly. */
    SSL_shutdown(cl.ssl);
    pump(&cl);
    CHECK("close_notify: the server answers and closes, no error",
          tls_conn_closed(&conn) && tls_conn_error(&conn) == BR_ERR_OK && SSL_shutdown(cl.ssl) == 1);
    client_free(&cl);

    start_conn(&ec_server);
    client_start(&cl, "TLS_CHACHA20_POLY1305_SHA256", NULL, TLS1_3_VERSION, NULL);
    pump(&cl);
    cl.tamper_next_app_record = true;
    SSL_write(cl.ssl, "tampered", 8);
    pump(&cl);
    CHECK("a tampered record: bad_record_mac, closed",
          tls_conn_closed(&conn) && tls_conn_error(&conn) == BR_ERR_SEND_FATAL_ALERT + 20);
    client_free(&cl);
}

/* Records that carry no application data (KeyUpdates, empty records)
 * cost the server a decryption, and a KeyUpdate a new key schedule each:
 * a client may not send them without end. Interleaved with data they are
 * ordinary. */
static void test_record_floods(void)
{
    struct client cl;
    start_conn(&ec_server);
    client_start(&cl, "TLS_AES_128_GCM_SHA256", NULL, TLS1_3_VERSION, NULL);
    pump(&cl);
    bool flowing = true;
    for (int i = 0; i < 60 && flowing; i++) {
        SSL_key_update(cl.ssl, SSL_KEY_UPDATE_NOT_REQUESTED);
        flowing = echo_round_trip(&cl, (const uint8_t *)"between", 7);
    }
    CHECK("60 KeyUpdates, each followed by data: the connection stays up", flowing && !tls_conn_closed(&conn));
    client_free(&cl);

    start_conn(&ec_server);
    client_start(&cl, "TLS_AES_128_GCM_SHA256", NULL, TLS1_3_VERSION, NULL);
    pump(&cl);
    for (int i = 0; i < 200 && !tls_conn_closed(&conn); i++) {
        SSL_key_update(cl.ssl, i % 2 ? SSL_KEY_UPDATE_REQUESTED : SSL_KEY_UPDATE_NOT_REQUESTED);
        SSL_do_handshake(cl.ssl);
        pump(&cl);
    }
    CHECK("200 KeyUpdates with no data between them: the server ends the connection (unexpected_message)",
          tls_conn_closed(&conn) && tls_conn_error(&conn) == BR_ERR_SEND_FATAL_ALERT + 10);
    client_free(&cl);

    start_conn(&ec_server);
    client_start(&cl, "TLS_CHACHA20_POLY1305_SHA256", NULL, TLS1_3_VERSION, NULL);
    pump(&cl);
    /* OpenSSL sends no empty record: they are sealed here with the
     * client's traffic secret, which its key log gives. */
    struct tls13_protection client_tx;
    memset(&client_tx, 0, sizeof client_tx);
    uint8_t secret[TLS13_HASH_MAX];
    bool keyed = keylog_secret("CLIENT_TRAFFIC_SECRET_0 ", secret, 32);
    if (keyed)
        tls13_protection_set(&client_tx, tls13_suite_find(0x1303), &ec_server.aead, secret);
    int sent = 0;
    for (; keyed && sent < 200 && tls_conn_error(&conn) == BR_ERR_OK; sent++) {
        uint8_t rec[64];
        size_t n = tls13_seal(&client_tx, TLS13_CT_APPLICATION_DATA, rec, 0, 0);
        tls_conn_put_received(&conn, rec, n);
    }
    pump(&cl);
    CHECK("200 empty application records: the server ends the connection (unexpected_message)",
          keyed && sent <= TLS13_RECORDS_WITHOUT_DATA_MAX + 1 && tls_conn_closed(&conn) &&
              tls_conn_error(&conn) == BR_ERR_SEND_FATAL_ALERT + 10);
    client_free(&cl);
}

/* AES-GCM keys may seal only so many records (RFC 8446 5.5): the server
 * updates its own keys before then, unasked. 2^24 records are too many
 * for a test: the server's count is set near the bound, and its records
 * are read here with its traffic secret (from OpenSSL's key log), the
 * count set alike. */
static bool open_server_record(struct tls13_protection *p, uint8_t *rec, size_t len, uint8_t *type,
                               const uint8_t **content, size_t *content_len)
{
    if (len < 5 || len != 5 + ((size_t)rec[3] << 8 | rec[4]))
        return false;
    if (tls13_open(p, rec, len, type, content_len) != TLS13_OPEN_OK)
        return false;
    *content = rec + 5;
    return true;
}

static bool server_sends(const char *text, size_t *records, uint8_t recs[][256], size_t *lens)
{
    size_t room;
    uint8_t *out = tls_conn_plain_room(&conn, &room);
    if (!out || room < strlen(text))
        return false;
    memcpy(out, text, strlen(text));
    tls_conn_plain_written(&conn, strlen(text));
    tls_conn_flush(&conn);
    size_t len;
    const uint8_t *rec;
    while ((rec = tls_conn_records(&conn, &len)) != NULL) {
        for (size_t at = 0; at + 5 <= len && *records < 4;) {
            size_t n = 5 + ((size_t)rec[at + 3] << 8 | rec[at + 4]);
            if (n > 256 || at + n > len)
                return false;
            memcpy(recs[*records], rec + at, n);
            lens[(*records)++] = n;
            at += n;
        }
        tls_conn_records_sent(&conn, len);
    }
    return true;
}

static void test_sending_key_limit(void)
{
    struct client cl;
    start_conn(&ec_server);
    client_start(&cl, "TLS_AES_128_GCM_SHA256", NULL, TLS1_3_VERSION, NULL);
    pump(&cl);
    uint8_t secret[32];
    bool keyed = SSL_is_init_finished(cl.ssl) && keylog_secret("SERVER_TRAFFIC_SECRET_0 ", secret, 32);
    const struct tls13_suite *suite = tls13_suite_find(0x1301);
    struct tls13_protection reader;
    memset(&reader, 0, sizeof reader);
    if (keyed)
        tls13_protection_set(&reader, suite, &ec_server.aead, secret);
    conn.v13.tx.seq = reader.seq = TLS13_RECORDS_PER_KEY - 1;

    uint8_t recs[4][256], type[4] = {0};
    size_t lens[4], records = 0, clen[4] = {0};
    const uint8_t *content[4] = {NULL};
    bool sent = keyed && server_sends("last", &records, recs, lens) && records == 2 &&
                server_sends("next", &records, recs, lens) && records == 3;
    bool read = sent && open_server_record(&reader, recs[0], lens[0], &type[0], &content[0], &clen[0]) &&
                open_server_record(&reader, recs[1], lens[1], &type[1], &content[1], &clen[1]);
    static const uint8_t key_update[5] = {24, 0, 0, 1, 0};
    CHECK("the 2^24th record under one key is followed by a KeyUpdate of the server's own (not requested)",
          read && type[0] == 23 && clen[0] == 4 && memcmp(content[0], "last", 4) == 0 && type[1] == 22 &&
              clen[1] == 5 && memcmp(content[1], key_update, 5) == 0);
    tls13_next_traffic_secret(suite->hash, secret);
    tls13_protection_set(&reader, suite, &ec_server.aead, secret);
    CHECK("after it the server's data is sealed under the next key, from sequence 0",
          read && open_server_record(&reader, recs[2], lens[2], &type[2], &content[2], &clen[2]) &&
              type[2] == 23 && clen[2] == 4 && memcmp(content[2], "next", 4) == 0);
    client_free(&cl);
}

/* ---- resumption with tickets ---------------------------------------------------- */

static uint64_t test_now;
static uint64_t test_clock(void)
{
    return test_now;
}

/* A full handshake that reads the server's ticket; returns the session. */
static SSL_SESSION *session_from_full_handshake(const char *suites)
{
    struct client cl;
    start_conn(&ec_server);
    client_start(&cl, suites, NULL, TLS1_3_VERSION, NULL);
    pump(&cl);
    echo_round_trip(&cl, (const uint8_t *)"x", 1);     /* the ticket arrives with the data */
    SSL_SESSION *s = SSL_get1_session(cl.ssl);
    /* Closed properly: OpenSSL keeps a session resumable only then. */
    SSL_shutdown(cl.ssl);
    pump(&cl);
    client_free(&cl);
    return s;
}

/* Connects with the session; true if it resumed (both sides agree). */
static bool resumes_in_groups(SSL_SESSION *session, const char *suites, const char *groups, bool *agree,
                              int *server_hellos)
{
    struct client cl;
    start_conn(&ec_server);
    client_start(&cl, suites, groups, TLS1_3_VERSION, NULL);
    SSL_set_session(cl.ssl, session);
    pump(&cl);
    bool done = SSL_is_init_finished(cl.ssl) && tls_conn_handshake_done(&conn) &&
                echo_round_trip(&cl, (const uint8_t *)"again", 5);
    bool client_says = SSL_session_reused(cl.ssl) == 1;
    *agree = done && client_says == conn.resumed && client_says == conn.v13.resumed;
    if (server_hellos)
        *server_hellos = cl.server_hellos;
    SSL_shutdown(cl.ssl);
    pump(&cl);
    client_free(&cl);
    return done && client_says;
}

static bool resumes(SSL_SESSION *session, const char *suites, bool *agree)
{
    return resumes_in_groups(session, suites, NULL, agree, NULL);
}

static void test_resumption(void)
{
    tls_server_set_clock(&ec_server, test_clock);
    test_now = 1000;
    for (int s = 0; s < 3; s++) {
        static const char *suites[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                       "TLS_CHACHA20_POLY1305_SHA256"};
        char name[160];
        SSL_SESSION *session = session_from_full_handshake(suites[s]);
        bool agree = false;
        snprintf(name, sizeof name, "%s: a ticket from a full handshake resumes (psk_dhe_ke), the server says so too",
                 suites[s]);
        CHECK(name, session && SSL_SESSION_is_resumable(session) && resumes(session, suites[s], &agree) && agree);
        SSL_SESSION_free(session);
    }

    /* A client whose first hello has no share we take (X448 only, then
     * P-256) gets a HelloRetryRequest; its second hello's ticket still
     * resumes, the binder now over message_hash, the retry request and
     * the second hello. */
    SSL_SESSION *session = session_from_full_handshake(NULL);
    bool agree;
    int hellos = 0;
    CHECK("after a HelloRetryRequest, a ticket still resumes (the binder over the retried transcript)",
          session && resumes_in_groups(session, NULL, "X448:P-256", &agree, &hellos) && agree && hellos == 2);
    SSL_SESSION_free(session);

    session = session_from_full_handshake(NULL);
    test_now += 23 * 3600;
    CHECK("a ticket 23 hours old still resumes", resumes(session, NULL, &agree) && agree);
    test_now += 2 * 3600;
    CHECK("a ticket 25 hours old does not: a full handshake", !resumes(session, NULL, &agree) && agree);
    SSL_SESSION_free(session);

    /* Rotation: a key seals for a day; tickets under the one before still
     * open for their lifetime, those two keys back do not. */
    session = session_from_full_handshake(NULL);
    test_now += 24 * 3600 + 10;             /* the key rotates at the next ticket */
    SSL_SESSION *newer = session_from_full_handshake(NULL);
    test_now += 3600;
    CHECK("after a key rotation a ticket under the newer key resumes", resumes(newer, NULL, &agree) && agree);
    SSL_SESSION_free(newer);
    SSL_SESSION_free(session);

    /* A ticket altered anywhere is not ours. */
    struct tls13_ticket_contents made = {.suite = 0x1301, .issued_s = test_now, .age_add = 7, .psk_len = 32}, got;
    memset(made.psk, 0x3c, sizeof made.psk);
    uint8_t ticket[TLS13_TICKET_MAX];
    size_t tlen = tls13_ticket_seal(&ec_server.tickets, &made, ticket);
    bool opens = tlen > 0 && tls13_ticket_open(&ec_server.tickets, ticket, tlen, &got) &&
                 got.suite == 0x1301 && got.psk_len == 32 && memcmp(got.psk, made.psk, 32) == 0;
    bool any_bit_refused = true;
    for (size_t i = 0; i < tlen; i++) {
        ticket[i] ^= 0x10;
        any_bit_refused &= !tls13_ticket_open(&ec_server.tickets, ticket, tlen, &got);
        ticket[i] ^= 0x10;
    }
    /* A ticket that authenticates but is past its lifetime: refused, and
     * nothing of it (its PSK above all) is left in the caller's struct. */
    struct tls13_ticket_contents stale = made, left;
    stale.issued_s = test_now - TLS13_TICKET_LIFETIME_S - 1;
    uint8_t stale_ticket[TLS13_TICKET_MAX];
    size_t stale_len = tls13_ticket_seal(&ec_server.tickets, &stale, stale_ticket);
    memset(&left, 0, sizeof left);
    bool stale_refused = stale_len > 0 && !tls13_ticket_open(&ec_server.tickets, stale_ticket, stale_len, &left);
    static const uint8_t zero_psk[TLS13_HASH_MAX];
    CHECK("a ticket past its lifetime is refused, and its PSK is not left in the caller's struct",
          stale_refused && memcmp(left.psk, zero_psk, sizeof zero_psk) == 0 && left.psk_len == 0);
    CHECK("a ticket opens to what was sealed", opens);
    CHECK("a ticket with any one bit changed does not open", tlen > 0 && any_bit_refused);

    /* The server restarted (new ticket keys): its old tickets do not resume. */
    session = session_from_full_handshake(NULL);
    tls13_tickets_init(&ec_server.tickets, &ec_server.aead, test_clock);
    CHECK("tickets from before a restart (new keys) do not resume", !resumes(session, NULL, &agree) && agree);
    SSL_SESSION_free(session);
}

static void test_tls12_still_bearssl(void)
{
    struct client cl;
    start_conn(&ec_server);
    client_start(&cl, NULL, NULL, TLS1_2_VERSION, NULL);
    pump(&cl);
    CHECK("a TLS 1.2 client gets BearSSL's TLS 1.2",
          SSL_is_init_finished(cl.ssl) && SSL_version(cl.ssl) == TLS1_2_VERSION &&
              strcmp(tls_conn_version_name(&conn), "1.2") == 0);
    CHECK("TLS 1.2: data flows", echo_round_trip(&cl, (const uint8_t *)"twelve", 6));
    client_free(&cl);

    start_conn(&rsa_server);
    client_start(&cl, NULL, NULL, TLS1_3_VERSION, NULL);
    SSL_CTX_set_verify(cl.ctx, SSL_VERIFY_NONE, NULL);
    SSL_set_verify(cl.ssl, SSL_VERIFY_NONE, NULL);
    pump(&cl);
    CHECK("an RSA key: a client offering 1.3 and 1.2 gets TLS 1.2",
          SSL_is_init_finished(cl.ssl) && SSL_version(cl.ssl) == TLS1_2_VERSION);
    client_free(&cl);

    tls_server_offer_tls13(&ec_server, false);
    start_conn(&ec_server);
    client_start(&cl, NULL, NULL, TLS1_3_VERSION, NULL);
    pump(&cl);
    CHECK("TLS 1.3 turned off: a 1.3 client gets TLS 1.2",
          SSL_is_init_finished(cl.ssl) && SSL_version(cl.ssl) == TLS1_2_VERSION);
    client_free(&cl);
    tls_server_offer_tls13(&ec_server, true);
}

/* ---- hand-made hellos ---------------------------------------------------------- */

static size_t rfc8448_hello(uint8_t *msg)
{
    return rfc8448_unhex(rfc8448_client_hello_hex, msg);
}

/* Appends an extension to a hello, fixing its lengths. */
static size_t add_extension(uint8_t *msg, size_t len, const uint8_t *ext, size_t ext_len)
{
    memcpy(msg + len, ext, ext_len);
    size_t body = ((size_t)msg[1] << 16 | (size_t)msg[2] << 8 | msg[3]) + ext_len;
    msg[2] = (uint8_t)(body >> 8);
    msg[3] = (uint8_t)body;
    size_t exts = ((size_t)msg[RFC8448_HELLO_EXTS_LEN_AT] << 8 | msg[RFC8448_HELLO_EXTS_LEN_AT + 1]) + ext_len;
    msg[RFC8448_HELLO_EXTS_LEN_AT] = (uint8_t)(exts >> 8);
    msg[RFC8448_HELLO_EXTS_LEN_AT + 1] = (uint8_t)exts;
    return len + ext_len;
}

/* Sends msg as one handshake record (or two, split at `split`); returns
 * the first record the server answers with, its type in *type. */
static size_t send_hello(const uint8_t *msg, size_t len, size_t split, uint8_t *answer, size_t cap)
{
    uint8_t rec[1200];
    size_t parts[2] = {split ? split : len, split ? len - split : 0}, at = 0, n = 0;
    for (int p = 0; p < 2; p++) {
        if (!parts[p])
            continue;
        rec[n++] = 22;
        rec[n++] = 3;
        rec[n++] = 1;
        rec[n++] = (uint8_t)(parts[p] >> 8);
        rec[n++] = (uint8_t)parts[p];
        memcpy(rec + n, msg + at, parts[p]);
        n += parts[p];
        at += parts[p];
    }
    /* One byte at a time: the hello is gathered across any cut. */
    for (size_t i = 0; i < n; i++)
        tls_conn_put_received(&conn, rec + i, 1);
    size_t got = 0, rlen;
    const uint8_t *out;
    while ((out = tls_conn_records(&conn, &rlen)) != NULL) {
        size_t c = rlen < cap - got ? rlen : cap - got;
        memcpy(answer + got, out, c);
        got += c;
        tls_conn_records_sent(&conn, rlen);
    }
    return got;
}

static bool is_alert(const uint8_t *answer, size_t len, uint8_t alert)
{
    return len == 7 && answer[0] == 21 && answer[5] == 2 && answer[6] == alert;
}

static void test_crafted_hellos(void)
{
    uint8_t msg[1024], answer[4096];
    size_t len = rfc8448_hello(msg);

    start_conn(&ec_server);
    size_t got = send_hello(msg, len, 0, answer, sizeof answer);
    CHECK("RFC 8448's hello, a byte at a time: a TLS 1.3 ServerHello, then the encrypted flight",
          got > 100 && answer[0] == 22 && answer[5] == 2 && strcmp(tls_conn_version_name(&conn), "1.3") == 0);

    start_conn(&ec_server);
    got = send_hello(msg, len, 60, answer, sizeof answer);
    CHECK("the same hello split across two records: a ServerHello", got > 100 && answer[0] == 22 && answer[5] == 2);

    /* An X25519 share of small order (u = 0, then u = 1): the shared
     * secret would be all zeros whatever the server's key. */
    for (int u = 0; u < 2; u++) {
        len = rfc8448_hello(msg);
        memset(msg + RFC8448_HELLO_SHARE_AT, 0, 32);
        msg[RFC8448_HELLO_SHARE_AT] = (uint8_t)u;
        start_conn(&ec_server);
        got = send_hello(msg, len, 0, answer, sizeof answer);
        CHECK(u ? "an X25519 share of order 1 (u = 1) is refused: illegal_parameter"
                : "an X25519 share of u = 0 is refused: illegal_parameter",
              is_alert(answer, got, 47) && tls_conn_error(&conn) == BR_ERR_SEND_FATAL_ALERT + 47);
    }

    /* 0-RTT offered: declined (no early_data in EncryptedExtensions),
     * the client's early records skipped, up to a bound. */
    len = rfc8448_hello(msg);
    static const uint8_t early_data[] = {0x00, 0x2a, 0x00, 0x00};
    len = add_extension(msg, len, early_data, sizeof early_data);
    start_conn(&ec_server);
    got = send_hello(msg, len, 0, answer, sizeof answer);
    CHECK("a hello offering 0-RTT gets a full handshake", got > 100 && answer[0] == 22 && answer[5] == 2);
    uint8_t early[5 + 1000];
    memset(early, 0xa5, sizeof early);
    early[0] = 23;
    early[1] = 3;
    early[2] = 3;
    early[3] = 1000 >> 8;
    early[4] = 1000 & 0xff;
    size_t records = 0;
    while (records < 16 && tls_conn_put_received(&conn, early, sizeof early) == sizeof early && !tls_conn_closed(&conn))
        records++;
    CHECK("0-RTT declined: 16 KB of early records are skipped without an alert",
          records == 16 && !tls_conn_closed(&conn));
    for (int i = 0; i < 2 && !tls_conn_closed(&conn); i++)
        tls_conn_put_received(&conn, early, sizeof early);
    CHECK("0-RTT declined: past the bound, bad_record_mac",
          tls_conn_closed(&conn) || tls_conn_error(&conn) == BR_ERR_SEND_FATAL_ALERT + 20);

    /* 0-RTT offered with a share the server does not take: a
     * HelloRetryRequest, and the early records the client sent before
     * reading it are skipped too, up to the same bound (RFC 8446 4.2.10). */
    len = rfc8448_hello(msg);
    msg[RFC8448_HELLO_SHARE_GROUP_AT + 1] = 0x1e;   /* the x25519 share relabelled x448: not ours */
    len = add_extension(msg, len, early_data, sizeof early_data);
    start_conn(&ec_server);
    got = send_hello(msg, len, 0, answer, sizeof answer);
    bool retried = got > 40 && answer[0] == 22 && answer[5] == 2 && memcmp(answer + 11, "\xcf\x21\xad\x74", 4) == 0;
    records = 0;
    while (records < 16 && tls_conn_put_received(&conn, early, sizeof early) == sizeof early &&
           tls_conn_error(&conn) == BR_ERR_OK)
        records++;
    CHECK("0-RTT offered, then a HelloRetryRequest: 16 KB of early records are skipped without an alert",
          retried && records == 16 && tls_conn_error(&conn) == BR_ERR_OK);
    for (int i = 0; i < 2 && tls_conn_error(&conn) == BR_ERR_OK; i++)
        tls_conn_put_received(&conn, early, sizeof early);
    CHECK("0-RTT offered, then a HelloRetryRequest: past the bound, the connection ends",
          tls_conn_error(&conn) != BR_ERR_OK);

    /* After a HelloRetryRequest the second hello must be the first one
     * with the share asked for (RFC 8446 4.1.2): one that now changes
     * record_size_limit, or drops ALPN, would have the server answer
     * from a mix of the two. */
    static const uint8_t size_limit[] = {0x00, 0x1c, 0x00, 0x02, 0x01, 0x00};
    static const uint8_t alpn_h11[] = {0x00, 0x10, 0x00, 0x0b, 0x00, 0x09, 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    for (int variant = 0; variant < 3; variant++) {
        uint8_t first[1100], second[1100];
        size_t first_len = rfc8448_hello(first), second_len = rfc8448_hello(second);
        first[RFC8448_HELLO_SHARE_GROUP_AT + 1] = 0x1e;     /* no share taken: a retry */
        if (variant == 1) {
            first_len = add_extension(first, first_len, alpn_h11, sizeof alpn_h11);
        } else if (variant == 2) {
            first_len = add_extension(first, first_len, alpn_h11, sizeof alpn_h11);
            second_len = add_extension(second, second_len, alpn_h11, sizeof alpn_h11);
        } else {
            /* RFC 8448's hello has record_size_limit 0x4001: the second lowers it. */
            for (size_t i = RFC8448_HELLO_EXTS_LEN_AT; i + 6 <= second_len; i++)
                if (memcmp(second + i, size_limit, 4) == 0)
                    second[i + 4] = 0x01, second[i + 5] = 0x00;
        }
        start_conn(&ec_server);
        got = send_hello(first, first_len, 0, answer, sizeof answer);
        bool retry = got > 40 && answer[5] == 2 && memcmp(answer + 11, "\xcf\x21\xad\x74", 4) == 0;
        got = send_hello(second, second_len, 0, answer, sizeof answer);
        static const char *names[] = {
            "a second hello with another record_size_limit is refused: illegal_parameter",
            "a second hello dropping ALPN is refused: illegal_parameter",
            "a second hello the same as the first but for the share: the server's hello"};
        CHECK(names[variant], retry && (variant == 2 ? got > 100 && answer[0] == 22 && answer[5] == 2
                                                      : is_alert(answer, got, 47)));
    }

    /* record_size_limit at its least, 64 (RFC 8449 4): every protected
     * record of the server's flight, handshake messages included, holds at
     * most 64 bytes of inner plaintext (80 with the tag); the ServerHello
     * and CCS are in the clear and not bound by it. */
    for (int limit = 64; limit <= 300; limit += 236) {
        len = rfc8448_hello(msg);
        for (size_t i = RFC8448_HELLO_EXTS_LEN_AT; i + 6 <= len; i++)
            if (memcmp(msg + i, size_limit, 4) == 0)
                msg[i + 4] = (uint8_t)(limit >> 8), msg[i + 5] = (uint8_t)limit;
        start_conn(&ec_server);
        got = send_hello(msg, len, 0, answer, sizeof answer);
        size_t protected_records = 0, largest = 0, at = 0;
        bool well_formed = got > 5 && answer[0] == 22 && answer[5] == 2;
        while (well_formed && at + 5 <= got) {
            size_t body = (size_t)answer[at + 3] << 8 | answer[at + 4];
            if (at + 5 + body > got) {
                well_formed = false;
                break;
            }
            if (answer[at] == 23) {
                protected_records++;
                if (body > largest)
                    largest = body;
            }
            at += 5 + body;
        }
        char name[160];
        snprintf(name, sizeof name,
                 "record_size_limit %d: the flight comes as several protected records of at most %d bytes "
                 "(%zu records, the largest %zu)",
                 limit, limit + 16, protected_records, largest);
        CHECK(name, well_formed && at == got && protected_records >= 2 && largest <= (size_t)limit + 16 &&
                        !tls_conn_closed(&conn));
    }

    /* pre_shared_key without psk_key_exchange_modes: the server must
     * abort (RFC 8446 4.2.9), not just do a full handshake. */
    len = rfc8448_hello(msg);
    static const uint8_t psk_modes[] = {0x00, 0x2d, 0x00, 0x02, 0x01, 0x01};
    bool renamed = false;
    for (size_t i = RFC8448_HELLO_EXTS_LEN_AT; i + sizeof psk_modes <= len && !renamed; i++)
        if (memcmp(msg + i, psk_modes, sizeof psk_modes) == 0)
            msg[i] = 0xfa, msg[i + 1] = 0xfa, renamed = true;      /* now an unknown extension */
    uint8_t psk[4 + 2 + 2 + 4 + 4 + 2 + 1 + 32] = {0x00, 0x29, 0x00, 0x2f, 0x00, 0x0a, 0x00, 0x04, 'a', 'b', 'c', 'd',
                                                   0, 0, 0, 0, 0x00, 0x21, 0x20};
    len = add_extension(msg, len, psk, sizeof psk);
    start_conn(&ec_server);
    got = send_hello(msg, len, 0, answer, sizeof answer);
    CHECK("pre_shared_key without psk_key_exchange_modes is refused: missing_extension",
          renamed && is_alert(answer, got, 109));

    /* One binder per PSK identity (RFC 8446 4.2.11): two identities with
     * one binder, and one with two, are refused before any binder is
     * checked. */
    for (int two_ids = 0; two_ids < 2; two_ids++) {
        len = rfc8448_hello(msg);
        uint8_t ext[4 + 2 + 20 + 2 + 66] = {0x00, 0x29};
        size_t n = 4, ids = two_ids ? 2 : 1, binders = two_ids ? 1 : 2;
        ext[n++] = 0, ext[n++] = (uint8_t)(ids * 10);
        for (size_t i = 0; i < ids; i++) {
            memcpy(ext + n, "\x00\x04" "abcd" "\x00\x00\x00\x00", 10);
            n += 10;
        }
        ext[n++] = 0, ext[n++] = (uint8_t)(binders * 33);
        for (size_t i = 0; i < binders; i++) {
            ext[n++] = 32;
            memset(ext + n, 0, 32);
            n += 32;
        }
        ext[2] = 0, ext[3] = (uint8_t)(n - 4);
        len = add_extension(msg, len, ext, n);
        start_conn(&ec_server);
        got = send_hello(msg, len, 0, answer, sizeof answer);
        CHECK(two_ids ? "pre_shared_key with two identities and one binder is refused: illegal_parameter"
                      : "pre_shared_key with one identity and two binders is refused: illegal_parameter",
              is_alert(answer, got, 47));
    }

    /* A duplicated extension; a truncated hello. */
    len = rfc8448_hello(msg);
    static const uint8_t second_versions[] = {0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04};
    len = add_extension(msg, len, second_versions, sizeof second_versions);
    start_conn(&ec_server);
    got = send_hello(msg, len, 0, answer, sizeof answer);
    CHECK("a duplicated supported_versions is refused: illegal_parameter", is_alert(answer, got, 47));

    /* A hello too broken to tell its versions goes to BearSSL, which
     * answers it as it did before TLS 1.3 existed here. */
    len = rfc8448_hello(msg);
    msg[RFC8448_HELLO_EXTS_LEN_AT + 1] += 1;        /* the block claims a byte past the hello's end */
    start_conn(&ec_server);
    got = send_hello(msg, len, 0, answer, sizeof answer);
    int err_with = tls_conn_error(&conn);
    bool closed_with = tls_conn_closed(&conn);
    tls_server_offer_tls13(&ec_server, false);
    start_conn(&ec_server);
    size_t got_without = send_hello(msg, len, 0, answer, sizeof answer);
    tls_server_offer_tls13(&ec_server, true);
    CHECK("an extensions block longer than the hello: closed as BearSSL alone closes it",
          closed_with && tls_conn_closed(&conn) && err_with == tls_conn_error(&conn) && got == got_without);

    /* A hello with no share in our groups and no ECDSA P-256 signature. */
    len = rfc8448_hello(msg);
    for (size_t i = 4; i + 1 < len; i++)
        if (msg[i] == 0x04 && msg[i + 1] == 0x03 && i > 150)
            msg[i + 1] = 0x07;              /* ecdsa_secp256r1_sha256 -> an unknown scheme */
    start_conn(&ec_server);
    got = send_hello(msg, len, 0, answer, sizeof answer);
    CHECK("a hello without ecdsa_secp256r1_sha256 is refused: handshake_failure", is_alert(answer, got, 40));
}

int main(void)
{
    load(&ec_creds, "ec-cert.pem", "ec-key.pem");
    load(&rsa_creds, "rsa-cert.pem", "rsa-key.pem");
    tls_server_init(&ec_server, &ec_creds);
    tls_server_init(&rsa_server, &rsa_creds);
    CHECK("TLS 1.3 is offered with the EC P-256 key", ec_server.tls13_enabled);
    CHECK("TLS 1.3 is not offered with an RSA key", !rsa_server.tls13_enabled);
    test_suites_and_groups();
    test_hello_retry();
    test_key_update_and_big_data();
    test_record_floods();
    test_sending_key_limit();
    test_resumption();
    test_tls12_still_bearssl();
    test_crafted_hellos();
    return CHECK_DONE();
}
