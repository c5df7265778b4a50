/*
 * JWS with ES256 in the flattened JSON serialisation, as every ACME
 * request body is (RFC 7515 section 7.2.2, RFC 7518 section 3.4, RFC 8555
 * section 6.2): a protected header naming the algorithm, the nonce, the
 * URL and either the account's URL (kid) or, before there is an account,
 * its public key (jwk); a payload (empty for POST-as-GET); and the
 * signature r || s over "protected.payload".
 */
#ifndef UNIHOST_ACME_JWS_H
#define UNIHOST_ACME_JWS_H

#include <stdbool.h>
#include <stddef.h>

#include "acme/json_write.h"
#include "acme/jwk.h"

/* Appends {"protected":...,"payload":...,"signature":...} to out.
 * kid is the account URL, or NULL to send the key itself (newAccount,
 * and revocation by certificate key). payload[0..payload_len) is the
 * request's JSON, or empty for POST-as-GET. Returns false if out is too
 * small (or was already overflowed). Deterministic: ECDSA's nonce is
 * RFC 6979's. */
bool jws_write(struct json_out *out, const struct p256_key *key, const char *kid, const char *nonce, const char *url,
               const char *payload, size_t payload_len);

#endif
