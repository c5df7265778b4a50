/*
 * A new connection from the port of one in TIME_WAIT (RFC 1122 4.2.2.13,
 * RFC 6191): lwIP answers such a SYN with an ACK for the old connection,
 * and the client, which knows nothing of it, retries until it gives up --
 * for a whole 2 MSL after every connection unihost closed first. Here a SYN
 * whose sequence number is past everything the old connection received
 * ends the TIME_WAIT and is handed to the listener instead.
 */
#ifndef UNIHOST_TCP_REUSE_H
#define UNIHOST_TCP_REUSE_H

#include "lwip/err.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

struct tcp_pcb;
struct tcp_hdr;

/* For lwIP's LWIP_HOOK_TCP_INPACKET_PCB on a TIME_WAIT pcb (tcp_hooks.h):
 * such a SYN is set aside (packet_replay.h) and the old connection ended. */
err_t tcp_reuse_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
                         u8_t *opt2, struct pbuf *p);

#endif
