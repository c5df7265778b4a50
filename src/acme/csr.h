/*
 * A PKCS#10 certificate signing request (RFC 2986) for ACME's finalize
 * (RFC 8555 section 7.4): a P-256 key, a subject of CN = the first name,
 * and every name (wildcards included) in a subjectAltName extension
 * request, signed ECDSA with SHA-256 (the subject is empty when the first
 * name is too long for a CN).
 */
#ifndef UNIHOST_ACME_CSR_H
#define UNIHOST_ACME_CSR_H

#include <stddef.h>
#include <stdint.h>

#include "acme/jwk.h"

/* Writes the CSR's DER into out[0..cap) and returns its length, or 0 if
 * there are no names, one is not a valid identifier (dns_identifier.h),
 * or cap is too small. out is also the working space: the request is
 * built at its end and moved to its start. */
size_t csr_write(uint8_t *out, size_t cap, const struct p256_key *key, const char *const *names, size_t name_count);

#endif
