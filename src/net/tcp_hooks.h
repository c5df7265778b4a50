/*
 * lwIP's TCP hooks (lwipopts.h), dispatched: a segment for a listener goes
 * by the SYN cookies (syn_cookie.h), one for a connection in TIME_WAIT by
 * the port-reuse rule (tcp_reuse.h); initial sequence numbers are RFC
 * 6528's (tcp_keyed_hash.h), or the cookie for a connection made from one.
 */
#ifndef UNIHOST_TCP_HOOKS_H
#define UNIHOST_TCP_HOOKS_H

#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"

struct tcp_pcb;
struct tcp_hdr;

/* LWIP_HOOK_TCP_INPACKET_PCB: ERR_OK lets lwIP handle the segment. */
err_t tcp_hook_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len, u8_t *opt2,
                        struct pbuf *p);

/* LWIP_HOOK_TCP_OUT_ADD_TCPOPTS: adds no option; brings the MSS a SYN
 * advertises over IPv6 down to the wire's (netif_platform_wire_mss). */
u32_t *tcp_hook_out_options(struct tcp_hdr *hdr, const struct tcp_pcb *pcb, u32_t *opts);

/* LWIP_HOOK_TCP_ISN. */
u32_t tcp_hook_isn(const ip_addr_t *local, u16_t local_port, const ip_addr_t *remote, u16_t remote_port);

#endif
