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

void log_line_put(struct log_line *l, const char *s, size_t n)
{
    if (l->cut || n > sizeof l->buf - l->len) {
        l->cut = true;      /* and nothing after it: the line's words stay whole */
        return;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

void log_line_puts(struct log_line *l, const char *s)
{
    log_line_put(l, s, strlen(s));
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
    char field[LOG_LINE_MAX];
    if (max > sizeof field)
        max = sizeof field;
    size_t n = log_escape(field, max, in, len, cut);
    log_line_puts(l, "=\"");
    log_line_put(l, field, n);
    log_line_puts(l, "\"");
}
