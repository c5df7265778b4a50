/*
 * The CA roots an ACME client's HTTPS connections trust (--acme-ca FILE):
 * the certificates of a PEM file turned into BearSSL trust anchors for
 * br_x509_minimal, in fixed storage. A CA certificate anchors chains; a
 * certificate without the CA flag is trusted as that server's own
 * certificate only (BearSSL's rule for non-CA anchors).
 */
#ifndef UNIHOST_ACME_CA_ROOTS_H
#define UNIHOST_ACME_CA_ROOTS_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#define CA_ROOTS_MAX 8
#define CA_ROOTS_STORAGE 8192   /* the anchors' names and keys */

struct ca_roots {
    br_x509_trust_anchor anchors[CA_ROOTS_MAX];
    size_t count;
    uint8_t storage[CA_ROOTS_STORAGE];
    size_t used;
    uint8_t der[8192];          /* the certificate being read */
    size_t der_len;
    int error;
};

/* Loads every CERTIFICATE of pem[0..len). Returns the number of anchors,
 * or -1 if the text is not PEM, a certificate cannot be decoded, has a key
 * other than RSA or EC, or the limits are exceeded. */
int ca_roots_load(struct ca_roots *roots, const char *pem, size_t len);

#endif
