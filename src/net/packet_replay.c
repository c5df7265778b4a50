/* Packets fed to IP input again: see packet_replay.h. */
#include "net/packet_replay.h"

#include "lwip/ip.h"
#include "lwip/prot/tcp.h"
#include "net/netif_platform.h"

static struct {
    struct pbuf *p;
    bool muted;
} queue[PACKET_REPLAY_MAX];
static int queued;
static bool running;

bool packet_replay_running(void)
{
    return running;
}

u16_t packet_ip_header_len(const struct tcp_hdr *hdr)
{
    /* The IP header sits right before the TCP header in the same buffer. */
    const u8_t *ip = ip_current_is_v6() ? (const u8_t *)ip6_current_header()
                                        : (const u8_t *)ip4_current_header();
    const u8_t *tcp = (const u8_t *)hdr;
    if (ip == NULL || tcp < ip || tcp - ip > 256)
        return 0;
    return (u16_t)(tcp - ip);
}

struct pbuf *packet_copy_current(const struct tcp_hdr *hdr, u16_t optlen, const struct pbuf *p)
{
    u16_t ip_len = packet_ip_header_len(hdr);
    if (ip_len == 0)
        return NULL;
    const u8_t *ip = (const u8_t *)hdr - ip_len;
    u16_t tcp_len = (u16_t)(TCP_HLEN + optlen);
    struct pbuf *copy = pbuf_alloc(PBUF_RAW, (u16_t)(ip_len + tcp_len + p->tot_len), PBUF_RAM);
    if (!copy)
        return NULL;
    pbuf_take(copy, ip, (u16_t)(ip_len + tcp_len));
    /* tcp_input() turned these fields to host order in place: back to the
     * wire's, so the copy (and its checksum) is the packet received. */
    struct tcp_hdr *th = (struct tcp_hdr *)((u8_t *)copy->payload + ip_len);
    th->src = lwip_htons(hdr->src);
    th->dest = lwip_htons(hdr->dest);
    th->seqno = lwip_htonl(hdr->seqno);
    th->ackno = lwip_htonl(hdr->ackno);
    th->wnd = lwip_htons(hdr->wnd);
    if (p->tot_len > 0)
        pbuf_copy_partial(p, (u8_t *)copy->payload + ip_len + tcp_len, p->tot_len, 0);
    return copy;
}

bool packet_replay_room(int count)
{
    return queued + count <= PACKET_REPLAY_MAX;
}

void packet_replay_add(struct pbuf *packet, bool muted)
{
    if (queued == PACKET_REPLAY_MAX) {
        pbuf_free(packet);
        return;
    }
    queue[queued].p = packet;
    queue[queued].muted = muted;
    queued++;
}

void packet_replay_run(struct netif *netif)
{
    if (queued == 0)
        return;                 /* the usual case, after every frame */
    /* Taken out first: handling one may queue more (they wait for the
     * next call). */
    int n = queued;
    struct pbuf *packets[PACKET_REPLAY_MAX];
    bool muted[PACKET_REPLAY_MAX];
    for (int i = 0; i < n; i++) {
        packets[i] = queue[i].p;
        muted[i] = queue[i].muted;
    }
    queued = 0;
    running = true;
    for (int i = 0; i < n; i++) {
        netif_platform_mute(muted[i]);
        if (ip_input(packets[i], netif) != ERR_OK)
            pbuf_free(packets[i]);
        netif_platform_mute(false);
    }
    running = false;
}
