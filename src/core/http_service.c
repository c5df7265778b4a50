/*
 * HTTP on port 80 and HTTPS on port 443: the lwIP side of the HTTP engine
 * and the TLS server.
 *
 * Received pbufs are kept, unacknowledged, until they are consumed (by the
 * engine, or by BearSSL's input buffer), so a pipelining client is slowed by
 * TCP's window rather than by our memory. Plain bodies go from the blob to
 * lwIP without a copy (tcp_write without TCP_WRITE_FLAG_COPY: the blob never
 * changes); only the per-response header block is copied. Over TLS the
 * engine's output is encrypted into BearSSL's buffer and the records are
 * copied into lwIP as the send buffer takes them; BearSSL accepts no more
 * plaintext while records wait, which is the back-pressure.
 *
 * Limits (every connection is checked twice a second by lwIP's poll):
 *  - a request must arrive whole within the request timeout from its first
 *    byte (for TLS, from the handshake's first byte): a client trickling
 *    bytes (slowloris) is cut off whatever its pace;
 *  - a connection that makes no progress for the idle timeout is closed
 *    (idle keep-alive, or a peer that stopped reading);
 *  - fixed pools of connections (and of the larger TLS states); when one is
 *    full, the connection idle the longest is shed first, else the one
 *    quiet the longest.
 *
 * "Mid request" (under the request timeout): a TLS handshake not done yet,
 * or, while no response is going out, the engine in the middle of a
 * request (http_conn_mid_request()), received bytes the engine has not
 * taken yet, or bytes that arrived since the last response (over TLS they
 * may still sit in BearSSL as a partial record, unseen by the engine).
 *
 * HSTS over HTTPS is the engine's extra header line (set per connection
 * with http_conn_set_extra_headers()).
 */
#include "http_service.h"

#include <stddef.h>
#include <string.h>

#include "http_engine.h"
#include "http_hsts.h"
#include "https_redirect.h"
#include "log.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "netif_platform.h"
#include "platform.h"
#include "tls_server.h"

#define HTTP_PORT 80
#define HTTPS_PORT 443
#define HTTP_CONNS 256
#ifndef TLS_CONNS
#define TLS_CONNS 32                /* ~36 KB each: most of the service's memory */
#endif
#define POLL_TICKS 1                /* lwIP poll ticks of 500 ms */

enum conn_kind { CONN_PLAIN, CONN_TLS, CONN_REDIRECT };

struct tls_slot {
    bool used;
    struct tls_conn tls;
};

struct http_tcp_conn {
    struct tcp_pcb *pcb;            /* NULL: slot free */
    enum conn_kind kind;
    struct tls_slot *tls;           /* CONN_TLS only */
    struct pbuf *unread;            /* received, not yet consumed */
    bool peer_closed;
    bool closing;                   /* TLS: close_notify queued; close TCP once it is out */
    bool request_open;              /* bytes of a request arrived, its response did not start */
    bool response_open;             /* the engine's output is being taken */
    bool tls_logged;                /* the handshake was logged */
    uint32_t last_active;           /* ms: last byte received or acknowledged */
    uint32_t request_started;       /* ms: when the open request's first byte arrived */
    struct http_conn http;
};

static const struct blob *served;
static struct http_service_options options;
static struct tls_server tls_shared;
static char hsts[HSTS_LINE_MAX];
static size_t hsts_len;
static struct http_tcp_conn conns[HTTP_CONNS];
static struct tls_slot tls_slots[TLS_CONNS];

/* ---- connection lifetime --------------------------------------------------- */

static void conn_free(struct http_tcp_conn *c)
{
    if (c->unread)
        pbuf_free(c->unread);
    c->unread = NULL;
    if (c->tls)
        c->tls->used = false;
    c->tls = NULL;
    c->pcb = NULL;
}

static void detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
    tcp_err(pcb, NULL);
}

/* Closes gracefully; returns ERR_ABRT if it had to abort instead, which a
 * callback must then return to lwIP. */
static err_t conn_close(struct http_tcp_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    detach(pcb);
    conn_free(c);
    if (tcp_close(pcb) == ERR_OK)
        return ERR_OK;
    tcp_abort(pcb);
    return ERR_ABRT;
}

static void conn_abort(struct http_tcp_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    detach(pcb);
    conn_free(c);
    tcp_abort(pcb);
}

/* True while bytes of a request are in, but not its response: see the top. */
static bool mid_request(struct http_tcp_conn *c)
{
    if (c->kind == CONN_TLS && !tls_conn_handshake_done(&c->tls->tls))
        return true;
    if (c->response_open)
        return false;
    return c->request_open || c->unread != NULL ||
           (c->kind != CONN_REDIRECT && http_conn_mid_request(&c->http));
}

/* Nothing received is waiting and nothing is being sent: shedding this
 * connection loses no work. */
static bool is_idle(struct http_tcp_conn *c)
{
    if (mid_request(c) || c->response_open || c->unread || tcp_sndqueuelen(c->pcb) > 0)
        return false;
    size_t len;
    return !(c->tls && tls_conn_records(&c->tls->tls, &len));
}

/* Picks who to shed from `n` candidates: the longest idle, else the longest
 * quiet. `want` filters (NULL: all). */
static struct http_tcp_conn *pick_victim(bool (*want)(const struct http_tcp_conn *))
{
    struct http_tcp_conn *idle = NULL, *quiet = NULL;
    for (size_t i = 0; i < HTTP_CONNS; i++) {
        struct http_tcp_conn *c = &conns[i];
        if (!c->pcb || (want && !want(c)))
            continue;
        if (is_idle(c) && (!idle || (int32_t)(c->last_active - idle->last_active) < 0))
            idle = c;
        if (!quiet || (int32_t)(c->last_active - quiet->last_active) < 0)
            quiet = c;
    }
    return idle ? idle : quiet;
}

static bool has_tls(const struct http_tcp_conn *c)
{
    return c->tls != NULL;
}

static struct http_tcp_conn *take_conn_slot(void)
{
    for (size_t i = 0; i < HTTP_CONNS; i++)
        if (!conns[i].pcb)
            return &conns[i];
    struct http_tcp_conn *victim = pick_victim(NULL);
    conn_abort(victim);
    return victim;
}

static struct tls_slot *take_tls_slot(void)
{
    for (size_t i = 0; i < TLS_CONNS; i++)
        if (!tls_slots[i].used)
            return &tls_slots[i];
    struct http_tcp_conn *victim = pick_victim(has_tls);
    struct tls_slot *slot = victim->tls;
    conn_abort(victim);
    return slot;
}

/* ---- bytes in ---------------------------------------------------------------- */

/* Drops empty pbufs at the head of the unread chain. */
static void skip_empty(struct http_tcp_conn *c)
{
    while (c->unread && c->unread->len == 0) {
        struct pbuf *rest = pbuf_dechain(c->unread);
        pbuf_free(c->unread);
        c->unread = rest;
    }
}

static void consumed(struct http_tcp_conn *c, size_t n)
{
    c->unread = pbuf_free_header(c->unread, (u16_t)n);
    tcp_recved(c->pcb, (u16_t)n);
}

static uint64_t wall_seconds(void)
{
    return plat_wallclock_ns() / 1000000000u;
}

/* A response finished going to the transport: if more input is already
 * here, the next request is open from now. */
static void response_done(struct http_tcp_conn *c, bool more_input)
{
    c->response_open = false;
    if (more_input && !c->request_open) {
        c->request_open = true;
        c->request_started = sys_now();
    }
}

/* ---- plain HTTP ---------------------------------------------------------------- */

/* Hands the engine's output to lwIP while the send buffer takes it.
 * Returns true when everything pending was queued. */
static bool plain_send(struct http_tcp_conn *c)
{
    const uint8_t *data;
    size_t len;
    bool in_blob;
    while (http_conn_output(&c->http, &data, &len, &in_blob)) {
        c->response_open = true;
        c->request_open = false;
        size_t room = tcp_sndbuf(c->pcb);
        if (room == 0 || tcp_sndqueuelen(c->pcb) >= TCP_SND_QUEUELEN - 4)
            return false;
        size_t n = len < room ? len : room;
        if (n > 0xffff)
            n = 0xffff;
        u8_t flags = in_blob ? 0 : TCP_WRITE_FLAG_COPY;
        if (n < len)
            flags |= TCP_WRITE_FLAG_MORE;
        if (tcp_write(c->pcb, data, (u16_t)n, flags) != ERR_OK)
            return false;
        http_conn_sent(&c->http, n);
    }
    if (c->response_open)
        response_done(c, c->unread != NULL);
    return true;
}

/* Moves a plain connection forward as far as it can go now: send what is
 * pending, feed unread input, repeat. Returns ERR_ABRT if it aborted. */
static err_t plain_advance(struct http_tcp_conn *c)
{
    for (;;) {
        bool all_queued = plain_send(c);
        tcp_output(c->pcb);
        if (!all_queued)
            return ERR_OK;              /* the sent callback brings us back */
        if (http_conn_should_close(&c->http))
            return conn_close(c);
        skip_empty(c);
        if (!c->unread)
            return c->peer_closed ? conn_close(c) : ERR_OK;
        size_t used = http_conn_feed(&c->http, c->unread->payload, c->unread->len, wall_seconds());
        if (used == 0)
            return ERR_OK;              /* the engine takes no input until its output is out */
        consumed(c, used);
    }
}

/* ---- plain HTTP, redirecting to HTTPS ------------------------------------------- */

static err_t redirect_advance(struct http_tcp_conn *c)
{
    skip_empty(c);
    if (!c->unread)
        return c->peer_closed ? conn_close(c) : ERR_OK;
    static uint8_t head[HTTPS_REDIRECT_HEAD_MAX];
    static char answer[HTTPS_REDIRECT_OUT_MAX];
    size_t len = pbuf_copy_partial(c->unread, head, sizeof head, 0);
    size_t n = https_redirect_answer(head, len, wall_seconds(), answer, sizeof answer);
    if (n == 0)
        return c->peer_closed ? conn_close(c) : ERR_OK;     /* wait for the rest of the head */
    /* Everything received is accounted for, so that closing sends a FIN,
     * not the RST lwIP sends over unread data. */
    tcp_recved(c->pcb, c->unread->tot_len);
    pbuf_free(c->unread);
    c->unread = NULL;
    if (tcp_write(c->pcb, answer, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK) {
        conn_abort(c);
        return ERR_ABRT;
    }
    tcp_output(c->pcb);
    return conn_close(c);
}

/* ---- HTTPS ---------------------------------------------------------------------- */

/* Encrypts the engine's output into BearSSL's buffer while it has room.
 * Returns true if anything moved. */
static bool tls_take_output(struct http_tcp_conn *c)
{
    struct tls_conn *t = &c->tls->tls;
    bool moved = false;
    for (;;) {
        size_t room;
        uint8_t *dst = tls_conn_plain_room(t, &room);
        const uint8_t *data;
        size_t len;
        bool in_blob;
        if (!http_conn_output(&c->http, &data, &len, &in_blob)) {
            if (c->response_open) {
                tls_conn_flush(t);      /* the response is all in: make its last record */
                size_t plain;
                response_done(c, c->unread || tls_conn_plain_in(t, &plain));
                moved = true;
            }
            return moved;
        }
        (void)in_blob;                  /* copied into BearSSL's buffer either way */
        if (!c->response_open) {        /* the first bytes of a response */
            c->response_open = true;
            c->request_open = false;
        }
        if (!dst)
            return moved;
        size_t n = len < room ? len : room;
        memcpy(dst, data, n);
        tls_conn_plain_written(t, n);
        http_conn_sent(&c->http, n);
        moved = true;
    }
}

/* Copies records into lwIP's send buffer while it takes them. */
static bool tls_push_records(struct http_tcp_conn *c)
{
    struct tls_conn *t = &c->tls->tls;
    bool moved = false;
    const uint8_t *rec;
    size_t len;
    while ((rec = tls_conn_records(t, &len)) != NULL) {
        size_t room = tcp_sndbuf(c->pcb);
        if (room == 0 || tcp_sndqueuelen(c->pcb) >= TCP_SND_QUEUELEN - 4)
            break;
        size_t n = len < room ? len : room;
        if (n > 0xffff)
            n = 0xffff;
        if (tcp_write(c->pcb, rec, (u16_t)n, TCP_WRITE_FLAG_COPY | (n < len ? TCP_WRITE_FLAG_MORE : 0)) != ERR_OK)
            break;
        tls_conn_records_sent(t, n);
        moved = true;
    }
    return moved;
}

static void tls_log_handshake(struct http_tcp_conn *c)
{
    struct tls_conn *t = &c->tls->tls;
    const char *sni = tls_conn_server_name(t);
    const char *alpn = tls_conn_alpn(t);
    log_line("https: %s: TLS 1.2 %s, SNI %s, ALPN %s, %s", ipaddr_ntoa(&c->pcb->remote_ip),
             tls_conn_suite_name(t), sni[0] ? sni : "(none)", alpn ? alpn : "(none)",
             t->resumed ? "resumed session" : "new session");
    c->tls_logged = true;
}

static err_t tls_advance(struct http_tcp_conn *c)
{
    struct tls_conn *t = &c->tls->tls;
    /* Each round moves bytes one step; it ends when nothing moves. The bound
     * is only a guard: every step consumes finite input or output. */
    for (int rounds = 0; rounds < 4096; rounds++) {
        bool moved = false;
        /* Wire bytes into BearSSL. */
        skip_empty(c);
        while (c->unread) {
            size_t n = tls_conn_put_received(t, c->unread->payload, c->unread->len);
            if (n == 0)
                break;
            consumed(c, n);
            skip_empty(c);
            moved = true;
        }
        if (!c->tls_logged && tls_conn_handshake_done(t))
            tls_log_handshake(c);
        if (!c->closing) {
            moved |= tls_take_output(c);
            if (!c->response_open && http_conn_should_close(&c->http)) {
                tls_conn_close(t);
                c->closing = true;
                moved = true;
            } else if (!c->response_open) {
                size_t len;
                const uint8_t *plain = tls_conn_plain_in(t, &len);
                if (plain) {
                    size_t used = http_conn_feed(&c->http, plain, len, wall_seconds());
                    if (used > 0) {
                        tls_conn_plain_taken(t, used);
                        moved = true;
                    }
                }
            }
        }
        moved |= tls_push_records(c);
        if (!moved)
            break;
    }
    tcp_output(c->pcb);

    size_t len;
    bool records_waiting = tls_conn_records(t, &len) != NULL;
    if (tls_conn_closed(t)) {
        int err = tls_conn_error(t);
        if (err != BR_ERR_OK && !c->tls_logged)
            log_line("https: %s: handshake failed: %s (BearSSL error %d)", ipaddr_ntoa(&c->pcb->remote_ip),
                     tls_error_text(err), err);
        return conn_close(c);
    }
    if (c->closing && !records_waiting)
        return conn_close(c);           /* close_notify is out; not waiting for the peer's */
    if (c->peer_closed && !c->unread && !records_waiting && !c->response_open)
        return conn_close(c);
    return ERR_OK;
}

/* ---- lwIP callbacks ---------------------------------------------------------- */

static err_t advance(struct http_tcp_conn *c)
{
    switch (c->kind) {
    case CONN_TLS: return tls_advance(c);
    case CONN_REDIRECT: return redirect_advance(c);
    default: return plain_advance(c);
    }
}

static err_t received(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)pcb;
    struct http_tcp_conn *c = arg;
    if (err != ERR_OK) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    uint32_t now = sys_now();
    c->last_active = now;
    if (!p) {
        c->peer_closed = true;
    } else {
        if (!c->request_open && !c->response_open && p->tot_len > 0) {
            c->request_open = true;
            c->request_started = now;
        }
        if (c->unread)
            pbuf_cat(c->unread, p);
        else
            c->unread = p;
    }
    return advance(c);
}

static err_t sent_more(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    struct http_tcp_conn *c = arg;
    c->last_active = sys_now();
    return advance(c);
}

static err_t polled(void *arg, struct tcp_pcb *pcb)
{
    (void)pcb;
    struct http_tcp_conn *c = arg;
    uint32_t now = sys_now();
    if (mid_request(c) && now - c->request_started > options.request_timeout_ms)
        return conn_close(c);           /* too slow to send a request: slowloris */
    if (now - c->last_active > options.idle_timeout_ms)
        return conn_close(c);
    return ERR_OK;
}

static void failed(void *arg, err_t err)
{
    (void)err;
    conn_free(arg);     /* lwIP already freed the pcb */
}

static err_t accept_kind(struct tcp_pcb *pcb, enum conn_kind kind)
{
    struct http_tcp_conn *c = take_conn_slot();
    struct tls_slot *slot = NULL;
    if (kind == CONN_TLS) {
        slot = take_tls_slot();
        uint8_t seed[TLS_SEED_BYTES];
        plat_random(seed, sizeof seed);
        if (tls_conn_init(&slot->tls, &tls_shared, seed, sizeof seed) != 0) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        slot->used = true;
    }
    memset(c, 0, offsetof(struct http_tcp_conn, http));
    c->pcb = pcb;
    c->kind = kind;
    c->tls = slot;
    c->last_active = sys_now();
    c->request_started = c->last_active;
    /* A TLS handshake is under the request timeout from the start. */
    c->request_open = kind == CONN_TLS;
    if (kind != CONN_REDIRECT)
        http_conn_init(&c->http, served);
    if (kind == CONN_TLS)
        http_conn_set_extra_headers(&c->http, hsts, hsts_len);
    tcp_arg(pcb, c);
    tcp_recv(pcb, received);
    tcp_sent(pcb, sent_more);
    tcp_poll(pcb, polled, POLL_TICKS);
    tcp_err(pcb, failed);
    tcp_nagle_disable(pcb);     /* responses are whole; don't hold their tails back */
    netif_platform_tune_tcp(pcb);
    return ERR_OK;
}

static err_t accepted_plain(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    bool redirect = options.tls && options.https_redirect;
    return accept_kind(pcb, redirect ? CONN_REDIRECT : CONN_PLAIN);
}

static err_t accepted_tls(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    return accept_kind(pcb, CONN_TLS);
}

static int listen_on(u16_t port, tcp_accept_fn fn)
{
    struct tcp_pcb *tcp = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!tcp || tcp_bind(tcp, IP_ANY_TYPE, port) != ERR_OK)
        return -1;
    tcp = tcp_listen(tcp);
    if (!tcp)
        return -1;
    tcp_accept(tcp, fn);
    return 0;
}

int http_service_start(const struct blob *blob, const struct http_service_options *opt)
{
    served = blob;
    options = *opt;
    if (options.tls) {
        tls_server_init(&tls_shared, options.tls);
        hsts_len = options.hsts_max_age ? hsts_line(hsts, options.hsts_max_age) : 0;
        if (listen_on(HTTPS_PORT, accepted_tls) != 0)
            return -1;
    }
    return listen_on(HTTP_PORT, accepted_plain);
}
