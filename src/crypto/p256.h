/*
 * P-256 (secp256r1) for the TLS server's hot path: the generator
 * multiplication behind ECDHE key generation, and deterministic ECDSA
 * signing. BearSSL 0.6's portable code (ec_p256_m31, 31-bit limbs) spends
 * about 200 us per handshake signing; this code uses 64-bit limbs with
 * 128-bit products (GCC on x86_64), a run-time table of multiples of G and
 * complete addition formulas, and produces byte-identical results.
 *
 * Constant time: no branch and no memory index depends on a scalar or a
 * private key; only lengths and public values (the curve order, the
 * exponents used for inversions) shape the control flow. The exceptions
 * are outcomes BearSSL shows too: whether a private key is usable, and
 * whether RFC 6979 rejects a candidate nonce (probability about 2^-32).
 *
 * Freestanding: no allocation and no libc beyond memcpy/memset. The table
 * of multiples of G (53,248 bytes) is file-scope static storage, filled on
 * first use; the first call is not safe to make from two threads at once
 * (call p256_precompute() once at start-up where that matters).
 */
#ifndef UNIHOST_CRYPTO_P256_H
#define UNIHOST_CRYPTO_P256_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

/* Fills the table of multiples of G (about 1 ms) unless already done.
 * Optional: p256_mulgen and p256_ecdsa_sign_raw call it themselves. */
void p256_precompute(void);

/* R = (x mod n)*G, encoded uncompressed (0x04 || X || Y, 65 bytes).
 * x is big-endian, of any length (xlen 0 means zero); leading zero bytes
 * are allowed and values >= n are reduced. When x mod n == 0 the result is
 * the point at infinity, written as 0x04 followed by 64 zero bytes, which
 * is what br_ec_p256_m31.mulgen writes for 0 and for n.
 * Returns 65. Usable as the mulgen of a br_ec_impl: for every scalar BearSSL
 * passes (non-zero, below n) the output is byte-identical to
 * br_ec_p256_m31's. Out of that range BearSSL's incomplete formulas can
 * fail where these do not: for 32-byte inputs the one such value is n + 30,
 * for which br_ec_p256_m31 writes the point at infinity and this 30*G. */
size_t p256_mulgen(uint8_t R[65], const uint8_t *x, size_t xlen);

/* ECDSA signature over P-256, raw format (r || s, 32 bytes each), with the
 * RFC 6979 deterministic nonce derived exactly as br_ecdsa_i31_sign_raw
 * derives it (HMAC_DRBG over hf, seeded with the key and the reduced hash),
 * so the signature is byte-identical to BearSSL's for the same inputs.
 * hash_value holds hf's output length of bytes; it is truncated to 256
 * bits and reduced mod n as in BearSSL.
 * Returns 64, or 0 (sig untouched) when sk->curve is not
 * BR_EC_secp256r1 or the private key is not in [1, n-1] (any sk->xlen,
 * leading zeros allowed). */
size_t p256_ecdsa_sign_raw(const br_hash_class *hf, const void *hash_value,
                           const br_ec_private_key *sk, void *sig);

/*
 * Arithmetic hooks for the unit tests, on 32-byte big-endian integers and
 * through the same code as above. p is the field prime, n the group order.
 * Inputs of the mod p functions must be < p, those of the mod n functions
 * < n (except p256_fn_reduce's). Inverses of 0 are 0. The products square
 * instead (with the squaring code) when a and b are the same array.
 */
void p256_fp_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]);
void p256_fp_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]);
void p256_fp_mul(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]);
void p256_fp_inv(uint8_t r[32], const uint8_t a[32]);
void p256_fn_mul(uint8_t r[32], const uint8_t a[32], const uint8_t b[32]);
void p256_fn_inv(uint8_t r[32], const uint8_t a[32]);
/* r = x mod n for a big-endian x of any length. */
void p256_fn_reduce(uint8_t r[32], const uint8_t *x, size_t xlen);

#endif
