/* The TLS 1.3 server engine: see tls13_server.h. */
#include "tls/tls13_server.h"

#include "crypto/ec_impl.h"
#include "crypto/p256.h"
#include "crypto/secret_bytes.h"
#include "crypto/sha256_ni.h"
#include "crypto/x25519.h"

#include <string.h>

static const uint16_t served_groups[] = {TLS13_GROUP_X25519, TLS13_GROUP_SECP256R1};

bool tls13_identity_fits(const struct tls13_identity *id)
{
    size_t chain = 0;
    for (size_t i = 0; i < id->cert_count; i++)
        chain += id->cert_len[i] + 5;
    return id->key && id->cert_count > 0 &&
           chain + TLS13_FLIGHT_OVERHEAD <= TLS13_PLAINTEXT_MAX - 512;
}

void tls13_conn_init(struct tls13_conn *c, const struct tls13_identity *id,
                     const struct tls13_aead_impl *impl, const void *seed, size_t seed_len,
                     uint8_t *in, size_t in_cap, uint8_t *out, size_t out_cap)
{
    memset(c, 0, sizeof *c);
    c->id = id;
    c->impl = impl;
    c->state = TLS13_CLOSED;    /* until a hello is accepted */
    c->in = in;
    c->in_cap = in_cap;
    c->out = out;
    c->out_cap = out_cap;
    c->max_plain = TLS13_PLAINTEXT_MAX;
    br_hmac_drbg_init(&c->rng, sha256_fast(), seed, seed_len);
}

void tls13_conn_use_tickets(struct tls13_conn *c, struct tls13_tickets *tickets)
{
    c->tickets = tickets;
}

/* ---- output ----------------------------------------------------------------- */

/* Room for one more record at out[out_len ..], once every record sent was
 * dropped from the front. */
static size_t record_room(struct tls13_conn *c)
{
    if (c->out_sent == c->out_len && c->plain_len == 0)
        c->out_sent = c->out_len = 0;
    return c->out_cap - c->out_len;
}

static void pay_key_update(struct tls13_conn *c);

static void seal_plaintext(struct tls13_conn *c)
{
    if (c->plain_len == 0)
        return;
    c->out_len += tls13_seal(&c->tx, TLS13_CT_APPLICATION_DATA, c->out + c->out_len, c->plain_len, 0);
    c->plain_len = 0;
    /* The key has sealed its share (RFC 8446 5.5): a KeyUpdate of ours,
     * before any more data. */
    if (c->tx.seq >= TLS13_RECORDS_PER_KEY && c->state == TLS13_CONNECTED) {
        c->key_update_owed = true;
        pay_key_update(c);
    }
}

#define RECORD_OVERHEAD (TLS13_RECORD_HEADER + 1 + TLS13_TAG_LEN)

/* Seals the `len` bytes of `type` lying at rec + TLS13_RECORD_HEADER as
 * records of at most max_plain bytes each (the client's record_size_limit,
 * RFC 8449 4, which binds handshake messages too), in place: the bytes are
 * moved to the end of the space the records need, then each fragment is
 * moved forward to its record, never onto bytes not yet sealed. Returns
 * the records' length, or 0 if they need more than `cap` bytes. */
static size_t seal_fragments(struct tls13_conn *c, uint8_t type, uint8_t *rec, size_t len, size_t cap)
{
    size_t records = len == 0 ? 1 : (len + c->max_plain - 1) / c->max_plain;
    size_t need = len + records * RECORD_OVERHEAD;
    if (need > cap)
        return 0;
    if (records == 1)
        return tls13_seal(&c->tx, type, rec, len, 0);
    uint8_t *from = rec + need - len;
    memmove(from, rec + TLS13_RECORD_HEADER, len);
    size_t at = 0;
    for (size_t left = len; left > 0;) {
        size_t n = left < c->max_plain ? left : c->max_plain;
        memmove(rec + at + TLS13_RECORD_HEADER, from, n);
        at += tls13_seal(&c->tx, type, rec + at, n, 0);
        from += n;
        left -= n;
    }
    return at;
}

/* Appends a record of `type` holding data (copied), protected once the
 * server has keys (a handshake message as several records if the client's
 * record_size_limit asks). Drops it if there is no room (only alerts,
 * KeyUpdates and tickets come here; the peer of the first two is cut off
 * anyway, and a ticket is an offer). */
static void send_record(struct tls13_conn *c, uint8_t type, const void *data, size_t len)
{
    seal_plaintext(c);
    size_t room = record_room(c);
    if (room < TLS13_RECORD_HEADER + len + 1 + TLS13_TAG_LEN)
        return;
    uint8_t *rec = c->out + c->out_len;
    memcpy(rec + TLS13_RECORD_HEADER, data, len);
    if (c->tx.keyed) {
        c->out_len += seal_fragments(c, type, rec, len, room);
        return;
    }
    rec[0] = type;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t)(len >> 8);
    rec[4] = (uint8_t)len;
    c->out_len += TLS13_RECORD_HEADER + len;
}

/* Ends the connection with an alert (close_notify for a clean end). */
static void fail(struct tls13_conn *c, int alert)
{
    if (c->state == TLS13_CLOSED && c->close_sent)
        return;
    uint8_t body[2] = {alert == TLS13_ALERT_CLOSE_NOTIFY ? 1 : 2, (uint8_t)alert};
    send_record(c, TLS13_CT_ALERT, body, sizeof body);
    c->close_sent = true;
    c->state = TLS13_CLOSED;
    if (alert != TLS13_ALERT_CLOSE_NOTIFY && c->error == BR_ERR_OK)
        c->error = BR_ERR_SEND_FATAL_ALERT + alert;
    c->app_len = 0;
}

/* ---- the transcript --------------------------------------------------------------- */

static void transcript_add(struct tls13_conn *c, const void *data, size_t len)
{
    c->transcript.vtable->update(&c->transcript.vtable, data, len);
}

static void transcript_hash(const struct tls13_conn *c, uint8_t *out)
{
    c->transcript.vtable->out(&c->transcript.vtable, out);
}

/* ---- the first flight ---------------------------------------------------------- */

static void write_plain_handshake_record(struct tls13_conn *c, const uint8_t *msg, size_t len)
{
    uint8_t *rec = c->out + c->out_len;
    rec[0] = TLS13_CT_HANDSHAKE;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t)(len >> 8);
    rec[4] = (uint8_t)len;
    if (msg != rec + TLS13_RECORD_HEADER)
        memmove(rec + TLS13_RECORD_HEADER, msg, len);
    c->out_len += TLS13_RECORD_HEADER + len;
}

/* The middlebox-compatibility ChangeCipherSpec, once, after the first
 * hello the server sends, when the client asked for it with a session ID
 * (RFC 8446 D.4). */
static void send_compat_ccs(struct tls13_conn *c)
{
    static const uint8_t ccs[6] = {TLS13_CT_CHANGE_CIPHER_SPEC, 3, 3, 0, 1, 1};
    if (c->session_id_len == 0 || c->ccs_sent || c->out_cap - c->out_len < sizeof ccs)
        return;
    memcpy(c->out + c->out_len, ccs, sizeof ccs);
    c->out_len += sizeof ccs;
    c->ccs_sent = true;
}

/* The (EC)DHE exchange in the chosen group: the server's share into
 * share, the shared secret into shared. Returns 0, or an alert. */
static int key_exchange(struct tls13_conn *c, const struct tls13_client_hello *ch, uint8_t *share,
                        size_t *share_len, uint8_t *shared, size_t *shared_len)
{
    uint8_t priv[32];
    int alert = 0;
    if (c->group == TLS13_GROUP_X25519) {
        br_hmac_drbg_generate(&c->rng, priv, sizeof priv);
        x25519_mulgen(share, priv, sizeof priv);
        *share_len = 32;
        memcpy(shared, ch->x25519_share, 32);
        /* A share of small order gives all zeros: refused (RFC 8446 7.4.2). */
        if (!x25519_mul(shared, 32, priv, sizeof priv))
            alert = TLS13_ALERT_ILLEGAL_PARAMETER;
        *shared_len = 32;
    } else {
        br_ec_private_key sk;
        if (br_ec_keygen(&c->rng.vtable, &ec_impl_fast, &sk, priv, BR_EC_secp256r1) != 32) {
            secret_wipe(priv, sizeof priv);
            return TLS13_ALERT_INTERNAL_ERROR;
        }
        *share_len = p256_mulgen(share, priv, sizeof priv);
        uint8_t point[65];
        memcpy(point, ch->p256_share, sizeof point);
        /* mul checks that the client's point is on the curve. */
        if (!ec_impl_fast.mul(point, sizeof point, priv, sizeof priv, BR_EC_secp256r1))
            alert = TLS13_ALERT_ILLEGAL_PARAMETER;
        memcpy(shared, point + 1, 32);
        *shared_len = 32;
        secret_wipe(point, sizeof point);
        secret_wipe(&sk, sizeof sk);
    }
    secret_wipe(priv, sizeof priv);
    return alert;
}

/* Signs the transcript so far for CertificateVerify; returns the DER
 * signature's length, 0 on failure. */
static size_t sign_transcript(struct tls13_conn *c, uint8_t *sig)
{
    uint8_t th[TLS13_HASH_MAX], content[64 + 34 + TLS13_HASH_MAX], digest[32];
    transcript_hash(c, th);
    size_t n = tls13_certificate_verify_content(th, c->suite->hash_len, content);
    const br_hash_class *sha256 = sha256_fast();
    br_hash_compat_context h;
    sha256->init(&h.vtable);
    sha256->update(&h.vtable, content, n);
    sha256->out(&h.vtable, digest);
    return ec_ecdsa_sign_asn1_fast(&ec_impl_fast, sha256, digest, c->id->key, sig);
}

/* Writes ServerHello (and the CCS) in the clear, then EncryptedExtensions,
 * Certificate, CertificateVerify and Finished in one protected record, and
 * moves to the application keys for sending. */
static void send_server_flight(struct tls13_conn *c, const struct tls13_client_hello *ch)
{
    uint8_t random[32], share[65], shared[32];
    size_t share_len, shared_len;
    int alert = key_exchange(c, ch, share, &share_len, shared, &shared_len);
    if (alert) {
        secret_wipe(shared, sizeof shared);
        fail(c, alert);
        return;
    }
    br_hmac_drbg_generate(&c->rng, random, sizeof random);

    struct tls13_writer w = {c->out + c->out_len + TLS13_RECORD_HEADER,
                             c->out_cap - c->out_len - TLS13_RECORD_HEADER, 0, false};
    tls13_write_server_hello_psk(&w, random, c->session_id, c->session_id_len, c->suite->id, c->group,
                                 share, share_len, c->resumed);
    if (w.overflow) {
        secret_wipe(shared, sizeof shared);
        fail(c, TLS13_ALERT_INTERNAL_ERROR);
        return;
    }
    transcript_add(c, w.buf, w.len);
    write_plain_handshake_record(c, w.buf, w.len);
    send_compat_ccs(c);

    /* The handshake secrets. */
    size_t hlen = c->suite->hash_len;
    uint8_t th[TLS13_HASH_MAX], client_hs[TLS13_HASH_MAX], server_hs[TLS13_HASH_MAX];
    if (!c->resumed)        /* a resumption's schedule began from the ticket's PSK */
        tls13_schedule_init(&c->schedule, c->suite, NULL, 0);
    tls13_schedule_advance(&c->schedule, shared, shared_len);
    secret_wipe(shared, sizeof shared);
    transcript_hash(c, th);
    tls13_schedule_derive(&c->schedule, "c hs traffic", th, client_hs);
    tls13_schedule_derive(&c->schedule, "s hs traffic", th, server_hs);
    tls13_protection_set(&c->tx, c->suite, c->impl, server_hs);
    tls13_protection_set(&c->rx, c->suite, c->impl, client_hs);

    /* The protected flight, written where its record's plaintext goes. */
    uint8_t *rec = c->out + c->out_len;
    size_t cap = c->out_cap - c->out_len;
    w = (struct tls13_writer){rec + TLS13_RECORD_HEADER,
                              cap > TLS13_RECORD_HEADER + 1 + TLS13_TAG_LEN ? cap - TLS13_RECORD_HEADER - 1 - TLS13_TAG_LEN : 0,
                              0, false};
    if (w.cap > TLS13_PLAINTEXT_MAX)
        w.cap = TLS13_PLAINTEXT_MAX;
    size_t mark = w.len;
    tls13_write_encrypted_extensions(&w, served_groups, 2, ch->record_size_limit ? TLS13_PLAINTEXT_MAX + 1 : 0,
                                     ch->sni[0] != 0 && !c->resumed,    /* no ack on resuming (RFC 6066 3) */
                                     c->alpn_http11 ? "http/1.1" : NULL);
    transcript_add(c, w.buf + mark, w.len - mark);
    if (!c->resumed) {      /* the PSK authenticates a resumption */
        mark = w.len;
        tls13_write_certificate(&w, c->id->cert_der, c->id->cert_len, c->id->cert_count);
        transcript_add(c, w.buf + mark, w.len - mark);
        uint8_t sig[80];
        size_t sig_len = w.overflow ? 0 : sign_transcript(c, sig);
        if (sig_len == 0) {
            fail(c, TLS13_ALERT_INTERNAL_ERROR);
            goto wipe;
        }
        mark = w.len;
        tls13_write_certificate_verify(&w, TLS13_SIG_ECDSA_SECP256R1_SHA256, sig, sig_len);
        transcript_add(c, w.buf + mark, w.len - mark);
    }
    uint8_t verify_data[TLS13_HASH_MAX];
    transcript_hash(c, th);
    tls13_finished_mac(c->suite->hash, server_hs, th, verify_data);
    mark = w.len;
    tls13_write_finished(&w, verify_data, hlen);
    transcript_add(c, w.buf + mark, w.len - mark);
    if (w.overflow) {
        fail(c, TLS13_ALERT_INTERNAL_ERROR);
        goto wipe;
    }
    size_t sealed = seal_fragments(c, TLS13_CT_HANDSHAKE, rec, w.len, cap);
    if (sealed == 0) {
        fail(c, TLS13_ALERT_INTERNAL_ERROR);    /* the chain, cut this small, needs more room */
        goto wipe;
    }
    c->out_len += sealed;

    /* The application secrets, from the transcript through the server's
     * Finished; and the client Finished the server will expect. */
    transcript_hash(c, th);
    tls13_finished_mac(c->suite->hash, client_hs, th, c->client_finished);
    tls13_schedule_advance(&c->schedule, NULL, 0);
    tls13_schedule_derive(&c->schedule, "c ap traffic", th, c->client_app_secret);
    tls13_schedule_derive(&c->schedule, "s ap traffic", th, c->server_app_secret);
    if (!c->tickets)
        tls13_schedule_wipe(&c->schedule);  /* no ticket to derive: nothing more from it */
    tls13_protection_set(&c->tx, c->suite, c->impl, c->server_app_secret);
    c->state = TLS13_WAIT_FINISHED;
wipe:
    secret_wipe(client_hs, sizeof client_hs);
    secret_wipe(server_hs, sizeof server_hs);
}

static void start_transcript(struct tls13_conn *c)
{
    c->suite->hash->init(&c->transcript.vtable);
}

/* A HelloRetryRequest for `group`: the transcript restarts from the first
 * hello's hash (RFC 8446 4.4.1). */
static void send_hello_retry(struct tls13_conn *c, const uint8_t *ch1, size_t ch1_len)
{
    uint8_t h1[TLS13_HASH_MAX];
    transcript_add(c, ch1, ch1_len);
    transcript_hash(c, h1);
    start_transcript(c);
    uint8_t head[4] = {TLS13_HS_MESSAGE_HASH, 0, 0, (uint8_t)c->suite->hash_len};
    transcript_add(c, head, sizeof head);
    transcript_add(c, h1, c->suite->hash_len);
    struct tls13_writer w = {c->out + c->out_len + TLS13_RECORD_HEADER,
                             c->out_cap - c->out_len - TLS13_RECORD_HEADER, 0, false};
    tls13_write_hello_retry_request(&w, c->session_id, c->session_id_len, c->suite->id, c->group);
    transcript_add(c, w.buf, w.len);
    write_plain_handshake_record(c, w.buf, w.len);
    send_compat_ccs(c);
    c->state = TLS13_WAIT_SECOND_HELLO;
}

/* Chooses what a (first) hello allows; returns 0 or an alert. */
static int choose(struct tls13_conn *c, const struct tls13_client_hello *ch)
{
    if (!ch->offers_tls13)
        return TLS13_ALERT_PROTOCOL_VERSION;
    c->suite = tls13_suite_find(ch->first_suite);
    if (!c->suite)
        return TLS13_ALERT_HANDSHAKE_FAILURE;
    if (!ch->ecdsa_p256_sha256)
        return TLS13_ALERT_HANDSHAKE_FAILURE;
    if (ch->alpn_offered && !ch->alpn_http11)
        return TLS13_ALERT_NO_APPLICATION_PROTOCOL;
    if (!(ch->groups & (TLS13_GROUP_BIT_X25519 | TLS13_GROUP_BIT_SECP256R1)))
        return TLS13_ALERT_HANDSHAKE_FAILURE;
    c->alpn_offered = ch->alpn_offered;
    c->alpn_http11 = ch->alpn_http11;
    memcpy(c->sni, ch->sni, sizeof c->sni);
    memcpy(c->session_id, ch->session_id, ch->session_id_len);
    c->session_id_len = ch->session_id_len;
    c->record_size_limit = ch->record_size_limit;
    if (ch->record_size_limit && ch->record_size_limit - 1u < c->max_plain)
        c->max_plain = ch->record_size_limit - 1u;
    return 0;
}

/* A ticket offered with psk_dhe_ke: 0 and c->resumed if it is ours and
 * its binder proves the client holds its PSK; 0 without resuming if it is
 * not usable (a full handshake then); an alert for a wrong binder.
 * `before` is the transcript before this hello: NULL for a first hello;
 * after a HelloRetryRequest, message_hash and the retry request, whose
 * suite (and so hash) the ticket must then have (RFC 8446 4.1.4,
 * 4.2.11.2). */
static int try_ticket(struct tls13_conn *c, const uint8_t *msg, const struct tls13_client_hello *ch,
                      const br_hash_compat_context *before)
{
    struct tls13_ticket_contents t;
    if (!c->tickets || !ch->psk_offered || !ch->psk_dhe_ke || ch->psk_identity_len == 0 ||
        !tls13_ticket_open(c->tickets, ch->psk_identity, ch->psk_identity_len, &t))
        return 0;
    const struct tls13_suite *suite = tls13_suite_find(t.suite);
    /* The PSK belongs to its suite's hash: the ticket's suite, if offered. */
    if (!suite || !(ch->suites & (1u << (t.suite - 0x1301))) || ch->psk_binder_len != suite->hash_len ||
        t.psk_len != suite->hash_len || (before && suite != c->suite)) {
        secret_wipe(&t, sizeof t);
        return 0;
    }
    struct tls13_schedule early;
    tls13_schedule_init(&early, suite, t.psk, t.psk_len);
    secret_wipe(&t, sizeof t);
    uint8_t empty[TLS13_HASH_MAX], binder_key[TLS13_HASH_MAX], th[TLS13_HASH_MAX], binder[TLS13_HASH_MAX];
    br_hash_compat_context h;
    suite->hash->init(&h.vtable);
    suite->hash->out(&h.vtable, empty);
    tls13_schedule_derive(&early, "res binder", empty, binder_key);
    if (before)
        h = *before;                /* a hash context holds no pointer into itself: copied as is */
    else
        suite->hash->init(&h.vtable);
    suite->hash->update(&h.vtable, msg, ch->binders_at);    /* the hello up to its binders */
    suite->hash->out(&h.vtable, th);
    tls13_finished_mac(suite->hash, binder_key, th, binder);
    bool good = secret_equal(binder, ch->psk_binder, suite->hash_len);
    secret_wipe(binder_key, sizeof binder_key);
    secret_wipe(binder, sizeof binder);     /* the binder a forger would need for this hello */
    if (!good) {
        tls13_schedule_wipe(&early);
        return TLS13_ALERT_DECRYPT_ERROR;
    }
    c->suite = suite;
    c->schedule = early;
    tls13_schedule_wipe(&early);
    c->resumed = true;
    return 0;
}

void tls13_conn_accept_hello(struct tls13_conn *c, const uint8_t *msg, size_t len,
                             const struct tls13_client_hello *ch, int parse_alert)
{
    c->state = TLS13_WAIT_FINISHED;     /* what a failure below closes */
    int alert = parse_alert ? parse_alert : choose(c, ch);
    if (alert) {
        fail(c, alert);
        return;
    }
    start_transcript(c);
    /* Copy what the flight needs of msg before the output buffer, where
     * msg may lie, is written. */
    if (ch->shares & TLS13_GROUP_BIT_X25519 & ch->groups) {
        c->group = TLS13_GROUP_X25519;
    } else if (ch->shares & TLS13_GROUP_BIT_SECP256R1 & ch->groups) {
        c->group = TLS13_GROUP_SECP256R1;
    } else {
        c->group = ch->groups & TLS13_GROUP_BIT_X25519 ? TLS13_GROUP_X25519 : TLS13_GROUP_SECP256R1;
        send_hello_retry(c, msg, len);
        /* 0-RTT records the client sent before reading the retry
         * request are skipped as well (RFC 8446 4.2.10). */
        c->skip_early_data = ch->early_data;
        return;
    }
    int alert_psk = try_ticket(c, msg, ch, NULL);
    if (alert_psk) {
        fail(c, alert_psk);
        return;
    }
    if (c->resumed)
        start_transcript(c);        /* in the ticket's suite's hash */
    transcript_add(c, msg, len);
    send_server_flight(c, ch);
    /* The client may send 0-RTT data the server never accepted: it is
     * skipped (RFC 8446 4.2.10). A second hello may not offer it. */
    c->skip_early_data = c->state == TLS13_WAIT_FINISHED && ch->early_data;
}

/* The second hello, after a HelloRetryRequest. */
static void accept_second_hello(struct tls13_conn *c, const uint8_t *msg, size_t len)
{
    struct tls13_client_hello ch;
    int alert = tls13_parse_client_hello(msg + 4, len - 4, &ch);
    if (alert) {
        fail(c, alert);
        return;
    }
    unsigned wanted = c->group == TLS13_GROUP_X25519 ? TLS13_GROUP_BIT_X25519 : TLS13_GROUP_BIT_SECP256R1;
    /* It must keep what the first one agreed, and now bring the share
     * asked for, and only it (RFC 8446 4.1.2). */
    if (!ch.offers_tls13 || ch.shares != wanted || ch.early_data || ch.first_suite != c->suite->id ||
        !ch.ecdsa_p256_sha256) {
        fail(c, TLS13_ALERT_ILLEGAL_PARAMETER);
        return;
    }
    if (ch.session_id_len != c->session_id_len || memcmp(ch.session_id, c->session_id, ch.session_id_len)) {
        fail(c, TLS13_ALERT_ILLEGAL_PARAMETER);
        return;
    }
    /* What the server took from the first hello (the ALPN answer, the
     * record size, the name logged) must not change under it: the
     * flight would answer a mix of the two hellos. */
    if (ch.record_size_limit != c->record_size_limit || ch.alpn_offered != c->alpn_offered ||
        ch.alpn_http11 != c->alpn_http11 || strcmp(ch.sni, c->sni) != 0) {
        fail(c, TLS13_ALERT_ILLEGAL_PARAMETER);
        return;
    }
    int alert_psk = try_ticket(c, msg, &ch, &c->transcript);
    if (alert_psk) {
        fail(c, alert_psk);
        return;
    }
    transcript_add(c, msg, len);
    c->hello_len = 0;
    c->skip_early_data = false;
    send_server_flight(c, &ch);
}

/* ---- input ------------------------------------------------------------------ */

static void handle_alert(struct tls13_conn *c, const uint8_t *body, size_t len)
{
    if (len != 2) {
        fail(c, TLS13_ALERT_DECODE_ERROR);
        return;
    }
    if (body[1] == TLS13_ALERT_CLOSE_NOTIFY) {
        fail(c, TLS13_ALERT_CLOSE_NOTIFY);      /* answered in kind, then closed */
        return;
    }
    if (body[1] == 90)                          /* user_canceled: a close_notify follows */
        return;
    c->error = BR_ERR_RECV_FATAL_ALERT + body[1];
    c->state = TLS13_CLOSED;
    c->close_sent = true;                       /* nothing is answered to a fatal alert */
}

/* Our KeyUpdate (not requested), owed since the client asked or our key
 * sealed TLS13_RECORDS_PER_KEY records: sent under the old keys, then
 * ours step (RFC 8446 4.6.3). It waits for room in the
 * output buffer, and no application data goes before it; requests made
 * meanwhile are answered by the same one. */
static void pay_key_update(struct tls13_conn *c)
{
    static const uint8_t msg[5] = {TLS13_HS_KEY_UPDATE, 0, 0, 1, 0};
    if (!c->key_update_owed || c->state != TLS13_CONNECTED)
        return;
    seal_plaintext(c);
    if (record_room(c) < TLS13_RECORD_HEADER + sizeof msg + 1 + TLS13_TAG_LEN)
        return;
    send_record(c, TLS13_CT_HANDSHAKE, msg, sizeof msg);
    tls13_next_traffic_secret(c->suite->hash, c->server_app_secret);
    tls13_protection_set(&c->tx, c->suite, c->impl, c->server_app_secret);
    c->key_update_owed = false;
}

static void handle_key_update(struct tls13_conn *c, unsigned request)
{
    if (request > 1) {
        fail(c, TLS13_ALERT_ILLEGAL_PARAMETER);
        return;
    }
    tls13_next_traffic_secret(c->suite->hash, c->client_app_secret);
    tls13_protection_set(&c->rx, c->suite, c->impl, c->client_app_secret);
    if (request == 1) {
        c->key_update_owed = true;
        pay_key_update(c);
    }
}

/* A NewSessionTicket after the client's Finished: the resumption secret's
 * PSK (RFC 8446 4.6.1), sealed into a ticket only this server opens. */
static void send_ticket(struct tls13_conn *c)
{
    if (!c->tickets)
        return;
    size_t hlen = c->suite->hash_len;
    uint8_t th[TLS13_HASH_MAX], resumption[TLS13_HASH_MAX];
    static const uint8_t nonce[1] = {0};    /* one ticket a connection */
    transcript_hash(c, th);
    tls13_schedule_derive(&c->schedule, "res master", th, resumption);
    tls13_schedule_wipe(&c->schedule);
    struct tls13_ticket_contents t = {
        .suite = c->suite->id,
        .issued_s = c->tickets->now_s(),
        .age_add = tls13_tickets_random32(c->tickets),
        .psk_len = hlen,
    };
    tls13_expand_label(c->suite->hash, resumption, "resumption", nonce, sizeof nonce, t.psk, hlen);
    secret_wipe(resumption, sizeof resumption);
    uint8_t ticket[TLS13_TICKET_MAX], msg[TLS13_TICKET_MAX + 32];
    size_t ticket_len = tls13_ticket_seal(c->tickets, &t, ticket);
    uint32_t age_add = t.age_add;
    secret_wipe(&t, sizeof t);
    if (ticket_len == 0)
        return;
    struct tls13_writer w = {msg, sizeof msg, 0, false};
    tls13_write_new_session_ticket(&w, TLS13_TICKET_LIFETIME_S, age_add, nonce, sizeof nonce,
                                   ticket, ticket_len);
    if (!w.overflow)
        send_record(c, TLS13_CT_HANDSHAKE, msg, w.len);
}

/* One whole post-hello handshake message. */
static void handle_handshake_message(struct tls13_conn *c, const uint8_t *msg, size_t len)
{
    size_t body_len = len - 4;
    if (c->state == TLS13_WAIT_FINISHED) {
        if (msg[0] != TLS13_HS_FINISHED) {
            fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
            return;
        }
        if (body_len != c->suite->hash_len ||
            !secret_equal(msg + 4, c->client_finished, c->suite->hash_len)) {
            fail(c, TLS13_ALERT_DECRYPT_ERROR);
            return;
        }
        tls13_protection_set(&c->rx, c->suite, c->impl, c->client_app_secret);
        secret_wipe(c->client_finished, sizeof c->client_finished);
        c->state = TLS13_CONNECTED;
        c->established = true;
        transcript_add(c, msg, len);
        send_ticket(c);
        return;
    }
    if (msg[0] == TLS13_HS_KEY_UPDATE && body_len == 1) {
        handle_key_update(c, msg[4]);
        return;
    }
    fail(c, msg[0] == TLS13_HS_KEY_UPDATE ? TLS13_ALERT_DECODE_ERROR : TLS13_ALERT_UNEXPECTED_MESSAGE);
}

/* Handshake bytes of a protected record: whole messages, reassembled if
 * split across records (all the server accepts here are small). */
static void handle_handshake_bytes(struct tls13_conn *c, const uint8_t *data, size_t len)
{
    while (len > 0 && c->state != TLS13_CLOSED) {
        size_t n = sizeof c->hs_msg - c->hs_len;
        if (n > len)
            n = len;
        memcpy(c->hs_msg + c->hs_len, data, n);
        c->hs_len += n;
        data += n;
        len -= n;
        if (c->hs_len < 4)
            return;
        size_t msg_len = 4 + ((size_t)c->hs_msg[1] << 16 | (size_t)c->hs_msg[2] << 8 | c->hs_msg[3]);
        if (msg_len > sizeof c->hs_msg) {
            fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
            return;
        }
        if (c->hs_len < msg_len) {
            if (n == 0)
                return;
            continue;
        }
        /* One message: handle it, keep what follows it. */
        uint8_t msg[sizeof c->hs_msg];
        memcpy(msg, c->hs_msg, msg_len);
        size_t rest = c->hs_len - msg_len;
        memmove(c->hs_msg, c->hs_msg + msg_len, rest);
        c->hs_len = rest;
        handle_handshake_message(c, msg, msg_len);
        secret_wipe(msg, sizeof msg);
        /* Finished and KeyUpdate change the keys: they must end their
         * record (RFC 8446 5.1). */
        if (c->state != TLS13_CLOSED && (c->hs_len > 0 || len > 0))
            fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
    }
}

/* Collects the second ClientHello from plaintext handshake records. */
static void collect_second_hello(struct tls13_conn *c, size_t frag_len)
{
    memmove(c->in + c->hello_len, c->in + c->hello_len + TLS13_RECORD_HEADER, frag_len);
    c->hello_len += frag_len;
    if (c->hello_len < 4)
        return;
    size_t msg_len = 4 + ((size_t)c->in[1] << 16 | (size_t)c->in[2] << 8 | c->in[3]);
    /* Its records must fit beside it in the input buffer (put_received
     * checks each one); the hello itself is held to one record's worth. */
    if (c->in[0] != TLS13_HS_CLIENT_HELLO || msg_len > TLS13_PLAINTEXT_MAX) {
        fail(c, c->in[0] != TLS13_HS_CLIENT_HELLO ? TLS13_ALERT_UNEXPECTED_MESSAGE : TLS13_ALERT_DECODE_ERROR);
        return;
    }
    if (c->hello_len < msg_len)
        return;
    if (c->hello_len > msg_len) {
        fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);    /* nothing may follow it before our flight */
        return;
    }
    accept_second_hello(c, c->in, msg_len);
}

/* A ChangeCipherSpec: one, of the single byte 1, before the client's
 * Finished, and only then (RFC 8446 5). */
static void handle_ccs(struct tls13_conn *c, const uint8_t *body, size_t len)
{
    if (c->state == TLS13_CONNECTED || c->ccs_seen || len != 1 || body[0] != 1) {
        fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
        return;
    }
    c->ccs_seen = true;
}

/* The record at in[0 .. in_len) is whole. */
static void handle_record(struct tls13_conn *c)
{
    uint8_t *rec = c->in + c->hello_len;   /* hello_len is 0 but while a second hello is collected */
    uint8_t type = rec[0];
    size_t frag_len = c->in_len - TLS13_RECORD_HEADER;
    uint8_t *frag = rec + TLS13_RECORD_HEADER;
    if (type == TLS13_CT_CHANGE_CIPHER_SPEC) {
        handle_ccs(c, frag, frag_len);
        return;
    }
    if (c->state == TLS13_WAIT_SECOND_HELLO) {
        if (type == TLS13_CT_APPLICATION_DATA && c->skip_early_data && c->hello_len == 0 &&
            c->early_skipped + frag_len <= TLS13_EARLY_DATA_SKIP)
            c->early_skipped += frag_len;   /* declined 0-RTT data, sent before the retry was read */
        else if (type == TLS13_CT_HANDSHAKE && frag_len > 0 && frag_len <= TLS13_PLAINTEXT_MAX)
            collect_second_hello(c, frag_len);
        else if (type == TLS13_CT_ALERT)
            handle_alert(c, frag, frag_len);
        else
            fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
        return;
    }
    if (type != TLS13_CT_APPLICATION_DATA) {
        /* A client that could not read the server's flight may say so in
         * the clear; once it has sent a protected record it may not. */
        if (type == TLS13_CT_ALERT && c->state == TLS13_WAIT_FINISHED && c->rx.seq == 0 && !c->early_skipped)
            handle_alert(c, frag, frag_len);
        else
            fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
        return;
    }
    uint8_t inner;
    size_t len;
    enum tls13_open_result r = tls13_open(&c->rx, c->in, c->in_len, &inner, &len);
    if (r == TLS13_OPEN_BAD_MAC && c->skip_early_data && c->state == TLS13_WAIT_FINISHED &&
        c->early_skipped + frag_len <= TLS13_EARLY_DATA_SKIP) {
        c->early_skipped += frag_len;       /* declined 0-RTT data: dropped */
        return;
    }
    if (r != TLS13_OPEN_OK) {
        fail(c, r == TLS13_OPEN_BAD_MAC ? TLS13_ALERT_BAD_RECORD_MAC
              : r == TLS13_OPEN_TOO_LONG ? TLS13_ALERT_RECORD_OVERFLOW : TLS13_ALERT_UNEXPECTED_MESSAGE);
        return;
    }
    c->skip_early_data = false;         /* the first record that opens ends the early data */
    if (c->state == TLS13_CONNECTED && inner != TLS13_CT_ALERT) {
        if (inner == TLS13_CT_APPLICATION_DATA && len > 0) {
            c->records_without_data = 0;
        } else if (++c->records_without_data > TLS13_RECORDS_WITHOUT_DATA_MAX) {
            fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
            return;
        }
    }
    switch (inner) {
    case TLS13_CT_ALERT:
        handle_alert(c, frag, len);
        break;
    case TLS13_CT_HANDSHAKE:
        if (len == 0)
            fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
        else
            handle_handshake_bytes(c, frag, len);
        break;
    case TLS13_CT_APPLICATION_DATA:
        if (c->state != TLS13_CONNECTED || c->hs_len) {
            fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
        } else {
            c->app_off = TLS13_RECORD_HEADER;
            c->app_len = len;
        }
        break;
    default:
        fail(c, TLS13_ALERT_UNEXPECTED_MESSAGE);
    }
}

size_t tls13_conn_put_received(struct tls13_conn *c, const uint8_t *data, size_t len)
{
    size_t taken = 0;
    while (taken < len) {
        if (c->state == TLS13_CLOSED)
            return taken;               /* nothing more is read: TCP closes */
        if (c->app_len > 0)
            return taken;               /* until the plaintext is taken */
        /* The record goes after a second hello's bytes so far, if any. */
        uint8_t *rec = c->in + c->hello_len;
        size_t want = TLS13_RECORD_HEADER;
        if (c->in_len >= TLS13_RECORD_HEADER)
            want += (size_t)rec[3] << 8 | rec[4];
        size_t n = want - c->in_len < len - taken ? want - c->in_len : len - taken;
        memcpy(rec + c->in_len, data + taken, n);
        c->in_len += n;
        taken += n;
        if (c->in_len < TLS13_RECORD_HEADER)
            continue;
        size_t body = (size_t)rec[3] << 8 | rec[4];
        if (rec[1] != 3 || body > TLS13_CIPHERTEXT_MAX || c->hello_len + TLS13_RECORD_HEADER + body > c->in_cap) {
            fail(c, TLS13_ALERT_RECORD_OVERFLOW);
            continue;
        }
        if (c->in_len < TLS13_RECORD_HEADER + body)
            continue;
        handle_record(c);
        c->in_len = 0;
    }
    return taken;
}

const uint8_t *tls13_conn_records(struct tls13_conn *c, size_t *len)
{
    if (c->out_sent == c->out_len)
        return NULL;
    *len = c->out_len - c->out_sent;
    return c->out + c->out_sent;
}

void tls13_conn_records_sent(struct tls13_conn *c, size_t n)
{
    c->out_sent += n;
    if (c->out_sent == c->out_len && c->plain_len == 0)
        c->out_sent = c->out_len = 0;
    pay_key_update(c);
}

const uint8_t *tls13_conn_plain_in(struct tls13_conn *c, size_t *len)
{
    if (c->app_len == 0)
        return NULL;
    *len = c->app_len;
    return c->in + c->app_off;
}

void tls13_conn_plain_taken(struct tls13_conn *c, size_t n)
{
    c->app_off += n;
    c->app_len -= n;
    if (c->app_len == 0)
        secret_wipe(c->in, c->app_off);     /* the plaintext, now the HTTP engine's */
}

uint8_t *tls13_conn_plain_room(struct tls13_conn *c, size_t *len)
{
    /* No more plaintext while records wait: TCP's back-pressure reaches
     * the HTTP engine (as with BearSSL). */
    if (c->state != TLS13_CONNECTED || c->close_sent || c->out_sent < c->out_len || c->key_update_owed)
        return NULL;
    record_room(c);
    size_t room = c->out_cap - c->out_len;
    if (room < TLS13_RECORD_HEADER + 1 + TLS13_TAG_LEN + 1)
        return NULL;
    room -= TLS13_RECORD_HEADER + 1 + TLS13_TAG_LEN;
    if (room > c->max_plain)
        room = c->max_plain;
    if (c->plain_len >= room)
        return NULL;
    *len = room - c->plain_len;
    return c->out + c->out_len + TLS13_RECORD_HEADER + c->plain_len;
}

void tls13_conn_plain_written(struct tls13_conn *c, size_t n)
{
    c->plain_len += n;
    if (c->plain_len >= c->max_plain)
        seal_plaintext(c);              /* a full record goes at once */
}

void tls13_conn_flush(struct tls13_conn *c)
{
    if (c->state == TLS13_CONNECTED)
        seal_plaintext(c);
}

void tls13_conn_close(struct tls13_conn *c)
{
    if (c->state == TLS13_CLOSED)
        return;
    fail(c, TLS13_ALERT_CLOSE_NOTIFY);
}

bool tls13_conn_handshake_done(const struct tls13_conn *c)
{
    return c->established;
}

bool tls13_conn_closed(const struct tls13_conn *c)
{
    return c->state == TLS13_CLOSED && c->out_sent == c->out_len;
}

void tls13_conn_wipe(struct tls13_conn *c)
{
    tls13_protection_wipe(&c->rx);
    tls13_protection_wipe(&c->tx);
    tls13_schedule_wipe(&c->schedule);
    secret_wipe(c->client_finished, sizeof c->client_finished);
    secret_wipe(c->client_app_secret, sizeof c->client_app_secret);
    secret_wipe(c->server_app_secret, sizeof c->server_app_secret);
    secret_wipe(&c->rng, sizeof c->rng);
    secret_wipe(c->hs_msg, sizeof c->hs_msg);
}
