/*
 * The log: lines for the console and, with --syslog, for a syslog
 * receiver (src/core/syslog_sink.h). Every line goes into each sink's
 * bounded ring first (log_ring.h) and out when the sink can take it: the
 * console is written without waiting (plat_console_try_write), syslog
 * datagrams are sent a bounded number per turn of the event loop. A sink
 * that cannot keep up loses lines, whole, counted in the stats line
 * (log_console_dropped, log_syslog_dropped) and in a "log:" line; serving
 * never waits for it. Operational lines may fill a ring; the lines clients
 * cause (TLS handshakes, access and query lines) only its first three
 * quarters, so that a flood of them cannot crowd out what unihost says of
 * itself.
 *
 * On the console a line is "unihost: " + text + "\n"; to syslog it is the
 * text (syslog_format.h). Lines are printable ASCII: a text that carries a
 * client's bytes has escaped them (log_escape.h); log_line() escapes
 * whatever its format made that is not printable, so a caller that
 * forgot cannot break a line either.
 */
#ifndef UNIHOST_LOG_H
#define UNIHOST_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log/log_line.h"

/* Bytes each sink may hold pending. */
#define LOG_CONSOLE_RING 65536
#define LOG_SYSLOG_RING 32768

/* Operational lines; a client's TLS handshake (made once per connection
 * by whoever connects, so counted with the clients' lines); access lines;
 * query lines. */
enum log_kind { LOG_EVENT, LOG_TLS, LOG_ACCESS, LOG_QUERY };

/* printf-style text to the console, as is, at once and waiting for it
 * (after what is pending): for last words before unihost stops. */
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char *fmt, va_list ap);

/* One operational line: "unihost: " + text + "\n" on the console. */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, of another kind. */
void log_line_of(enum log_kind kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One line of `kind` (text without prefix or newline, printable ASCII,
 * at most LOG_LINE_MAX bytes: access_line.h, query_line.h). */
void log_emit(enum log_kind kind, const char *text, size_t len);

/*
 * A line made later, with others, from a record of the caller's: what the
 * access and query lines use, one per request or query.
 * log_defer_reserve() gives room for a record of up to LOG_RECORD_MAX
 * bytes, aligned for any type, where the caller writes it (no copy);
 * log_defer_commit() then keeps its first len bytes, and `format` makes
 * the line from them when the lines are next written out (a batch of
 * LOG_DEFER_BATCH, the loop going idle, any other line, or
 * LOG_FLUSH_WAIT_NS; at once when not batching), in the order they came.
 * Nothing may be logged between the two calls. Made one at a time
 * between requests, a line's code and tables are out of the CPU's caches
 * each time: in a batch they stay in, and the lines cost the server about
 * a third less (log.c). wall_ns is when the line is of (for syslog).
 */
#define LOG_RECORD_MAX 1024
#define LOG_DEFER_BATCH 64
typedef void (*log_format_fn)(const void *record, struct log_line *line);
void *log_defer_reserve(void);
void log_defer_commit(enum log_kind kind, log_format_fn format, size_t len, uint64_t wall_ns);

/* Lines from now on also go to the syslog ring, for syslog_sink.h. */
void log_syslog_enable(void);

/*
 * While batching (the event loop's turns), lines wait in the rings until
 * log_flush_idle() (the loop calls it before it sleeps) or log_flush_due()
 * finds enough of them or the oldest old enough (16 KiB, 10 ms: log.c says
 * why); otherwise each is flushed as it is made. Either way the console is
 * never waited for.
 */
void log_batching(bool on);
void log_flush(void);
void log_flush_due(uint64_t now_ns);
/* The loop is going idle: writes the console's lines out unless it did so
 * for the same reason less than LOG_IDLE_GAP_NS ago (log.c says why). */
void log_flush_idle(uint64_t now_ns);
#define LOG_IDLE_GAP_NS 1000000u

/* True while the console ring holds bytes the console did not take yet,
 * or lines wait to be made (log_defer_reserve). */
bool log_console_pending(void);

/* Writes out what the console ring holds, waiting for the console (at
 * most about a second): when unihost stops. */
void log_drain(void);

/* The syslog ring's records, for syslog_sink.c: the oldest one's header
 * and text (false if none), and forgetting it. */
struct log_record {
    uint64_t wall_ns;           /* when the line was made */
    enum log_kind kind;
    size_t len;
    char text[LOG_LINE_MAX];
};
bool log_syslog_peek(struct log_record *rec);
bool log_syslog_pending(void);
void log_syslog_pop(void);
/* A record the sink gave up on (the network refused it). */
void log_syslog_count_drop(void);

/* Lines dropped so far by each sink. */
unsigned long log_console_dropped(void);
unsigned long log_syslog_dropped(void);

#endif
