/*
 * The platform contract on Linux: clocks from clock_gettime, waiting with
 * poll on the tap, the console on stderr, entropy from getrandom,
 * SIGINT/SIGTERM as the stop request and SIGUSR1 as the request for stats.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/platform.h"
#include "unix/platform_unix.h"
#include "unix/tap.h"

static volatile sig_atomic_t stop_requested, stats_requested;

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
    signal(SIGPIPE, SIG_IGN);
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
    struct pollfd pfd = {.fd = tap_fd(), .events = POLLIN};
    (void)poll(&pfd, 1, timeout_ms);   /* EINTR is a spurious return, allowed */
}

bool plat_stop_requested(void)
{
    return stop_requested != 0;
}

bool plat_stats_requested(void)
{
    if (!stats_requested)
        return false;
    stats_requested = 0;
    return true;
}

void plat_console_write(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
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
