/* The lwIP network interface over the platform's one Ethernet device. */
#ifndef UNIHOST_NETIF_PLATFORM_H
#define UNIHOST_NETIF_PLATFORM_H

#include <stdbool.h>

#include "core/config.h"
#include "lwip/netif.h"

/* Adds and brings up the interface with cfg's addresses; returns it. */
struct netif *netif_platform_start(const struct unihost_config *cfg);

/*
 * Hands up to `budget` pending frames to lwIP. Returns the number handled,
 * or -1 if the device failed.
 */
int netif_platform_poll(struct netif *netif, int budget);

/*
 * The largest TCP payload one wire frame carries (IPv4 or IPv6, no options):
 * the MSS to advertise, whatever MTU lwIP was given for segmentation
 * offload.
 */
u16_t netif_platform_wire_mss(bool ipv6);

struct tcp_pcb;
/*
 * Lets an accepted connection send segments as large as the platform's TCP
 * segmentation offload takes (plat_net_info's tcp_segment_max), when it
 * has one and the peer's MSS covers a full MTU. Changes nothing otherwise.
 */
void netif_platform_tune_tcp(struct tcp_pcb *pcb);

/* While on, frames lwIP sends are dropped (packet_replay.h: lwIP's SYN-ACK
 * for a SYN made from a cookie, which the client already had). */
void netif_platform_mute(bool on);

#endif
