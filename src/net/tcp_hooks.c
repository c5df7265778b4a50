/* lwIP's TCP hooks: see tcp_hooks.h. */
#include "net/tcp_hooks.h"

#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"
#include "net/netif_platform.h"
#include "net/syn_cookie.h"
#include "net/tcp_keyed_hash.h"
#include "net/tcp_reuse.h"

err_t tcp_hook_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len, u8_t *opt2,
                        struct pbuf *p)
{
    switch (pcb->state) {
    case LISTEN: return syn_cookie_listen_input(pcb, hdr, optlen, opt1len, opt2, p);
    case TIME_WAIT: return tcp_reuse_inpacket(pcb, hdr, optlen, opt1len, opt2, p);
    default: return ERR_OK;
    }
}

u32_t tcp_hook_isn(const ip_addr_t *local, u16_t local_port, const ip_addr_t *remote, u16_t remote_port)
{
    uint32_t isn;
    if (syn_cookie_isn(local, local_port, remote, remote_port, &isn))
        return isn;
    return tcp_initial_sequence(local, local_port, remote, remote_port);
}

u32_t *tcp_hook_out_options(struct tcp_hdr *hdr, const struct tcp_pcb *pcb, u32_t *opts)
{
    /* lwIP writes the MSS option first in a SYN, from the MTU it knows; for
     * IPv6 under segmentation offload that is the raised one, never the
     * wire's. (IPv4's is TCP_MSS, which fits the wire.) */
    if (!pcb || IP_IS_V4(&pcb->remote_ip) || !(TCPH_FLAGS(hdr) & TCP_SYN) ||
        (u8_t *)opts < (u8_t *)(hdr + 1) + 4)
        return opts;
    u8_t *option = (u8_t *)(hdr + 1);
    u16_t wire = netif_platform_wire_mss(true);
    if (option[0] == 2 && option[1] == 4 && (option[2] << 8 | option[3]) > wire) {
        option[2] = (u8_t)(wire >> 8);
        option[3] = (u8_t)wire;
    }
    return opts;
}
