/*
 * The tap's frames read through io_uring: see tap_ring.h.
 *
 * One multishot read (IORING_OP_READ_MULTISHOT, Linux 6.7) stays armed on
 * the tap and reads each frame into a buffer it takes from a ring of
 * provided buffers (IORING_REGISTER_PBUF_RING); each frame is a completion
 * carrying its buffer's id. The ring is created with DEFER_TASKRUN: the
 * kernel reads frames only when this process enters the ring asking for
 * completions, so a turn of the loop takes every frame waiting with one
 * io_uring_enter() where readv() took one system call each.
 *
 * The read stops when buffers run out (every frame read is still being
 * handled, or the loop fell behind) or on an error; a completion without
 * IORING_CQE_F_MORE says so, and the next enter arms it again.
 */
#define _GNU_SOURCE
#include "unix/tap_ring.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Linux 6.1's headers (Debian 12) predate the multishot read: its opcode
 * is the one after IORING_OP_SENDMSG_ZC, and the ABI never renumbers. */
#define OP_READ_MULTISHOT 49
_Static_assert(IORING_OP_SENDMSG_ZC == 48, "io_uring opcodes as Linux numbers them");

#define RING_ENTRIES 4          /* one read, and room to arm it again */
#define CQ_ENTRIES 256          /* more than there are buffers: a full CQ never ends the read */
#define BUFFERS 128             /* a power of two: the buffer ring's size */
#define BUFFER_SIZE 2048        /* a virtio-net header and a 1518-byte frame */
#define BUFFER_GROUP 0
#define READ_TAG 1              /* the read's user_data */

static struct {
    int fd;                     /* the ring; -1 when reads go through readv */
    int tap;
    size_t header;              /* bytes in front of each frame (the virtio-net header) */
    bool armed;                 /* the multishot read is in the kernel */
    int error;                  /* the errno of the read's last failure */
    /* submission queue */
    unsigned *sq_tail;
    unsigned *sq_array;
    unsigned sq_mask;
    struct io_uring_sqe *sqes;
    unsigned to_submit;
    /* completion queue */
    unsigned *cq_head, *cq_tail;
    unsigned cq_mask;
    struct io_uring_cqe *cqes;
    /* provided buffers */
    struct io_uring_buf_ring *buffers;
    uint16_t buffers_tail;
    int lent;                   /* the buffer tap_ring_read() last lent out, or -1 */
    uint8_t *memory;
    void *rings_map, *sqe_map;      /* both queues' rings: one mapping (IORING_FEAT_SINGLE_MMAP) */
    size_t rings_map_size, sqe_map_size, buffers_size, memory_size;
} r = {.fd = -1, .lent = -1};

static int setup(unsigned entries, struct io_uring_params *p)
{
    return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int enter(unsigned to_submit, unsigned min_complete, unsigned flags, const void *arg, size_t arg_size)
{
    return (int)syscall(__NR_io_uring_enter, r.fd, to_submit, min_complete, flags, arg, arg_size);
}

/* Buffer BID back into the ring of provided buffers. */
static void give_back(uint16_t bid)
{
    struct io_uring_buf *b = &r.buffers->bufs[r.buffers_tail & (BUFFERS - 1)];
    b->addr = (uint64_t)(uintptr_t)(r.memory + (size_t)bid * BUFFER_SIZE);
    b->len = BUFFER_SIZE;
    b->bid = bid;
    r.buffers_tail++;
    /* the kernel reads the tail after the entry: a release store */
    __atomic_store_n(&r.buffers->tail, r.buffers_tail, __ATOMIC_RELEASE);
}

/* The multishot read into the submission queue (submitted by the next enter). */
static void queue_read(void)
{
    unsigned tail = __atomic_load_n(r.sq_tail, __ATOMIC_RELAXED);
    unsigned index = tail & r.sq_mask;
    struct io_uring_sqe *sqe = &r.sqes[index];
    memset(sqe, 0, sizeof *sqe);
    sqe->opcode = OP_READ_MULTISHOT;
    sqe->fd = r.tap;
    sqe->flags = IOSQE_BUFFER_SELECT;
    sqe->buf_group = BUFFER_GROUP;
    sqe->user_data = READ_TAG;
    r.sq_array[index] = index;
    __atomic_store_n(r.sq_tail, tail + 1, __ATOMIC_RELEASE);
    r.to_submit++;
    r.armed = true;
}

static void unmap_all(void)
{
    if (r.sqe_map && r.sqe_map != MAP_FAILED)
        munmap(r.sqe_map, r.sqe_map_size);
    if (r.rings_map && r.rings_map != MAP_FAILED)
        munmap(r.rings_map, r.rings_map_size);
    if (r.buffers && (void *)r.buffers != MAP_FAILED)
        munmap(r.buffers, r.buffers_size);
    if (r.memory && (void *)r.memory != MAP_FAILED)
        munmap(r.memory, r.memory_size);
    r.sqe_map = r.rings_map = NULL;
    r.buffers = NULL;
    r.memory = NULL;
}

void tap_ring_stop(void)
{
    if (r.fd >= 0)
        close(r.fd);
    unmap_all();
    r.fd = -1;
    r.armed = false;
}

static bool give_up(char *why, size_t why_size, const char *what, int error)
{
    snprintf(why, why_size, "%s: %s", what, strerror(error));
    tap_ring_stop();
    return false;
}

/* The read's errors that only mean "nothing now": out of buffers (they come
 * back as frames are taken), nothing to read, a signal, a cancel. */
static bool read_error_passes(int res)
{
    return res == -ENOBUFS || res == -EAGAIN || res == -EINTR || res == -ECANCELED;
}

/* Takes the completions the kernel has posted: returns the next frame's
 * buffer id in *bid and its length, 0 when none waits, -1 on an error. */
static long next_completion(uint16_t *bid)
{
    for (;;) {
        unsigned head = __atomic_load_n(r.cq_head, __ATOMIC_RELAXED);
        unsigned tail = __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE);
        if (head == tail)
            return 0;
        struct io_uring_cqe cqe = r.cqes[head & r.cq_mask];
        __atomic_store_n(r.cq_head, head + 1, __ATOMIC_RELEASE);
        if (!(cqe.flags & IORING_CQE_F_MORE))
            r.armed = false;    /* the read has ended: armed again at the next enter */
        if (cqe.res > 0 && (cqe.flags & IORING_CQE_F_BUFFER)) {
            *bid = (uint16_t)(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
            return (long)cqe.res;
        }
        if (cqe.flags & IORING_CQE_F_BUFFER)
            give_back((uint16_t)(cqe.flags >> IORING_CQE_BUFFER_SHIFT));    /* an empty read: its buffer back */
        if (cqe.res < 0 && !read_error_passes(cqe.res)) {
            r.error = -cqe.res;
            return -1;
        }
    }
}

/* Arms the read if it ended, submits, and has the kernel read what waits. */
static int refill(unsigned min_complete, const struct __kernel_timespec *timeout)
{
    if (!r.armed)
        queue_read();
    unsigned flags = IORING_ENTER_GETEVENTS;
    struct io_uring_getevents_arg arg = {0};
    const void *argp = NULL;
    size_t arg_size = 0;
    if (timeout) {
        arg.ts = (uint64_t)(uintptr_t)timeout;
        flags |= IORING_ENTER_EXT_ARG;
        argp = &arg;
        arg_size = sizeof arg;
    }
    int n = enter(r.to_submit, min_complete, flags, argp, arg_size);
    if (n >= 0) {
        r.to_submit -= (unsigned)n < r.to_submit ? (unsigned)n : r.to_submit;
        return 0;
    }
    return errno == EINTR || errno == ETIME || errno == EAGAIN || errno == EBUSY ? 0 : -1;
}

bool tap_ring_start(int tap, size_t header, char *why, size_t why_size)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    p.cq_entries = CQ_ENTRIES;
    r.fd = setup(RING_ENTRIES, &p);
    if (r.fd < 0)
        return give_up(why, why_size, "io_uring_setup", errno);
    if (!(p.features & IORING_FEAT_SINGLE_MMAP) || !(p.features & IORING_FEAT_EXT_ARG))
        return give_up(why, why_size, "io_uring", ENOTSUP);
    r.tap = tap;
    r.header = header;
    size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    r.rings_map_size = sq_size > cq_size ? sq_size : cq_size;
    r.rings_map = mmap(NULL, r.rings_map_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r.fd,
                       IORING_OFF_SQ_RING);
    if (r.rings_map == MAP_FAILED)
        return give_up(why, why_size, "mmap of the rings", errno);
    r.sqe_map_size = p.sq_entries * sizeof(struct io_uring_sqe);
    r.sqe_map = mmap(NULL, r.sqe_map_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r.fd, IORING_OFF_SQES);
    if (r.sqe_map == MAP_FAILED)
        return give_up(why, why_size, "mmap of the submission entries", errno);
    uint8_t *sq = r.rings_map, *cq = r.rings_map;
    r.sq_tail = (unsigned *)(sq + p.sq_off.tail);
    r.sq_mask = *(unsigned *)(sq + p.sq_off.ring_mask);
    r.sq_array = (unsigned *)(sq + p.sq_off.array);
    r.sqes = r.sqe_map;
    r.cq_head = (unsigned *)(cq + p.cq_off.head);
    r.cq_tail = (unsigned *)(cq + p.cq_off.tail);
    r.cq_mask = *(unsigned *)(cq + p.cq_off.ring_mask);
    r.cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);

    r.buffers_size = BUFFERS * sizeof(struct io_uring_buf);
    r.buffers = mmap(NULL, r.buffers_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r.memory_size = (size_t)BUFFERS * BUFFER_SIZE;
    r.memory = mmap(NULL, r.memory_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ((void *)r.buffers == MAP_FAILED || (void *)r.memory == MAP_FAILED)
        return give_up(why, why_size, "buffers", errno);
    struct io_uring_buf_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.ring_addr = (uint64_t)(uintptr_t)r.buffers;
    reg.ring_entries = BUFFERS;
    reg.bgid = BUFFER_GROUP;
    if (syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_PBUF_RING, &reg, 1) < 0)
        return give_up(why, why_size, "registering the buffers", errno);
    r.buffers_tail = 0;
    r.lent = -1;
    for (uint16_t i = 0; i < BUFFERS; i++)
        give_back(i);

    /* A kernel without the multishot read refuses it at once. */
    r.armed = false;
    if (refill(0, NULL) < 0)
        return give_up(why, why_size, "io_uring_enter", errno);
    unsigned head = __atomic_load_n(r.cq_head, __ATOMIC_RELAXED);
    unsigned tail = __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE);
    if (head != tail) {
        const struct io_uring_cqe *cqe = &r.cqes[head & r.cq_mask];
        if (cqe->res < 0 && !(cqe->flags & IORING_CQE_F_MORE) && !read_error_passes(cqe->res))
            return give_up(why, why_size, "multishot read", -cqe->res);
    }
    return true;
}

bool tap_ring_active(void)
{
    return r.fd >= 0;
}

long tap_ring_read(uint8_t **frame, size_t size)
{
    if (r.lent >= 0)
        give_back((uint16_t)r.lent);
    r.lent = -1;
    for (int pass = 0; pass < 2; pass++) {
        uint16_t bid;
        long n;
        while ((n = next_completion(&bid)) > 0) {
            long len = n > (long)r.header ? n - (long)r.header : 0;
            if ((size_t)len > size)
                len = 0;        /* cannot be (the kernel side offloads nothing to us): dropped */
            if (len == 0) {
                give_back(bid);
                continue;
            }
            r.lent = bid;
            *frame = r.memory + (size_t)bid * BUFFER_SIZE + r.header;
            return len;
        }
        if (n < 0) {
            errno = r.error;
            return -1;
        }
        if (pass == 0 && refill(0, NULL) < 0)
            return -1;
    }
    return 0;
}

void tap_ring_wait(int timeout_ms)
{
    unsigned head = __atomic_load_n(r.cq_head, __ATOMIC_RELAXED);
    if (head != __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE))
        return;
    struct __kernel_timespec ts = {.tv_sec = timeout_ms / 1000, .tv_nsec = (long long)(timeout_ms % 1000) * 1000000};
    (void)refill(1, &ts);   /* a signal or the timeout ends it early: allowed */
}
