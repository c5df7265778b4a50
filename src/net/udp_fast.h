/*
 * UDP request/response services answered below lwIP. A service whose
 * answer depends only on the datagram (DNS on port 53) registers one
 * function; the netif adapter offers it every received frame first, and a
 * frame that is plainly an IPv4 datagram for that port is answered in
 * place: the answer is written once, straight into the frame that goes
 * out, with no pbuf, no copy and no walk through lwIP's layers.
 *
 * "Plainly" means what lwIP would accept and answer the same way: unicast
 * to our MAC and our IPv4 address, no IP options, not a fragment, checksums
 * right, UDP length matching the IP length, from a unicast source whose
 * MAC lwIP's ARP cache already holds (the next hop lwIP would pick). Any
 * other frame -- IPv6, broadcast, a client not in the ARP cache yet -- goes
 * to lwIP as before, and reaches the same function through the service's
 * udp_recv callback. The reply is as lwIP's would be: TTL UDP_TTL, no DF,
 * full UDP checksum. One reply per ARP entry every 10 seconds goes through
 * lwIP too, so that lwIP renews the entries in use (see udp_fast.c).
 */
#ifndef UNIHOST_UDP_FAST_H
#define UNIHOST_UDP_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stream.h"
#include "lwip/netif.h"

/* Largest answer a service may write (what fits one 1500-byte frame over
 * IPv6 too, so a service sizes its answers once for both paths). */
#define UDP_FAST_ANSWER_MAX 1232

/*
 * Answers msg[0..len) from `peer` into out (room for `room` bytes);
 * returns the answer's length, or 0 for no answer (the datagram is
 * dropped).
 */
typedef size_t (*udp_fast_answer_fn)(const struct stream_peer *peer, const uint8_t *msg, size_t len,
                                     uint8_t *out, size_t room);

/* Registers the service on `port` (one service; a second call replaces
 * it). */
void udp_fast_register(uint16_t port, udp_fast_answer_fn answer);

/*
 * Offers a received frame. True if it was handled here (answered, or
 * dropped because the service gave no answer); false if it must go to
 * lwIP (which drops what is malformed, a bad checksum included).
 */
bool udp_fast_input(struct netif *netif, const uint8_t *frame, size_t len);

#endif
