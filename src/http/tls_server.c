/* The TLS 1.2 server over BearSSL: see tls_server.h. */
#include "http/tls_server.h"

#include "crypto/ec_impl.h"
#include "crypto/p256.h"
#include "crypto/pem_walk.h"
#include "crypto/secret_bytes.h"
#include "crypto/sha256_ni.h"
#include "crypto/tls12_prf.h"

#include <stdio.h>
#include <string.h>

static const uint16_t ecdsa_suites[] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
};
static const uint16_t rsa_suites[] = {
    BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};
/* BearSSL takes the list without const, but only reads it. */
static const char *alpn_names[] = {"http/1.1"};

/* ---- credentials ----------------------------------------------------------- */

/* Where a PEM object's DER goes while it is decoded. */
struct der_sink {
    unsigned char *buf;
    size_t size, len;
    bool overflow;
};

static void der_append(void *ctx, const void *data, size_t len)
{
    struct der_sink *s = ctx;
    if (len > s->size - s->len) {
        s->overflow = true;
        return;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
}

static void skey_push(void *ctx, const void *data, size_t len)
{
    br_skey_decoder_push(ctx, data, len);
}

struct chain_walk {
    struct tls_credentials *creds;
    struct der_sink sink;
    size_t start;               /* where the current certificate began */
    bool in_cert, too_many;
    size_t skipped;             /* objects that are not certificates */
};

static pem_der_dest chain_object(void *arg, const char *name, void **dest_ctx)
{
    struct chain_walk *w = arg;
    w->in_cert = strcmp(name, "CERTIFICATE") == 0 || strcmp(name, "X509 CERTIFICATE") == 0;
    if (!w->in_cert) {
        w->skipped++;
        return NULL;
    }
    if (w->creds->chain_len == TLS_CHAIN_MAX) {
        w->too_many = true;
        w->in_cert = false;
        return NULL;
    }
    w->start = w->sink.len;
    *dest_ctx = &w->sink;
    return der_append;
}

static int chain_done(void *arg)
{
    struct chain_walk *w = arg;
    if (!w->in_cert)
        return 0;
    br_x509_certificate *c = &w->creds->chain[w->creds->chain_len++];
    c->data = w->sink.buf + w->start;
    c->data_len = w->sink.len - w->start;
    w->in_cert = false;
    return 0;
}

struct key_walk {
    br_skey_decoder_context *dc;
    int keys;
    bool in_key;
};

static pem_der_dest key_object(void *arg, const char *name, void **dest_ctx)
{
    struct key_walk *w = arg;
    w->in_key = strcmp(name, "PRIVATE KEY") == 0 || strcmp(name, "EC PRIVATE KEY") == 0 ||
                strcmp(name, "RSA PRIVATE KEY") == 0;
    if (!w->in_key)
        return NULL;
    if (++w->keys == 1) {
        br_skey_decoder_init(w->dc);
        *dest_ctx = w->dc;
        return skey_push;
    }
    return NULL;
}

static int key_done(void *arg)
{
    (void)arg;
    return 0;
}

/* Copies a big-endian number without its leading zeros into out; returns
 * where it starts and sets *n to its length. */
static const unsigned char *strip_zeros(const unsigned char *x, size_t *n)
{
    while (*n > 0 && *x == 0) {
        x++;
        (*n)--;
    }
    return x;
}

static int copy_rsa(struct tls_credentials *creds, const br_rsa_private_key *k)
{
    const unsigned char *src[5] = {k->p, k->q, k->dp, k->dq, k->iq};
    size_t len[5] = {k->plen, k->qlen, k->dplen, k->dqlen, k->iqlen};
    unsigned char **dst[5] = {&creds->rsa.p, &creds->rsa.q, &creds->rsa.dp, &creds->rsa.dq,
                              &creds->rsa.iq};
    size_t *dlen[5] = {&creds->rsa.plen, &creds->rsa.qlen, &creds->rsa.dplen, &creds->rsa.dqlen,
                       &creds->rsa.iqlen};
    for (int i = 0; i < 5; i++) {
        if (len[i] > TLS_RSA_PART_MAX)
            return -1;
        memcpy(creds->rsa_parts[i], src[i], len[i]);
        *dst[i] = creds->rsa_parts[i];
        *dlen[i] = len[i];
    }
    creds->rsa.n_bitlen = k->n_bitlen;
    return 0;
}

int tls_credentials_load(struct tls_credentials *creds, const char *cert_pem, size_t cert_len,
                         const char *cert_name, const char *key_pem, size_t key_len,
                         const char *key_name, char *err, size_t err_size)
{
    memset(creds, 0, sizeof *creds);

    /* The chain. */
    struct chain_walk cw = {.creds = creds, .sink = {creds->chain_der, sizeof creds->chain_der, 0, false}};
    if (pem_walk(cert_pem, cert_len, chain_object, chain_done, &cw) != 0) {
        snprintf(err, err_size, "%s: not a valid PEM file (a broken BEGIN/END block or base64)", cert_name);
        return -1;
    }
    if (cw.sink.overflow || cw.too_many) {
        snprintf(err, err_size, "%s: the chain is too large (at most %d certificates, %d bytes)",
                 cert_name, TLS_CHAIN_MAX, TLS_CHAIN_BYTES);
        return -1;
    }
    if (creds->chain_len == 0) {
        snprintf(err, err_size, "%s: no CERTIFICATE block in it%s", cert_name,
                 cw.skipped ? " (is it a key file?)" : "");
        return -1;
    }

    /* The leaf's public key, and who signed it. */
    br_x509_decoder_context xd;
    br_x509_decoder_init(&xd, NULL, NULL);
    br_x509_decoder_push(&xd, creds->chain[0].data, creds->chain[0].data_len);
    const br_x509_pkey *pub = br_x509_decoder_get_pkey(&xd);
    if (!pub || br_x509_decoder_last_error(&xd) != 0) {
        snprintf(err, err_size, "%s: the first certificate does not decode as X.509 (BearSSL error %d)",
                 cert_name, br_x509_decoder_last_error(&xd));
        return -1;
    }
    creds->cert_issuer_key_type = (unsigned)br_x509_decoder_get_signer_key_type(&xd);
    for (size_t i = 1; i < creds->chain_len; i++) {
        br_x509_decoder_context more;
        br_x509_decoder_init(&more, NULL, NULL);
        br_x509_decoder_push(&more, creds->chain[i].data, creds->chain[i].data_len);
        if (br_x509_decoder_last_error(&more) != 0 || !br_x509_decoder_get_pkey(&more)) {
            snprintf(err, err_size, "%s: certificate %zu of the chain does not decode as X.509",
                     cert_name, i + 1);
            return -1;
        }
    }

    /* The key. */
    br_skey_decoder_context dc;
    struct key_walk kw = {.dc = &dc};
    if (pem_walk(key_pem, key_len, key_object, key_done, &kw) != 0) {
        snprintf(err, err_size, "%s: not a valid PEM file (a broken BEGIN/END block or base64)", key_name);
        return -1;
    }
    if (kw.keys == 0) {
        snprintf(err, err_size, "%s: no PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block in it",
                 key_name);
        return -1;
    }
    if (kw.keys > 1) {
        snprintf(err, err_size, "%s: holds %d private keys; give exactly one", key_name, kw.keys);
        return -1;
    }
    if (br_skey_decoder_last_error(&dc) != 0) {
        snprintf(err, err_size, "%s: the private key does not decode (encrypted, or not RSA/EC; BearSSL error %d)",
                 key_name, br_skey_decoder_last_error(&dc));
        return -1;
    }
    creds->key_type = br_skey_decoder_key_type(&dc);

    if (creds->key_type == BR_KEYTYPE_EC) {
        const br_ec_private_key *k = br_skey_decoder_get_ec(&dc);
        if (k->curve != BR_EC_secp256r1) {
            snprintf(err, err_size, "%s: the EC key is not on P-256 (curve %d); use P-256 or RSA",
                     key_name, k->curve);
            return -1;
        }
        if (k->xlen > sizeof creds->ec_x) {
            snprintf(err, err_size, "%s: the EC key is too long", key_name);
            return -1;
        }
        memcpy(creds->ec_x, k->x, k->xlen);
        creds->ec = (br_ec_private_key){.curve = k->curve, .x = creds->ec_x, .xlen = k->xlen};
        unsigned char q[BR_EC_KBUF_PUB_MAX_SIZE];
        br_ec_public_key derived;
        size_t qlen = br_ec_compute_pub(br_ec_get_default(), &derived, q, &creds->ec);
        if (pub->key_type != BR_KEYTYPE_EC || pub->key.ec.curve != k->curve || qlen == 0 ||
            pub->key.ec.qlen != qlen || memcmp(pub->key.ec.q, q, qlen) != 0) {
            snprintf(err, err_size, "%s: the key does not match the certificate in %s", key_name, cert_name);
            return -1;
        }
    } else if (creds->key_type == BR_KEYTYPE_RSA) {
        const br_rsa_private_key *k = br_skey_decoder_get_rsa(&dc);
        if (k->n_bitlen < 2048 || copy_rsa(creds, k) != 0) {
            snprintf(err, err_size, "%s: the RSA key has %u bits; use 2048 to 4096", key_name,
                     (unsigned)k->n_bitlen);
            return -1;
        }
        unsigned char n[TLS_RSA_PART_MAX * 2];
        size_t nlen = br_rsa_compute_modulus_get_default()(NULL, &creds->rsa);
        if (pub->key_type != BR_KEYTYPE_RSA || nlen == 0 || nlen > sizeof n) {
            snprintf(err, err_size, "%s: the key does not match the certificate in %s", key_name, cert_name);
            return -1;
        }
        br_rsa_compute_modulus_get_default()(n, &creds->rsa);
        size_t a_len = nlen, b_len = pub->key.rsa.nlen;
        const unsigned char *a = strip_zeros(n, &a_len);
        const unsigned char *b = strip_zeros(pub->key.rsa.n, &b_len);
        if (a_len != b_len || memcmp(a, b, a_len) != 0) {
            snprintf(err, err_size, "%s: the key does not match the certificate in %s", key_name, cert_name);
            return -1;
        }
    } else {
        snprintf(err, err_size, "%s: unsupported key type", key_name);
        return -1;
    }
    return 0;
}

/* ---- the shared session cache ---------------------------------------------- */

/* BearSSL's LRU cache, wrapped so that a successful lookup marks the
 * connection as resumed (BearSSL has no other way to tell). */
static struct tls_server *server_of(const br_ssl_session_cache_class **ctx)
{
    return (struct tls_server *)((char *)ctx - offsetof(struct tls_server, cache));
}

/* A session's entry in the table of times: by the first bytes of its ID,
 * which the server drew at random (no client picks where it lands). */
static size_t time_slot(const uint8_t id[32])
{
    uint32_t h;
    memcpy(&h, id, sizeof h);
    return h % TLS_SESSIONS_TIMED;
}

static void cache_save(const br_ssl_session_cache_class **ctx, br_ssl_server_context *sc,
                       const br_ssl_session_parameters *params)
{
    struct tls_server *s = server_of(ctx);
    s->lru.vtable->save(&s->lru.vtable, sc, params);
    size_t i = time_slot(params->session_id);
    memcpy(s->session_times[i].id, params->session_id, 32);
    s->session_times[i].saved_s = s->now_s();
}

static int cache_load(const br_ssl_session_cache_class **ctx, br_ssl_server_context *sc,
                      br_ssl_session_parameters *params)
{
    struct tls_server *s = server_of(ctx);
    /* The ID the client asks for is public: compared as any bytes. */
    size_t i = time_slot(params->session_id);
    if (memcmp(s->session_times[i].id, params->session_id, 32) != 0 ||
        s->now_s() - s->session_times[i].saved_s > TLS_SESSION_LIFETIME_S)
        return 0;       /* unknown or too old: a full handshake (and a new session) */
    int found = s->lru.vtable->load(&s->lru.vtable, sc, params);
    if (found)
        ((struct tls_conn *)(void *)sc)->resumed = true;     /* sc is the conn's first member */
    return found;
}

static uint64_t clock_standing_still(void)
{
    return 0;
}

void tls_server_set_clock(struct tls_server *server, uint64_t (*now_s)(void))
{
    server->now_s = now_s;
    server->tickets.now_s = now_s;
}

static const br_ssl_session_cache_class cache_class = {
    .context_size = sizeof(struct tls_server),
    .save = cache_save,
    .load = cache_load,
};

void tls_server_init(struct tls_server *server, const struct tls_credentials *creds)
{
    server->creds = creds;
    p256_precompute();      /* the generator's table, so no handshake waits for it */
    br_ssl_session_cache_lru_init(&server->lru, server->cache_store, sizeof server->cache_store);
    server->cache = &cache_class;
    memset(server->session_times, 0, sizeof server->session_times);
    server->now_s = clock_standing_still;
    /* The same choices as br_ssl_engine_set_default_aes_gcm/_chapol make. */
    server->aes_ctr = br_aes_x86ni_ctr_get_vtable();
    if (!server->aes_ctr)
        server->aes_ctr = br_aes_pwr8_ctr_get_vtable();
    if (!server->aes_ctr)
        server->aes_ctr = &br_aes_ct64_ctr_vtable;
    server->ghash = br_ghash_pclmul_get();
    if (!server->ghash)
        server->ghash = br_ghash_pwr8_get();
    if (!server->ghash)
        server->ghash = &br_ghash_ctmul64;
    server->chacha20 = br_chacha20_sse2_get();
    if (!server->chacha20)
        server->chacha20 = &br_chacha20_ct_run;
    server->poly1305 = br_poly1305_ctmulq_get();
    if (!server->poly1305)
        server->poly1305 = &br_poly1305_ctmul_run;
    server->aead = (struct tls13_aead_impl){server->aes_ctr, server->ghash, server->chacha20,
                                            server->poly1305};
    struct tls13_identity *id = &server->tls13_identity;
    memset(id, 0, sizeof *id);
    for (size_t i = 0; i < creds->chain_len && i < TLS13_CHAIN_MAX; i++) {
        id->cert_der[i] = creds->chain[i].data;
        id->cert_len[i] = creds->chain[i].data_len;
        id->cert_count++;
    }
    id->key = creds->key_type == BR_KEYTYPE_EC ? &creds->ec : NULL;
    tls13_tickets_init(&server->tickets, &server->aead, server->now_s);
    tls_server_offer_tls13(server, true);
}

void tls_server_offer_tls13(struct tls_server *server, bool on)
{
    server->tls13_enabled = on && server->creds->chain_len <= TLS13_CHAIN_MAX &&
                            tls13_identity_fits(&server->tls13_identity);
}

/* ---- one connection ------------------------------------------------------- */

/* Sets BearSSL's engine up for a TLS 1.2 handshake. */
static int start_tls12(struct tls_conn *conn)
{
    struct tls_server *server = conn->server;
    const struct tls_credentials *cr = server->creds;
    br_ssl_server_context *sc = &conn->sc;
    br_ssl_engine_context *eng = &sc->eng;
    conn->mode = TLS_MODE_TLS12;
    br_ssl_server_zero(sc);
    br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
    bool ec = cr->key_type == BR_KEYTYPE_EC;
    br_ssl_engine_set_suites(eng, ec ? ecdsa_suites : rsa_suites,
                             ec ? sizeof ecdsa_suites / sizeof ecdsa_suites[0]
                                : sizeof rsa_suites / sizeof rsa_suites[0]);
    /* Hashes: the PRFs' (SHA-256, SHA-384) and the ones a client may ask
     * the ServerKeyExchange signature with. BearSSL runs every hash set
     * here over the whole handshake, so SHA-1 and SHA-224 are left out:
     * TLS 1.2 clients all offer SHA-256 signatures, and the two cost 8% of
     * a full handshake (build/bench/tls_handshake). SHA-256 runs on the
     * CPU's SHA instructions where it has them: the engine's HMAC-DRBG
     * and the RFC 6979 nonces take the SHA-256 set here, and the PRF of
     * the SHA-256 suites is ours for the same reason. */
    br_ssl_engine_set_hash(eng, br_sha256_ID, sha256_fast());
    br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
    br_ssl_engine_set_hash(eng, br_sha512_ID, &br_sha512_vtable);
    br_ssl_engine_set_prf_sha256(eng, &tls12_sha256_prf_fast);
    br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
    br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
    br_ssl_engine_set_aes_ctr(eng, server->aes_ctr);
    br_ssl_engine_set_ghash(eng, server->ghash);
    br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable, &br_sslrec_out_chapol_vtable);
    br_ssl_engine_set_chacha20(eng, server->chacha20);
    br_ssl_engine_set_poly1305(eng, server->poly1305);
    /* Our own X25519 and P-256 (src/crypto) where a handshake spends its
     * time, BearSSL's for the rest. */
    br_ssl_engine_set_ec(eng, &ec_impl_fast);
    if (ec)
        br_ssl_server_set_single_ec(sc, cr->chain, cr->chain_len, &cr->ec, BR_KEYTYPE_SIGN,
                                    cr->cert_issuer_key_type, &ec_impl_fast, ec_ecdsa_sign_asn1_fast);
    else
        br_ssl_server_set_single_rsa(sc, cr->chain, cr->chain_len, &cr->rsa, BR_KEYTYPE_SIGN,
                                     br_rsa_private_get_default(), br_rsa_pkcs1_sign_get_default());
    br_ssl_engine_set_protocol_names(eng, alpn_names, 1);
    /* TLS 1.2 takes the first suite of ours the client offers (all three are
     * strong; a fixed order is what scanners such as testssl.sh ask for).
     * TLS 1.3 follows the client's order: the client knows whether it has
     * AES instructions, and ChaCha20 is faster without them. */
    br_ssl_engine_add_flags(eng, BR_OPT_FAIL_ON_ALPN_MISMATCH | BR_OPT_NO_RENEGOTIATION |
                                     BR_OPT_ENFORCE_SERVER_PREFERENCES);
    /* Serving TLS 1.3, TLS 1.2 is a downgrade the client must be able to
     * see: the ServerHello's random ends with RFC 8446's sentinel (the line
     * the Makefile adds to BearSSL's server handshake). With an RSA key
     * TLS 1.2 is all we serve, and a sentinel would make a TLS 1.3 client
     * refuse us. */
    if (server->tls13_enabled)
        br_ssl_engine_add_flags(eng, UNIHOST_BR_OPT_DOWNGRADE_SENTINEL);
    br_ssl_server_set_cache(sc, &server->cache);
    br_ssl_engine_set_buffer(eng, conn->iobuf, sizeof conn->iobuf, 1);
    br_ssl_engine_inject_entropy(eng, conn->seed, sizeof conn->seed);
    secret_wipe(conn->seed, sizeof conn->seed);     /* BearSSL's DRBG holds it now */
    return br_ssl_server_reset(sc) ? 0 : -1;
}

int tls_conn_init(struct tls_conn *conn, struct tls_server *server, const void *seed,
                  size_t seed_len)
{
    conn->server = server;
    conn->resumed = false;
    conn->established = false;
    conn->hello_bytes = 0;
    conn->hello_record = 0;
    if (seed_len < TLS_SEED_BYTES)
        return -1;
    memcpy(conn->seed, seed, sizeof conn->seed);
    if (!server->tls13_enabled)
        return start_tls12(conn);       /* nothing to choose: BearSSL from the first byte */
    tls13_tickets_add_entropy(&server->tickets, seed, seed_len);
    conn->mode = TLS_MODE_HELLO;
    return 0;
}

/* Gives bytes to BearSSL's engine; they may lie in its own input buffer
 * (the ClientHello gathered there), hence memmove. */
static size_t tls12_take(struct tls_conn *conn, const uint8_t *data, size_t len)
{
    size_t taken = 0;
    while (taken < len) {
        size_t room;
        unsigned char *buf = br_ssl_engine_recvrec_buf(&conn->sc.eng, &room);
        if (!buf || room == 0)
            break;
        size_t n = len - taken < room ? len - taken : room;
        memmove(buf, data + taken, n);
        br_ssl_engine_recvrec_ack(&conn->sc.eng, n);
        taken += n;
    }
    return taken;
}

/* ---- choosing the engine from the ClientHello ---------------------------- */

#define HELLO_RECORD_HEADER 5
/* The most ClientHello bytes gathered: BearSSL's input buffer, where they
 * lie, and the space they are joined in (the output half) both hold it. */
#define HELLO_GATHER_MAX (BR_SSL_BUFSIZE_OUTPUT - 64)

static size_t record_body_len(const uint8_t *rec)
{
    return (size_t)rec[3] << 8 | rec[4];
}

/* Joins the handshake records' fragments gathered so far into one run of
 * bytes at `out`; returns its length. */
static size_t join_fragments(const struct tls_conn *conn, uint8_t *out)
{
    size_t n = 0;
    for (size_t at = 0; at + HELLO_RECORD_HEADER <= conn->hello_record;) {
        size_t body = record_body_len(conn->iobuf + at);
        memcpy(out + n, conn->iobuf + at + HELLO_RECORD_HEADER, body);
        n += body;
        at += HELLO_RECORD_HEADER + body;
    }
    return n;
}

/* Hands the gathered bytes, as they came, to BearSSL. */
static void choose_tls12(struct tls_conn *conn)
{
    if (start_tls12(conn) != 0)
        return;
    tls12_take(conn, conn->iobuf, conn->hello_bytes);
}

/* The ClientHello is whole in the gathered records: TLS 1.3 if it offers
 * it, else BearSSL. */
static void choose_engine(struct tls_conn *conn, size_t joined_len)
{
    struct tls_server *server = conn->server;
    uint8_t *hello = conn->iobuf + BR_SSL_BUFSIZE_INPUT;
    size_t msg_len = 4 + ((size_t)hello[1] << 16 | (size_t)hello[2] << 8 | hello[3]);
    struct tls13_client_hello ch;
    int alert = tls13_parse_client_hello(hello + 4, msg_len - 4, &ch);
    if (!ch.offers_tls13) {
        choose_tls12(conn);
        return;
    }
    if (!alert && joined_len != msg_len)
        alert = TLS13_ALERT_UNEXPECTED_MESSAGE;     /* nothing may follow the hello before our flight */
    conn->mode = TLS_MODE_TLS13;
    tls13_conn_init(&conn->v13, &server->tls13_identity, &server->aead, conn->seed, sizeof conn->seed,
                    conn->iobuf, BR_SSL_BUFSIZE_INPUT, conn->iobuf + BR_SSL_BUFSIZE_INPUT,
                    BR_SSL_BUFSIZE_OUTPUT);
    secret_wipe(conn->seed, sizeof conn->seed);
    tls13_conn_use_tickets(&conn->v13, &server->tickets);
    tls13_conn_accept_hello(&conn->v13, hello, msg_len, &ch, alert);
    conn->resumed = conn->v13.resumed;
}

/* Gathers the ClientHello's records in iobuf, a record at a time, taking
 * no byte past the one that completes it. Anything that is not a
 * plausible hello goes to BearSSL, which answers it as it always did. */
static size_t gather_hello(struct tls_conn *conn, const uint8_t *data, size_t len)
{
    size_t taken = 0;
    while (taken < len && conn->mode == TLS_MODE_HELLO) {
        uint8_t *rec = conn->iobuf + conn->hello_record;
        size_t have = conn->hello_bytes - conn->hello_record;
        size_t want = HELLO_RECORD_HEADER + (have >= HELLO_RECORD_HEADER ? record_body_len(rec) : 0);
        size_t n = want - have < len - taken ? want - have : len - taken;
        if (conn->hello_bytes + n > HELLO_GATHER_MAX) {
            choose_tls12(conn);
            break;
        }
        memcpy(conn->iobuf + conn->hello_bytes, data + taken, n);
        conn->hello_bytes += n;
        taken += n;
        have += n;
        if (have < HELLO_RECORD_HEADER)
            continue;
        size_t body = record_body_len(rec);
        if (rec[0] != 22 || rec[1] != 3 || body == 0 || body > 16384) {
            choose_tls12(conn);
            break;
        }
        if (have < HELLO_RECORD_HEADER + body)
            continue;
        conn->hello_record = conn->hello_bytes;
        size_t joined = join_fragments(conn, conn->iobuf + BR_SSL_BUFSIZE_INPUT);
        const uint8_t *hello = conn->iobuf + BR_SSL_BUFSIZE_INPUT;
        if (joined < 4)
            continue;
        size_t msg_len = 4 + ((size_t)hello[1] << 16 | (size_t)hello[2] << 8 | hello[3]);
        if (hello[0] != 1 || msg_len > HELLO_GATHER_MAX - 64) {
            choose_tls12(conn);
            break;
        }
        if (joined >= msg_len)
            choose_engine(conn, joined);
    }
    return taken;
}

size_t tls_conn_put_received(struct tls_conn *conn, const uint8_t *data, size_t len)
{
    size_t taken = 0;
    if (conn->mode == TLS_MODE_HELLO)
        taken = gather_hello(conn, data, len);
    switch (conn->mode) {
    case TLS_MODE_TLS12: return taken + tls12_take(conn, data + taken, len - taken);
    case TLS_MODE_TLS13: return taken + tls13_conn_put_received(&conn->v13, data + taken, len - taken);
    default: return taken;          /* ENDED: nothing more is read */
    }
}

const uint8_t *tls_conn_records(struct tls_conn *conn, size_t *len)
{
    switch (conn->mode) {
    case TLS_MODE_TLS12: return br_ssl_engine_sendrec_buf(&conn->sc.eng, len);
    case TLS_MODE_TLS13: return tls13_conn_records(&conn->v13, len);
    default: return NULL;
    }
}

void tls_conn_records_sent(struct tls_conn *conn, size_t n)
{
    if (conn->mode == TLS_MODE_TLS12)
        br_ssl_engine_sendrec_ack(&conn->sc.eng, n);
    else if (conn->mode == TLS_MODE_TLS13)
        tls13_conn_records_sent(&conn->v13, n);
}

const uint8_t *tls_conn_plain_in(struct tls_conn *conn, size_t *len)
{
    switch (conn->mode) {
    case TLS_MODE_TLS12: return br_ssl_engine_recvapp_buf(&conn->sc.eng, len);
    case TLS_MODE_TLS13: return tls13_conn_plain_in(&conn->v13, len);
    default: return NULL;
    }
}

void tls_conn_plain_taken(struct tls_conn *conn, size_t n)
{
    if (conn->mode == TLS_MODE_TLS12)
        br_ssl_engine_recvapp_ack(&conn->sc.eng, n);
    else if (conn->mode == TLS_MODE_TLS13)
        tls13_conn_plain_taken(&conn->v13, n);
}

uint8_t *tls_conn_plain_room(struct tls_conn *conn, size_t *len)
{
    switch (conn->mode) {
    case TLS_MODE_TLS12: return br_ssl_engine_sendapp_buf(&conn->sc.eng, len);
    case TLS_MODE_TLS13: return tls13_conn_plain_room(&conn->v13, len);
    default: return NULL;
    }
}

void tls_conn_plain_written(struct tls_conn *conn, size_t n)
{
    if (conn->mode == TLS_MODE_TLS12)
        br_ssl_engine_sendapp_ack(&conn->sc.eng, n);
    else if (conn->mode == TLS_MODE_TLS13)
        tls13_conn_plain_written(&conn->v13, n);
}

void tls_conn_flush(struct tls_conn *conn)
{
    if (conn->mode == TLS_MODE_TLS12)
        br_ssl_engine_flush(&conn->sc.eng, 0);
    else if (conn->mode == TLS_MODE_TLS13)
        tls13_conn_flush(&conn->v13);
}

void tls_conn_close(struct tls_conn *conn)
{
    if (conn->mode == TLS_MODE_TLS12)
        br_ssl_engine_close(&conn->sc.eng);
    else if (conn->mode == TLS_MODE_TLS13)
        tls13_conn_close(&conn->v13);
    else
        conn->mode = TLS_MODE_ENDED;    /* no hello came: nothing to say */
}

bool tls_conn_handshake_done(struct tls_conn *conn)
{
    /* BearSSL offers application data in either direction only once the
     * handshake is over (the suite is known from the ServerHello on, so it
     * does not tell); latched, since a full output buffer hides SENDAPP. */
    if (conn->mode == TLS_MODE_TLS13) {
        conn->resumed = conn->v13.resumed;      /* known only after a retried hello, if one came */
        return tls13_conn_handshake_done(&conn->v13);
    }
    if (conn->mode == TLS_MODE_TLS12 && !conn->established &&
        (br_ssl_engine_current_state(&conn->sc.eng) & (BR_SSL_SENDAPP | BR_SSL_RECVAPP)))
        conn->established = true;
    return conn->established;
}

bool tls_conn_closed(const struct tls_conn *conn)
{
    switch (conn->mode) {
    case TLS_MODE_TLS12: return br_ssl_engine_current_state(&conn->sc.eng) == BR_SSL_CLOSED;
    case TLS_MODE_TLS13: return tls13_conn_closed(&conn->v13);
    case TLS_MODE_ENDED: return true;
    default: return false;
    }
}

int tls_conn_error(const struct tls_conn *conn)
{
    switch (conn->mode) {
    case TLS_MODE_TLS12: return br_ssl_engine_last_error(&conn->sc.eng);
    case TLS_MODE_TLS13: return conn->v13.error;
    default: return BR_ERR_OK;
    }
}

const char *tls_error_text(int err)
{
    switch (err) {
    case BR_ERR_OK: return "closed cleanly";
    case BR_ERR_BAD_PARAM: return "bad parameter";
    case BR_ERR_BAD_STATE: return "bad state";
    case BR_ERR_UNSUPPORTED_VERSION: return "protocol version not supported (TLS 1.2 or 1.3 only)";
    case BR_ERR_BAD_VERSION: return "wrong record version";
    case BR_ERR_BAD_LENGTH: return "bad record length";
    case BR_ERR_TOO_LARGE: return "record too large";
    case BR_ERR_BAD_MAC: return "bad record MAC";
    case BR_ERR_NO_RANDOM: return "no entropy";
    case BR_ERR_UNKNOWN_TYPE: return "unknown record type";
    case BR_ERR_UNEXPECTED: return "unexpected message";
    case BR_ERR_BAD_CCS: return "bad ChangeCipherSpec";
    case BR_ERR_BAD_ALERT: return "bad alert";
    case BR_ERR_BAD_HANDSHAKE: return "malformed handshake message";
    case BR_ERR_OVERSIZED_ID: return "oversized session ID";
    case BR_ERR_BAD_CIPHER_SUITE: return "bad cipher suite";
    case BR_ERR_BAD_COMPRESSION: return "bad compression";
    case BR_ERR_BAD_FRAGLEN: return "bad fragment length";
    case BR_ERR_BAD_SECRENEG: return "bad secure renegotiation";
    case BR_ERR_EXTRA_EXTENSION: return "unexpected extension";
    case BR_ERR_BAD_SNI: return "bad server name";
    case BR_ERR_BAD_HELLO_DONE: return "bad ServerHelloDone";
    case BR_ERR_LIMIT_EXCEEDED: return "limit exceeded";
    case BR_ERR_BAD_FINISHED: return "bad Finished";
    case BR_ERR_RESUME_MISMATCH: return "resumption mismatch";
    case BR_ERR_INVALID_ALGORITHM: return "invalid algorithm";
    case BR_ERR_BAD_SIGNATURE: return "bad signature";
    case BR_ERR_WRONG_KEY_USAGE: return "wrong key usage";
    case BR_ERR_NO_CLIENT_AUTH: return "no client certificate";
    case BR_ERR_IO: return "I/O error";
    default:
        if (err >= BR_ERR_RECV_FATAL_ALERT && err < BR_ERR_RECV_FATAL_ALERT + 256)
            return "the client sent a fatal alert";
        if (err == BR_ERR_SEND_FATAL_ALERT + 70)
            return "refused: protocol version (TLS 1.2 or 1.3 only)";
        if (err == BR_ERR_SEND_FATAL_ALERT + 40)
            return "refused: no common cipher suite or curve (ECDHE with AES-GCM or ChaCha20 only)";
        if (err == BR_ERR_SEND_FATAL_ALERT + 120)
            return "refused: ALPN offered without http/1.1";
        if (err >= BR_ERR_SEND_FATAL_ALERT && err < BR_ERR_SEND_FATAL_ALERT + 256)
            return "refused with a fatal alert";
        return "TLS error";
    }
}

const char *tls_conn_server_name(const struct tls_conn *conn)
{
    if (conn->mode == TLS_MODE_TLS13)
        return conn->v13.sni;
    if (conn->mode != TLS_MODE_TLS12)
        return "";
    return br_ssl_engine_get_server_name(&conn->sc.eng);
}

const char *tls_conn_alpn(const struct tls_conn *conn)
{
    if (conn->mode == TLS_MODE_TLS13)
        return conn->v13.alpn_http11 ? "http/1.1" : NULL;
    if (conn->mode != TLS_MODE_TLS12)
        return NULL;
    return br_ssl_engine_get_selected_protocol((br_ssl_engine_context *)&conn->sc.eng);
}

const char *tls_conn_version_name(const struct tls_conn *conn)
{
    if (conn->mode == TLS_MODE_TLS13)
        return "1.3";
    if (conn->mode != TLS_MODE_TLS12)
        return "-";
    switch (br_ssl_engine_get_version(&conn->sc.eng)) {
    case BR_TLS10: return "1.0";
    case BR_TLS11: return "1.1";
    case BR_TLS12: return "1.2";
    default: return "-";
    }
}

const char *tls_conn_suite_name(const struct tls_conn *conn)
{
    if (conn->mode == TLS_MODE_TLS13)
        return conn->v13.suite ? conn->v13.suite->name : "none";
    if (conn->mode != TLS_MODE_TLS12)
        return "none";
    br_ssl_session_parameters params;
    br_ssl_engine_get_session_parameters(&conn->sc.eng, &params);
    switch (params.cipher_suite) {
    case BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: return "ECDHE-ECDSA-AES128-GCM-SHA256";
    case BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: return "ECDHE-ECDSA-AES256-GCM-SHA384";
    case BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: return "ECDHE-ECDSA-CHACHA20-POLY1305";
    case BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: return "ECDHE-RSA-AES128-GCM-SHA256";
    case BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: return "ECDHE-RSA-AES256-GCM-SHA384";
    case BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: return "ECDHE-RSA-CHACHA20-POLY1305";
    default: return "none";
    }
}
