/*
 * The DNS names a certificate is for: the dNSName entries of its
 * subjectAltName extension (RFC 5280 section 4.2.1.6), which is what
 * browsers match (not the subject's CN). unihost asks this of a
 * certificate it kept (acme_state.h): one saved for other names than the
 * configured ones is not served. BearSSL checks a name against them only
 * while validating a chain up to a trust anchor, and hands none out.
 */
#ifndef UNIHOST_ACME_CERT_NAMES_H
#define UNIHOST_ACME_CERT_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the certificate (DER) lists `name` among its subjectAltName's
 * dNSNames, compared without regard to ASCII case. A wildcard is a name
 * like any other here: "*.example.org" is listed only by the same
 * wildcard, as the CA issued it, and does not stand for www.example.org.
 * False as well if the DER does not read as a certificate as far as its
 * extensions, or has no subjectAltName. */
bool cert_names_lists(const uint8_t *der, size_t len, const char *name);

#endif
