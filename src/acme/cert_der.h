/*
 * The parts of an X.509 certificate's DER (RFC 5280 section 4.1) that
 * unihost reads itself, where BearSSL's decoders do not hand them out:
 * the TBSCertificate's fields up to the public key (the serial number and
 * the validity dates: cert_validity.h, ari_cert_id.h), and an extension's
 * value by its OID (the subjectAltName: cert_names.h; the Authority Key
 * Identifier: ari_cert_id.h). On der_read.h, every length checked against
 * its container; nothing here checks a signature.
 */
#ifndef UNIHOST_ACME_CERT_DER_H
#define UNIHOST_ACME_CERT_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acme/der_read.h"

/* The largest certificate read from a chain (pem_first_der's room). */
#define CERT_DER_MAX 8192

/* The contents of the TBSCertificate's fields up to subjectPublicKeyInfo. */
struct cert_fields {
    struct der_cursor serial, issuer, validity, subject;
};

/* Reads them; on success *rest is left at what follows the public key
 * (issuerUniqueID, subjectUniqueID, extensions). False if the DER is not
 * a certificate as far as that. */
bool cert_der_fields(const uint8_t *der, size_t len, struct cert_fields *f, struct der_cursor *rest);

/* The contents of the extnValue OCTET STRING of the extension whose OID
 * (DER contents) is oid[0..oid_len). False if the certificate does not
 * read as far as its extensions, has no such extension, or has it twice
 * (RFC 5280 section 4.2: never; reading one of two would be a guess). */
bool cert_der_extension(const uint8_t *der, size_t len, const uint8_t *oid, size_t oid_len, struct der_cursor *value);

#endif
