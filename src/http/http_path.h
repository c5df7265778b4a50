/*
 * Turning a request target into the path the blob is searched by:
 * absolute-form reduced to its path, query dropped, percent-decoding, then
 * dot-segment removal (RFC 3986 5.2.4), so no spelling reaches anything but
 * a blob entry.
 */
#ifndef UNIHOST_HTTP_PATH_H
#define UNIHOST_HTTP_PATH_H

#include <stddef.h>

/*
 * Normalises target[0..len) into out (room for out_size bytes). Returns the
 * path length (> 0, starting with '/'), or 0 if the target is malformed: not
 * origin- or absolute-form, a bad %-escape, an encoded NUL or '/', or too long.
 */
size_t http_path_normalize(const char *target, size_t len, char *out, size_t out_size);

#endif
