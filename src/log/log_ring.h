/*
 * A bounded ring of bytes for a log sink's pending lines. The event loop
 * puts lines in as they happen and hands them to the sink when it can take
 * them (src/core/log.c): a sink that cannot keep up never makes serving
 * wait. A line that does not fit is dropped whole and counted, never cut
 * or mixed with another. Records are opaque bytes to the ring; a caller
 * puts each as two pieces (a header and a text) so it needs no copy first.
 */
#ifndef UNIHOST_LOG_RING_H
#define UNIHOST_LOG_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct log_ring {
    uint8_t *buf;
    size_t size;
    size_t start, len;          /* the pending bytes: buf[start ..] wrapping, len of them */
    unsigned long dropped;      /* records refused for want of room */
};

/* An empty ring over the caller's `size` bytes. */
void log_ring_init(struct log_ring *r, void *buf, size_t size);

/*
 * Appends a[0..alen) then b[0..blen) as one record if the ring then holds
 * at most `limit` bytes (at most its size): a caller keeps part of the
 * ring for lines of its own by giving others a lower limit. Otherwise adds
 * nothing, counts a drop, and returns false.
 */
bool log_ring_put(struct log_ring *r, const void *a, size_t alen, const void *b, size_t blen, size_t limit);

/* The same in steps, for a record of more pieces: log_ring_reserve() says
 * whether n more bytes fit under `limit` (if not, counts a drop), and the
 * caller that was told yes then appends exactly n bytes of pieces. */
bool log_ring_reserve(struct log_ring *r, size_t n, size_t limit);
void log_ring_append(struct log_ring *r, const void *piece, size_t n);

/* The oldest pending bytes that lie in one piece; returns how many. */
size_t log_ring_contiguous(const struct log_ring *r, const uint8_t **data);

/* Copies n pending bytes from `offset` (from the oldest) into out; returns
 * how many there were (fewer if the ring holds fewer). */
size_t log_ring_copy(const struct log_ring *r, size_t offset, void *out, size_t n);

/* Forgets the n oldest bytes (they were written out). */
void log_ring_consume(struct log_ring *r, size_t n);

#endif
