/* Reproducible brotli compression of HTTP bodies (RFC 7932). */
#ifndef CRUNCH_BROTLI_H
#define CRUNCH_BROTLI_H

#include <stddef.h>
#include <stdint.h>

/*
 * Compresses in[0..len) into a malloc'ed brotli stream at the highest
 * quality (11) and the default 4 MiB window: the blob is made once and
 * served many times, so the encoder's time buys every response's bytes.
 * The encoder is deterministic: the same input always gives the same
 * bytes, and so the same ETag. Returns 0, or -1 if the encoder fails.
 */
int brotli_compress(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);

/* The quality brotli_compress() uses from now on (0 to 11; 11 at first). */
void brotli_set_quality(int quality);

#endif
