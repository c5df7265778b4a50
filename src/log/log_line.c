/* Building one bounded log line: see log_line.h. */
#include "log/log_line.h"

#include <string.h>

#include "log/log_escape.h"
#include "log/log_time.h"

void log_line_start(struct log_line *l)
{
    l->len = 0;
    l->cut = false;
}

/* Numbers and the timestamp are written in place, not made aside and
 * copied: the query log makes a line per query (--dns-log), and each
 * variable-length copy is a call to memcpy. Two digits at a time, from a
 * table: half the divisions. */
static const char two_digits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t log_line_digits(char *out, uint64_t v)
{
    size_t n = 1;
    for (uint64_t rest = v; rest >= 10; rest /= 10)
        n++;
    char *end = out + n;
    while (v >= 100) {
        const char *pair = two_digits + 2 * (v % 100);
        *--end = pair[1];
        *--end = pair[0];
        v /= 100;
    }
    if (v >= 10) {
        *--end = two_digits[2 * v + 1];
        *--end = two_digits[2 * v];
    } else {
        *--end = (char)('0' + v);
    }
    return n;
}

void log_line_putu(struct log_line *l, uint64_t v)
{
    if (!l->cut && sizeof l->buf - l->len >= LOG_LINE_DIGITS_MAX) {
        l->len += log_line_digits(l->buf + l->len, v);
        return;
    }
    char digits[LOG_LINE_DIGITS_MAX];
    log_line_put(l, digits, log_line_digits(digits, v));
}

void log_line_stamp(struct log_line *l, uint64_t wall_ns)
{
    if (!l->cut && sizeof l->buf - l->len >= LOG_TIME_LEN) {
        l->len += log_time_format(wall_ns, l->buf + l->len);
        return;
    }
    char stamp[LOG_TIME_LEN];
    log_line_put(l, stamp, log_time_format(wall_ns, stamp));
}

void log_line_quoted(struct log_line *l, const char *key, const void *in, size_t len, bool cut, size_t max)
{
    log_line_puts(l, " ");
    log_line_puts(l, key);
    if (!in) {
        log_line_puts(l, "=-");
        return;
    }
    if (max > LOG_LINE_MAX)
        max = LOG_LINE_MAX;
    /* Escaped straight into the line when its widest form fits (always,
     * for the fields unihost logs); otherwise through a scratch field, so
     * that a part that does not fit is left out whole. */
    if (!l->cut && max + 3 <= sizeof l->buf - l->len) {
        l->buf[l->len++] = '=';
        l->buf[l->len++] = '"';
        l->len += log_escape(l->buf + l->len, max, in, len, cut);
        l->buf[l->len++] = '"';
        return;
    }
    char field[LOG_LINE_MAX];
    size_t n = log_escape(field, max, in, len, cut);
    log_line_puts(l, "=\"");
    log_line_put(l, field, n);
    log_line_puts(l, "\"");
}
