/*
 * An ACME account key (or a certificate key): a P-256 private key and its
 * public point, the key's JWK (RFC 7517/7518 section 6.2) and the JWK's
 * thumbprint (RFC 7638), which key authorisations are built from (RFC
 * 8555 section 8.1).
 */
#ifndef UNIHOST_ACME_JWK_H
#define UNIHOST_ACME_JWK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acme/json_write.h"

struct p256_key {
    uint8_t secret[32];     /* big-endian, in [1, n-1]; wipe with p256_key_wipe */
    uint8_t point[65];      /* 0x04 || X || Y */
};

/* Sets up the key for the secret (32 bytes, big-endian). Returns false if
 * the secret is not in [1, n-1]: for a fresh key, draw 32 random bytes
 * and try again (this fails with probability about 2^-32). */
bool p256_key_init(struct p256_key *key, const uint8_t secret[32]);

/* Wipes the key's secret (and its public point). */
void p256_key_wipe(struct p256_key *key);

/* Appends the public key's JWK in RFC 7638's canonical form (members in
 * lexicographic order, no whitespace), which is also how it is sent in a
 * JWS header: {"crv":"P-256","kty":"EC","x":"...","y":"..."}. */
void jwk_write(struct json_out *out, const struct p256_key *key);

/* base64url(SHA-256(canonical JWK)): 43 characters and a NUL. */
#define JWK_THUMBPRINT_LEN 43
void jwk_thumbprint(const struct p256_key *key, char out[JWK_THUMBPRINT_LEN + 1]);

#endif
