/*
 * Building one bounded log line from fixed words and client bytes: what
 * access_line.h and query_line.h share. A line is at most LOG_LINE_MAX
 * bytes of printable ASCII, without "unihost: " or the newline (the
 * console adds those, src/core/log.c); a part that does not fit is left
 * out whole and marks the line cut, which never happens for the lines
 * unihost makes (their fields are bounded well below it).
 */
#ifndef UNIHOST_LOG_LINE_H
#define UNIHOST_LOG_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* With a syslog header (SYSLOG_HEADER_MAX) it fits SYSLOG_MESSAGE_MAX. */
#define LOG_LINE_MAX 840

struct log_line {
    char buf[LOG_LINE_MAX];
    size_t len;
    bool cut;
};

void log_line_start(struct log_line *l);

/* Appends bytes that are the program's own (printable, no client's).
 * (Inline: the lines' words are literals, whose length the compiler then
 * knows, and their copies become a move or two, not calls.) */
static inline void log_line_put(struct log_line *l, const char *s, size_t n)
{
    if (l->cut || n > sizeof l->buf - l->len) {
        l->cut = true;      /* and nothing after it: the line's words stay whole */
        return;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static inline void log_line_puts(struct log_line *l, const char *s)
{
    log_line_put(l, s, strlen(s));
}

void log_line_putu(struct log_line *l, uint64_t v);

/* The decimal digits of v at out (room for LOG_LINE_DIGITS_MAX), returning
 * how many. */
#define LOG_LINE_DIGITS_MAX 20
size_t log_line_digits(char *out, uint64_t v);

/* Appends the log_time.h timestamp of wall_ns. */
void log_line_stamp(struct log_line *l, uint64_t wall_ns);

/* Appends " key=" and the log_time.h timestamp of wall_ns. */
static inline void log_line_time(struct log_line *l, const char *key, uint64_t wall_ns)
{
    log_line_puts(l, " ");
    log_line_puts(l, key);
    log_line_puts(l, "=");
    log_line_stamp(l, wall_ns);
}

/*
 * Appends ` key="ESCAPED"`: the client's bytes in[0..len) escaped
 * (log_escape.h) to at most `max` characters between the quotes, cut with
 * LOG_ESCAPE_CUT when they do not fit or `cut` says they were cut before;
 * ` key=-` for in NULL.
 */
void log_line_quoted(struct log_line *l, const char *key, const void *in, size_t len, bool cut, size_t max);

#endif
