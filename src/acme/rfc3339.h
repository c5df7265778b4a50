/*
 * Internet date-time (RFC 3339 section 5.6), as ACME sends times: the
 * "start" and "end" of a renewal window (RFC 9773), e.g.
 * "2025-01-02T04:00:00Z" or "2025-01-02T05:30:00.123+01:30". Strict to
 * the grammar: "T" or "t" between date and time, a fraction of a second
 * of at most 9 digits (dropped: a window is planned in whole seconds), an
 * offset "Z", "z" or +hh:mm/-hh:mm. A leap second (second 60) is read as
 * the second after second 59, which is where the next one begins.
 */
#ifndef UNIHOST_ACME_RFC3339_H
#define UNIHOST_ACME_RFC3339_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Seconds since 1970-01-01T00:00:00Z of s[0..len), or false (*seconds
 * untouched) if it is not a date-time of years 0001 to 9999. */
bool rfc3339_parse(const char *s, size_t len, int64_t *seconds);

#endif
