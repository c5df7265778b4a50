/*
 * The log's deferred lines (log_defer_reserve/commit, src/core/log.c):
 * kept as records, written by the caller where the log keeps them,
 * while the loop batches, made later in the order they came, before any
 * line that comes after them, and with the time they were of; on a
 * platform of this file's own (a console that keeps what it is given, a
 * clock the test sets).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/log.h"
#include "core/platform.h"
#include "core/turn_clock.h"

/* ---- the platform under the log ----------------------------------------- */

static char console_text[1 << 20];
static size_t console_len;
static uint64_t now_ns = 1000000000u, wall_ns = 1764921600000000000ull;

size_t plat_console_try_write(const char *buf, size_t len)
{
    if (len > sizeof console_text - console_len)
        len = sizeof console_text - console_len;
    memcpy(console_text + console_len, buf, len);
    console_len += len;
    return len;
}

void plat_console_write(const char *buf, size_t len)
{
    plat_console_try_write(buf, len);
}

uint64_t plat_monotonic_ns(void)
{
    return now_ns;
}

uint64_t plat_wallclock_ns(void)
{
    return wall_ns;
}

void plat_wait(uint64_t deadline_ns)
{
    now_ns = deadline_ns;
}

/* ---- records ------------------------------------------------------------- */

/* A record is kept to the size defer() is given: its number, and
 * whatever lies after it in the log's buffer up to that size. */
struct record {
    unsigned number;
};

static unsigned made;           /* lines the formatter made */
static unsigned misaligned;     /* records given room not aligned for any type */

static void record_line(const void *record, struct log_line *line)
{
    const struct record *r = record;
    log_line_start(line);
    log_line_puts(line, "test: record=");
    log_line_putu(line, r->number);
    made++;
}

static void defer(unsigned number, size_t size)
{
    struct record *r = log_defer_reserve();
    if ((uintptr_t)r % _Alignof(max_align_t) != 0)
        misaligned++;
    r->number = number;
    log_defer_commit(LOG_QUERY, record_line, size, wall_ns + number);
}

static size_t lines_with(const char *s)
{
    size_t n = 0;
    for (const char *p = console_text; (p = strstr(p, s)) != NULL; p += strlen(s))
        n++;
    return n;
}

/* Each record's line, and the lines between, on the console in order. */
static bool in_order(unsigned first, unsigned last)
{
    const char *at = console_text;
    for (unsigned i = first; i <= last; i++) {
        char want[64];
        snprintf(want, sizeof want, "unihost: test: record=%u\n", i);
        at = strstr(at, want);
        if (!at)
            return false;
        at += strlen(want);
    }
    return true;
}

int main(void)
{
    console_text[0] = '\0';
    log_syslog_enable();
    log_batching(true);
    turn_clock_tick();

    /* Kept, not made, until something writes them out. */
    for (unsigned i = 1; i <= 3; i++)
        defer(i, 32);
    CHECK("defer: nothing made yet", made == 0 && console_len == 0);
    CHECK("defer: the console counts them as pending", log_console_pending());
    log_line("an event after them");
    CHECK("defer: another line makes them first, in order", made == 3);
    log_flush();
    CHECK("defer: ... and they come before it on the console",
          in_order(1, 3) && strstr(console_text, "record=3\nunihost: an event after them\n") != NULL);
    CHECK("defer: nothing pending after the flush", !log_console_pending());

    /* Syslog gets each line with the time it is of, not the time it was made. */
    struct log_record rec;
    while (log_syslog_peek(&rec) && !(rec.len > 5 && memcmp(rec.text, "test:", 5) == 0))
        log_syslog_pop();
    CHECK("defer: syslog's record has the line's own time", rec.wall_ns == wall_ns + 1 &&
          rec.kind == LOG_QUERY && rec.len == strlen("test: record=1"));
    while (log_syslog_pending())
        log_syslog_pop();

    /* A batch of LOG_DEFER_BATCH is made at once, without a flush. */
    made = 0;
    for (unsigned i = 100; i < 100 + LOG_DEFER_BATCH; i++)
        defer(i, 40);
    CHECK("defer: a full batch is made at once", made == LOG_DEFER_BATCH);
    log_flush();
    CHECK("defer: ... in order", in_order(100, 100 + LOG_DEFER_BATCH - 1));

    /* Large records: the buffer fills before a batch does, and what it held
     * is made first, so none is lost or reordered. */
    made = 0;
    for (unsigned i = 200; i < 220; i++)
        defer(i, LOG_RECORD_MAX);
    CHECK("defer: records of the largest size, made as the ring fills", made > 0 && made < 20);
    log_flush();
    CHECK("defer: ... all of them, in order", made == 20 && in_order(200, 219));
    CHECK("defer: every record's room is aligned for any type", misaligned == 0);
    defer(300, LOG_RECORD_MAX + 1);
    log_flush();
    CHECK("defer: a record past the largest is refused", lines_with("record=300\n") == 0);
    log_defer_commit(LOG_QUERY, record_line, 32, wall_ns);
    log_flush();
    CHECK("defer: a commit without its reserve keeps nothing", made == 20);

    /* Left alone while the loop is busy, they are written after
     * LOG_FLUSH_WAIT_NS's 10 ms (log_flush_due), or by the idle turn. */
    size_t before = console_len;
    defer(400, 32);
    log_flush_due(turn_monotonic_ns());
    CHECK("defer: not written at once", console_len == before);
    now_ns += 11000000u;
    turn_clock_tick();
    log_flush_due(turn_monotonic_ns());
    CHECK("defer: written once the oldest waited 10 ms", lines_with("record=400\n") == 1);
    defer(401, 32);
    now_ns += 2000000u;
    turn_clock_tick();
    log_flush_idle(turn_monotonic_ns());
    CHECK("defer: written when the loop goes idle", lines_with("record=401\n") == 1);

    /* Not batching (before the loop and after it): at once. */
    log_batching(false);
    defer(500, 32);
    CHECK("defer: made and written at once when not batching", lines_with("record=500\n") == 1);
    return CHECK_DONE();
}
