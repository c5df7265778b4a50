/*
 * SYN cookies (RFC 4987 3.6). lwIP keeps a pcb for every SYN it answers
 * until the handshake completes or times out (20 s), so spoofed SYNs at a
 * modest rate would hold every pcb. Past TCP_HALF_OPEN_MAX half-open
 * connections on a listener, a SYN is answered here instead, statelessly:
 * the SYN-ACK's sequence number is a cookie, a keyed hash of the
 * connection's addresses and ports, the client's sequence number, a
 * 64-second clock and the client's MSS (rounded down to one of four). An
 * ACK to the listener that returns a valid cookie (for this clock period
 * or the last) makes the connection: a SYN is made for it with the
 * client's sequence number and MSS and fed to lwIP (its SYN-ACK muted: the
 * client had ours), lwIP's initial sequence number for it is the cookie,
 * and then the ACK itself is fed, which completes the handshake as if the
 * SYN had been kept. As with every SYN cookie scheme, options other than
 * the MSS (window scaling) are lost for such connections.
 */
#ifndef UNIHOST_SYN_COOKIE_H
#define UNIHOST_SYN_COOKIE_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"

struct tcp_pcb;
struct tcp_hdr;

/* For lwIP's LWIP_HOOK_TCP_INPACKET_PCB on a listening pcb (tcp_hooks.h):
 * answers SYNs with cookies past the half-open bound, and turns ACKs that
 * return a valid cookie into connections. ERR_OK lets lwIP go on. */
err_t syn_cookie_listen_input(struct tcp_pcb *listener, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
                              u8_t *opt2, struct pbuf *p);

/* For lwIP's LWIP_HOOK_TCP_ISN: true, with the cookie in *isn, for the SYN
 * made from a cookie; false for every other connection. */
bool syn_cookie_isn(const ip_addr_t *local, u16_t local_port, const ip_addr_t *remote, u16_t remote_port,
                    uint32_t *isn);

/* Counters for the stats line: SYN-ACKs sent with a cookie, connections
 * made from a returned cookie. */
extern unsigned long syn_cookies_sent, syn_cookies_accepted;

#endif
