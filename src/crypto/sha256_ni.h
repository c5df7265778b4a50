/*
 * SHA-256 on the x86 SHA extensions (SHA-NI), behind BearSSL's hash-class
 * interface, so that everything BearSSL and the TLS server hash with
 * SHA-256 -- the handshake transcript, the TLS 1.2 PRF, the engine's
 * HMAC-DRBG, RFC 6979 nonces -- runs on the CPU's SHA rounds instead of
 * BearSSL's portable ones: 155 -> 134 us of server CPU per full handshake
 * (build/bench/tls_handshake).
 *
 * The context is BearSSL's own br_sha256_context, used with the same
 * meaning (buffered bytes, byte count, the eight state words), so the
 * state()/set_state() encodings that br_hmac and br_multihash exchange are
 * interchangeable with br_sha256_vtable's, and the results are the same,
 * byte for byte. SHA-256 has no secret-dependent branches or indices here
 * either: only lengths steer the code.
 */
#ifndef UNIHOST_CRYPTO_SHA256_NI_H
#define UNIHOST_CRYPTO_SHA256_NI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

/* SHA-256 on the SHA extensions. Use only where sha256_ni_available(). */
extern const br_hash_class sha256_ni_vtable;

/* Whether this CPU has the SHA extensions (and the SSSE3 and SSE4.1 the
 * rounds also use). CPUID is asked once. */
bool sha256_ni_available(void);

/* The fastest SHA-256 here: sha256_ni_vtable where the CPU has it, else
 * BearSSL's br_sha256_vtable. */
const br_hash_class *sha256_fast(void);

/* The SHA-256 of one piece of memory, on sha256_fast(): blobs (checked when
 * opened, at start-up and at each swap) and crunch's ETags. */
void sha256_fast_digest(const void *data, size_t len, uint8_t digest[32]);

#endif
