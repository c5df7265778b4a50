/* PEM text to DER bytes, object by object, on BearSSL's PEM decoder: what
 * the TLS credentials (http/tls_server.c) and the key that signs pushed
 * content (crypto/blob_signature.c) are read with. */
#ifndef UNIHOST_PEM_WALK_H
#define UNIHOST_PEM_WALK_H

#include <stddef.h>
#include <stdint.h>

/* Where an object's DER bytes go, as BearSSL's decoder hands them out. */
typedef void (*pem_der_dest)(void *ctx, const void *data, size_t len);

/*
 * Runs the decoder over pem[0..len), calling `object` at the start of each
 * object with its name (it returns the sink for the object's bytes and sets
 * *dest_ctx, or returns NULL to skip them) and `done` at its end: 0 goes
 * on, a positive value stops the walk there (the rest of the text is not
 * read), a negative one fails it. Returns 0, or -1 if the text is not valid
 * PEM, an object has no end, or `done` failed.
 */
int pem_walk(const char *pem, size_t len, pem_der_dest (*object)(void *arg, const char *name, void **dest_ctx),
             int (*done)(void *arg), void *arg);

/* The DER of the text's first object called `name` (e.g. "CERTIFICATE":
 * the leaf of a chain) into der[0..cap). Returns its length, or 0 if the
 * text is not valid PEM, has no such object, or it is larger than cap. */
size_t pem_first_der(const char *pem, size_t len, const char *name, uint8_t *der, size_t cap);

#endif
