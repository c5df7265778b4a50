/*
 * DER output written back to front (the way BearSSL and most DER writers
 * that must not allocate do it): a structure's contents are written first,
 * so its length is known when its tag and length are put in front of them.
 * The result is buf[start..cap). A write that does not fit sets `overflow`
 * and is dropped, as are all later ones.
 */
#ifndef UNIHOST_ACME_DER_WRITE_H
#define UNIHOST_ACME_DER_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct der_out {
    uint8_t *buf;
    size_t cap;
    size_t start;       /* the written bytes are buf[start..cap) */
    bool overflow;
};

void der_out_init(struct der_out *d, uint8_t *buf, size_t cap);

/* Bytes written so far: remember it before a structure's contents, and
 * hand it to der_wrap after them. */
static inline size_t der_mark(const struct der_out *d)
{
    return d->cap - d->start;
}

/* Puts bytes[0..len) in front of what is written. */
void der_put(struct der_out *d, const void *bytes, size_t len);

/* Puts the tag and the definite length of everything written since
 * `mark` in front of it. */
void der_wrap(struct der_out *d, uint8_t tag, size_t mark);

#endif
