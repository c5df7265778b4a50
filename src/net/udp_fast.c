/* UDP services answered below lwIP: see udp_fast.h. */
#include "net/udp_fast.h"

#include <string.h>

#include "core/platform.h"
#include "lwip/etharp.h"
#include "lwip/ip4_addr.h"
#include "lwip/opt.h"
#include "lwip/sys.h"
#include "net/frame.h"

#define IP4_HLEN 20
#define UDP_HLEN 8

static uint16_t fast_port;
static udp_fast_answer_fn fast_answer;
/* The reply frame: headers, then the answer the service writes in place. */
static uint8_t reply[FRAME_ETH_HLEN + IP4_HLEN + UDP_HLEN + UDP_FAST_ANSWER_MAX];
static uint16_t ip_id;              /* IPv4 identification of our replies */
static ssize_t arp_hint = -1;       /* the ARP entry the last reply went to */
/*
 * lwIP renews an ARP entry it sends through in the last 30 seconds of the
 * entry's 5 minutes (etharp.c: ARP_AGE_REREQUEST_USED_UNICAST); replies
 * sent here never let it. So an entry these replies use is asked about
 * again (an ARP request, whose reply renews it) once every ARP_RENEW_MS:
 * it never expires while in use, and no answer waits for it to be learnt
 * again.
 */
#define ARP_RENEW_MS 60000u
static uint32_t arp_asked_at[ARP_TABLE_SIZE];   /* sys_now() of our last request for the entry */

void udp_fast_register(uint16_t port, udp_fast_answer_fn answer)
{
    fast_port = port;
    fast_answer = answer;
}

/* Renews, once every ARP_RENEW_MS, the entry arp_hint of `hop`. */
static void arp_renew(struct netif *netif, const ip4_addr_t *hop)
{
    uint32_t now = sys_now();
    if (now - arp_asked_at[arp_hint] < ARP_RENEW_MS)
        return;
    arp_asked_at[arp_hint] = now;
    etharp_request(netif, hop);
}

/* The MAC lwIP would send a reply to `dst` to: the ARP entry of the next
 * hop (dst on our subnet, else the gateway), if it is settled. */
static const struct eth_addr *next_hop_mac(struct netif *netif, const ip4_addr_t *dst)
{
    const ip4_addr_t *hop = dst;
    /* As etharp_output(): link-local addresses are always on the link. */
    if (!ip4_addr_netcmp(dst, netif_ip4_addr(netif), netif_ip4_netmask(netif)) && !ip4_addr_islinklocal(dst)) {
        if (ip4_addr_isany(netif_ip4_gw(netif)))
            return NULL;
        hop = netif_ip4_gw(netif);
    }
    ip4_addr_t *ip;
    struct netif *owner;
    struct eth_addr *mac;
    if (!(arp_hint >= 0 && etharp_get_entry((size_t)arp_hint, &ip, &owner, &mac) && owner == netif &&
          ip4_addr_cmp(ip, hop))) {
        const ip4_addr_t *found_ip;
        arp_hint = etharp_find_addr(netif, hop, &mac, &found_ip);
        if (arp_hint < 0)
            return NULL;
    }
    arp_renew(netif, hop);
    return mac;
}

bool udp_fast_input(struct netif *netif, const uint8_t *frame, size_t len)
{
    if (!fast_answer || len < FRAME_ETH_HLEN + IP4_HLEN + UDP_HLEN || frame_get16(frame + 12) != FRAME_ETHERTYPE_IPV4 ||
        memcmp(frame, netif->hwaddr, ETH_HWADDR_LEN) != 0)
        return false;
    const uint8_t *ip = frame + FRAME_ETH_HLEN;
    const uint8_t *udp = ip + IP4_HLEN;
    size_t total = frame_get16(ip + 2);
    /* Version 4 without options, whole (no fragment bits but DF), UDP to
     * our port, the IP header's checksum right. */
    if (ip[0] != 0x45 || ip[9] != FRAME_PROTO_UDP || (frame_get16(ip + 6) & 0xbfff) != 0 ||
        total < IP4_HLEN + UDP_HLEN || FRAME_ETH_HLEN + total > len || frame_get16(udp + 2) != fast_port ||
        frame_fold(frame_sum(0, ip, IP4_HLEN)) != 0xffff)
        return false;
    ip4_addr_t src, dst;
    memcpy(&src.addr, ip + 12, 4);
    memcpy(&dst.addr, ip + 16, 4);
    /* For our address, from a unicast one: what lwIP delivers and answers. */
    if (ip4_addr_isany(netif_ip4_addr(netif)) || !ip4_addr_cmp(&dst, netif_ip4_addr(netif)) ||
        ip4_addr_isany_val(src) ||
        ip4_addr_isbroadcast(&src, netif) || ip4_addr_ismulticast(&src))
        return false;
    size_t udp_len = frame_get16(udp + 4);
    if (udp_len != total - IP4_HLEN)
        return false;
    struct frame_layout layout = {.ethertype = FRAME_ETHERTYPE_IPV4, .proto = FRAME_PROTO_UDP,
                                  .l4 = FRAME_ETH_HLEN + IP4_HLEN, .l4_len = udp_len};
    if (frame_get16(udp + 6) != 0 && frame_fold(frame_sum(frame_pseudo_sum(frame, &layout), udp, udp_len)) != 0xffff)
        return false;       /* lwIP drops it, and counts it */
    const struct eth_addr *mac = next_hop_mac(netif, &src);
    if (!mac)
        return false;       /* lwIP resolves the next hop, and keeps the reply until it can */

    struct stream_peer peer = {.family = 4, .port = frame_get16(udp)};
    memcpy(peer.addr, ip + 12, 4);
    uint8_t *out_ip = reply + FRAME_ETH_HLEN;
    uint8_t *out_udp = out_ip + IP4_HLEN;
    size_t n = fast_answer(&peer, udp + UDP_HLEN, udp_len - UDP_HLEN, out_udp + UDP_HLEN, UDP_FAST_ANSWER_MAX);
    if (n == 0)
        return true;

    memcpy(reply, mac->addr, ETH_HWADDR_LEN);
    memcpy(reply + ETH_HWADDR_LEN, netif->hwaddr, ETH_HWADDR_LEN);
    frame_put16(reply + 12, FRAME_ETHERTYPE_IPV4);
    out_ip[0] = 0x45;
    out_ip[1] = 0;
    frame_put16(out_ip + 2, (uint16_t)(IP4_HLEN + UDP_HLEN + n));
    frame_put16(out_ip + 4, ip_id++);
    frame_put16(out_ip + 6, 0);
    out_ip[8] = UDP_TTL;
    out_ip[9] = FRAME_PROTO_UDP;
    frame_put16(out_ip + 10, 0);
    memcpy(out_ip + 12, ip + 16, 4);
    memcpy(out_ip + 16, ip + 12, 4);
    frame_put16(out_ip + 10, (uint16_t)~frame_fold(frame_sum(0, out_ip, IP4_HLEN)));
    frame_put16(out_udp, fast_port);
    frame_put16(out_udp + 2, peer.port);
    frame_put16(out_udp + 4, (uint16_t)(UDP_HLEN + n));
    frame_put16(out_udp + 6, 0);
    layout.l4_len = UDP_HLEN + n;
    uint16_t check = (uint16_t)~frame_fold(frame_sum(frame_pseudo_sum(reply, &layout), out_udp, UDP_HLEN + n));
    frame_put16(out_udp + 6, check ? check : 0xffff);
    plat_net_write(reply, FRAME_ETH_HLEN + IP4_HLEN + UDP_HLEN + n);
    return true;
}
