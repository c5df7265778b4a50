/*
 * HTTP on port 80. Received pbufs are kept, unacknowledged, until the engine
 * has consumed them, so a pipelining client is slowed by TCP's window rather
 * than by our memory. Bodies go from the blob to lwIP without a copy
 * (tcp_write without TCP_WRITE_FLAG_COPY: the blob never changes); only the
 * per-response header block is copied. A fixed pool of connections sheds the
 * least recently active one when full; idle ones time out.
 */
#include "http_service.h"

#include <string.h>

#include "http_engine.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "platform.h"

#define HTTP_PORT 80
#define HTTP_CONNS 256
#define HTTP_IDLE_MS 15000          /* no progress for this long: close */
#define HTTP_POLL_INTERVAL 2        /* lwIP poll ticks of 500 ms */

struct http_tcp_conn {
    struct tcp_pcb *pcb;            /* NULL: slot free */
    struct pbuf *unread;            /* received, not yet consumed by the engine */
    bool peer_closed;
    uint32_t last_active;
    struct http_conn http;
};

static const struct blob *served;
static struct http_tcp_conn conns[HTTP_CONNS];

static void conn_free(struct http_tcp_conn *c)
{
    if (c->unread)
        pbuf_free(c->unread);
    c->unread = NULL;
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

/* Hands the engine's output to lwIP while the send buffer takes it.
 * Returns true when everything pending was queued. */
static bool send_output(struct http_tcp_conn *c)
{
    const uint8_t *data;
    size_t len;
    bool in_blob;
    while (http_conn_output(&c->http, &data, &len, &in_blob)) {
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
    return true;
}

/* Moves the connection forward as far as it can go now: send what is
 * pending, feed unread input, repeat. Returns ERR_ABRT if it aborted. */
static err_t advance(struct http_tcp_conn *c)
{
    for (;;) {
        bool all_queued = send_output(c);
        tcp_output(c->pcb);
        if (!all_queued)
            return ERR_OK;              /* the sent callback brings us back */
        if (http_conn_should_close(&c->http))
            return conn_close(c);
        if (!c->unread)
            return c->peer_closed ? conn_close(c) : ERR_OK;
        if (c->unread->len == 0) {      /* an empty pbuf in the chain: skip it */
            struct pbuf *rest = pbuf_dechain(c->unread);
            pbuf_free(c->unread);
            c->unread = rest;
            continue;
        }
        uint64_t now = plat_wallclock_ns() / 1000000000u;
        size_t used = http_conn_feed(&c->http, c->unread->payload, c->unread->len, now);
        if (used == 0)
            return ERR_OK;              /* the engine takes no input until its output is out */
        c->unread = pbuf_free_header(c->unread, (u16_t)used);
        tcp_recved(c->pcb, (u16_t)used);
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
    c->last_active = sys_now();
    if (!p)
        c->peer_closed = true;
    else if (c->unread)
        pbuf_cat(c->unread, p);
    else
        c->unread = p;
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
    if (sys_now() - c->last_active > HTTP_IDLE_MS)
        return conn_close(c);
    return ERR_OK;
}

static void failed(void *arg, err_t err)
{
    (void)err;
    conn_free(arg);     /* lwIP already freed the pcb */
}

static struct http_tcp_conn *take_slot(void)
{
    struct http_tcp_conn *oldest = NULL;
    for (size_t i = 0; i < HTTP_CONNS; i++) {
        struct http_tcp_conn *c = &conns[i];
        if (!c->pcb)
            return c;
        if (!oldest || (int32_t)(c->last_active - oldest->last_active) < 0)
            oldest = c;
    }
    /* Full: shed the connection that has been quiet longest. */
    struct tcp_pcb *pcb = oldest->pcb;
    detach(pcb);
    conn_free(oldest);
    tcp_abort(pcb);
    return oldest;
}

static err_t accepted(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct http_tcp_conn *c = take_slot();
    c->pcb = pcb;
    c->unread = NULL;
    c->peer_closed = false;
    c->last_active = sys_now();
    http_conn_init(&c->http, served);
    tcp_arg(pcb, c);
    tcp_recv(pcb, received);
    tcp_sent(pcb, sent_more);
    tcp_poll(pcb, polled, HTTP_POLL_INTERVAL);
    tcp_err(pcb, failed);
    return ERR_OK;
}

int http_service_start(const struct blob *blob)
{
    served = blob;
    struct tcp_pcb *tcp = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!tcp || tcp_bind(tcp, IP_ANY_TYPE, HTTP_PORT) != ERR_OK)
        return -1;
    tcp = tcp_listen(tcp);
    if (!tcp)
        return -1;
    tcp_accept(tcp, accepted);
    return 0;
}
