/*
 * Completing the transport checksum of a frame netback delivered with
 * NETRXF_csum_blank (io/netif.h).
 *
 * A frame sent by dom0's own stack through the bridge can reach a frontend
 * as Linux hands it to a device with checksum offload: the TCP/UDP checksum
 * field holds only the pseudo-header sum, and netback flags the response
 * NETRXF_csum_blank (with NETRXF_data_validated: the data itself is good).
 * The guest asks for full checksums (feature-no-csum-offload=1 for IPv4; it
 * never offers feature-ipv6-csum-offload), and Debian 12's netback honoured
 * that in the real-Xen test (no blank frames). But the ABI defines the flag
 * on every rx response, "should" is all it says of the feature keys, and a
 * backend that ignores them (another netback, a driver domain) would make
 * lwIP -- which checks every checksum in software -- silently drop every
 * TCP/UDP frame of that family while ICMP still works. So the frontend does
 * the job the "hardware" was left: it fills the checksum in, and lwIP's
 * check then still guards the data.
 */
#ifndef UNIHOST_XEN_RX_CSUM_H
#define UNIHOST_XEN_RX_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Computes and stores the TCP or UDP checksum of the Ethernet frame (IPv4,
 * or IPv6 with no extension headers, unfragmented). false, frame unchanged,
 * for anything else (lwIP then judges it as it is). */
bool rx_csum_complete(uint8_t *frame, size_t len);

/* For diagnostics and tests: 1 if the frame is IPv4/IPv6 TCP/UDP with a
 * correct checksum, 0 if its checksum is wrong, -1 if not such a frame. */
int rx_csum_verify(const uint8_t *frame, size_t len);

#endif
