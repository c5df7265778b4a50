/*
 * What one access line and one query line cost unihost, in process, on one
 * core: the work the server adds per HTTP response with the access log on
 * (the request's two clock reads for duration_us, the client's address as
 * text, the line, log_emit() into the console ring, the console's batched
 * write() to a file, and the syslog record when --syslog is on), and per
 * DNS message with --dns-log (the same, with the query line).
 *
 * bench/observability.sh measures the same cost as a difference of
 * throughputs, which on a shared virtual machine moves by more than the 5%
 * it is asked to show; this figure does not, and divided by the server's
 * CPU per request (bench/http.sh, bench/dns.sh, or observability.sh's "off"
 * rows) it gives the share of the server's work the log takes.
 *
 * The server keeps each line's record and makes the lines in batches
 * (log_defer_reserve, src/core/log.h), where their code stays in the CPU's caches
 * as it does in this loop; this figure leaves out the record's copy
 * (a few hundred bytes) and, as any loop does, the cache misses a line
 * made alone would take.
 *
 * The code measured is unihost's own (src/core/log.c and the files of
 * src/log/); only the platform under it is this program's: the console is
 * a file in $TMPDIR, written as unihost's console is (16 KiB batches) and
 * emptied every 64 MiB like a rotated log (LOG_COST_CONSOLE=discard: no
 * write() at all); the clocks are clock_gettime's; the turn clock ticks
 * once per response (the server's loop ticks once per round of frames, so
 * this is the dearest case); and with syslog on, nothing takes records out
 * of its ring, which soon fills and drops each one, as unihost's does
 * under load past its --syslog-rate budget. The request is a browser's (a
 * 100-byte User-Agent); the query asks www.bench.test. AAAA with EDNS and
 * gets a 2-record answer.
 *
 * Usage: log_cost [SECONDS]   (default 2 per figure)
 * Prints "access line: N ns per response (syslog off), M ns (syslog on)"
 * and the same for the query line, each the best of 5 runs, with the
 * loop's own turn (measured alone) taken off.
 */
#define _DEFAULT_SOURCE         /* ftruncate */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/platform.h"
#include "core/turn_clock.h"
#include "log/access_line.h"
#include "log/query_line.h"
#include "net/ipv4_text.h"

/* ---- the platform under the log ---------------------------------------- */

static int console_fd = -1;
static size_t console_total;   /* bytes written to it */
static int console_discard;     /* LOG_COST_CONSOLE=discard: no write() at all */

uint64_t plat_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t plat_wallclock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void plat_wait(uint64_t deadline_ns)
{
    (void)deadline_ns;
}

size_t plat_console_try_write(const char *buf, size_t len)
{
    if (console_discard)
        return len;
    /* A log that rotates: the file stays in the page cache (as a run of
     * bench/observability.sh's does) rather than growing by gigabytes. */
    static size_t written;
    if (written > (64u << 20)) {
        if (ftruncate(console_fd, 0) != 0 || lseek(console_fd, 0, SEEK_SET) != 0)
            return 0;
        written = 0;
    }
    ssize_t n = write(console_fd, buf, len);
    if (n <= 0)
        return 0;
    written += (size_t)n;
    console_total += (size_t)n;
    return (size_t)n;
}

void plat_console_write(const char *buf, size_t len)
{
    while (len > 0) {
        size_t n = plat_console_try_write(buf, len);
        if (n == 0)
            return;
        buf += n;
        len -= n;
    }
}

/* ---- one response's and one query's log work ------------------------------- */

static volatile uint64_t sink;

static void one_response(uint32_t peer)
{
    /* access_begun(): the request's first byte */
    uint64_t started = plat_monotonic_ns();
    static const char ua[] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                             "Chrome/120.0.0.0 Safari/537.36";
    struct http_access a = {
        .method = "GET", .method_len = 3, .target = "/docs/https/", .target_len = 12,
        .user_agent = ua, .user_agent_len = sizeof ua - 1, .status = 200, .bytes = 6004, .complete = true,
    };
    /* access_done() */
    /* the client's address as text, as tcp_peer_format() makes an IPv4 one */
    char who[IPV4_TEXT_MAX];
    struct access_context c = {
        .wall_ns = turn_wallclock_ns(),
        .client = who,
        .client_len = ipv4_text((const uint8_t *)&peer, who),
        .port = 50312,
        .duration_us = (plat_monotonic_ns() - started) / 1000u,
    };
    struct log_line line;
    access_line_format(&line, &c, &a);
    log_emit(LOG_ACCESS, line.buf, line.len);
}

/* www.bench.test. AAAA, EDNS 1232, and an answer of two AAAA records. */
static const uint8_t query[] = {
    0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    3, 'w', 'w', 'w', 5, 'b', 'e', 'n', 'c', 'h', 4, 't', 'e', 's', 't', 0, 0x00, 0x1c, 0x00, 0x01,
    0, 0x00, 0x29, 0x04, 0xd0, 0, 0, 0, 0, 0x00, 0x00,
};
static uint8_t answer[128];
static size_t answer_len;

static void make_answer(void)
{
    memcpy(answer, query, 32);          /* header and question */
    answer[2] = 0x84;                   /* QR AA */
    answer[7] = 2;                      /* ANCOUNT 2 */
    answer[11] = 0;                     /* no OPT, to keep it short */
    size_t n = 32;
    for (int i = 0; i < 2; i++) {
        const uint8_t rr[] = {0xc0, 0x0c, 0x00, 0x1c, 0x00, 0x01, 0, 0, 0x0e, 0x10, 0, 16,
                              0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (uint8_t)(1 + i)};
        memcpy(answer + n, rr, sizeof rr);
        n += sizeof rr;
    }
    answer_len = n;
}

static void one_query(uint32_t peer)
{
    char who[IPV4_TEXT_MAX];
    struct query_context c = {
        .wall_ns = turn_wallclock_ns(),
        .client = who,
        .client_len = ipv4_text((const uint8_t *)&peer, who),
        .port = 41234,
        .tcp = false,
    };
    struct log_line line;
    query_line_format(&line, &c, query, sizeof query, answer, answer_len);
    log_emit(LOG_QUERY, line.buf, line.len);
}

static void nothing(uint32_t peer)
{
    sink += peer;
}

/* ns per call of `one`, the best of 5 runs of `seconds`; the loop's turn
 * (clock tick, and the console's batched write when due) goes with each. */
static double measure(void (*one)(uint32_t), double seconds)
{
    double best = 1e18;
    for (int run = 0; run < 5; run++) {
        uint64_t t0 = plat_monotonic_ns(), end = t0 + (uint64_t)(seconds * 1e9);
        unsigned long n = 0;
        uint64_t now = t0;
        while (now < end) {
            for (int i = 0; i < 1000; i++) {
                turn_clock_tick();
                one(0x010200c0u + ((uint32_t)i << 24));     /* 192.0.2.x */
                log_flush_due(turn_monotonic_ns());
                n++;
            }
            now = plat_monotonic_ns();
        }
        double ns = (double)(now - t0) / (double)n;
        if (ns < best)
            best = ns;
    }
    return best;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 2;
    if (seconds <= 0) {
        fprintf(stderr, "usage: log_cost [SECONDS]\n");
        return 2;
    }
    char path[] = "/tmp/log_cost.XXXXXX";
    const char *dir = getenv("TMPDIR");
    char custom[512];
    char *name = path;
    if (dir && snprintf(custom, sizeof custom, "%s/log_cost.XXXXXX", dir) < (int)sizeof custom)
        name = custom;
    console_fd = mkstemp(name);
    if (console_fd < 0) {
        perror("log_cost: console file");
        return 1;
    }
    unlink(name);
    const char *how = getenv("LOG_COST_CONSOLE");
    console_discard = how && strcmp(how, "discard") == 0;
    make_answer();
    log_batching(true);

    /* The loop's own turn (clock tick, flush check) is unihost's with the
     * log off as well: measured alone and taken off. */
    double loop = measure(nothing, seconds);
    double access = measure(one_response, seconds) - loop;
    double query_ns = measure(one_query, seconds) - loop;
    log_syslog_enable();
    double access_sl = measure(one_response, seconds) - loop;
    double query_sl = measure(one_query, seconds) - loop;
    printf("access line: %.0f ns per response (syslog off), %.0f ns (syslog on)\n", access, access_sl);
    printf("query line: %.0f ns per query (syslog off), %.0f ns (syslog on)\n", query_ns, query_sl);
    printf("(the loop's turn, %.0f ns, taken off each; console: %.0f MB written in 16 KiB batches)\n", loop,
           (double)console_total / 1e6);
    return 0;
}
