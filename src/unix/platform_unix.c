/*
 * The platform contract on Linux: clocks from clock_gettime, waiting with
 * poll on the tap, the console on stderr (never blocking the loop), entropy from getrandom,
 * SIGINT/SIGTERM as the stop request, SIGUSR1 as the request for stats,
 * SIGUSR2 as the request to turn the query log on or off, and SIGHUP as
 * the request to read the --blob file again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/platform.h"
#include "unix/blob_file.h"
#include "unix/platform_unix.h"
#include "unix/tap.h"

static volatile sig_atomic_t stop_requested, stats_requested, reload_requested;
/* Counted, not flagged: two signals delivered between turns of the loop
 * are two toggles, so the log ends as the sender meant (on, off: off).
 * (The kernel merges a signal sent while the same one is still pending:
 * a sender that needs a state waits for the line saying it.) A lock-free
 * atomic, so that the handler's increment and the loop's take cannot lose
 * one another's. */
static atomic_uint query_log_toggles;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "an atomic the signal handler may touch");
static const char *reload_path;     /* --blob FILE; NULL: the embedded blob, nothing to read again */

static void console_init(void);

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void on_stats_signal(int sig)
{
    (void)sig;
    stats_requested = 1;
}

static void on_query_log_signal(int sig)
{
    (void)sig;
    atomic_fetch_add(&query_log_toggles, 1);
}

static void on_reload_signal(int sig)
{
    (void)sig;
    reload_requested = 1;
}

void unix_platform_init(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;    /* no SA_RESTART: a signal interrupts poll() at once */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_stats_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_query_log_signal;
    sigaction(SIGUSR2, &sa, NULL);
    sa.sa_handler = on_reload_signal;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    console_init();
}

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t plat_monotonic_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

uint64_t plat_wallclock_ns(void)
{
    return clock_ns(CLOCK_REALTIME);
}

void plat_wait(uint64_t deadline_ns)
{
    if (stop_requested)
        return;
    uint64_t now = plat_monotonic_ns();
    int timeout_ms = 0;
    if (deadline_ns > now) {
        uint64_t ms = (deadline_ns - now + 999999u) / 1000000u;
        timeout_ms = ms > 60000 ? 60000 : (int)ms;
    }
    tap_wait(timeout_ms);
}

bool plat_stop_requested(void)
{
    return stop_requested != 0;
}

void unix_platform_reload_from(const char *path)
{
    reload_path = path;
}

int plat_reload_take(void **memory, size_t *size, char *origin, size_t origin_size, char *err, size_t err_size)
{
    if (!reload_requested)
        return 0;
    reload_requested = 0;
    if (!reload_path) {
        snprintf(err, err_size, "SIGHUP, but unihost serves its embedded blob (no --blob FILE to read again)");
        return -1;
    }
    snprintf(origin, origin_size, "SIGHUP: %s", reload_path);
    *memory = blob_file_read(reload_path, size, err, err_size);
    return *memory ? 1 : -1;
}

bool plat_stats_requested(void)
{
    if (!stats_requested)
        return false;
    stats_requested = 0;
    return true;
}

unsigned plat_query_log_toggles_take(void)
{
    /* Asked every turn of the loop: a plain load when there is nothing
     * to take, the exchange (a locked instruction) only when there is. */
    if (atomic_load_explicit(&query_log_toggles, memory_order_relaxed) == 0)
        return 0;
    return atomic_exchange(&query_log_toggles, 0);
}

/*
 * The console is stderr. For plat_console_try_write() it must never block:
 * a regular file never does (it is written as it is); a pipe, a FIFO or a
 * terminal is opened again through /proc/self/fd/2, which makes a new open
 * file description of the same pipe or terminal that can be non-blocking
 * without making the one unihost shares with its parent so (its shell, the
 * other end of a pipe). A socket (a journal) cannot be opened that way: it
 * is sent to with MSG_DONTWAIT. Anything else is written as a file is.
 */
static int console_fd = STDERR_FILENO;
static bool console_is_socket;

static void console_init(void)
{
    struct stat st;
    if (fstat(STDERR_FILENO, &st) != 0 || S_ISREG(st.st_mode))
        return;
    if (S_ISSOCK(st.st_mode)) {
        console_is_socket = true;
        return;
    }
    int fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd >= 0)
        console_fd = fd;
}

static ssize_t console_put(const char *buf, size_t len)
{
    if (console_is_socket)
        return send(console_fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    return write(console_fd, buf, len);
}

size_t plat_console_try_write(const char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = console_put(buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;      /* full (EAGAIN), or gone: the caller keeps the rest */
        done += (size_t)n;
    }
    return done;
}

void plat_console_write(const char *buf, size_t len)
{
    /* Waits for room, at most a second in all: a console nobody reads
     * must not keep unihost from stopping. */
    uint64_t give_up = plat_monotonic_ns() + 1000000000u;
    while (len > 0) {
        size_t n = plat_console_try_write(buf, len);
        buf += n;
        len -= n;
        if (len == 0 || plat_monotonic_ns() >= give_up)
            return;
        struct pollfd pfd = {.fd = console_fd, .events = POLLOUT};
        if (poll(&pfd, 1, 10) < 0 && errno != EINTR)
            return;
        if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
            return;
    }
}

void plat_random(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            static const char msg[] = "unihost: getrandom failed: no entropy, cannot run\n";
            plat_console_write(msg, sizeof msg - 1);
            _exit(70);
        }
        p += n;
        len -= (size_t)n;
    }
}

bool plat_random_is_cryptographic(void)
{
    return true;        /* getrandom: the kernel's CSPRNG, seeded before user space runs */
}

_Noreturn void plat_exit(int status)
{
    exit(status);
}
