/*
 * A keyed hash of a TCP connection's addresses and ports (and two more
 * words), under a secret drawn from the platform's randomness when first
 * needed: HMAC-SHA-256 (BearSSL's HMAC over the fastest SHA-256 here),
 * truncated to 32 bits. What an off-path attacker must not be able to
 * guess: initial sequence numbers (RFC 6528) and SYN cookies.
 */
#ifndef UNIHOST_TCP_KEYED_HASH_H
#define UNIHOST_TCP_KEYED_HASH_H

#include <stdint.h>

#include "lwip/ip_addr.h"

uint32_t tcp_keyed_hash(const ip_addr_t *local, uint16_t local_port, const ip_addr_t *remote,
                        uint16_t remote_port, uint32_t a, uint32_t b);

/* An initial sequence number, RFC 6528 3: a 4-microsecond clock plus the
 * keyed hash of the connection's addresses and ports. */
uint32_t tcp_initial_sequence(const ip_addr_t *local, uint16_t local_port, const ip_addr_t *remote,
                              uint16_t remote_port);

#endif
