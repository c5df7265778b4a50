/*
 * P-256 private keys as PEM ("EC PRIVATE KEY", RFC 5915 in RFC 7468's
 * text form): how the account key and the certificate key are kept
 * (--state-dir) and how the certificate key is handed to the TLS server,
 * whose loader (BearSSL's br_skey_decoder) reads this form, as openssl
 * does.
 */
#ifndef UNIHOST_ACME_KEY_PEM_H
#define UNIHOST_ACME_KEY_PEM_H

#include <stdbool.h>
#include <stddef.h>

#include "acme/jwk.h"

/* Writes the key's PEM (with its public point) into out[0..cap),
 * NUL-terminated. Returns its length, or 0 if cap is too small (300 bytes
 * are enough). The caller wipes out when done with it. */
size_t p256_key_pem_write(const struct p256_key *key, char *out, size_t cap);

/* Reads the first private key of a PEM text (SEC1 "EC PRIVATE KEY" or
 * PKCS#8 "PRIVATE KEY"). Returns false if there is none, or it is not a
 * valid P-256 key. */
bool p256_key_pem_read(struct p256_key *key, const char *pem, size_t len);

#endif
