/*
 * The platform contract: everything the unihost core needs from below.
 *
 * src/unix/ (a Linux process on a tap device) and src/xen/ (a PVH guest with
 * netfront) each implement exactly these functions; nothing above this header
 * includes a platform header. The model is Solo5's solo5.h: a handful of
 * calls, each with its contract written above it.
 *
 * Start-up and the command line: the platform's own entry code (main() on
 * unix, the PVH entry on Xen) brings up the console, the clock and the one
 * network interface, turns its command line into words (argv on unix, the
 * kernel command line split at spaces on Xen), parses them with the core's
 * config_parse() (src/core/config.h) -- so the flags are the same on every
 * platform -- and calls unihost_run() (src/core/unihost.h) with the blob.
 *
 * Threading: the core is single-threaded; every function here is called from
 * the one thread that runs unihost_run(). None of them may call back into the
 * core.
 */
#ifndef UNIHOST_PLATFORM_H
#define UNIHOST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- time ------------------------------------------------------------ */

/* Nanoseconds on a clock that never goes backwards nor jumps; its zero is
 * arbitrary (boot time, say). Cheap enough to call once per event. */
uint64_t plat_monotonic_ns(void);

/* Nanoseconds since 1970-01-01T00:00:00Z, as well as the platform knows;
 * used for HTTP Date headers only, so it may step. */
uint64_t plat_wallclock_ns(void);

/* ---- waiting --------------------------------------------------------- */

/*
 * Blocks until a frame may be readable with plat_net_read(), or the
 * monotonic clock reaches `deadline_ns`, or a stop was requested, whichever
 * comes first. Returns at once if a frame is already pending. Spurious
 * returns are allowed: callers re-check everything after it returns. Never
 * spins: the waiting costs no CPU.
 */
void plat_wait(uint64_t deadline_ns);

/* True once the host asked unihost to stop (SIGINT/SIGTERM on unix, a
 * shutdown request on Xen). The core then closes down and returns. */
bool plat_stop_requested(void);

/* True once each time the host asked for a report of unihost's resources
 * (SIGUSR1 on unix; never on Xen, which has no such channel yet). The core
 * then logs one "stats:" line (src/net/net_stats.h). */
bool plat_stats_requested(void);

/* How many times since the last call the host asked to turn the query
 * log (--dns-log) on or off (SIGUSR2 on unix, as BIND's `rndc querylog`;
 * never on Xen, which has no such channel yet). The core flips it that
 * many times and logs the state it ends in. */
unsigned plat_query_log_toggles_take(void);

/* ---- content that arrives while running ------------------------------ */

/*
 * Memory for a content blob that arrives while unihost runs (a reload, a
 * push): `size` bytes, 8-byte aligned, or NULL if there is not that much
 * free. Given back with plat_blob_free() once nothing refers to it (see
 * src/core/content.h). On unix: the C heap; on Xen: runs of pages.
 */
void *plat_blob_alloc(size_t size);
void plat_blob_free(void *memory);

/*
 * A reload the host asked for (SIGHUP on unix; never on Xen, whose content
 * comes by --manage instead). Returns 0 when none was asked since the last
 * call; 1 with the new blob's bytes in plat_blob_alloc() memory (*memory,
 * *size; the caller owns them) and where they came from in `origin`; -1
 * when one was asked but could not be read, with the reason in `err`.
 */
int plat_reload_take(void **memory, size_t *size, char *origin, size_t origin_size, char *err, size_t err_size);

/* ---- console --------------------------------------------------------- */

/* Writes `len` bytes to the console (the log), waiting for it if it must
 * (boundedly). Never fails from the caller's point of view: bytes may be
 * dropped if the console is gone. */
void plat_console_write(const char *buf, size_t len);

/*
 * Writes what the console takes of buf[0..len) now, without waiting, and
 * returns how many bytes that was (0 when it is full or gone): the log
 * keeps the rest for later (src/core/log.h), so that a slow console
 * (a terminal, a pipe nobody reads, xenconsoled behind) never slows
 * serving.
 */
size_t plat_console_try_write(const char *buf, size_t len);

/* ---- the network interface ------------------------------------------ */

struct plat_net_info {
    uint8_t mac[6];         /* the interface's own Ethernet address */
    uint16_t mtu;           /* largest IP packet on the wire (frame minus Ethernet header) */
    /*
     * TCP segmentation offload: 0 if the platform has none (every frame
     * fits `mtu`, every checksum is the core's). Otherwise the largest IP
     * packet the platform takes when it carries one TCP segment (IPv4 or
     * IPv6, no IP options or extension headers): the platform cuts it into
     * segments whose IP packets fit `mtu` (each of them with the same TCP
     * header, sequence numbers advanced, FIN and PSH on the last only), and
     * it computes the TCP checksum of every TCP frame it sends, large or
     * not -- the core leaves that field zero. Frames of other protocols still
     * fit `mtu` and carry their own checksums.
     */
    uint32_t tcp_segment_max;
};

/* Facts about the one network interface. Valid once the platform started
 * the core (the interface is open before unihost_run() is called). */
void plat_net_info(struct plat_net_info *info);

/*
 * Reads one Ethernet frame. Returns its length and points *frame at its
 * bytes: in buf (room for `size` bytes, at least MTU + 14), or in the
 * platform's own receive buffer where it has one (the tap's io_uring
 * buffers), which saves a copy. The bytes stay valid and writable until the
 * next call. Returns 0 if no frame is pending (never blocks); -1 on a hard
 * error of the interface (the core logs it and stops). A frame larger than
 * `size` is dropped whole and the call returns 0.
 */
long plat_net_read(void *buf, size_t size, uint8_t **frame);

/*
 * Sends one Ethernet frame of `len` bytes (14 + at most MTU, or 14 + at most
 * tcp_segment_max for a TCP frame; see plat_net_info). Returns 0 on
 * success (queued or sent: the bytes may be reused at once), -1 if the
 * interface could not take it now (the frame is dropped; TCP retransmits).
 */
int plat_net_write(const void *frame, size_t len);

/*
 * As plat_net_write(), with the frame in `count` pieces (at most
 * PLAT_NET_PIECES_MAX) that the platform gathers without the core
 * flattening them first: a 64 KiB TCP segment is a header buffer plus
 * bodies that point into the blob. The first piece holds at least the
 * Ethernet, IP and TCP headers of the frame (the core flattens otherwise).
 */
#define PLAT_NET_PIECES_MAX 32
struct plat_net_piece {
    const void *data;
    size_t len;
};
int plat_net_write_pieces(const struct plat_net_piece *pieces, int count);

/* ---- randomness ------------------------------------------------------ */

/* Fills buf with `len` unpredictable bytes (lwIP's TCP sequence numbers
 * and local ports, the TLS server's per-connection seeds). Cheap enough to
 * call once per connection. Never returns fewer: a platform without any
 * entropy does not start. */
void plat_random(void *buf, size_t len);

/*
 * True if plat_random() is fit for cryptographic keys: a kernel CSPRNG
 * (getrandom on unix) or a CPU generator (RDSEED/RDRAND on Xen). False if
 * the platform only has weaker sources (timing jitter): plat_random() still
 * works, for TCP, but the core then declines to serve HTTPS.
 */
bool plat_random_is_cryptographic(void);

/* ---- leaving --------------------------------------------------------- */

/* Ends unihost with `status` (0 = clean stop). Does not return. */
_Noreturn void plat_exit(int status);

#endif
