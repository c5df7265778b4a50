/* See tcp_reuse.h. */
#include "net/tcp_reuse.h"

#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"
#include "net/packet_replay.h"

err_t tcp_reuse_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
                         u8_t *opt2, struct pbuf *p)
{
    (void)opt1len;
    if (pcb->state != TIME_WAIT || !packet_replay_room(1))
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
    struct pbuf *copy = packet_copy_current(hdr, optlen, p);
    if (!copy)
        return ERR_OK;
    packet_replay_add(copy, false);
    /* lwIP returns from tcp_input() right after this hook refuses the
     * packet and never touches the pcb again, so freeing it here is safe
     * (tcp_abort() on a TIME_WAIT pcb sends nothing). */
    tcp_abort(pcb);
    return ERR_ABRT;
}
