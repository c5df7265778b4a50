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

void log_line_putu(struct log_line *l, uint64_t v)
{
    char digits[20];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    log_line_put(l, digits + sizeof digits - n, n);
}

void log_line_time(struct log_line *l, const char *key, uint64_t wall_ns)
{
    char stamp[LOG_TIME_LEN];
    log_line_puts(l, " ");
    log_line_puts(l, key);
    log_line_puts(l, "=");
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
