/*
 * Moves Ethernet frames between the platform contract and lwIP: frames in
 * are copied into pool pbufs (the platform owns its receive buffer), frames
 * out are flattened into one buffer for the platform.
 *
 * With TCP segmentation offload (plat_net_info's tcp_segment_max) lwIP's
 * IPv4 and IPv6 MTUs are raised to the offload's size, so TCP segments of
 * up to 64 KiB leave lwIP whole, and lwIP computes no TCP checksums (the
 * platform does). Every other packet larger than the wire's MTU (a big ICMP
 * echo reply, a large DNS answer over UDP) is still fragmented by lwIP at
 * the wire's MTU on its way out. lwIP derives the MSS it advertises from
 * the same MTU, so the advertised one is brought back to the wire's
 * (netif_platform_wire_mss, tcp_hooks.c).
 */
#include "net/netif_platform.h"

#include <string.h>

#include "net/frame.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/init.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6_frag.h"
#include "lwip/pbuf.h"
#include "lwip/priv/nd6_priv.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"
#include "netif/ethernet.h"
#include "core/platform.h"
#include "net/packet_replay.h"
#include "net/udp_fast.h"

#define FRAME_MAX (14 + 1500 + 4)   /* Ethernet header, MTU 1500, a VLAN tag */

static struct netif the_netif;
static bool muted;                  /* netif_platform_mute() */
static uint8_t frame_in[2048];
static uint8_t frame_out[0x10000];
static struct plat_net_info info;

void netif_platform_mute(bool on)
{
    muted = on;
}

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    if (muted)
        return ERR_OK;
    /* A TCP segment is a header pbuf and the body's pbufs (pointing into
     * the blob): handed over as pieces, uncopied, when the headers are all
     * in the first one (as lwIP builds them). */
    struct frame_layout layout;
    if (pbuf_clen(p) <= PLAT_NET_PIECES_MAX &&
        (!p->next || frame_parse(p->payload, p->len, p->tot_len, &layout) == FRAME_OK)) {
        struct plat_net_piece pieces[PLAT_NET_PIECES_MAX];
        int count = 0;
        for (const struct pbuf *q = p; q; q = q->next)
            if (q->len > 0 || q == p)
                pieces[count++] = (struct plat_net_piece){q->payload, q->len};
        return plat_net_write_pieces(pieces, count) == 0 ? ERR_OK : ERR_IF;
    }
    /* A pbuf's tot_len is 16 bits: any frame fits frame_out. */
    pbuf_copy_partial(p, frame_out, p->tot_len, 0);
    return plat_net_write(frame_out, p->tot_len) == 0 ? ERR_OK : ERR_IF;
}

#if LWIP_IPV4
/* IPv4 output with a raised MTU: only TCP may use it. */
static err_t output4(struct netif *netif, struct pbuf *p, const ip4_addr_t *next_hop)
{
    if (p->tot_len > info.mtu && p->len >= IP_HLEN &&
        IPH_PROTO((const struct ip_hdr *)p->payload) != IP_PROTO_TCP) {
        /* ip4_frag() cuts at netif->mtu and comes back here per fragment. */
        u16_t raised = netif->mtu;
        netif->mtu = info.mtu;
        err_t err = ip4_frag(p, netif, next_hop);
        netif->mtu = raised;
        return err;
    }
    return etharp_output(netif, p, next_hop);
}
#endif

#if LWIP_IPV6
/* The path MTU lwIP's destination cache holds for dest (0: none): where
 * ip6_frag() takes its MTU from. An entry starts from the interface's MTU,
 * the raised one, and only an ICMPv6 Packet Too Big lowers it. */
static u16_t *path_mtu_of(const ip6_addr_t *dest)
{
    for (int i = 0; i < LWIP_ND6_NUM_DESTINATIONS; i++)
        if (ip6_addr_cmp(dest, &destination_cache[i].destination_addr))
            return &destination_cache[i].pmtu;
    return NULL;
}

/* IPv6 output with a raised MTU: only TCP may use it. ip6_output() cut
 * nothing larger than the wire's MTU, since the path MTU it knows is the
 * raised one (or a smaller one a Packet Too Big taught, already applied). */
static err_t output6(struct netif *netif, struct pbuf *p, const ip6_addr_t *dest)
{
    if (p->tot_len > info.mtu && p->len >= IP6_HLEN &&
        IP6H_NEXTH((const struct ip6_hdr *)p->payload) != IP6_NEXTH_TCP) {
        /* ip6_frag() cuts at the destination's path MTU, else the
         * interface's: both are brought down to the wire's for the call,
         * and it comes back here once per fragment. */
        u16_t raised = netif->mtu6;
        u16_t *pmtu = path_mtu_of(dest);
        u16_t path = pmtu ? *pmtu : 0;
        netif->mtu6 = info.mtu;
        if (pmtu && path > info.mtu)
            *pmtu = (u16_t)info.mtu;
        err_t err = ip6_frag(p, netif, dest);
        netif->mtu6 = raised;
        if (pmtu)
            *pmtu = path;
        return err;
    }
    return ethip6_output(netif, p, dest);
}
#endif

u16_t netif_platform_wire_mss(bool ipv6)
{
    if (!ipv6)
        return (u16_t)(info.mtu - IP_HLEN - TCP_HLEN);
#if LWIP_IPV6
    /* A Router Advertisement may have lowered the IPv6 MTU below the wire's. */
    u16_t mtu = the_netif.mtu6 < info.mtu ? the_netif.mtu6 : (u16_t)info.mtu;
    return (u16_t)(mtu - IP6_HLEN - TCP_HLEN);
#else
    return (u16_t)(info.mtu - IP6_HLEN - TCP_HLEN);
#endif
}

void netif_platform_tune_tcp(struct tcp_pcb *pcb)
{
    bool ipv6 = !IP_IS_V4(&pcb->remote_ip);
    u16_t wire_mss = netif_platform_wire_mss(ipv6);
    if (info.tcp_segment_max == 0 || pcb->mss < wire_mss)
        return;
#if LWIP_IPV6
    /* lwIP would cut a segment larger than the IPv6 MTU into IP fragments:
     * only while that MTU is the raised one (no Router Advertisement has
     * brought it down) do large segments go out whole. */
    if (ipv6 && the_netif.mtu6 <= info.mtu)
        return;
#endif
    /* A whole number of wire segments, so that the kernel's cuts are full. */
    u32_t max = info.tcp_segment_max > 0xffff ? 0xffff : info.tcp_segment_max;
    u16_t headers = ipv6 ? IP6_HLEN + TCP_HLEN : IP_HLEN + TCP_HLEN;
    pcb->mss = (u16_t)((max - headers) / wire_mss * wire_mss);
}

static err_t netif_setup(struct netif *netif)
{
    plat_net_info(&info);
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, info.mac, ETH_HWADDR_LEN);
    netif->mtu = info.mtu;
#if LWIP_IPV6
    netif->mtu6 = info.mtu;
#endif
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                   NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
    netif->output = etharp_output;
    netif->output_ip6 = ethip6_output;
    if (info.tcp_segment_max > info.mtu) {
        u16_t raised = (u16_t)(info.tcp_segment_max > 0xffff ? 0xffff : info.tcp_segment_max);
        netif->mtu = raised;
        netif->output = output4;
#if LWIP_IPV6
        netif->mtu6 = raised;
        netif->output_ip6 = output6;
#endif
    }
    if (info.tcp_segment_max)
        NETIF_SET_CHECKSUM_CTRL(netif, NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP);
    netif->linkoutput = linkoutput;
    return ERR_OK;
}

struct netif *netif_platform_start(const struct unihost_config *cfg)
{
    ip4_addr_t addr, mask, gw;
    ip4_addr_set_zero(&addr);
    ip4_addr_set_zero(&mask);
    ip4_addr_set_zero(&gw);
    if (cfg->has_ipv4) {
        addr = cfg->ipv4;
        ip4_addr_set_u32(&mask, cfg->ipv4_prefix == 0 ? 0 : lwip_htonl(0xffffffffu << (32 - cfg->ipv4_prefix)));
    }
    if (cfg->has_ipv4_gateway)
        gw = cfg->ipv4_gateway;
    if (!netif_add(&the_netif, &addr, &mask, &gw, NULL, netif_setup, ethernet_input))
        return NULL;
    netif_set_default(&the_netif);

    /* IPv6: a link-local address (NDP needs one) plus the configured one.
     * lwIP models on-link prefixes only as /64 per address; other prefix
     * lengths still work for the address itself. */
    netif_create_ip6_linklocal_address(&the_netif, 1);
    if (cfg->has_ipv6) {
        s8_t index;
        ip6_addr_t a = cfg->ipv6;
        ip6_addr_assign_zone(&a, IP6_UNICAST, &the_netif);
        if (netif_add_ip6_address(&the_netif, &a, &index) == ERR_OK)
            netif_ip6_addr_set_state(&the_netif, index, IP6_ADDR_PREFERRED);
    }
    netif_set_link_up(&the_netif);
    netif_set_up(&the_netif);
    return &the_netif;
}

int netif_platform_poll(struct netif *netif, int budget)
{
    int handled = 0;
    while (handled < budget) {
        uint8_t *frame;
        long n = plat_net_read(frame_in, sizeof frame_in, &frame);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        handled++;
        if ((size_t)n > FRAME_MAX)
            continue;
        if (udp_fast_input(netif, frame, (size_t)n))
            continue;   /* a datagram answered below lwIP (udp_fast.h) */
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
        if (!p)
            continue;   /* pool dry: drop, as a NIC would */
        pbuf_take(p, frame, (u16_t)n);
        if (netif->input(p, netif) != ERR_OK)
            pbuf_free(p);
        packet_replay_run(netif);
    }
    return handled;
}
