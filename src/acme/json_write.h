/*
 * Writing the JSON the ACME client sends (request payloads, JWS protected
 * headers, JWKs) into a caller's buffer. The caller writes the structure
 * ({, ", ", :) itself as raw text; what comes from outside (names, URLs,
 * nonces, contacts) goes through json_out_string, which escapes it. A
 * write that does not fit sets `overflow` and is dropped; later writes
 * are dropped too, so a caller checks once at the end.
 */
#ifndef UNIHOST_ACME_JSON_WRITE_H
#define UNIHOST_ACME_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>

struct json_out {
    char *buf;
    size_t cap;
    size_t len;         /* bytes written; buf[len] is kept a NUL while there is room */
    bool overflow;
};

void json_out_init(struct json_out *o, char *buf, size_t cap);

/* Appends s[0..len) as it is. */
void json_out_raw_n(struct json_out *o, const char *s, size_t len);
/* Appends the NUL-terminated s as it is. */
void json_out_raw(struct json_out *o, const char *s);
/* Appends s[0..len) as a JSON string, quotes included, escaping '"', '\'
 * and control characters (bytes >= 0x80 pass through: the caller's text
 * is UTF-8). */
void json_out_string_n(struct json_out *o, const char *s, size_t len);
void json_out_string(struct json_out *o, const char *s);
/* Appends bytes[0..len) base64url-encoded, as a JSON string. */
void json_out_base64url(struct json_out *o, const void *bytes, size_t len);

#endif
