/*
 * A UTC calendar date and time of day as seconds since 1970-01-01T00:00:00Z,
 * in the proleptic Gregorian calendar, for the dates the ACME client reads:
 * a certificate's validity (cert_validity.h) and the times of a renewal
 * window (rfc3339.h). Leap seconds do not exist here: 23:59:60 is refused,
 * and a reader that accepts it says what it means.
 */
#ifndef UNIHOST_ACME_CIVIL_TIME_H
#define UNIHOST_ACME_CIVIL_TIME_H

#include <stdbool.h>
#include <stdint.h>

/* Returns false, *out untouched, unless year is 1..9999, month 1..12, day
 * a day of that month (29 February only in leap years), hour 0..23,
 * minute and second 0..59. */
bool civil_time_seconds(int year, int month, int day, int hour, int minute, int second, int64_t *out);

#endif
