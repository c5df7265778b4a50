/*
 * A certificate's ARI CertID (RFC 9773 section 4.1): base64url (no
 * padding) of the keyIdentifier of its Authority Key Identifier extension,
 * ".", base64url of its serial number's DER contents (the INTEGER's bytes
 * without tag and length, so a leading 0x00 stays). It names the
 * certificate in renewalInfo/<CertID> and in a renewal order's "replaces"
 * (RFC 9773 section 5).
 */
#ifndef UNIHOST_ACME_ARI_CERT_ID_H
#define UNIHOST_ACME_ARI_CERT_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A keyIdentifier is a hash (20 bytes from SHA-1 in RFC 5280's method 1,
 * 32 from SHA-256), a serial at most 20 bytes (RFC 5280 section 4.1.2.2)
 * and its sign byte; larger ones are refused, not cut. */
#define ARI_KEY_ID_MAX 64
#define ARI_SERIAL_MAX 21
/* 86 + 1 + 28 characters and the NUL. */
#define ARI_CERT_ID_MAX 120

/* The CertID of the certificate der[0..len) into out[0..cap), followed by
 * a NUL. Returns false if the DER is not a certificate, it has no
 * Authority Key Identifier with a keyIdentifier (or two of them), the
 * serial or the keyIdentifier is empty or too long, or cap is too small. */
bool ari_cert_id(const uint8_t *der, size_t len, char *out, size_t cap);

/* The same for the first certificate of a PEM chain. */
bool ari_cert_id_pem(const char *pem, size_t len, char *out, size_t cap);

/* Is s (NUL-terminated) shaped like a CertID: two non-empty base64url
 * parts joined by one ".", shorter than ARI_CERT_ID_MAX? */
bool ari_cert_id_valid(const char *s);

#endif
