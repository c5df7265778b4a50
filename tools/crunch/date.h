/*
 * The dates of front matter (date, updated): RFC 3339 as TOML and YAML
 * write them, read into seconds since the epoch, and written back in UTC
 * for the feed (RFC 3339) and the sitemap (W3C Datetime, its profile).
 */
#ifndef CRUNCH_DATE_H
#define CRUNCH_DATE_H

#include <stddef.h>
#include <stdint.h>

/* "2026-12-05T10:00:00Z" plus the NUL */
#define DATE_TEXT_LEN 21

/*
 * Reads "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SS[.fraction]"
 * followed by "Z" or an offset "+HH:MM"/"-HH:MM" ('t', 'z' and a space
 * for the 'T' also accepted, as RFC 3339 and TOML allow). A date and time
 * without an offset is refused: its instant would depend on where crunch
 * runs. Returns 0 and sets *seconds, or -1 with *why saying what is wrong.
 */
int date_parse(const char *text, int64_t *seconds, const char **why);

/* Writes seconds as "YYYY-MM-DDTHH:MM:SSZ". */
void date_format_utc(int64_t seconds, char out[DATE_TEXT_LEN]);

#endif
