/* The log: see log.h. */
#include "core/log.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/platform.h"
#include "core/turn_clock.h"
#include "log/log_ring.h"

#define PREFIX "unihost: "
#define PREFIX_LEN (sizeof PREFIX - 1)
/* Access and query lines may fill this much of a ring; the rest is for
 * operational lines (see log.h). */
#define CLIENT_SHARE(size) ((size) / 4 * 3)
/* A syslog record in its ring: wall_ns (8 bytes), length (2), kind (1),
 * then the text. */
#define RECORD_HEAD 11

static uint8_t console_bytes[LOG_CONSOLE_RING];
static uint8_t syslog_bytes[LOG_SYSLOG_RING];
static struct log_ring console = {console_bytes, sizeof console_bytes, 0, 0, 0};
static struct log_ring syslog_ring = {syslog_bytes, sizeof syslog_bytes, 0, 0, 0};
/* While batching, the console is written once this much waits, or once
 * its oldest line has waited LOG_FLUSH_WAIT_NS. A write() to a file costs
 * microseconds, about what serving a small request does: written once per
 * turn of the loop, the access log took 4% of the server's CPU in write()
 * under bench/observability.sh; once per 16 KiB (a hundred lines) it is
 * noise. The wait bounds how late a line shows in a quiet moment. */
#define LOG_FLUSH_BYTES 16384
#define LOG_FLUSH_WAIT_NS 10000000u
static bool syslog_on, batching;
static uint64_t console_waiting_since;  /* when the oldest unwritten line was made; 0: none */
static unsigned long syslog_refused;    /* records the sink gave up on */

/*
 * Lines to be made (log_defer_reserve): each a head and the caller's record. The
 * access and query lines were made one by one, each between a request's
 * system calls and the kernel's network path, which leave the line's code
 * and tables cold: --dns-log's own functions took 3.7% of the server's
 * CPU at full load in a profile, where bench/log_cost's loop, which keeps
 * them in cache, makes a query line in 0.08 us (about 1%). Made in
 * batches, --dns-log cost DNS 3.9-4.6% of its CPU at full load, not 6.3%
 * (bench/observability_paired.sh, PAIRED_SATURATE=1). The buffer holds a
 * batch of typical records; a large one that does not fit makes the
 * batch's lines at once.
 *
 * A batch is always made whole, so the records lie one after another from
 * the buffer's start, each at an aligned offset: the caller writes its
 * record in place (log_defer_reserve) and the line is made from it there,
 * with no copy into the buffer or out of it.
 */
struct deferred_head {
    log_format_fn format;
    uint64_t wall_ns;
    uint16_t len;
    uint8_t kind;
};
#define DEFERRED_ALIGN _Alignof(max_align_t)
#define ALIGN_UP(n) (((n) + DEFERRED_ALIGN - 1) / DEFERRED_ALIGN * DEFERRED_ALIGN)
#define RECORD_AT ALIGN_UP(sizeof(struct deferred_head))
static _Alignas(max_align_t) uint8_t deferred_bytes[16384];
static size_t deferred_len;             /* bytes of whole records (heads, records, padding) */
static size_t reserved_at = SIZE_MAX;   /* where log_defer_reserve() put the caller's record */
static unsigned deferred_count;
static uint64_t deferred_since;         /* when the oldest was kept */
static bool settling;
_Static_assert(RECORD_AT + ALIGN_UP(LOG_RECORD_MAX) <= sizeof deferred_bytes, "a record always fits an empty buffer");

static void emit(enum log_kind kind, const char *text, size_t len, uint64_t wall_ns);

/* Makes the lines that wait, in order. (emit() may write the console,
 * whose log_flush() comes back here: the batch under way is left to the
 * outer call.) */
static void settle(void)
{
    if (settling || deferred_count == 0)
        return;
    settling = true;
    for (size_t at = 0; at < deferred_len;) {
        const struct deferred_head *head = (const struct deferred_head *)(deferred_bytes + at);
        struct log_line line;
        head->format(deferred_bytes + at + RECORD_AT, &line);
        emit((enum log_kind)head->kind, line.buf, line.len, head->wall_ns);
        at += RECORD_AT + ALIGN_UP((size_t)head->len);
    }
    deferred_len = 0;
    deferred_count = 0;
    deferred_since = 0;
    settling = false;
}

void log_syslog_enable(void)
{
    syslog_on = true;
}

void log_batching(bool on)
{
    batching = on;
    if (!on)
        log_flush();
}

void log_flush(void)
{
    settle();
    for (;;) {
        const uint8_t *data;
        size_t n = log_ring_contiguous(&console, &data);
        if (n == 0) {
            console_waiting_since = 0;
            return;
        }
        size_t taken = plat_console_try_write((const char *)data, n);
        log_ring_consume(&console, taken);
        if (taken < n)
            return;     /* the console is full: the rest waits for the next turn */
    }
}

/*
 * Written when the loop goes idle, a quiet server's lines show at once. A
 * busy one goes idle thousands of times a second between requests (7,500
 * under wrk's 65,000 small requests a second, a write() per 9 lines, 2% of
 * its CPU): so at most once per LOG_IDLE_GAP_NS. Lines made in between
 * wait for the next idle turn past the gap, or for a batch; the loop does
 * not shorten its sleep for them below LOG_BEHIND_MS (unihost.c says why).
 */
static uint64_t idle_flushed_at;

void log_flush_idle(uint64_t now_ns)
{
    if (console.len == 0 && deferred_count == 0)
        return;
    if (idle_flushed_at != 0 && now_ns - idle_flushed_at < LOG_IDLE_GAP_NS)
        return;
    idle_flushed_at = now_ns;
    log_flush();
}

void log_flush_due(uint64_t now_ns)
{
    if (console.len >= LOG_FLUSH_BYTES ||
        (console.len > 0 && now_ns >= console_waiting_since + LOG_FLUSH_WAIT_NS) ||
        (deferred_count > 0 && now_ns >= deferred_since + LOG_FLUSH_WAIT_NS))
        log_flush();
}

bool log_console_pending(void)
{
    return console.len > 0 || deferred_count > 0;
}

void log_drain(void)
{
    /* Bounded: a console that takes nothing for a second is gone. */
    uint64_t give_up = plat_monotonic_ns() + 1000000000u;
    while (console.len > 0 && plat_monotonic_ns() < give_up) {
        size_t before = console.len;
        log_flush();
        if (console.len == before)
            plat_wait(plat_monotonic_ns() + 10000000u);
    }
}

void log_emit(enum log_kind kind, const char *text, size_t len)
{
    settle();       /* the lines before it first */
    emit(kind, text, len, turn_wallclock_ns());
}

void *log_defer_reserve(void)
{
    if (sizeof deferred_bytes - deferred_len < RECORD_AT + ALIGN_UP(LOG_RECORD_MAX))
        settle();
    reserved_at = deferred_len;
    return deferred_bytes + reserved_at + RECORD_AT;
}

void log_defer_commit(enum log_kind kind, log_format_fn format, size_t len, uint64_t wall_ns)
{
    bool reserved = reserved_at == deferred_len;
    reserved_at = SIZE_MAX;
    if (len > LOG_RECORD_MAX || !reserved)
        return;     /* the callers' records are bounded below it; a commit without its reserve */
    struct deferred_head *head = (struct deferred_head *)(deferred_bytes + deferred_len);
    *head = (struct deferred_head){format, wall_ns, (uint16_t)len, (uint8_t)kind};
    deferred_len += RECORD_AT + ALIGN_UP(len);
    if (deferred_count++ == 0)
        deferred_since = turn_monotonic_ns();
    if (!batching || deferred_count >= LOG_DEFER_BATCH)
        settle();       /* (not batching: at once, and written, as log_emit's) */
}

static void emit(enum log_kind kind, const char *text, size_t len, uint64_t wall_ns)
{
    if (len > LOG_LINE_MAX)
        len = LOG_LINE_MAX;
    size_t limit = kind == LOG_EVENT ? console.size : CLIENT_SHARE(console.size);
    /* The prefix and the newline around the text, as one record, put in
     * the ring in place (not made aside first: a copy less per line). */
    if (log_ring_reserve(&console, PREFIX_LEN + len + 1, limit)) {
        log_ring_append(&console, PREFIX, PREFIX_LEN);
        log_ring_append(&console, text, len);
        log_ring_append(&console, "\n", 1);
    }
    /* On the clock log_flush_due() is given (the turn's): a real reading
     * here would be later than the turn's, and the wait never begin. */
    if (console_waiting_since == 0 && console.len > 0)
        console_waiting_since = turn_monotonic_ns();
    if (syslog_on) {
        uint8_t head[RECORD_HEAD];
        for (int i = 0; i < 8; i++)
            head[i] = (uint8_t)(wall_ns >> (8 * i));
        head[8] = (uint8_t)len;
        head[9] = (uint8_t)(len >> 8);
        head[10] = (uint8_t)kind;
        log_ring_put(&syslog_ring, head, sizeof head, text, len,
                     kind == LOG_EVENT ? syslog_ring.size : CLIENT_SHARE(syslog_ring.size));
    }
    if (!batching)
        log_flush();
}

bool log_syslog_peek(struct log_record *rec)
{
    uint8_t head[RECORD_HEAD];
    if (log_ring_copy(&syslog_ring, 0, head, sizeof head) < sizeof head)
        return false;
    rec->wall_ns = 0;
    for (int i = 0; i < 8; i++)
        rec->wall_ns |= (uint64_t)head[i] << (8 * i);
    rec->len = head[8] | (size_t)head[9] << 8;
    rec->kind = (enum log_kind)head[10];
    log_ring_copy(&syslog_ring, sizeof head, rec->text, rec->len);
    return true;
}

bool log_syslog_pending(void)
{
    return syslog_ring.len > 0;
}

void log_syslog_pop(void)
{
    uint8_t head[RECORD_HEAD];
    if (log_ring_copy(&syslog_ring, 0, head, sizeof head) == sizeof head)
        log_ring_consume(&syslog_ring, sizeof head + (head[8] | (size_t)head[9] << 8));
}

void log_syslog_count_drop(void)
{
    syslog_refused++;
}

unsigned long log_console_dropped(void)
{
    return console.dropped;
}

unsigned long log_syslog_dropped(void)
{
    return syslog_ring.dropped + syslog_refused;
}

/* What a format made that is not printable ASCII, as \xHH: an operational
 * line is one line whatever its arguments held. */
static size_t printable(char *s, size_t len, size_t room)
{
    static const char hex[] = "0123456789abcdef";
    char copy[LOG_LINE_MAX];
    memcpy(copy, s, len);
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = (uint8_t)copy[i];
        if (b >= 0x20 && b <= 0x7e) {
            if (out + 1 > room)
                break;
            s[out++] = (char)b;
        } else {
            if (out + 4 > room)
                break;
            s[out++] = '\\';
            s[out++] = 'x';
            s[out++] = hex[b >> 4];
            s[out++] = hex[b & 15];
        }
    }
    return out;
}

static void line_of(enum log_kind kind, const char *fmt, va_list ap)
{
    char text[LOG_LINE_MAX];
    int n = vsnprintf(text, sizeof text, fmt, ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;    /* cut, never split */
    log_emit(kind, text, printable(text, len, sizeof text));
}

void log_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line_of(LOG_EVENT, fmt, ap);
    va_end(ap);
}

void log_line_of(enum log_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line_of(kind, fmt, ap);
    va_end(ap);
}

void log_vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        return;
    log_drain();
    plat_console_write(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprintf(fmt, ap);
    va_end(ap);
}
