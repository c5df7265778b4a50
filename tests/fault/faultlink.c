/*
 * faultlink: a lossy Ethernet link in user space, for the fault tests
 * (tests/integration/faults.sh). The kernel here has no netem, so the faults
 * a real network makes -- loss, duplication, reordering, delay with jitter,
 * corruption -- are made by this process, between two tap devices: it reads
 * each Ethernet frame from one tap and writes it, or not, or twice, or late,
 * or damaged, to the other.
 *
 *   faultlink [options] [NETNS/]TAP_A [NETNS/]TAP_B
 *
 * A tap may be in another network namespace (NETNS is a name under
 * /run/netns, as `ip netns` makes them): the link's two ends are then in two
 * namespaces, and the only path between them is this process.
 *
 * Per direction (A to B, "ab", and B to A, "ba"), each frame read goes
 * through, in this order:
 *   loss      dropped with probability --loss
 *   corrupt   one random bit flipped in one random byte past the Ethernet
 *             header (so the frame still reaches its receiver, whose IP, UDP
 *             or TCP checksum must catch it)
 *   delay     queued for --delay ms plus or minus up to --jitter ms; frames
 *             leave the queue in the order they came (jitter alone never
 *             reorders: reordering is its own fault, counted apart)
 *   dup       queued a second time with probability --dup
 *   reorder   when it leaves the queue, held back with probability --reorder
 *             until the next frame has been sent, or --hold-ms has passed
 * The queue is bounded (--queue frames): a frame arriving at a full queue is
 * dropped and counted as an overflow, so memory never grows with load.
 *
 * The random choices come from a seeded generator per direction (--seed),
 * so a direction's decisions depend only on its own frames: a run can be
 * repeated. SIGTERM or SIGINT prints the counters and exits 0; SIGUSR1
 * prints them and goes on.
 *
 * The taps are opened without a virtio-net header (IFF_NO_PI only): the
 * kernel then hands us frames already segmented and checksummed, whatever
 * offloads the other side of a bridge used, so every frame fits an MTU and
 * a flipped bit really is a damaged frame. Single-threaded, one ppoll().
 */
#define _GNU_SOURCE     /* setns(), ppoll() */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define ETH_HEADER 14
/* The largest frame the queue stores: an MTU of 1500 with a VLAN tag fits.
 * A larger one (a tap with a jumbo MTU) is dropped and counted. */
#define FRAME_MAX 2048
/* Reads go into a buffer as large as any frame a tap can hand out, so that a
 * too-large frame is seen whole and counted, never silently cut. */
#define READ_MAX 65536
/* Frames read from one tap per wake-up before the other gets its turn. */
#define READ_BURST 64

struct frame {
    int64_t due_us;             /* when it leaves the delay queue */
    size_t len;
    uint8_t data[FRAME_MAX];
};

/* What one direction does to its frames. */
struct faults {
    double loss, dup, reorder, corrupt;     /* probabilities */
    int64_t delay_us, jitter_us, hold_us;
};

/* Per direction. forwarded counts every frame written, duplicates and
 * held frames included; dropped is injected loss only, overflow a full
 * queue, write_errors a tap that refused a frame (down, or gone). */
struct counters {
    uint64_t received, forwarded, dropped, duplicated, reordered, corrupted;
    uint64_t overflow, oversize, write_errors;
};

struct direction {
    const char *name;           /* "ab" or "ba" */
    int in, out;                /* the taps' descriptors */
    struct faults f;
    uint64_t rng;
    struct frame *queue;        /* ring of queue_cap frames */
    size_t queue_cap, head, count;
    int64_t last_due_us;        /* keeps the queue in arrival order under jitter */
    struct frame held;          /* the frame held back for reordering */
    bool holding;
    int64_t held_until_us;
    struct counters n;
};

static volatile sig_atomic_t stop_signal, report_signal;

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        report_signal = 1;
    else
        stop_signal = sig;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* splitmix64: small, fast, and good enough to decide faults. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t *state)
{
    return (double)(rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

static bool chance(struct direction *d, double p)
{
    return p > 0 && rng_unit(&d->rng) < p;
}

/* ---- the taps ------------------------------------------------------------ */

/* Opens tap SPEC ("TAP" or "NETNS/TAP") with IFF_TAP | IFF_NO_PI. A tap is
 * looked up in the namespace that was current when /dev/net/tun was opened,
 * so for NETNS/TAP we enter NETNS for the open and come back at once. */
static int tap_open(const char *spec)
{
    char ns[PATH_MAX] = "";
    const char *name = spec;
    const char *slash = strchr(spec, '/');
    if (slash) {
        if ((size_t)(slash - spec) >= sizeof ns - 16) {
            fprintf(stderr, "faultlink: namespace name too long in '%s'\n", spec);
            return -1;
        }
        snprintf(ns, sizeof ns, "/run/netns/%.*s", (int)(slash - spec), spec);
        name = slash + 1;
    }
    if (*name == '\0' || strlen(name) >= IFNAMSIZ) {
        fprintf(stderr, "faultlink: bad tap name in '%s'\n", spec);
        return -1;
    }
    int home = -1;
    if (*ns) {
        int target = open(ns, O_RDONLY | O_CLOEXEC);
        home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (target < 0 || home < 0 || setns(target, CLONE_NEWNET) < 0) {
            fprintf(stderr, "faultlink: cannot enter network namespace %s: %s\n", ns, strerror(errno));
            if (target >= 0)
                close(target);
            if (home >= 0)
                close(home);
            return -1;
        }
        close(target);
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    int err = errno;
    if (fd >= 0) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        memcpy(ifr.ifr_name, name, strlen(name));
        if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    if (home >= 0) {
        if (setns(home, CLONE_NEWNET) < 0) {
            fprintf(stderr, "faultlink: cannot return to the starting namespace: %s\n", strerror(errno));
            exit(2);
        }
        close(home);
    }
    if (fd < 0)
        fprintf(stderr, "faultlink: cannot attach to tap %s: %s\n", spec, strerror(err));
    return fd;
}

/* ---- one direction --------------------------------------------------------- */

static void send_frame(struct direction *d, const uint8_t *data, size_t len)
{
    /* A tap takes a whole frame or refuses it; a refused one is lost, as on
     * a wire, and counted so that a test can tell it from injected loss. */
    if (write(d->out, data, len) == (ssize_t)len)
        d->n.forwarded++;
    else
        d->n.write_errors++;
}

static bool enqueue(struct direction *d, const uint8_t *data, size_t len, int64_t now)
{
    if (d->count == d->queue_cap) {
        d->n.overflow++;
        return false;
    }
    int64_t due = now + d->f.delay_us;
    if (d->f.jitter_us > 0)
        due += (int64_t)(rng_next(&d->rng) % (uint64_t)(2 * d->f.jitter_us + 1)) - d->f.jitter_us;
    if (due < d->last_due_us)
        due = d->last_due_us;
    if (due < now)
        due = now;
    d->last_due_us = due;
    struct frame *fr = &d->queue[(d->head + d->count) % d->queue_cap];
    fr->due_us = due;
    fr->len = len;
    memcpy(fr->data, data, len);
    d->count++;
    return true;
}

static void take(struct direction *d, uint8_t *data, size_t len, int64_t now)
{
    d->n.received++;
    if (len > FRAME_MAX) {
        d->n.oversize++;
        return;
    }
    if (chance(d, d->f.loss)) {
        d->n.dropped++;
        return;
    }
    if (len > ETH_HEADER && chance(d, d->f.corrupt)) {
        size_t at = ETH_HEADER + (size_t)(rng_next(&d->rng) % (len - ETH_HEADER));
        data[at] ^= (uint8_t)(1u << (rng_next(&d->rng) % 8));
        d->n.corrupted++;
    }
    if (enqueue(d, data, len, now) && chance(d, d->f.dup) && enqueue(d, data, len, now))
        d->n.duplicated++;
}

/* Sends every frame that is due, and a held frame whose time is up. */
static void release(struct direction *d, int64_t now)
{
    while (d->count > 0 && d->queue[d->head].due_us <= now) {
        struct frame *fr = &d->queue[d->head];
        d->head = (d->head + 1) % d->queue_cap;
        d->count--;
        if (!d->holding && chance(d, d->f.reorder)) {
            d->held.len = fr->len;
            memcpy(d->held.data, fr->data, fr->len);
            d->holding = true;
            d->held_until_us = now + d->f.hold_us;
            continue;
        }
        send_frame(d, fr->data, fr->len);
        if (d->holding) {
            /* A later frame went first: this is the reordering. */
            send_frame(d, d->held.data, d->held.len);
            d->holding = false;
            d->n.reordered++;
        }
    }
    if (d->holding && now >= d->held_until_us) {
        /* No frame came after it in time: it goes late, but in order. */
        send_frame(d, d->held.data, d->held.len);
        d->holding = false;
    }
}

/* The next time release() has work to do, or -1. */
static int64_t next_due(const struct direction *d)
{
    int64_t t = -1;
    if (d->count > 0)
        t = d->queue[d->head].due_us;
    if (d->holding && (t < 0 || d->held_until_us < t))
        t = d->held_until_us;
    return t;
}

/* Reads what the input tap has (a burst at most); false on a fatal error. */
static bool pump(struct direction *d, uint8_t *buf)
{
    for (int i = 0; i < READ_BURST; i++) {
        ssize_t r = read(d->in, buf, READ_MAX);
        if (r < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return true;
            fprintf(stderr, "faultlink: read (%s): %s\n", d->name, strerror(errno));
            return false;
        }
        if (r == 0)
            return true;
        take(d, buf, (size_t)r, now_us());
    }
    return true;
}

static void report(const struct direction *dirs)
{
    for (int i = 0; i < 2; i++) {
        const struct counters *n = &dirs[i].n;
        printf("faultlink: %s received=%" PRIu64 " forwarded=%" PRIu64 " dropped=%" PRIu64
               " duplicated=%" PRIu64 " reordered=%" PRIu64 " corrupted=%" PRIu64 " overflow=%" PRIu64
               " oversize=%" PRIu64 " write_errors=%" PRIu64 "\n",
               dirs[i].name, n->received, n->forwarded, n->dropped, n->duplicated, n->reordered,
               n->corrupted, n->overflow, n->oversize, n->write_errors);
    }
    fflush(stdout);
}

/* ---- the command line ------------------------------------------------------- */

static void usage(FILE *out)
{
    fputs("usage: faultlink [options] [NETNS/]TAP_A [NETNS/]TAP_B\n"
          "  --loss P       drop a frame with probability P (0..1)\n"
          "  --dup P        send a frame twice\n"
          "  --reorder P    hold a frame back until the next one has been sent\n"
          "  --corrupt P    flip one random bit past the Ethernet header\n"
          "  --delay MS     delay every frame by MS milliseconds (fractions allowed)\n"
          "  --jitter MS    ... plus or minus up to MS (frames keep their order)\n"
          "  --hold-ms MS   longest a held (reordered) frame waits (default 10)\n"
          "  --queue N      frames each direction may queue, then drops (default 1024)\n"
          "  --seed N       seed of the random choices (default 1)\n"
          "The fault options act on both directions; NAME-ab or NAME-ba (--loss-ab 0.1)\n"
          "on one: ab is from TAP_A to TAP_B. Options take '--opt V' or '--opt=V'.\n"
          "SIGTERM/SIGINT print the counters and exit; SIGUSR1 prints them.\n",
          out);
}

static bool parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

/* Sets fault NAME (an option without "--" and direction suffix) to VALUE:
 * a probability, or milliseconds (stored as microseconds). */
static bool set_fault(struct faults *f, const char *name, const char *value)
{
    double *prob = NULL, v;
    int64_t *us = NULL;
    if (strcmp(name, "loss") == 0)
        prob = &f->loss;
    else if (strcmp(name, "dup") == 0)
        prob = &f->dup;
    else if (strcmp(name, "reorder") == 0)
        prob = &f->reorder;
    else if (strcmp(name, "corrupt") == 0)
        prob = &f->corrupt;
    else if (strcmp(name, "delay") == 0)
        us = &f->delay_us;
    else if (strcmp(name, "jitter") == 0)
        us = &f->jitter_us;
    else if (strcmp(name, "hold-ms") == 0)
        us = &f->hold_us;
    else
        return false;
    if (!parse_double(value, 0, prob ? 1.0 : 60000.0, &v))
        return false;
    if (prob)
        *prob = v;
    else
        *us = llround(v * 1000);
    return true;
}

int main(int argc, char **argv)
{
    static struct direction dirs[2] = {{.name = "ab"}, {.name = "ba"}};
    dirs[0].f.hold_us = dirs[1].f.hold_us = 10000;
    double queue = 1024, seed = 1;
    const char *taps[2] = {NULL, NULL};
    int ntaps = 0;

    /* Options apply in command-line order: "--loss 0.1 --loss-ab 0" gives
     * loss in B to A only. */
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strncmp(arg, "--", 2) != 0) {
            if (ntaps == 2) {
                usage(stderr);
                return 2;
            }
            taps[ntaps++] = arg;
            continue;
        }
        char name[32];
        const char *value;
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        if (len >= sizeof name) {
            fprintf(stderr, "faultlink: unknown option %s\n", arg);
            return 2;
        }
        memcpy(name, arg + 2, len);
        name[len] = '\0';
        if (eq)
            value = eq + 1;
        else if (i + 1 < argc)
            value = argv[++i];
        else {
            fprintf(stderr, "faultlink: %s needs a value\n", arg);
            return 2;
        }
        bool good;
        if (strcmp(name, "queue") == 0) {
            good = parse_double(value, 1, 1 << 20, &queue) && queue == floor(queue);
        } else if (strcmp(name, "seed") == 0) {
            good = parse_double(value, 0, 9007199254740992.0, &seed) && seed == floor(seed);
        } else {
            int first = 0, last = 1;
            if (len > 3 && strcmp(name + len - 3, "-ab") == 0)
                last = 0;
            else if (len > 3 && strcmp(name + len - 3, "-ba") == 0)
                first = 1;
            if (first == last)
                name[len - 3] = '\0';
            good = true;
            for (int d = first; d <= last; d++)
                good = good && set_fault(&dirs[d].f, name, value);
        }
        if (!good) {
            fprintf(stderr, "faultlink: bad option or value: %s%s%s\n", arg, eq ? "" : " ", eq ? "" : value);
            return 2;
        }
    }
    if (ntaps != 2) {
        usage(stderr);
        return 2;
    }

    /* Block the signals we handle outside ppoll(), which alone lets them in:
     * no signal can land between the check of the flags and the wait. */
    sigset_t handled, during_wait;
    sigemptyset(&handled);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGUSR1);
    sigprocmask(SIG_BLOCK, &handled, &during_wait);
    sigdelset(&during_wait, SIGTERM);
    sigdelset(&during_wait, SIGINT);
    sigdelset(&during_wait, SIGUSR1);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);

    int fds[2];
    for (int i = 0; i < 2; i++)
        if ((fds[i] = tap_open(taps[i])) < 0)
            return 1;

    static uint8_t buf[READ_MAX];
    for (int i = 0; i < 2; i++) {
        struct direction *d = &dirs[i];
        d->in = fds[i];
        d->out = fds[1 - i];
        d->rng = (uint64_t)seed * 2 + (uint64_t)i;
        d->queue_cap = (size_t)queue;
        d->queue = calloc(d->queue_cap, sizeof *d->queue);
        if (!d->queue) {
            fprintf(stderr, "faultlink: no memory for a queue of %zu frames\n", d->queue_cap);
            return 1;
        }
        printf("faultlink: %s loss=%g dup=%g reorder=%g corrupt=%g delay_ms=%g jitter_ms=%g hold_ms=%g\n",
               d->name, d->f.loss, d->f.dup, d->f.reorder, d->f.corrupt, (double)d->f.delay_us / 1000,
               (double)d->f.jitter_us / 1000, (double)d->f.hold_us / 1000);
    }
    printf("faultlink: ready %s <-> %s queue=%zu seed=%.0f\n", taps[0], taps[1], dirs[0].queue_cap, seed);
    fflush(stdout);

    int status = 0;
    while (!stop_signal) {
        if (report_signal) {
            report_signal = 0;
            report(dirs);
        }
        int64_t now = now_us();
        int64_t wake = -1;
        for (int i = 0; i < 2; i++) {
            int64_t t = next_due(&dirs[i]);
            if (t >= 0 && (wake < 0 || t < wake))
                wake = t;
        }
        struct timespec ts, *timeout = NULL;
        if (wake >= 0) {
            int64_t wait = wake > now ? wake - now : 0;
            ts.tv_sec = (time_t)(wait / 1000000);
            ts.tv_nsec = (long)(wait % 1000000) * 1000;
            timeout = &ts;
        }
        struct pollfd pfd[2] = {{.fd = fds[0], .events = POLLIN}, {.fd = fds[1], .events = POLLIN}};
        int r = ppoll(pfd, 2, timeout, &during_wait);
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "faultlink: ppoll: %s\n", strerror(errno));
            status = 1;
            break;
        }
        bool failed = false;
        for (int i = 0; r > 0 && i < 2; i++) {
            if (pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
                fprintf(stderr, "faultlink: tap %s failed (poll events %#x)\n", taps[i], pfd[i].revents);
                failed = true;
            } else if ((pfd[i].revents & POLLIN) && !pump(&dirs[i], buf)) {
                failed = true;
            }
        }
        if (failed) {
            status = 1;
            break;
        }
        now = now_us();
        for (int i = 0; i < 2; i++)
            release(&dirs[i], now);
    }
    report(dirs);
    return status;
}
