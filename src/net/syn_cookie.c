/* SYN cookies: see syn_cookie.h. */
#include "net/syn_cookie.h"

#include <string.h>

#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "lwip/prot/tcp.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "net/netif_platform.h"
#include "net/net_limits.h"
#include "net/packet_replay.h"
#include "net/tcp_keyed_hash.h"

/* The cookie: | 5 bits: 64-second period | 2 bits: MSS | 25 bits: hash | */
#define PERIOD_MS 64000u
#define HASH_BITS 25
#define HASH_MASK ((1u << HASH_BITS) - 1)
static const u16_t mss_table[4] = {536, 1220, 1440, 1460};

unsigned long syn_cookies_sent, syn_cookies_accepted;

/* The SYN being made from a cookie, until lwIP asks for its ISN. */
static struct {
    bool active;
    ip_addr_t local, remote;
    u16_t local_port, remote_port;
    uint32_t client_isn, cookie;
} made;

static uint32_t period_now(void)
{
    return sys_now() / PERIOD_MS;
}

static uint32_t cookie_hash(const ip_addr_t *local, u16_t lport, const ip_addr_t *remote, u16_t rport,
                            uint32_t client_isn, uint32_t period, unsigned mss_index)
{
    return tcp_keyed_hash(local, lport, remote, rport, client_isn, period << 2 | mss_index) & HASH_MASK;
}

static uint32_t make_cookie(const ip_addr_t *local, u16_t lport, const ip_addr_t *remote, u16_t rport,
                            uint32_t client_isn, unsigned mss_index)
{
    uint32_t period = period_now();
    return (period & 31) << 27 | (uint32_t)mss_index << HASH_BITS |
           cookie_hash(local, lport, remote, rport, client_isn, period, mss_index);
}

/* The MSS index of a valid cookie, or -1. */
static int check_cookie(uint32_t cookie, const ip_addr_t *local, u16_t lport, const ip_addr_t *remote,
                        u16_t rport, uint32_t client_isn)
{
    uint32_t now = period_now();
    unsigned mss_index = cookie >> HASH_BITS & 3;
    for (uint32_t back = 0; back < 2 && back <= now; back++) {     /* this period or the last */
        uint32_t period = now - back;
        if ((period & 31) == cookie >> 27 &&
            cookie_hash(local, lport, remote, rport, client_isn, period, mss_index) == (cookie & HASH_MASK))
            return (int)mss_index;
    }
    return -1;
}

/* The MSS option of the segment being handled (RFC 9293 3.7.1: 536 when
 * absent). Options are in the first part (opt1len bytes after the fixed
 * header) and, rarely, a second (opt2). */
static u16_t mss_option(const struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len, const u8_t *opt2)
{
    const u8_t *opt1 = (const u8_t *)hdr + TCP_HLEN;
    u8_t opts[40];
    if (optlen > sizeof opts)
        return 536;
    memcpy(opts, opt1, opt1len);
    if (optlen > opt1len)
        memcpy(opts + opt1len, opt2, optlen - opt1len);
    for (u16_t i = 0; i < optlen;) {
        u8_t kind = opts[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= optlen || opts[i + 1] < 2 || i + opts[i + 1] > optlen)
            break;
        if (kind == 2 && opts[i + 1] == 4)
            return (u16_t)(opts[i + 2] << 8 | opts[i + 3]);
        i = (u16_t)(i + opts[i + 1]);
    }
    return 536;
}

static unsigned mss_index_for(u16_t mss)
{
    unsigned index = 0;
    for (unsigned i = 0; i < 4; i++)
        if (mss_table[i] <= mss)
            index = i;
    return index;
}

static void put_mss(u8_t *opt, u16_t mss)
{
    opt[0] = 2;
    opt[1] = 4;
    opt[2] = (u8_t)(mss >> 8);
    opt[3] = (u8_t)mss;
}

/* A SYN-ACK for the SYN being handled, its sequence number the cookie. */
static void send_cookie(const struct tcp_hdr *syn, uint32_t cookie)
{
    struct netif *netif = ip_current_netif();
    ip_addr_t local, remote;
    ip_addr_copy(local, *ip_current_dest_addr());
    ip_addr_copy(remote, *ip_current_src_addr());
    struct pbuf *p = pbuf_alloc(PBUF_IP, TCP_HLEN + 4, PBUF_RAM);
    if (!p)
        return;
    struct tcp_hdr *h = p->payload;
    h->src = lwip_htons(syn->dest);
    h->dest = lwip_htons(syn->src);
    h->seqno = lwip_htonl(cookie);
    h->ackno = lwip_htonl(syn->seqno + 1);
    TCPH_HDRLEN_FLAGS_SET(h, 6, TCP_SYN | TCP_ACK);
    h->wnd = lwip_htons(TCP_WND);
    h->chksum = 0;
    h->urgp = 0;
    u16_t mine = LWIP_MIN(TCP_MSS, netif_platform_wire_mss(!IP_IS_V4(&local)));
    put_mss((u8_t *)(h + 1), mine);
#if CHECKSUM_GEN_TCP
    IF__NETIF_CHECKSUM_ENABLED(netif, NETIF_CHECKSUM_GEN_TCP) {
        h->chksum = ip_chksum_pseudo(p, IP_PROTO_TCP, p->tot_len, &local, &remote);
    }
#endif
    ip_output_if(p, &local, &remote, TCP_TTL, 0, IP_PROTO_TCP, netif);
    pbuf_free(p);
    syn_cookies_sent++;
}

/* The SYN the client sent, made again from its ACK: the same IP header
 * (lengths fixed), the client's ISN, the MSS the cookie kept. */
static struct pbuf *make_syn(const struct tcp_hdr *ack, uint32_t client_isn, u16_t mss)
{
    u16_t ip_len = packet_ip_header_len(ack);
    if (ip_len == 0)
        return NULL;
    u16_t tcp_len = TCP_HLEN + 4;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(ip_len + tcp_len), PBUF_RAM);
    if (!p)
        return NULL;
    memcpy(p->payload, (const u8_t *)ack - ip_len, ip_len);
    struct tcp_hdr *h = (struct tcp_hdr *)((u8_t *)p->payload + ip_len);
    h->src = lwip_htons(ack->src);      /* tcp_input() made the ACK's fields host order */
    h->dest = lwip_htons(ack->dest);
    h->seqno = lwip_htonl(client_isn);
    h->ackno = 0;
    TCPH_HDRLEN_FLAGS_SET(h, 6, TCP_SYN);
    h->wnd = lwip_htons(ack->wnd);
    h->chksum = 0;
    h->urgp = 0;
    put_mss((u8_t *)(h + 1), mss);
    if (!ip_current_is_v6()) {
        struct ip_hdr *iph = p->payload;
        IPH_LEN_SET(iph, lwip_htons((u16_t)(ip_len + tcp_len)));
        IPH_CHKSUM_SET(iph, 0);
        IPH_CHKSUM_SET(iph, inet_chksum(iph, (u16_t)(IPH_HL(iph) * 4)));
    } else {
        struct ip6_hdr *iph = p->payload;
        IP6H_PLEN_SET(iph, (u16_t)(ip_len - IP6_HLEN + tcp_len));
    }
    pbuf_remove_header(p, ip_len);
    h->chksum = ip_chksum_pseudo(p, IP_PROTO_TCP, tcp_len, ip_current_src_addr(), ip_current_dest_addr());
    pbuf_add_header(p, ip_len);
    return p;
}

/* Is the segment being handled the SYN made from a cookie? */
static bool is_made_syn(const struct tcp_hdr *hdr)
{
    return made.active && hdr->seqno == made.client_isn && hdr->src == made.remote_port &&
           hdr->dest == made.local_port && ip_addr_cmp(&made.remote, ip_current_src_addr()) &&
           ip_addr_cmp(&made.local, ip_current_dest_addr());
}

err_t syn_cookie_listen_input(struct tcp_pcb *listener, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
                              u8_t *opt2, struct pbuf *p)
{
    const struct tcp_pcb_listen *lpcb = (const struct tcp_pcb_listen *)listener;
    u8_t flags = TCPH_FLAGS(hdr);
    const ip_addr_t *local = ip_current_dest_addr(), *remote = ip_current_src_addr();
    if ((flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN) {
        if (lpcb->accepts_pending < TCP_HALF_OPEN_MAX || is_made_syn(hdr))
            return ERR_OK;      /* lwIP keeps this one */
        unsigned index = mss_index_for(mss_option(hdr, optlen, opt1len, opt2));
        send_cookie(hdr, make_cookie(local, hdr->dest, remote, hdr->src, hdr->seqno, index));
        return ERR_ABRT;        /* nothing kept */
    }
    if ((flags & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_ACK)
        return ERR_OK;
    /* An ACK fed again after its SYN was made, that still finds no
     * connection (lwIP had no pcb for the SYN): not set aside once more,
     * lwIP resets it and the client starts over. */
    if (packet_replay_running())
        return ERR_OK;
    uint32_t client_isn = hdr->seqno - 1;
    int index = check_cookie(hdr->ackno - 1, local, hdr->dest, remote, hdr->src, client_isn);
    if (index < 0 || !packet_replay_room(2))
        return ERR_OK;          /* not ours: lwIP answers with a reset */
    struct pbuf *syn = make_syn(hdr, client_isn, mss_table[index]);
    struct pbuf *ack = syn ? packet_copy_current(hdr, optlen, p) : NULL;
    if (!ack) {
        if (syn)
            pbuf_free(syn);
        return ERR_OK;
    }
    made.active = true;
    ip_addr_copy(made.local, *local);
    ip_addr_copy(made.remote, *remote);
    made.local_port = hdr->dest;
    made.remote_port = hdr->src;
    made.client_isn = client_isn;
    made.cookie = hdr->ackno - 1;
    packet_replay_add(syn, true);   /* lwIP's own SYN-ACK for it stays unsent: the client had the cookie's */
    packet_replay_add(ack, false);
    syn_cookies_accepted++;
    return ERR_ABRT;
}

bool syn_cookie_isn(const ip_addr_t *local, u16_t local_port, const ip_addr_t *remote, u16_t remote_port,
                    uint32_t *isn)
{
    if (!made.active || local_port != made.local_port || remote_port != made.remote_port ||
        !ip_addr_cmp(local, &made.local) || !ip_addr_cmp(remote, &made.remote))
        return false;
    made.active = false;
    *isn = made.cookie;
    return true;
}
