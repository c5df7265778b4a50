/* The log to syslog over UDP: see syslog_sink.h. */
#include "core/syslog_sink.h"

#include <string.h>

#include "core/log.h"
#include "core/platform.h"
#include "core/turn_clock.h"
#include "log/syslog_format.h"
#include "lwip/etharp.h"
#include "lwip/ip4.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

/*
 * While the receiver's link-layer address is not known yet, lwIP keeps at
 * most ARP_QUEUE_LEN (3) datagrams for it and silently drops the rest: a
 * burst (the start-up lines) would be lost. So then one message goes
 * every UNRESOLVED_GAP_MS (it makes lwIP ask, and waits for the answer),
 * and the rest wait in the ring, where a receiver that never answers
 * shows as drops once the ring is full. IPv4 asks lwIP's ARP table; for
 * IPv6 (whose neighbour cache lwIP does not show) the first
 * IPV6_WARMUP_MS after the first message count as unresolved.
 */
#define UNRESOLVED_GAP_MS 100
#define IPV6_WARMUP_MS 500

_Static_assert(SYSLOG_HEADER_MAX + LOG_LINE_MAX <= SYSLOG_MESSAGE_MAX, "every line fits one message whole");

static struct udp_pcb *pcb;
static ip_addr_t to;
static uint16_t to_port;
static char hostname[SYSLOG_HOSTNAME_MAX + 1];
static bool has_hostname;
static struct log_record record;    /* static: 1 KiB is too much for the Xen stack's taste */
static uint64_t first_sent_ms, last_sent_ms;
static bool sent_any;
/* The budget per second: a token bucket of `rate` tokens, refilled at
 * `rate` a second, in thousandths of a message (so that refills between
 * turns a few milliseconds apart are not lost to rounding). */
static uint32_t rate;
static uint64_t tokens_milli, refilled_ms;

/* The turn's clock (turn_clock.h): syslog_sink_flush() runs every turn,
 * and a clock read of its own each time was a cost per request. */
static uint64_t now_ms(void)
{
    return turn_monotonic_ns() / 1000000u;
}

/* Is the receiver's (or its gateway's) link-layer address known? */
static bool next_hop_known(void)
{
    if (IP_IS_V6(&to))
        return sent_any && now_ms() - first_sent_ms >= IPV6_WARMUP_MS;
    struct netif *netif = ip4_route(ip_2_ip4(&to));
    if (!netif)
        return true;        /* no route: sending fails at once, and is counted */
    const ip4_addr_t *hop = ip_2_ip4(&to);
    if (!ip4_addr_netcmp(hop, netif_ip4_addr(netif), netif_ip4_netmask(netif)))
        hop = netif_ip4_gw(netif);
    struct eth_addr *eth;
    const ip4_addr_t *found;
    return etharp_find_addr(netif, hop, &eth, &found) >= 0;
}

/* Messages the budget allows now (at most `want`). */
static int allowed(int want)
{
    uint64_t now = now_ms(), full = (uint64_t)rate * 1000u;
    tokens_milli += (now - refilled_ms) * rate;
    refilled_ms = now;
    if (tokens_milli > full)
        tokens_milli = full;
    uint64_t whole = tokens_milli / 1000u;
    return whole < (uint64_t)want ? (int)whole : want;
}

int syslog_sink_start(const ip_addr_t *addr, uint16_t port, const char *name, uint32_t messages_per_second)
{
    rate = messages_per_second;
    refilled_ms = now_ms();
    tokens_milli = (uint64_t)rate * 1000u;      /* a full second's worth: the start-up lines go at once */
    pcb = udp_new_ip_type(IP_GET_TYPE(addr));
    if (!pcb)
        return -1;
    if (udp_bind(pcb, IP_ANY_TYPE, 0) != ERR_OK) {     /* 0: an ephemeral port */
        udp_remove(pcb);
        pcb = NULL;
        return -1;
    }
    ip_addr_copy(to, *addr);
    to_port = port;
    has_hostname = name && syslog_token_valid(name, strlen(name), SYSLOG_HOSTNAME_MAX);
    if (has_hostname)
        memcpy(hostname, name, strlen(name) + 1);
    log_syslog_enable();
    return 0;
}

static const char *msgid(enum log_kind kind)
{
    switch (kind) {
    case LOG_ACCESS: return "access";
    case LOG_QUERY: return "query";
    case LOG_TLS: return "tls";
    default: return NULL;
    }
}

void syslog_sink_flush(void)
{
    /* The budget first: under load the ring always holds lines, and most
     * turns have no message to send; they then cost no route or ARP
     * lookup (next_hop_known) either. */
    if (!pcb || !log_syslog_pending())
        return;
    int budget = allowed(SYSLOG_PER_TURN);
    if (budget == 0)
        return;
    if (!next_hop_known()) {
        if (sent_any && now_ms() - last_sent_ms < UNRESOLVED_GAP_MS)
            return;
        budget = 1;
    }
    for (int sent = 0; pcb && sent < budget && log_syslog_peek(&record); sent++) {
        struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, SYSLOG_MESSAGE_MAX, PBUF_RAM);
        if (!p)
            return;         /* the heap is short: the ring waits (and drops if it fills) */
        unsigned severity = record.kind == LOG_EVENT ? SYSLOG_SEVERITY_NOTICE : SYSLOG_SEVERITY_INFO;
        size_t n = syslog_format(p->payload, SYSLOG_FACILITY_DAEMON, severity, record.wall_ns,
                                 has_hostname ? hostname : NULL, msgid(record.kind), record.text, record.len);
        pbuf_realloc(p, (u16_t)n);
        err_t err = udp_sendto(pcb, p, &to, to_port);
        pbuf_free(p);
        last_sent_ms = now_ms();
        if (!sent_any)
            first_sent_ms = last_sent_ms;
        sent_any = true;
        if (err == ERR_MEM)
            return;         /* lwIP had no room for it now: the next turn tries again */
        tokens_milli -= 1000u;
        log_syslog_pop();
        if (err != ERR_OK)
            log_syslog_count_drop();    /* no route, ...: this one is lost */
    }
}

bool syslog_sink_pending(void)
{
    return pcb && log_syslog_pending();
}
