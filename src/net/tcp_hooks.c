/* lwIP's TCP hooks: see tcp_hooks.h. */
#include "net/tcp_hooks.h"

#include "lwip/tcp.h"
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
