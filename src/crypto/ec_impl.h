/*
 * The elliptic-curve code the TLS server gives BearSSL: our own 64-bit
 * X25519 (x25519.c) and P-256 generator multiplication and ECDSA signing
 * (p256.c), which are what a full handshake spends its time on, with
 * BearSSL's own implementations (ec_all_m31, ecdsa_i31) for everything else:
 * P-256 variable-base multiplication (ECDHE with a client that lacks
 * X25519), muladd (signature verification), P-384 and P-521. Same
 * conventions and results as BearSSL's, byte for byte; only faster.
 */
#ifndef UNIHOST_CRYPTO_EC_IMPL_H
#define UNIHOST_CRYPTO_EC_IMPL_H

#include <bearssl.h>

/* For br_ssl_engine_set_ec() and br_ssl_server_set_single_ec(). */
extern const br_ec_impl ec_impl_fast;

/* A br_ecdsa_sign (ASN.1 DER output): P-256 keys through p256.c, others
 * through BearSSL's br_ecdsa_i31_sign_asn1. */
size_t ec_ecdsa_sign_asn1_fast(const br_ec_impl *impl, const br_hash_class *hf, const void *hash_value,
                               const br_ec_private_key *sk, void *sig);

#endif
