/* Reproducible gzip compression of HTTP bodies. */
#ifndef CRUNCH_GZIP_H
#define CRUNCH_GZIP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Compresses in[0..len) into a malloc'ed gzip stream (level 9, header mtime
 * 0, no file name, so the same input always gives the same bytes).
 * Returns 0, or -1 if zlib fails.
 */
int gzip_compress(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);

#endif
