/*
 * DNS on port 53. UDP: one datagram in, one out. TCP (RFC 7766): two-byte
 * length prefixes, several queries per connection answered in order, an
 * idle timeout, and a fixed pool of connections that sheds the least
 * recently active one when a new client arrives and the pool is full.
 * Unanswered queries stay unacknowledged in the connection's buffer while
 * the send buffer is full, so a client that does not read cannot make us
 * buffer without bound. Zone transfers (dns_transfer.h) go out one message
 * at a time as the send buffer drains; queries behind one wait their turn.
 */
#include "dns_service.h"

#include <string.h>

#include "dns_engine.h"
#include "dns_transfer.h"
#include "dns_wire.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "log.h"

#define DNS_PORT 53
#define DNS_TCP_CONNS 64
#define DNS_TCP_QUERY_MAX 4096      /* a query needs far less; longer ones end the connection */
#define DNS_TCP_IDLE_MS 10000
#define DNS_TCP_POLL_INTERVAL 2     /* lwIP poll ticks of 500 ms */

struct dns_tcp_conn {
    struct tcp_pcb *pcb;            /* NULL: slot free */
    uint32_t last_active;           /* sys_now() of the last progress */
    bool transferring;              /* `transfer` is sending a zone */
    struct dns_transfer transfer;
    size_t len;                     /* bytes buffered in buf */
    uint8_t buf[2 + DNS_TCP_QUERY_MAX];
};

static const struct blob *served;
static struct dns_tcp_conn tcp_conns[DNS_TCP_CONNS];
static uint8_t answer[2 + DNS_TCP_MAX];     /* one answer at a time: we are single-threaded */
static uint8_t udp_query[DNS_TCP_QUERY_MAX];

/* The client's address, as the transfer ACLs compare it. */
static void peer_of(const ip_addr_t *addr, struct dns_peer *peer)
{
    memset(peer, 0, sizeof *peer);
    if (IP_IS_V4(addr)) {
        peer->family = 4;
        memcpy(peer->addr, &ip_2_ip4(addr)->addr, 4);
    } else {
        peer->family = 6;
        memcpy(peer->addr, ip_2_ip6(addr)->addr, 16);
    }
}

/* ---- UDP ----------------------------------------------------------------- */

static void udp_received(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    const uint8_t *msg = p->payload;
    size_t len = p->tot_len;
    if (p->len != p->tot_len) {
        if (len > sizeof udp_query) {
            pbuf_free(p);
            return;
        }
        pbuf_copy_partial(p, udp_query, (u16_t)len, 0);
        msg = udp_query;
    }
    /* An IXFR from an allowed client gets the current SOA (RFC 1995 2);
     * every other query the engine's answer. */
    static struct dns_transfer soa_only;
    struct dns_peer peer;
    peer_of(addr, &peer);
    size_t n = dns_transfer_begin(&soa_only, served, msg, len, DNS_OVER_UDP, &peer)
                   ? dns_transfer_next(&soa_only, answer, sizeof answer)
                   : dns_engine_answer(served, msg, len, DNS_OVER_UDP, answer, sizeof answer);
    pbuf_free(p);
    if (n == 0)
        return;
    struct pbuf *out = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
    if (!out)
        return;     /* heap dry: drop; the client retries */
    memcpy(out->payload, answer, n);
    udp_sendto(pcb, out, addr, port);
    pbuf_free(out);
}

/* ---- TCP ----------------------------------------------------------------- */

static void conn_free(struct dns_tcp_conn *c)
{
    c->pcb = NULL;
    c->len = 0;
    c->transferring = false;
}

/* Closes gracefully; returns ERR_ABRT if it had to abort instead, which a
 * callback must then return to lwIP. */
static err_t conn_close(struct dns_tcp_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
    tcp_err(pcb, NULL);
    conn_free(c);
    if (tcp_close(pcb) == ERR_OK)
        return ERR_OK;
    tcp_abort(pcb);
    return ERR_ABRT;
}

/* Queues the n-byte message in answer[2..] with its length prefix (the
 * caller checked the room). tcp_write takes at most 65535 bytes a call, so
 * the largest messages go in two. */
static err_t write_message(struct tcp_pcb *pcb, size_t n)
{
    dns_put16(answer, (uint16_t)n);
    if (n + 2 <= 0xffff)
        return tcp_write(pcb, answer, (u16_t)(n + 2), TCP_WRITE_FLAG_COPY);
    err_t err = tcp_write(pcb, answer, 2, TCP_WRITE_FLAG_COPY | TCP_WRITE_FLAG_MORE);
    return err != ERR_OK ? err : tcp_write(pcb, answer + 2, (u16_t)n, TCP_WRITE_FLAG_COPY);
}

/*
 * Sends transfer messages while the send buffer has room for one. Returns
 * true once the transfer is over (or none is running); false while it goes
 * on (the sent callback resumes it) or after closing the connection, which
 * a record that can never fit forces; then *err is what a callback returns.
 */
static bool send_transfer(struct dns_tcp_conn *c, err_t *err)
{
    while (c->transferring) {
        size_t room = tcp_sndbuf(c->pcb);
        if (room < 2 + DNS_TRANSFER_MESSAGE_MAX || tcp_sndqueuelen(c->pcb) + 16 > TCP_SND_QUEUELEN)
            return false;
        size_t offer = room - 2 < sizeof answer - 2 ? room - 2 : sizeof answer - 2;
        size_t n = dns_transfer_next(&c->transfer, answer + 2, offer);
        if (n == 0 && dns_transfer_done(&c->transfer)) {
            c->transferring = false;
            break;
        }
        if (n == 0 && offer < sizeof answer - 2 && room < TCP_SND_BUF)
            return false;           /* a huge record: wait for more room */
        if (n == 0 || write_message(c->pcb, n) != ERR_OK) {
            /* A record that never fits, or a message half made: the
             * stream cannot go on. */
            *err = conn_close(c);
            return false;
        }
        tcp_output(c->pcb);
        c->last_active = sys_now();
    }
    return true;
}

/* Answers every complete query in the buffer while the send buffer has
 * room; the rest waits for the sent callback. A message the engine does not
 * answer (shorter than a header, or a response) ends the connection, as NSD
 * does: skipped in silence, it would leave the client waiting for an answer
 * until the idle time-out. Returns what a callback must return (ERR_ABRT if
 * the connection had to be aborted). */
static err_t answer_buffered(struct dns_tcp_conn *c)
{
    err_t err = ERR_OK;
    if (!send_transfer(c, &err))
        return err;
    size_t done = 0;
    while (c->len - done >= 2) {
        size_t msg_len = dns_get16(c->buf + done);
        if (c->len - done < 2 + msg_len)
            break;
        struct dns_peer peer;
        peer_of(&c->pcb->remote_ip, &peer);
        if (dns_transfer_begin(&c->transfer, served, c->buf + done + 2, msg_len, DNS_OVER_TCP, &peer)) {
            log_line("dns: zone transfer to %s", ipaddr_ntoa(&c->pcb->remote_ip));
            c->transferring = true;
            done += 2 + msg_len;
            break;
        }
        size_t n = dns_engine_answer(served, c->buf + done + 2, msg_len, DNS_OVER_TCP, answer + 2,
                                     sizeof answer - 2);
        if (n == 0) {
            /* Acknowledge all we hold, so tcp_close sends the answers queued
             * so far and a FIN, not a RST that would discard them. */
            tcp_recved(c->pcb, (u16_t)c->len);
            return conn_close(c);
        }
        if (tcp_sndbuf(c->pcb) < n + 2 || tcp_sndqueuelen(c->pcb) + 4 > TCP_SND_QUEUELEN)
            break;      /* resume from the sent callback */
        if (write_message(c->pcb, n) != ERR_OK)
            break;
        done += 2 + msg_len;
    }
    if (done > 0) {
        memmove(c->buf, c->buf + done, c->len - done);
        c->len -= done;
        tcp_recved(c->pcb, (u16_t)done);
        tcp_output(c->pcb);
        c->last_active = sys_now();
    }
    /* A transfer that just began: start sending, then the queries behind it. */
    return c->transferring ? answer_buffered(c) : ERR_OK;
}

static err_t tcp_received(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct dns_tcp_conn *c = arg;
    (void)pcb;
    if (!p || err != ERR_OK) {
        if (p)
            pbuf_free(p);
        return conn_close(c);   /* the client finished sending: so do we */
    }
    if (c->len + p->tot_len > sizeof c->buf) {
        /* A complete query waits for send room (the client pipelines faster
         * than it reads): refuse these bytes; lwIP keeps them unacknowledged
         * and offers them again, so the client is slowed, not cut off. */
        if (c->len >= 2 && c->len >= 2 + (size_t)dns_get16(c->buf))
            return ERR_MEM;
        /* Otherwise the query being received is longer than we accept. */
        pbuf_free(p);
        return conn_close(c);
    }
    pbuf_copy_partial(p, c->buf + c->len, p->tot_len, 0);
    c->len += p->tot_len;
    pbuf_free(p);
    return answer_buffered(c);
}

static err_t tcp_sent_more(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    struct dns_tcp_conn *c = arg;
    c->last_active = sys_now();
    return answer_buffered(c);
}

static err_t tcp_polled(void *arg, struct tcp_pcb *pcb)
{
    (void)pcb;
    struct dns_tcp_conn *c = arg;
    if (sys_now() - c->last_active > DNS_TCP_IDLE_MS)
        return conn_close(c);
    return ERR_OK;
}

static void tcp_failed(void *arg, err_t err)
{
    (void)err;
    conn_free(arg);     /* lwIP already freed the pcb */
}

static struct dns_tcp_conn *take_slot(void)
{
    struct dns_tcp_conn *oldest = NULL;
    for (size_t i = 0; i < DNS_TCP_CONNS; i++) {
        struct dns_tcp_conn *c = &tcp_conns[i];
        if (!c->pcb)
            return c;
        if (!oldest || (int32_t)(c->last_active - oldest->last_active) < 0)
            oldest = c;
    }
    /* Full: shed the connection that has been quiet longest. */
    struct tcp_pcb *pcb = oldest->pcb;
    tcp_arg(pcb, NULL);
    tcp_err(pcb, NULL);
    conn_free(oldest);
    tcp_abort(pcb);
    return oldest;
}

static err_t on_tcp_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct dns_tcp_conn *c = take_slot();
    c->pcb = pcb;
    c->len = 0;
    c->transferring = false;
    c->last_active = sys_now();
    tcp_arg(pcb, c);
    tcp_recv(pcb, tcp_received);
    tcp_sent(pcb, tcp_sent_more);
    tcp_poll(pcb, tcp_polled, DNS_TCP_POLL_INTERVAL);
    tcp_err(pcb, tcp_failed);
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

int dns_service_start(const struct blob *blob)
{
    served = blob;
    struct udp_pcb *udp = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!udp || udp_bind(udp, IP_ANY_TYPE, DNS_PORT) != ERR_OK)
        return -1;
    udp_recv(udp, udp_received, NULL);

    struct tcp_pcb *tcp = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!tcp || tcp_bind(tcp, IP_ANY_TYPE, DNS_PORT) != ERR_OK)
        return -1;
    tcp = tcp_listen(tcp);
    if (!tcp)
        return -1;
    tcp_accept(tcp, on_tcp_accept);
    return 0;
}
