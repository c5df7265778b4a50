/*
 * Strict-Transport-Security for HTTPS responses, added by the transport to
 * the header block the HTTP engine produced (the engine knows nothing of
 * TLS). Kept apart so that it can move into the engine as an option.
 */
#ifndef UNIHOST_HTTP_HSTS_H
#define UNIHOST_HTTP_HSTS_H

#include <stddef.h>
#include <stdint.h>

#define HSTS_LINE_MAX 64

/* Writes "Strict-Transport-Security: max-age=N\r\n" into line (room for
 * HSTS_LINE_MAX bytes); returns its length. */
size_t hsts_line(char line[HSTS_LINE_MAX], uint32_t max_age);

/*
 * Where a header line goes in `head`, the start of a response as the engine
 * offers it: the offset of the empty line that ends the header block, if
 * `head` starts with a status line ("HTTP/1.x ") and holds the whole block;
 * 0 otherwise (then nothing is added).
 */
size_t hsts_insert_at(const uint8_t *head, size_t len);

#endif
