/* One HTTPS exchange over BearSSL's client, sans I/O: see https_conn.h. */
#include "acme/https_conn.h"

#include <stdio.h>
#include <string.h>

#include "acme/cert_validity.h"
#include "http/http_date.h"

/* The build lowers BR_MAX_CIPHER_SUITES to 8 (Makefile.in), below the
 * list br_ssl_client_init_full() sets, which BearSSL then drops: the
 * suites are named here. ECDHE and AEAD only, as an ACME CA offers. */
static const uint16_t client_suites[] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,         BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};

/* Days from 0000-01-01 to 1970-01-01 in the proleptic Gregorian calendar,
 * the epoch of br_x509_minimal_set_time(). */
#define X509_DAYS_TO_UNIX_EPOCH 719528

/* ---- the X.509 engine, watched for validity dates ---- */

static struct https_conn_x509 *watcher(const br_x509_class **ctx)
{
    return (struct https_conn_x509 *)(void *)ctx;
}

static void watch_start_chain(const br_x509_class **ctx, const char *server_name)
{
    struct https_conn_x509 *w = watcher(ctx);
    w->index = 0;
    w->found = false;
    (*w->inner)->start_chain(w->inner, server_name);
}

static void watch_start_cert(const br_x509_class **ctx, uint32_t length)
{
    struct https_conn_x509 *w = watcher(ctx);
    w->cert_len = 0;
    w->cert_too_large = length > sizeof w->cert;
    (*w->inner)->start_cert(w->inner, length);
}

static void watch_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
    struct https_conn_x509 *w = watcher(ctx);
    if (!w->cert_too_large && len <= sizeof w->cert - w->cert_len) {
        memcpy(w->cert + w->cert_len, buf, len);
        w->cert_len += len;
    } else {
        w->cert_too_large = true;
    }
    (*w->inner)->append(w->inner, buf, len);
}

static void watch_end_cert(const br_x509_class **ctx)
{
    struct https_conn_x509 *w = watcher(ctx);
    int64_t not_before, not_after;
    if (!w->found && !w->cert_too_large && cert_validity(w->cert, w->cert_len, &not_before, &not_after) &&
        (w->now < not_before || w->now > not_after)) {
        w->found = true;
        w->bad_index = w->index;
        w->bad_not_before = not_before;
        w->bad_not_after = not_after;
    }
    w->index++;
    (*w->inner)->end_cert(w->inner);
}

static unsigned watch_end_chain(const br_x509_class **ctx)
{
    struct https_conn_x509 *w = watcher(ctx);
    return (*w->inner)->end_chain(w->inner);
}

static const br_x509_pkey *watch_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
    const struct https_conn_x509 *w = (const struct https_conn_x509 *)(const void *)ctx;
    return (*w->inner)->get_pkey((const br_x509_class *const *)w->inner, usages);
}

static const br_x509_class watch_vtable = {
    sizeof(struct https_conn_x509), watch_start_chain, watch_start_cert, watch_append,
    watch_end_cert,                  watch_end_chain,   watch_get_pkey,
};

/* "2026-12-05T07:49:42Z" */
static void utc_text(int64_t t, char out[21])
{
    uint64_t s = t < 0 ? 0 : (uint64_t)t;
    int64_t year;
    unsigned month, day;
    http_date_civil(s, &year, &month, &day);
    unsigned in_day = (unsigned)(s % 86400);
    snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(year % 10000), month % 100, day % 100,
             in_day / 3600, in_day / 60 % 60, in_day % 60);
}

static void fail(struct https_conn *c, const char *why)
{
    if (c->result == 0) {
        c->result = -1;
        snprintf(c->error, sizeof c->error, "%s", why);
    }
}

/* What a BearSSL error means to an operator reading the log. */
static void fail_tls(struct https_conn *c, int err)
{
    char why[HTTPS_CONN_ERROR_MAX];
    switch (err) {
    case BR_ERR_X509_NOT_TRUSTED:
        snprintf(why, sizeof why, "TLS: the server's certificate chain does not end at a root of --acme-ca");
        break;
    case BR_ERR_X509_BAD_SERVER_NAME:
        snprintf(why, sizeof why, "TLS: the server's certificate is not for that name");
        break;
    case BR_ERR_X509_EXPIRED:
        if (c->x509.found) {
            char when[21], clock[21];
            bool early = c->x509.now < c->x509.bad_not_before;
            utc_text(early ? c->x509.bad_not_before : c->x509.bad_not_after, when);
            utc_text(c->x509.now, clock);
            char which[48];
            if (c->x509.bad_index == 0)
                snprintf(which, sizeof which, "the server's certificate");
            else
                snprintf(which, sizeof which, "certificate %u of the server's chain", c->x509.bad_index + 1);
            snprintf(why, sizeof why, "TLS: %s %s %s, and unihost's clock says %s: is the clock right?", which,
                     early ? "is not valid before" : "expired at", when, clock);
        } else {
            snprintf(why, sizeof why, "TLS: a certificate of the server's chain is expired or not yet valid "
                                      "(is the clock right?)");
        }
        break;
    default:
        if (err >= BR_ERR_RECV_FATAL_ALERT && err < BR_ERR_SEND_FATAL_ALERT)
            snprintf(why, sizeof why, "TLS: the server sent alert %d", err - BR_ERR_RECV_FATAL_ALERT);
        else
            snprintf(why, sizeof why, "TLS: BearSSL error %d", err);
        break;
    }
    fail(c, why);
}

bool https_conn_start(struct https_conn *c, const struct ca_roots *roots, const char *server_name,
                      int64_t now_unix, const void *seed, size_t seed_len, const struct acme_request *req,
                      char *body, size_t body_cap)
{
    memset(c, 0, sizeof *c);
    c->head_len = http_request_head(req, c->head, sizeof c->head);
    if (c->head_len == 0) {
        fail(c, "the request's URL does not split or its head is too long");
        return false;
    }
    c->body = req->body;
    c->body_len = req->body ? req->body_len : 0;
    if (seed_len < 32 || now_unix < 0) {
        fail(c, "no entropy or no time for TLS");
        return false;
    }
    br_ssl_client_init_full(&c->cc, &c->xc, roots->anchors, roots->count);
    br_ssl_engine_set_suites(&c->cc.eng, client_suites, sizeof client_suites / sizeof client_suites[0]);
    br_ssl_engine_set_versions(&c->cc.eng, BR_TLS12, BR_TLS12);
    br_x509_minimal_set_time(&c->xc, (uint32_t)(now_unix / 86400 + X509_DAYS_TO_UNIX_EPOCH),
                             (uint32_t)(now_unix % 86400));
    c->x509.vtable = &watch_vtable;
    c->x509.inner = &c->xc.vtable;
    c->x509.now = now_unix;
    br_ssl_engine_set_x509(&c->cc.eng, &c->x509.vtable);
    br_ssl_engine_set_buffer(&c->cc.eng, c->iobuf, sizeof c->iobuf, 1);
    br_ssl_engine_inject_entropy(&c->cc.eng, seed, seed_len);
    if (!br_ssl_client_reset(&c->cc, server_name, 0)) {
        fail_tls(c, br_ssl_engine_last_error(&c->cc.eng));
        return false;
    }
    http_exchange_init(&c->exchange, req, body, body_cap);
    return true;
}

/* The engine closed: a clean close completes a response delimited by it. */
static void engine_closed(struct https_conn *c)
{
    if (c->result != 0)
        return;
    int err = br_ssl_engine_last_error(&c->cc.eng);
    if (err != BR_ERR_OK) {
        fail_tls(c, err);
        return;
    }
    if (http_exchange_eof(&c->exchange) == 1)
        c->result = 1;
    else
        fail(c, c->exchange.error ? c->exchange.error : "the server closed before its response was complete");
}

/* Moves the request in and the response out of the engine, as far as it
 * lets. */
static void pump(struct https_conn *c)
{
    br_ssl_engine_context *eng = &c->cc.eng;
    size_t total = c->head_len + c->body_len;
    for (;;) {
        unsigned state = br_ssl_engine_current_state(eng);
        if (state & BR_SSL_CLOSED) {
            engine_closed(c);
            return;
        }
        bool moved = false;
        if ((state & BR_SSL_SENDAPP) && c->written < total) {
            size_t room;
            unsigned char *buf = br_ssl_engine_sendapp_buf(eng, &room);
            size_t n = 0;
            while (n < room && c->written < total) {
                const char *from = c->written < c->head_len ? c->head + c->written
                                                            : c->body + (c->written - c->head_len);
                size_t left = c->written < c->head_len ? c->head_len - c->written : total - c->written;
                size_t k = left < room - n ? left : room - n;
                memcpy(buf + n, from, k);
                n += k;
                c->written += k;
            }
            br_ssl_engine_sendapp_ack(eng, n);
            if (c->written == total)
                br_ssl_engine_flush(eng, 0);
            moved = true;
        }
        if (state & BR_SSL_RECVAPP) {
            size_t len;
            unsigned char *buf = br_ssl_engine_recvapp_buf(eng, &len);
            int got = c->result == 0 ? http_exchange_feed(&c->exchange, (const char *)buf, len) : 1;
            br_ssl_engine_recvapp_ack(eng, len);
            if (c->result == 0 && got == 1) {
                c->result = 1;
                br_ssl_engine_close(eng);       /* a close_notify: nothing more is wanted */
            } else if (c->result == 0 && got < 0) {
                fail(c, c->exchange.error ? c->exchange.error : "a malformed response");
                br_ssl_engine_close(eng);
            }
            moved = true;
        }
        if (!moved)
            return;
    }
}

const uint8_t *https_conn_output(struct https_conn *c, size_t *len)
{
    pump(c);
    if (!(br_ssl_engine_current_state(&c->cc.eng) & BR_SSL_SENDREC))
        return NULL;
    return br_ssl_engine_sendrec_buf(&c->cc.eng, len);
}

void https_conn_output_sent(struct https_conn *c, size_t n)
{
    if (n > 0)
        br_ssl_engine_sendrec_ack(&c->cc.eng, n);
    pump(c);
}

size_t https_conn_received(struct https_conn *c, const uint8_t *data, size_t len)
{
    size_t taken = 0;
    while (taken < len && (br_ssl_engine_current_state(&c->cc.eng) & BR_SSL_RECVREC)) {
        size_t room;
        unsigned char *buf = br_ssl_engine_recvrec_buf(&c->cc.eng, &room);
        size_t n = len - taken < room ? len - taken : room;
        memcpy(buf, data + taken, n);
        br_ssl_engine_recvrec_ack(&c->cc.eng, n);
        taken += n;
        pump(c);
    }
    pump(c);
    return taken;
}

void https_conn_peer_closed(struct https_conn *c)
{
    pump(c);
    if (c->result != 0)
        return;
    /* Without close_notify, only a response whose length was known can be
     * complete, and it would have been: anything else was cut off. */
    int err = br_ssl_engine_last_error(&c->cc.eng);
    if (err != BR_ERR_OK)
        fail_tls(c, err);
    else
        fail(c, "the connection ended before the response was complete (no TLS close_notify)");
}

int https_conn_result(const struct https_conn *c)
{
    return c->result;
}

void https_conn_response(const struct https_conn *c, struct acme_response *out)
{
    http_exchange_response(&c->exchange, out);
}

const char *https_conn_error(const struct https_conn *c)
{
    return c->error;
}
