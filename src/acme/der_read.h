/*
 * Reading DER (X.690) one TLV at a time, for the few fields of a
 * certificate unihost looks at itself (cert_der.h: its validity dates,
 * DNS names, serial and Authority Key Identifier) where BearSSL's
 * decoders do not hand them out. Every length is checked against its container; only definite
 * lengths of up to 4 bytes, which is all a certificate needs.
 */
#ifndef UNIHOST_ACME_DER_READ_H
#define UNIHOST_ACME_DER_READ_H

#include <stdbool.h>
#include <stdint.h>

/* The unread bytes of a container: [p, end). */
struct der_cursor {
    const uint8_t *p, *end;
};

/* Reads the TLV at c: its tag in *tag, its contents as *inner; c moves
 * past it. Returns false (c unchanged) if it does not fit in c. */
bool der_next(struct der_cursor *c, uint8_t *tag, struct der_cursor *inner);

#endif
