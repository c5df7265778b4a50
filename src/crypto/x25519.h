/*
 * X25519 (RFC 7748): Curve25519 Montgomery-ladder scalar multiplication,
 * with 64-bit limbs, as a faster stand-in for BearSSL's br_ec_c25519_m31
 * behind its br_ec_impl mul and mulgen methods (the `curve` argument is the
 * caller's to drop: there is only one curve here).
 *
 * Conventions are BearSSL 0.6's, byte for byte, whatever bearssl_ec.h says
 * about big-endian multipliers: its Curve25519 code takes the multiplier as
 * RFC 7748 does, little-endian, and pads a short one with zero bytes at the
 * high end (after the given bytes). So an RFC 7748 scalar is passed as it
 * is printed, not reversed. The multiplier is then clamped: byte 0 &= 0xF8,
 * byte 31 &= 0x7F then |= 0x40.
 *
 * Points are 32-byte little-endian u-coordinates; the top bit of byte 31 is
 * ignored, and a u of p = 2^255-19 or more is taken mod p. Results are
 * always canonical (below p). An all-zero result (small-order input point)
 * is not an error here, as in BearSSL: the caller checks for it if it must.
 *
 * Constant time in the multiplier and the point: no branch or memory index
 * depends on either. Freestanding: no allocation, no library calls beyond
 * what the compiler may emit for mem* functions.
 */
#ifndef UNIHOST_X25519_H
#define UNIHOST_X25519_H

#include <stddef.h>
#include <stdint.h>

/*
 * G (the 32-byte u-coordinate, updated in place) := x*G, x as above, of
 * xlen <= 32 bytes (xlen 0 is allowed: the clamped multiplier is then
 * 2^254). Returns 1; 0 if the product is all zero (G was a point of small
 * order, which RFC 7748 6.1 says to refuse), decided in constant time.
 * Returns 0, with G untouched, if Glen != 32 or xlen > 32. x must not
 * overlap G.
 */
uint32_t x25519_mul(uint8_t *G, size_t Glen, const uint8_t *x, size_t xlen);

/*
 * R (32 bytes) := x*9, the public key of private multiplier x. Returns 32,
 * always: if xlen > 32 there is no product, and R holds the base point
 * itself (9), exactly as br_ec_c25519_m31.mulgen leaves it. x must not
 * overlap R.
 */
size_t x25519_mulgen(uint8_t *R, const uint8_t *x, size_t xlen);

#endif
