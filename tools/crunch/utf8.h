/* Strict UTF-8 validation of page and template text. */
#ifndef CRUNCH_UTF8_H
#define CRUNCH_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the longest valid UTF-8 prefix of s[0..len): equal to len when
 * all of it is valid. Overlong forms, surrogates and code points above
 * U+10FFFF are invalid (RFC 3629).
 */
size_t utf8_valid_prefix(const uint8_t *s, size_t len);

/*
 * Reports "FILE:LINE: invalid UTF-8 ..." once for every line holding an
 * invalid sequence. Returns the number of lines reported.
 */
unsigned utf8_report_invalid(const char *file, const uint8_t *s, size_t len);

#endif
