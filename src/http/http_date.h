/* HTTP dates (RFC 9110 5.6.7): formatting IMF-fixdate, parsing it back. */
#ifndef UNIHOST_HTTP_DATE_H
#define UNIHOST_HTTP_DATE_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_DATE_LEN 29    /* "Sun, 06 Nov 1994 08:49:37 GMT" */

/* Writes the IMF-fixdate of `seconds` since the epoch (29 bytes, no NUL). */
void http_date_format(uint64_t seconds, char out[HTTP_DATE_LEN]);

/* The UTC calendar date of `seconds` since the epoch: year, month (1-12),
 * day (1-31); for other formats of the same dates (the log's). */
void http_date_civil(uint64_t seconds, int64_t *year, unsigned *month, unsigned *day);

/* Days from 1970-01-01 to year-month(1-12)-day (UTC, proleptic Gregorian;
 * negative before 1970); the inverse of http_date_civil, for readers of
 * other date formats (the ACME client's). No range check. */
int64_t http_date_days_from_civil(int64_t year, unsigned month, unsigned day);

/* Parses an IMF-fixdate; returns 0 and the seconds, or -1 if it is not one. */
int http_date_parse(const char *s, size_t len, uint64_t *seconds);

#endif
