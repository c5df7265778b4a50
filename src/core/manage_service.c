/*
 * The management listener: see manage_service.h. Each connection is TLS
 * (tls_server.h) on the wire and blob_push.h's request on the plaintext;
 * what is here pumps bytes between the two, gives the request its blob
 * memory and its install (content_swap), and logs and counts each outcome.
 */
#include "core/manage_service.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/content.h"
#include "core/log.h"
#include "core/platform.h"
#include "crypto/blob_signature.h"
#include "crypto/secret_bytes.h"
#include "http/blob_push.h"
#include "metrics/metrics.h"
#include "net/net_limits.h"
#include "net/net_stats.h"
#include "net/tcp_service.h"

#define PUMP_ROUNDS 64          /* a guard: every round moves finite bytes */
/* Only answers are sent and each is short; TLS records are copied. */
#define MANAGE_QUEUE_CAP (32 * 1024)

struct manage_conn {
    struct blob_push push;
    struct blob_push_hooks hooks;   /* ctx: this connection */
    struct stream_peer peer;
    bool input_closed, input_close_told;
    bool tls_closing;               /* close_notify begun */
    bool handshake_told;
    struct tls_conn tls;
};

static struct blob_key key;
static struct tls_server tls_shared;
static struct tcp_pool pool;
static struct tcp_slot slots[MANAGE_SLOTS];
static struct manage_conn conns[MANAGE_SLOTS];
/* The connection whose push holds blob memory now, if any: one at a time,
 * so that a push needs memory for one blob beside those being served. */
static const struct manage_conn *pushing;
static unsigned long handshakes_failed;

/* ---- blob memory and the swap ------------------------------------------------ */

static void *take_memory(void *ctx, size_t size, int *status, char *why, size_t why_size)
{
    if (pushing) {
        *status = 503;
        snprintf(why, why_size, "another push is under way: try again when it is answered");
        return NULL;
    }
    void *memory = plat_blob_alloc(size);
    if (!memory) {
        *status = 507;
        snprintf(why, why_size, "not enough free memory for a blob of %zu bytes", size);
        return NULL;
    }
    pushing = ctx;
    return memory;
}

static void give_back(void *ctx, void *memory)
{
    (void)ctx;
    plat_blob_free(memory);
    pushing = NULL;
}

static int install(void *ctx, void *memory, size_t size, char *message, size_t message_size)
{
    struct manage_conn *c = ctx;
    pushing = NULL;
    char who[IPADDR_STRLEN_MAX], origin[IPADDR_STRLEN_MAX + 16], err[200];
    snprintf(origin, sizeof origin, "push from %s", tcp_peer_text(&c->peer, who, sizeof who));
    if (content_swap(memory, size, origin, err, sizeof err) != 0) {
        snprintf(message, message_size, "refused: %s; nothing changed", err);
        return 422;
    }
    char hash[65];
    const struct blob *b = content_current();
    content_hash_hex(b, hash);
    snprintf(message, message_size, "accepted: content %s, %zu bytes, %u files, %u zones", hash, size,
             b->http_file_count, b->zone_count);
    return 200;
}

/* ---- telling -------------------------------------------------------------------- */

static void tell(struct manage_conn *c)
{
    char who[IPADDR_STRLEN_MAX];
    if (!c->handshake_told && tls_conn_closed(&c->tls) && !tls_conn_handshake_done(&c->tls) &&
        tls_conn_error(&c->tls) != BR_ERR_OK) {
        c->handshake_told = true;
        handshakes_failed++;
        int err = tls_conn_error(&c->tls);
        log_line_of(LOG_TLS, "manage: %s: TLS handshake failed: %s (BearSSL error %d)",
                    tcp_peer_text(&c->peer, who, sizeof who), tls_error_text(err), err);
    }
    int status;
    const char *message;
    if (!blob_push_outcome(&c->push, &status, &message))
        return;
    tcp_peer_text(&c->peer, who, sizeof who);
    if (status == 200) {
        metrics.manage_pushes[METRICS_PUSH_ACCEPTED]++;
        log_line("manage: %s: push %s", who, message);
    } else if (status == 0) {
        metrics.manage_pushes[METRICS_PUSH_ABANDONED]++;
        log_line("manage: %s: push abandoned: %s", who, message);
    } else {
        metrics.manage_pushes[METRICS_PUSH_REFUSED]++;
        log_line("manage: %s: push refused with %d: %s", who, status, message);
    }
}

/* ---- TLS between the wire and the request ---------------------------------------- */

/* Moves the answer into TLS records, and received plaintext into the
 * request, until neither moves; then, once the answer is all out or the
 * peer is gone, begins TLS's close. */
static void pump(struct manage_conn *c)
{
    for (int round = 0; round < PUMP_ROUNDS && !c->tls_closing && !tls_conn_closed(&c->tls); round++) {
        bool moved = false;
        size_t len, room;
        const uint8_t *out = blob_push_output(&c->push, &len);
        uint8_t *dst = out ? tls_conn_plain_room(&c->tls, &room) : NULL;
        if (dst) {
            size_t n = len < room ? len : room;
            memcpy(dst, out, n);
            tls_conn_plain_written(&c->tls, n);
            blob_push_output_taken(&c->push, n);
            if (n == len)
                tls_conn_flush(&c->tls);    /* an interim 100, or the answer, whole: send it now */
            moved = true;
        }
        const uint8_t *plain = tls_conn_plain_in(&c->tls, &len);
        if (plain) {
            size_t used = blob_push_feed(&c->push, plain, len);
            tls_conn_plain_taken(&c->tls, used);
            moved |= used > 0;
        } else if (c->input_closed && !c->input_close_told) {
            c->input_close_told = true;
            blob_push_input_closed(&c->push);
            moved = true;
        }
        tell(c);
        if (blob_push_done(&c->push)) {
            tls_conn_close(&c->tls);
            c->tls_closing = true;
            return;
        }
        if (!moved)
            return;
    }
}

/* ---- the engine as the TCP service drives it ------------------------------------- */

static bool conn_open(void *engine, const struct stream_peer *peer, void *arg)
{
    (void)arg;
    struct manage_conn *c = engine;
    uint8_t seed[TLS_SEED_BYTES];
    plat_random(seed, sizeof seed);
    if (tls_conn_init(&c->tls, &tls_shared, seed, sizeof seed) != 0)
        return false;
    c->hooks = (struct blob_push_hooks){c, take_memory, give_back, install};
    blob_push_init(&c->push, &key, MANAGE_BLOB_MAX, &c->hooks);
    c->peer = *peer;
    c->input_closed = c->input_close_told = c->tls_closing = c->handshake_told = false;
    return true;
}

static size_t conn_feed(void *engine, const uint8_t *data, size_t len)
{
    struct manage_conn *c = engine;
    if (c->input_closed)
        return 0;
    size_t used = tls_conn_put_received(&c->tls, data, len);
    pump(c);
    tell(c);
    return used;
}

static void conn_input_closed(void *engine)
{
    struct manage_conn *c = engine;
    c->input_closed = true;
    pump(c);
    tell(c);
}

static bool conn_output(void *engine, uint8_t *scratch, size_t room, struct stream_chunk *out)
{
    (void)scratch;
    (void)room;
    struct manage_conn *c = engine;
    pump(c);
    out->data = tls_conn_records(&c->tls, &out->len);
    out->stable = false;
    return out->data != NULL && out->len > 0;
}

static void conn_output_taken(void *engine, size_t n)
{
    struct manage_conn *c = engine;
    tls_conn_records_sent(&c->tls, n);
    pump(c);
    tell(c);
}

static unsigned conn_state(const void *engine)
{
    /* BearSSL's accessors take no const engine; reading them changes nothing. */
    struct manage_conn *c = (struct manage_conn *)engine;
    size_t len;
    if (tls_conn_closed(&c->tls))
        return STREAM_FINISHED;
    if (tls_conn_records(&c->tls, &len))
        return STREAM_RESPONDING;
    if (c->tls_closing || c->input_closed)
        return STREAM_FINISHED;     /* said all, or the peer is gone (nothing it left half-sent can end) */
    if (blob_push_output(&c->push, &len))
        return STREAM_RESPONDING;
    /* One request a connection, bounded whole by the request timeout: from
     * the first byte of the handshake to the last of the body. */
    return STREAM_MID_REQUEST;
}

static void conn_closed(void *engine)
{
    struct manage_conn *c = engine;
    blob_push_end(&c->push);        /* memory of a push cut short goes back */
    tell(c);
    /* Its keys, DRBG state and last records' plaintext go with it, as
     * http_service.c's do. */
    secret_wipe(&c->tls, sizeof c->tls);
}

static const struct stream_engine_ops ops = {
    .open = conn_open,
    .feed = conn_feed,
    .input_closed = conn_input_closed,
    .output = conn_output,
    .output_taken = conn_output_taken,
    .state = conn_state,
    .closed = conn_closed,
};

static uint64_t monotonic_seconds(void)
{
    return plat_monotonic_ns() / 1000000000u;
}

static void add_stats(struct stats_line *line)
{
    stats_add(line, "manage_pushes", "%llu/%llu/%llu", (unsigned long long)metrics.manage_pushes[METRICS_PUSH_ACCEPTED],
              (unsigned long long)metrics.manage_pushes[METRICS_PUSH_REFUSED],
              (unsigned long long)metrics.manage_pushes[METRICS_PUSH_ABANDONED]);
    stats_add(line, "manage_tls_failed", "%lu", handshakes_failed);
}

int manage_service_start(const struct unihost_config *cfg, const struct tls_credentials *tls)
{
    if (!tls) {
        log_line("manage: refusing --manage without TLS: it needs HTTPS's credentials (--tls-cert and "
                 "--tls-key; on Xen, embedded) and a random source fit for keys");
        return -1;
    }
    if (!cfg->manage_key_pem) {
        log_line("manage: refusing --manage without the key that signs blobs (--manage-key FILE; on Xen, "
                 "make xen MANAGE_PUBKEY=FILE)");
        return -1;
    }
    char err[256];
    if (blob_key_from_pem(&key, cfg->manage_key_pem, cfg->manage_key_pem_len,
                          cfg->manage_key_path ? cfg->manage_key_path : "the key", err, sizeof err) != 0) {
        log_line("manage: refusing the signing key: %s", err);
        return -1;
    }
    tls_server_init(&tls_shared, tls);
    tls_server_set_clock(&tls_shared, monotonic_seconds);   /* sessions expire as on port 443 */
    struct tcp_limits limits = {
        .request_timeout_ms = cfg->http_request_timeout * 1000u,
        .idle_timeout_ms = cfg->http_request_timeout * 1000u,
        .queue_cap = MANAGE_QUEUE_CAP,
        .copy_cap = MANAGE_QUEUE_CAP,
    };
    tcp_pool_init(&pool, "manage", &ops, &limits, slots, conns, sizeof conns[0], MANAGE_SLOTS);
    if (tcp_service_listen_at(&pool, &cfg->manage_addr, cfg->manage_port, NULL) != 0) {
        log_line("manage: could not listen on port %u", (unsigned)cfg->manage_port);
        return -1;
    }
    net_stats_register(add_stats);
    char text[IPADDR_STRLEN_MAX];
    log_line(IP_IS_V6(&cfg->manage_addr) ? "manage: on [%s]:%u over TLS, blobs up to %zu MiB signed by key %s"
                                         : "manage: on %s:%u over TLS, blobs up to %zu MiB signed by key %s",
             ipaddr_ntoa_r(&cfg->manage_addr, text, sizeof text), (unsigned)cfg->manage_port,
             MANAGE_BLOB_MAX >> 20, key.fingerprint);
    return 0;
}
