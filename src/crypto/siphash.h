/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash, the
 * pseudorandom function RFC 9018 names for DNS server cookies, and a
 * keyed hash for tables a client can fill (response-rate limiting), where
 * an unkeyed hash would let one aim every entry at one bucket.
 *
 * The key is 16 bytes and the result is the 64-bit value of the
 * reference implementation; siphash24_bytes() gives it as the reference
 * prints it, 8 bytes little-endian. Constant time in the key and the data
 * (it depends only on the length). Freestanding: no library calls.
 */
#ifndef UNIHOST_SIPHASH_H
#define UNIHOST_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const uint8_t *data, size_t len);

/* The hash as 8 bytes, least significant first (RFC 9018's byte order). */
void siphash24_bytes(const uint8_t key[SIPHASH_KEY_LEN], const uint8_t *data, size_t len, uint8_t out[8]);

#endif
