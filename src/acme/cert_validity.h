/*
 * When a certificate is valid: notBefore and notAfter of an X.509
 * certificate (RFC 5280 section 4.1.2.5), read from its DER, for the
 * renewal schedule. BearSSL's decoders check validity but do not hand the
 * dates out. The certificate is read as far as its public key (cert_der.h,
 * every length checked against its container); the signature is not
 * checked here: the chain came over a TLS connection to the CA.
 */
#ifndef UNIHOST_ACME_CERT_VALIDITY_H
#define UNIHOST_ACME_CERT_VALIDITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Seconds since 1970-01-01T00:00:00Z of both dates. Returns false if the
 * DER is not a certificate as far as its public key, or a date is not a
 * valid UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
bool cert_validity(const uint8_t *der, size_t len, int64_t *not_before, int64_t *not_after);

/* The same for the first certificate of a PEM chain. */
bool cert_validity_pem(const char *pem, size_t len, int64_t *not_before, int64_t *not_after);

#endif
