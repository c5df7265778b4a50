/*
 * The URI pieces of a request (RFC 3986 as HTTP uses it): turning a request
 * target into the path the blob is searched by (absolute-form reduced to its
 * path, query dropped, percent-decoding, then dot-segment removal, so no
 * spelling reaches anything but a blob entry); writing a path or a target
 * back as a URI reference for a Location header, percent-encoded, so no byte
 * of a request can end a header line or make the reference mean something
 * else; and checking a Host value.
 */
#ifndef UNIHOST_HTTP_PATH_H
#define UNIHOST_HTTP_PATH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Normalises target[0..len) into out (room for out_size bytes). Returns the
 * path length (> 0, starting with '/'), or 0 if the target is malformed: not
 * origin- or absolute-form, a bad %-escape, an encoded NUL or '/', or too long.
 */
size_t http_path_normalize(const char *target, size_t len, char *out, size_t out_size);

/*
 * Writes a decoded path (as http_path_normalize gives, starting with '/') as
 * an absolute-path URI reference: every byte but unreserved, sub-delims,
 * ':', '@' and '/' percent-encoded (so "%", "?", "#", spaces, CR, LF and
 * non-ASCII bytes too); a path starting with "//" gets "/." in front, so it
 * cannot be read as an authority. Returns the length (no NUL), or 0 if it
 * does not fit in out_size bytes.
 */
size_t http_path_to_location(const char *path, size_t len, char *out, size_t out_size);

/*
 * Writes the path and query of a request target, as received (starting
 * with '/', or '?' after an absolute-form authority), for a Location: bytes
 * a URI cannot hold are percent-encoded, well-formed %-escapes kept as they
 * are, a '%' starting none encoded as "%25", and a fragment (never valid in
 * a request target) dropped. Returns the length (no NUL), or 0 if it does
 * not fit in out_size bytes.
 */
size_t http_target_to_location(const char *target, size_t len, char *out, size_t out_size);

/*
 * Is value[0..len) a valid Host field value (RFC 9110 7.2: uri-host
 * [":" port], RFC 3986 3.2.2)? A name or IPv4 address (unreserved,
 * sub-delims and %-escapes; empty allowed), or an IP literal in brackets;
 * then an optional ':' and digits. Whitespace around it must be trimmed.
 */
bool http_host_valid(const char *value, size_t len);

#endif
