/*
 * HTTP on port 80 and HTTPS on 443: the HTTP stream engine (http_stream.h)
 * plugged into the TCP service (tcp_service.h), one pool of connections for
 * both ports, and the TLS states those on 443 hold. Everything about bytes,
 * timeouts, budgets and shedding is the service's or the engine's; here is
 * only what ties them: which kind each port serves, where TLS states come
 * from, and what is told of each request and handshake: the lines of TLS
 * handshakes, the access log, and the metrics' counters.
 */
#include "core/http_service.h"

#include <stddef.h>
#include <string.h>

#include "core/content.h"
#include "crypto/secret_bytes.h"
#include "http/http_hsts.h"
#include "http/http_stream.h"
#include "core/log.h"
#include "log/access_line.h"
#include "log/log_escape.h"
#include "metrics/metrics.h"
#include "net/net_limits.h"
#include "net/net_stats.h"
#include "core/platform.h"
#include "core/turn_clock.h"
#include "net/tcp_service.h"

#define HTTP_PORT 80
#define HTTPS_PORT 443
/* A connection may queue 256 KiB for sending: bodies go from the blob
 * without a copy, so this costs descriptors, not heap; what is copied
 * (headers, TLS records) is held to the second figure. */
#define HTTP_QUEUE_CAP (256 * 1024)
#define HTTP_COPY_CAP (64 * 1024)

struct tls_slot {
    bool used;
    struct tls_conn tls;
};

static struct http_service_options options;
/* The TLS server new connections get, and a standby: a certificate swap
 * (http_service_use_credentials()) readies the standby and makes it
 * current, while connections begun on the other finish on it. */
static struct tls_server tls_servers[2];
static unsigned tls_current;
static bool https_listening;
/* What port 80 serves: the site, or the redirect to HTTPS once there is a
 * certificate to redirect to. */
static enum http_stream_kind port80_kind = HTTP_STREAM_PLAIN;
static const struct http_challenges *http01;
static char hsts[HSTS_LINE_MAX];
static size_t hsts_len;
static struct tcp_pool pool;
static struct tcp_slot slots[HTTP_SLOTS];
static struct http_stream engines[HTTP_SLOTS];
static struct tls_slot tls_slots[TLS_STATES];
/* When each connection's current request began (plat_monotonic_ns), for
 * the access log's duration. */
static uint64_t request_started[HTTP_SLOTS];
static struct http_access_hooks access_hooks[HTTP_SLOTS];
static enum http_stream_kind kind_tls = HTTP_STREAM_TLS;

static uint64_t monotonic_seconds(void)
{
    return plat_monotonic_ns() / 1000000000u;
}

static uint64_t wall_seconds(void)
{
    return plat_wallclock_ns() / 1000000000u;
}

/* Logs and counts what the engine reports (handshakes), after each step. */
static void log_events(struct http_stream *s)
{
    if (s->kind != HTTP_STREAM_TLS)
        return;                 /* only TLS reports anything: keep plain HTTP's path short */
    enum http_stream_event event;
    while ((event = http_stream_event(s)) != HTTP_STREAM_NO_EVENT) {
        char who[IPADDR_STRLEN_MAX];
        tcp_peer_text(&s->peer, who, sizeof who);
        if (event == HTTP_STREAM_HANDSHAKE_DONE) {
            if (s->tls->resumed)
                metrics.tls_resumed++;
            else
                metrics.tls_new++;
            /* The name is the client's bytes: escaped, as in the access log. */
            const char *sni = tls_conn_server_name(s->tls);
            char name[ACCESS_SNI_MAX + 1];
            name[log_escape(name, ACCESS_SNI_MAX, sni, strlen(sni), 0)] = '\0';
            const char *alpn = tls_conn_alpn(s->tls);
            log_line_of(LOG_TLS, "https: %s: TLS %s %s, SNI %s, ALPN %s, %s", who, tls_conn_version_name(s->tls),
                     tls_conn_suite_name(s->tls), sni[0] ? name : "(none)", alpn ? alpn : "(none)",
                     s->tls->resumed ? "resumed session" : "new session");
        } else {
            int err = tls_conn_error(s->tls);
            metrics.tls_failed[metrics_tls_reason(err)]++;
            log_line_of(LOG_TLS, "https: %s: handshake failed: %s (BearSSL error %d)", who, tls_error_text(err), err);
        }
    }
}

/* ---- the access log --------------------------------------------------------- */

static size_t slot_of(const struct http_stream *s)
{
    return (size_t)(s - engines);
}

static void access_begun(void *ctx)
{
    if (options.access_log)     /* (only the access line's duration_us needs it) */
        request_started[slot_of(ctx)] = plat_monotonic_ns();
}

/*
 * What an access line is made from, kept until the log makes it
 * (log_defer_reserve): the request's numbers, and its client bytes as far as the
 * line shows them. Each is kept to one byte past its field's bound in
 * the line: escaping never shortens, so a field that did not fit still
 * does not, and is cut in the line just as it would have been from all
 * of it.
 */
#define KEPT(max) ((max) + 1)
struct access_record {
    uint64_t wall_ns, duration_us, bytes;
    struct stream_peer peer;
    const char *tls;            /* a version's name (static), or NULL */
    int status;
    bool complete, has_method, has_sni, has_user_agent, target_cut, user_agent_cut;
    uint16_t method_len, target_len, user_agent_len, sni_len;
    char text[KEPT(ACCESS_METHOD_MAX) + KEPT(ACCESS_PATH_MAX) + KEPT(ACCESS_UA_MAX) + KEPT(ACCESS_SNI_MAX)];
};
_Static_assert(sizeof(struct access_record) <= LOG_RECORD_MAX, "an access record is one the log keeps");

static void access_record_line(const void *record, struct log_line *line)
{
    const struct access_record *r = record;
    char who[IPADDR_STRLEN_MAX];
    const char *method = r->text, *target = method + r->method_len, *user_agent = target + r->target_len,
               *sni = user_agent + r->user_agent_len;
    struct access_context c = {
        .wall_ns = r->wall_ns,
        .client = who,
        .client_len = tcp_peer_format(&r->peer, who, sizeof who),
        .port = r->peer.port,
        .tls = r->tls,
        .sni = r->has_sni ? sni : NULL,
        .sni_len = r->sni_len,
        .duration_us = r->duration_us,
    };
    struct http_access a = {
        .method = r->has_method ? method : NULL, .method_len = r->method_len,
        .target = target, .target_len = r->target_len, .target_cut = r->target_cut,
        .user_agent = r->has_user_agent ? user_agent : NULL, .user_agent_len = r->user_agent_len,
        .user_agent_cut = r->user_agent_cut,
        .status = r->status, .bytes = r->bytes, .complete = r->complete,
    };
    access_line_format(line, &c, &a);
}

/* Appends up to `kept` bytes of in[0..len) to the record's text at *used;
 * returns how many. */
static uint16_t keep(struct access_record *r, size_t *used, const char *in, size_t len, size_t kept)
{
    size_t n = in ? (len < kept ? len : kept) : 0;
    memcpy(r->text + *used, in ? in : "", n);
    *used += n;
    return (uint16_t)n;
}

static void access_done(void *ctx, const struct http_access *a)
{
    const struct http_stream *s = ctx;
    metrics_http_response(s->kind == HTTP_STREAM_TLS, a->status, a->bytes);
    if (!options.access_log)
        return;
    bool tls = s->kind == HTTP_STREAM_TLS && s->tls && tls_conn_handshake_done(s->tls);
    const char *sni = tls ? tls_conn_server_name(s->tls) : NULL;
    /* Written where the log keeps it, field by field (an initializer
     * would clear all of text). */
    struct access_record *r = log_defer_reserve();
    r->wall_ns = turn_wallclock_ns();
    r->duration_us = (plat_monotonic_ns() - request_started[slot_of(s)]) / 1000u;
    r->bytes = a->bytes;
    r->peer = s->peer;
    r->tls = tls ? tls_conn_version_name(s->tls) : NULL;
    r->status = a->status;
    r->complete = a->complete;
    r->has_method = a->method != NULL;
    r->has_sni = sni && sni[0];
    r->has_user_agent = a->user_agent != NULL;
    r->target_cut = a->target_cut;
    r->user_agent_cut = a->user_agent_cut;
    size_t used = 0;
    r->method_len = keep(r, &used, a->method, a->method_len, KEPT(ACCESS_METHOD_MAX));
    r->target_len = keep(r, &used, a->target, a->target_len, KEPT(ACCESS_PATH_MAX));
    r->user_agent_len = keep(r, &used, a->user_agent, a->user_agent_len, KEPT(ACCESS_UA_MAX));
    r->sni_len = keep(r, &used, r->has_sni ? sni : NULL, r->has_sni ? strlen(sni) : 0, KEPT(ACCESS_SNI_MAX));
    log_defer_commit(LOG_ACCESS, access_record_line, offsetof(struct access_record, text) + used, r->wall_ns);
}

/* ---- TLS states --------------------------------------------------------------- */

static bool holds_tls(const void *engine)
{
    return ((const struct http_stream *)engine)->tls != NULL;
}

static struct tls_slot *free_tls_slot(void)
{
    for (size_t i = 0; i < TLS_STATES; i++)
        if (!tls_slots[i].used)
            return &tls_slots[i];
    return NULL;
}

/* A TLS state for a newcomer from `peer`: a free one, else one shed as the
 * pool sheds (never a client's holding fewer than the heaviest's). */
static struct tls_conn *take_tls(const struct stream_peer *peer)
{
    struct tls_slot *slot = free_tls_slot();
    if (!slot && tcp_pool_shed(&pool, peer, holds_tls))
        slot = free_tls_slot();
    if (!slot)
        return NULL;
    uint8_t seed[TLS_SEED_BYTES];
    plat_random(seed, sizeof seed);
    if (tls_conn_init(&slot->tls, &tls_servers[tls_current], seed, sizeof seed) != 0)
        return NULL;
    slot->used = true;
    return &slot->tls;
}

/* ---- the engine as the service drives it ------------------------------------- */

static bool engine_open(void *engine, const struct stream_peer *peer, void *arg)
{
    enum http_stream_kind kind = *(const enum http_stream_kind *)arg;
    struct tls_conn *tls = NULL;
    if (kind == HTTP_STREAM_TLS && !(tls = take_tls(peer)))
        return false;
    http_stream_init(engine, kind, content_current(), peer, tls, kind == HTTP_STREAM_TLS ? hsts : NULL,
                     kind == HTTP_STREAM_TLS ? hsts_len : 0, wall_seconds);
    if (kind != HTTP_STREAM_TLS && http01)
        http_stream_set_challenges(engine, http01);     /* ACME's HTTP-01 tokens, on port 80 only */
    request_started[slot_of(engine)] = plat_monotonic_ns();    /* never a stale time, whatever comes */
    /* The hooks run with or without the access log: they count for the metrics too. */
    struct http_access_hooks *hooks = &access_hooks[slot_of(engine)];
    *hooks = (struct http_access_hooks){access_begun, access_done, engine};
    http_stream_set_access_hooks(engine, hooks);
    return true;
}

static size_t engine_feed(void *engine, const uint8_t *data, size_t len)
{
    /* Between requests, a keep-alive connection moves to the newest
     * content: each request is answered wholly from the blob current when
     * it began (a response under way keeps its own). */
    if (http_stream_state(engine) == 0)
        http_stream_rebind(engine, content_current());
    size_t used = http_stream_feed(engine, data, len);
    log_events(engine);
    return used;
}

static void engine_input_closed(void *engine)
{
    if (http_stream_state(engine) == 0)
        http_stream_rebind(engine, content_current());   /* as in engine_feed() */
    http_stream_input_closed(engine);
    log_events(engine);
}

static bool engine_output(void *engine, uint8_t *scratch, size_t room, struct stream_chunk *out)
{
    (void)room;
    return http_stream_output(engine, scratch, out);
}

static void engine_output_taken(void *engine, size_t n)
{
    http_stream_output_taken(engine, n);
    log_events(engine);
}

static unsigned engine_state(const void *engine)
{
    return http_stream_state(engine);
}

static void engine_closed(void *engine)
{
    struct http_stream *s = engine;
    http_stream_end(s);     /* a response cut short is logged, while its TLS state is still there */
    http_stream_rebind(s, NULL);    /* its blob no longer looks used (http_service_uses()) */
    if (s->tls) {
        struct tls_slot *slot = (struct tls_slot *)((uint8_t *)s->tls - offsetof(struct tls_slot, tls));
        /* Its keys, DRBG state and last records' plaintext go with it,
         * not with the next connection's memory (about 36 KiB zeroed). */
        secret_wipe(&slot->tls, sizeof slot->tls);
        slot->used = false;
        s->tls = NULL;
    }
}

static const struct stream_engine_ops ops = {
    .open = engine_open,
    .feed = engine_feed,
    .input_closed = engine_input_closed,
    .output = engine_output,
    .output_taken = engine_output_taken,
    .state = engine_state,
    .closed = engine_closed,
};

static void add_stats(struct stats_line *line)
{
    size_t used = 0;
    for (size_t i = 0; i < TLS_STATES; i++)
        used += tls_slots[i].used;
    stats_add(line, "tls_states", "%zu/%u", used, (unsigned)TLS_STATES);
}

static bool answers_from(const void *engine, const void *blob)
{
    return http_stream_blob(engine) == blob && http_stream_state(engine) != 0;
}

/* ---- the live-reload streams (development blobs) ------------------------------ */

/* At a swap to `now`: every open live-reload stream tells its page (or
 * ends, and the page's reconnection asks `now`), and its connection sends
 * that at once rather than at the service's next tick. A stream refers to
 * `now` from here on, so it never holds an old blob (http_service_uses()).
 * A live stream holds one of the pool's HTTP_SLOTS like any connection. */
static void live_streams_swap(const struct blob *now)
{
    for (size_t i = 0; i < HTTP_SLOTS; i++) {
        if (http_stream_is_live(&engines[i])) {
            http_stream_live_swap(&engines[i], now);
            tcp_pool_wake(&pool, &engines[i]);
        }
    }
}

void http_service_swap(const struct blob *now)
{
    /* New requests take content_current() as they begin; only the
     * live-reload streams of a development blob are told at once. */
    live_streams_swap(now);
}

bool http_service_uses(const struct blob *b)
{
    for (size_t i = 0; i < HTTP_SLOTS; i++)
        if (answers_from(&engines[i], b))
            return true;    /* idle ones move to the current blob before they answer again */
    return false;
}

size_t http_service_reset_using(const struct blob *b)
{
    return tcp_pool_reset_if(&pool, answers_from, b);
}

static int listen_https(void)
{
    if (https_listening)
        return 0;
    net_stats_register(add_stats);
    if (tcp_service_listen(&pool, HTTPS_PORT, &kind_tls) != 0)
        return -1;
    https_listening = true;
    return 0;
}

static void ready_server(struct tls_server *server, const struct tls_credentials *creds)
{
    tls_server_init(server, creds);
    tls_server_set_clock(server, monotonic_seconds);
}

int http_service_start(const struct http_service_options *opt)
{
    options = *opt;
    struct tcp_limits limits = {
        .request_timeout_ms = options.request_timeout_ms,
        .idle_timeout_ms = options.idle_timeout_ms,
        .queue_cap = HTTP_QUEUE_CAP,
        .copy_cap = HTTP_COPY_CAP,
    };
    tcp_pool_init(&pool, "http", &ops, &limits, slots, engines, sizeof engines[0], HTTP_SLOTS);
    http01 = options.challenges;
    if (options.tls) {
        ready_server(&tls_servers[tls_current], options.tls);
        hsts_len = options.hsts_max_age ? hsts_line(hsts, options.hsts_max_age) : 0;
        if (listen_https() != 0)
            return -1;
        if (options.https_redirect)
            port80_kind = HTTP_STREAM_REDIRECT;
    }
    return tcp_service_listen(&pool, HTTP_PORT, &port80_kind);
}

/* Whether a connection still holds a TLS state of `server`. */
static bool server_in_use(const struct tls_server *server)
{
    for (size_t i = 0; i < TLS_STATES; i++)
        if (tls_slots[i].used && tls_slots[i].tls.server == server)
            return true;
    return false;
}

bool http_service_holds(const struct tls_credentials *creds)
{
    for (size_t i = 0; i < TLS_STATES; i++)
        if (tls_slots[i].used && tls_slots[i].tls.server->creds == creds)
            return true;
    return false;
}

int http_service_use_credentials(const struct tls_credentials *creds)
{
    unsigned standby = tls_current ^ 1u;
    if (https_listening && server_in_use(&tls_servers[standby]))
        return -1;
    ready_server(&tls_servers[standby], creds);
    tls_current = standby;
    if (listen_https() != 0)
        return -1;
    /* The first certificate: HTTPS is served, so port 80 may now send
     * browsers there and HTTPS may ask them to stay (HSTS). */
    if (options.https_redirect)
        port80_kind = HTTP_STREAM_REDIRECT;
    if (options.hsts_max_age && hsts_len == 0)
        hsts_len = hsts_line(hsts, options.hsts_max_age);
    return 0;
}
