/*
 * The TLS 1.2 PRF with SHA-256 (RFC 5246, section 5: P_SHA256 over the
 * label and the seed chunks), computed with sha256_fast() -- the SHA-NI
 * rounds where the CPU has them. A br_tls_prf_impl: the same arguments and
 * output as BearSSL's br_tls12_sha256_prf, byte for byte. The TLS server
 * derives the master secret, the key block and both Finished messages with
 * it.
 */
#ifndef UNIHOST_CRYPTO_TLS12_PRF_H
#define UNIHOST_CRYPTO_TLS12_PRF_H

#include <bearssl.h>

void tls12_sha256_prf_fast(void *dst, size_t len, const void *secret, size_t secret_len, const char *label,
                           size_t seed_num, const br_tls_prf_seed_chunk *seed);

#endif
