/*
 * Domain names in wire format, and the reversed-label keys the blob sorts
 * them by (see blob_format.h). Shared by crunch, which sorts names, the
 * blob reader, which checks them, and the DNS engine, which searches them
 * (see dns_wire.h for why they live in src/wire/); no allocation.
 */
#ifndef UNIHOST_DNS_NAME_H
#define UNIHOST_DNS_NAME_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX 255        /* wire length, root label included */
#define DNS_LABEL_MAX 63

/*
 * Length of the uncompressed wire name at p (root label included), reading at
 * most `avail` bytes; 0 if it is malformed, compressed or longer than 255.
 */
size_t dns_name_wire_len(const uint8_t *p, size_t avail);

/* ASCII lower-casing of a wire name (labels keep their length bytes). */
void dns_name_lower(uint8_t *dst, const uint8_t *src, size_t len);

/*
 * Writes the lower-cased reversed-label key of a valid wire name to `key`
 * (room for DNS_NAME_MAX bytes) and returns its length.
 */
size_t dns_name_to_key(const uint8_t *wire, size_t len, uint8_t *key);

/* DNSSEC canonical order of two keys: <0, 0 or >0. */
int dns_key_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* Number of labels in a wire name, root excluded. */
unsigned dns_name_label_count(const uint8_t *wire);

/* Case-insensitive equality of two wire names. */
/* Skips the name at msg[off] inside a message, without following a
 * compression pointer (a pointer ends the name in place): returns the
 * offset after it, 0 if it runs past len or is malformed. */
size_t dns_name_skip(const uint8_t *msg, size_t len, size_t off);

int dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);


/* Wire name `name` (at most `len` bytes) in presentation form, as zone
 * files write it ("example.com.", "." for the root; \. and \\ inside
 * labels, \DDD for other bytes), into out[0..room), cut to fit, followed
 * by a NUL when there is room. Returns its length without the NUL. Safe
 * on bytes from anyone: nothing a client sends comes out as a control
 * character. */
size_t dns_name_text(const uint8_t *name, size_t len, char *out, size_t room);

/* A host name in text ("www.example.org", a final dot allowed) in wire
 * form, lower case, into wire[0..DNS_NAME_MAX): its length, or 0 unless
 * every label is 1 to 63 of letters, digits, '-' and '_' (host names and
 * the underscore labels of service names; nothing that needs escaping)
 * and the whole fits 255 bytes. */
size_t dns_name_from_host(const char *text, uint8_t wire[DNS_NAME_MAX]);

/* Reads the name at msg[off], following compression pointers (each must
 * point before the labels it ends, so a loop of them is refused), into
 * out[0..DNS_NAME_MAX) uncompressed and in lower case, its length in
 * *out_len. Returns the offset after the name where it stands in the
 * message, 0 if it is malformed. */
size_t dns_name_read(const uint8_t *msg, size_t len, size_t off, uint8_t out[DNS_NAME_MAX], size_t *out_len);

#endif
