/* See tcp_reuse.h. */
#include "tcp_reuse.h"

#include <string.h>

#include "lwip/ip.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

/* One SYN at a time: lwIP hands us one packet at a time, and the SYN is
 * replayed before the next one is read. */
static struct pbuf *replay;

err_t tcp_reuse_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
                         u8_t *opt2, struct pbuf *p)
{
    (void)opt1len;
    if (pcb->state != TIME_WAIT || replay)
        return ERR_OK;
    u16_t flags = TCPH_FLAGS(hdr);
    if ((flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) != TCP_SYN)
        return ERR_OK;
    /* RFC 6191 without timestamps: only a SYN past the old connection's
     * sequence space may open a new one. */
    if (!TCP_SEQ_GT(hdr->seqno, pcb->rcv_nxt))    /* tcp_input() made it host order */
        return ERR_OK;
    if (opt2 != NULL)
        return ERR_OK;          /* options split over pbufs: never for a SYN in one frame */
    /* The IP header sits right before the TCP header in the same buffer. */
    const u8_t *ip = ip_current_is_v6() ? (const u8_t *)ip6_current_header()
                                        : (const u8_t *)ip4_current_header();
    const u8_t *tcp = (const u8_t *)hdr;
    if (ip == NULL || tcp < ip || tcp - ip > 256)
        return ERR_OK;
    u16_t ip_len = (u16_t)(tcp - ip);
    u16_t tcp_len = (u16_t)(TCP_HLEN + optlen);
    struct pbuf *copy = pbuf_alloc(PBUF_RAW, (u16_t)(ip_len + tcp_len + p->tot_len), PBUF_RAM);
    if (!copy)
        return ERR_OK;
    pbuf_take(copy, ip, (u16_t)(ip_len + tcp_len));
    /* tcp_input() turned these fields to host order in place: back to the
     * wire's, so the replayed SYN (and its checksum) is the one received. */
    struct tcp_hdr *th = (struct tcp_hdr *)((u8_t *)copy->payload + ip_len);
    th->src = lwip_htons(hdr->src);
    th->dest = lwip_htons(hdr->dest);
    th->seqno = lwip_htonl(hdr->seqno);
    th->ackno = lwip_htonl(hdr->ackno);
    th->wnd = lwip_htons(hdr->wnd);
    if (p->tot_len > 0)
        pbuf_copy_partial(p, (u8_t *)copy->payload + ip_len + tcp_len, p->tot_len, 0);
    replay = copy;
    /* lwIP returns from tcp_input() right after this hook refuses the
     * packet and never touches the pcb again, so freeing it here is safe
     * (tcp_abort() on a TIME_WAIT pcb sends nothing). */
    tcp_abort(pcb);
    return ERR_ABRT;
}

void tcp_reuse_replay(struct netif *netif)
{
    struct pbuf *p = replay;
    if (!p)
        return;
    replay = NULL;
    if (ip_input(p, netif) != ERR_OK)
        pbuf_free(p);
}
