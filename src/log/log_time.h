/*
 * The log's timestamps: RFC 3339 in UTC with microseconds,
 * "2026-12-05T07:49:42.123456Z", the form RFC 5424 (syslog) takes for its
 * TIMESTAMP, and the access and query lines' time= field.
 */
#ifndef UNIHOST_LOG_TIME_H
#define UNIHOST_LOG_TIME_H

#include <stddef.h>
#include <stdint.h>

#define LOG_TIME_LEN 27     /* "2026-12-05T07:49:42.123456Z" */

/*
 * Writes the timestamp of `wall_ns` (nanoseconds since 1970, the
 * platform's wall clock) into out and returns LOG_TIME_LEN; or writes "-"
 * (RFC 5424's NILVALUE) and returns 1 when the clock is plainly unset
 * (before 2000) or past 9999.
 */
size_t log_time_format(uint64_t wall_ns, char out[LOG_TIME_LEN]);

#endif
