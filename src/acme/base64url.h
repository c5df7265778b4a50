/*
 * base64url without padding (RFC 4648 section 5, as JWS uses it, RFC 7515
 * section 2): the encoding of every binary field ACME sends and receives.
 * Decoding is strict: only the URL-safe alphabet, no padding, no
 * whitespace, and unused trailing bits must be zero, so each byte string
 * has exactly one encoding that is accepted. Standard base64 (with '+',
 * '/' and padding) is written too, for PEM.
 */
#ifndef UNIHOST_ACME_BASE64URL_H
#define UNIHOST_ACME_BASE64URL_H

#include <stddef.h>
#include <stdint.h>

/* Characters base64url_encode writes for len bytes (without a NUL). */
static inline size_t base64url_encoded_len(size_t len)
{
    return len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
}

/* Encodes in[0..len) into out, followed by a NUL. Returns the length
 * without the NUL, or -1 (out untouched) if cap is too small for both. */
long base64url_encode(const void *in, size_t len, char *out, size_t cap);

/* Standard base64 with padding (RFC 4648 section 4), for PEM: the same
 * contract as base64url_encode, (len + 2) / 3 * 4 characters. */
long base64_encode(const void *in, size_t len, char *out, size_t cap);

/* Decodes in[0..len) into out[0..cap). Returns the decoded length, or -1
 * if the text is not canonical unpadded base64url or does not fit. */
long base64url_decode(const char *in, size_t len, uint8_t *out, size_t cap);

#endif
