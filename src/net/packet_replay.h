/*
 * Packets set aside while lwIP handles one, fed to IP input again once it
 * has returned (its input is not re-entrant): a SYN that ends a TIME_WAIT
 * (tcp_reuse.h), and for a connection made from a SYN cookie, the SYN made
 * for it and then the ACK that carried the cookie (syn_cookie.h).
 */
#ifndef UNIHOST_PACKET_REPLAY_H
#define UNIHOST_PACKET_REPLAY_H

#include <stdbool.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"

struct tcp_hdr;

#define PACKET_REPLAY_MAX 2

/*
 * A copy of the packet tcp_input() is handling, IP header included, in
 * wire order again (tcp_input turned the TCP header's fields to host order
 * in place). `hdr`, `optlen` and `p` are what lwIP's hooks get; the TCP
 * options must be in the first buffer. NULL if that is not so or memory is
 * short.
 */
struct pbuf *packet_copy_current(const struct tcp_hdr *hdr, u16_t optlen, const struct pbuf *p);

/* The length of the IP header (and extension headers) in front of the
 * current TCP header; 0 if it cannot be told. */
u16_t packet_ip_header_len(const struct tcp_hdr *hdr);

/* True if `count` more packets can be queued now. */
bool packet_replay_room(int count);

/* Queues a packet (taking it) to be fed to IP input after the current one;
 * `muted`: whatever lwIP sends while handling it is dropped. */
void packet_replay_add(struct pbuf *packet, bool muted);

/* Feeds the queued packets, in order. Call after every input. */
void packet_replay_run(struct netif *netif);

/* True while a queued packet is being fed (so a hook does not set the same
 * packet aside again). */
bool packet_replay_running(void);

#endif
