/*
 * One TCP service for every protocol unihost speaks over TCP (DNS, HTTP,
 * HTTPS). It owns everything between lwIP and a protocol: listening,
 * accepting, a fixed pool of connection slots per listener and the choice
 * of whom to shed when one is full, the receive buffer of each connection,
 * request, idle and lingering timeouts, graceful and aborting closes, and
 * writes (without a copy for bytes that live as long as the blob) under
 * per-connection and global memory budgets. A protocol plugs in as a
 * sans-I/O stream engine (struct stream_engine_ops, src/core/stream.h): it
 * is fed bytes, gives bytes, and says what state it is in; it never sees
 * lwIP.
 *
 * What one client can make unihost hold (docs/limits.md states it for
 * users):
 *  - per connection: TCP_SERVICE_RX_BYTES of received data (the TCP window
 *    never offers more than the free part of the connection's buffer, and
 *    every segment is copied out of lwIP's frame buffers at once, so tiny
 *    segments cannot pin the frame pool), at most the pool's queue_cap
 *    bytes queued for sending, of which at most copy_cap copied into lwIP's
 *    heap, and one slot (plus what its engine holds, e.g. a TLS state);
 *  - per address (IPv4 address, IPv6 /64): any free slots, but when a pool
 *    is full a new connection is paid for by the address holding the most
 *    slots there (the newcomer's own if it holds as many): an address can
 *    never push out a client holding fewer connections than itself;
 *  - half-open connections: at most TCP_HALF_OPEN_MAX per listener in lwIP;
 *    past that, SYN cookies (syn_cookie.h) hold nothing at all;
 *  - closing connections: a slot until the peer acknowledges our FIN and
 *    closes too, or TCP_LINGER_MS passes; then the connection is reset.
 * Memory lwIP shares between connections (heap, segments, zero-copy pbufs)
 * is kept below three quarters of each pool: above that no connection may
 * queue more, and the stalled connection holding the most is reset.
 *
 * Every close from inside an lwIP callback either aborts and returns
 * ERR_ABRT, or only shuts down sending (tcp_shutdown), which never frees
 * the pcb; the service never calls tcp_close.
 */
#ifndef UNIHOST_TCP_SERVICE_H
#define UNIHOST_TCP_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/tcp.h"
#include "core/stream.h"

/* Received bytes a connection holds at most (the TCP window's size). */
#define TCP_SERVICE_RX_BYTES TCP_WND
/* How long a closing connection whose data and FIN were all acknowledged
 * may wait for the peer's FIN; and how long a connection may go without
 * progress before memory pressure may reset it. */
#define TCP_LINGER_MS 5000
#define TCP_STALL_MS 2000

/* Per listener. */
struct tcp_limits {
    uint32_t request_timeout_ms;    /* MID_REQUEST for longer: reset */
    uint32_t idle_timeout_ms;       /* no progress for longer: closed (reset if output is stuck) */
    uint32_t queue_cap;             /* bytes queued for sending per connection */
    uint32_t copy_cap;              /* of which copied (not stable) */
};

/* One connection's slot: the service's bookkeeping and receive buffer. */
struct tcp_slot {
    struct tcp_pcb *pcb;            /* NULL: free */
    struct tcp_pool *pool;
    struct stream_peer peer;
    uint8_t phase;                  /* see tcp_service.c */
    bool input_closed;              /* the peer sent FIN */
    bool input_close_told;          /* and the engine was told, having had every byte before it */
    bool waiting_for_peer;          /* the request timer runs */
    bool starved;                   /* held back by memory others hold: woken by the next ACK anywhere */
    uint32_t last_progress;         /* ms: bytes received or acknowledged */
    uint32_t request_started;       /* ms: when waiting_for_peer became true */
    uint32_t linger_started;        /* ms: when we shut our side */
    uint32_t all_acked;             /* ms: lingering, when our data and FIN were all acknowledged (0: not yet) */
    /* Unacknowledged bytes queued, in order, as runs of copied or stable
     * bytes: how much of lwIP's heap this connection holds. */
    struct { uint32_t len; bool copied; } runs[8];
    uint8_t run_first, run_count;
    uint32_t copied_unacked;
    uint16_t rx_start, rx_len;
    uint8_t rx[TCP_SERVICE_RX_BYTES];
};

struct tcp_pool {
    const char *name;               /* for the log and the stats line */
    const struct stream_engine_ops *ops;
    struct tcp_limits limits;
    struct tcp_slot *slots;
    uint8_t *engines;               /* slot i's engine: engines + i * engine_size */
    size_t engine_size;
    size_t count;
    /* Counters for the stats line. */
    unsigned long accepted, shed, timed_out, refused;
    struct tcp_pool *next;          /* the service's list of pools */
};

/*
 * Sets up `pool` over caller-owned arrays of `count` slots and engines (of
 * `engine_size` bytes each) and adds it to the stats line. One pool may
 * serve several listeners (HTTP and HTTPS share theirs).
 */
void tcp_pool_init(struct tcp_pool *pool, const char *name, const struct stream_engine_ops *ops,
                   const struct tcp_limits *limits, struct tcp_slot *slots, void *engines,
                   size_t engine_size, size_t count);

/* Listens on `port` (every address, IPv4 and IPv6), accepting into `pool`;
 * the engines of its connections get `arg` at open(). Returns 0 or -1. */
int tcp_service_listen(struct tcp_pool *pool, uint16_t port, void *arg);

/* The same on one address only (NULL: every address). */
int tcp_service_listen_at(struct tcp_pool *pool, const ip_addr_t *addr, uint16_t port, void *arg);

/* The service's pools, in the order they were set up (follow ->next). */
const struct tcp_pool *tcp_service_pools(void);

/* Whether lwIP still holds, queued unsent or unacknowledged on any
 * connection, bytes inside memory[0..size) (sent without a copy: the
 * stable chunks of stream.h). Such memory must stay as it is until this
 * is false. */
bool tcp_service_queues_from(const void *memory, size_t size);

/* Resets every connection of `pool` whose engine doomed() says so (each
 * counted as shed); returns how many. */
size_t tcp_pool_reset_if(struct tcp_pool *pool, bool (*doomed)(const void *engine, const void *arg), const void *arg);

/* Resets every connection, in any pool or lwIP's alone, that still queues
 * bytes inside memory[0..size); returns how many. After it,
 * tcp_service_queues_from() is false for that memory. */
size_t tcp_service_reset_queuing_from(const void *memory, size_t size);

/* Slots of `pool` holding a connection, and (if lingering is not NULL)
 * how many of those are closing. */
size_t tcp_pool_in_use(const struct tcp_pool *pool, size_t *lingering);

/*
 * For an engine's open(): frees one slot's worth of something the pool's
 * connections hold beyond their slots (a TLS state), by resetting the
 * connection chosen as the pool chooses whom to shed, among those for which
 * holds(engine) is true, on behalf of a newcomer from `peer`. Returns false
 * if none holds it.
 */
bool tcp_pool_shed(struct tcp_pool *pool, const struct stream_peer *peer, bool (*holds)(const void *engine));

/*
 * An engine of `pool` has output that no input or acknowledgement
 * prompted (the live-reload stream at a swap): its connection moves
 * forward now rather than at the next tick (up to TICK_MS later). Does
 * nothing for an engine whose connection is not open. Call from outside
 * lwIP's callbacks (the event loop's turn).
 */
void tcp_pool_wake(struct tcp_pool *pool, void *engine);

/* The engine of a slot. */
void *tcp_slot_engine(const struct tcp_slot *slot);

/* An lwIP address and port as a stream peer. */
void tcp_peer_from_ip(const ip_addr_t *addr, uint16_t port, struct stream_peer *peer);

/* A peer's address as text (for the log): into buf (size at least
 * IPADDR_STRLEN_MAX), NUL-terminated; tcp_peer_text() returns buf,
 * tcp_peer_format() the text's length. */
const char *tcp_peer_text(const struct stream_peer *peer, char *buf, size_t size);
size_t tcp_peer_format(const struct stream_peer *peer, char *buf, size_t size);

#endif
