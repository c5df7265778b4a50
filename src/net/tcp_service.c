/*
 * The TCP service: see tcp_service.h for what it guarantees. Here is how.
 *
 * A slot goes FREE -> OPEN -> LINGER -> FREE, or to FREE from anywhere by a
 * reset. While OPEN, every lwIP event (bytes in, bytes acknowledged) and the
 * service's tick runs advance(): take the engine's output while the budgets
 * allow, feed it received bytes, and again while it takes new input (only
 * new input gives it more to say). When the engine is
 * FINISHED, the slot shuts our sending side (FIN after the queued data) and
 * LINGERs: what the peer still sends is read and dropped, so that it gets
 * our FIN and its last response rather than a reset (RFC 9112 9.6), until
 * the peer closes too or the linger time runs out.
 *
 * Timeouts run from one timer of the service's own (every TICK_MS while
 * any slot is in use), outside lwIP's callbacks: lwIP's per-connection poll
 * is not called while acknowledgements keep coming, and a tick outside
 * tcp_input may reset any connection.
 *
 * lwIP's pcb lifetime rules the slot's. A slot holds its pcb until lwIP
 * reports it gone (the error callback: reset, or the last ACK of a close
 * the peer began), we reset it, or it reaches a state lwIP finishes alone
 * and bounds: TIME_WAIT, or CLOSING with nothing left to send (only our FIN
 * is unacknowledged; retransmitting it is bounded, and lwIP reclaims such
 * pcbs first when it runs out). lwIP moves a pcb from CLOSING to TIME_WAIT
 * without telling anyone, so a slot lets go of a CLOSING pcb as soon as
 * nothing is unsent; every other move is seen in a callback.
 */
#include "net/tcp_service.h"

#include <stdio.h>
#include <string.h>

#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "net/ipv4_text.h"
#include "net/net_limits.h"
#include "net/net_stats.h"
#include "net/netif_platform.h"

#define TICK_MS 500
#define LISTENERS_MAX TCP_LISTENERS
/* Below this much room, and with bytes still queued, wait for more room:
 * an engine may regenerate its output at every call (dns_stream.h). */
#define SEND_MIN 4096
/* Copied bytes queued by all connections together: half of lwIP's heap.
 * The other half is for what no client controls the size of: replies to
 * UDP queries, ARP and neighbour discovery, SYN-ACKs, segment headers. */
#define COPY_BUDGET (MEM_SIZE / 2)
#define ROUNDS_MAX 64
/* Buffers (lwIP pbufs: a header and a body each per segment) a connection
 * may have queued. With segmentation offload a segment is up to 64 KiB and
 * the byte caps bind first; without it (Xen, or a tap without offload) a
 * 1460-byte segment costs the same two pbufs, and this keeps a handful of
 * bulk downloads from taking lwIP's whole pools. */
#define QUEUE_PBUFS_MAX 64

enum { PHASE_FREE, PHASE_OPEN, PHASE_LINGER };

/* A listening port: its pool, and what its engines are told at open(). */
struct tcp_listener {
    struct tcp_pool *pool;
    void *arg;
};

static struct tcp_pool *pools;
static struct tcp_listener listeners[LISTENERS_MAX];
static size_t listener_count;
static uint8_t scratch[STREAM_SCRATCH_BYTES];
static size_t copied_total;         /* copied_unacked of every slot */
static size_t slots_in_use;
static size_t starved_count;        /* slots with starved set */
static bool ticking;
static unsigned long pressure_resets;

static void tick(void *arg);
static err_t advance(struct tcp_slot *s);

/* ---- slots and engines ------------------------------------------------------- */

void *tcp_slot_engine(const struct tcp_slot *slot)
{
    const struct tcp_pool *pool = slot->pool;
    return pool->engines + (size_t)(slot - pool->slots) * pool->engine_size;
}

void tcp_peer_from_ip(const ip_addr_t *addr, uint16_t port, struct stream_peer *peer)
{
    memset(peer, 0, sizeof *peer);
    peer->port = port;
    if (IP_IS_V4(addr)) {
        peer->family = 4;
        memcpy(peer->addr, &ip_2_ip4(addr)->addr, 4);
    } else {
        peer->family = 6;
        memcpy(peer->addr, ip_2_ip6(addr)->addr, 16);
    }
}

size_t tcp_peer_format(const struct stream_peer *peer, char *buf, size_t size)
{
    if (size < IPADDR_STRLEN_MAX) {
        if (size > 0)
            buf[0] = '\0';
        return 0;
    }
    _Static_assert(IPADDR_STRLEN_MAX >= IPV4_TEXT_MAX, "room for an IPv4 address");
    if (peer->family == 4)
        return ipv4_text(peer->addr, buf);
    ip_addr_t addr;
    ip_addr_set_zero_ip6(&addr);
    memcpy(ip_2_ip6(&addr)->addr, peer->addr, 16);
    return ipaddr_ntoa_r(&addr, buf, (int)size) ? strlen(buf) : 0;
}

const char *tcp_peer_text(const struct stream_peer *peer, char *buf, size_t size)
{
    tcp_peer_format(peer, buf, size);
    return buf;
}

/* Who an address is for fairness: an IPv4 address, or an IPv6 /64 (one
 * subscriber's prefix). */
static uint64_t client_key(const struct stream_peer *peer)
{
    uint64_t key = 0;
    memcpy(&key, peer->addr, peer->family == 4 ? 4 : 8);
    return key ^ ((uint64_t)peer->family << 62);
}

static void detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
}

/* The slot lets go of its connection (the pcb is gone or lwIP's alone). */
static void release(struct tcp_slot *s)
{
    if (s->phase == PHASE_OPEN)
        s->pool->ops->closed(tcp_slot_engine(s));
    if (s->starved)
        starved_count--;
    s->starved = false;
    copied_total -= s->copied_unacked;
    s->copied_unacked = 0;
    s->run_count = 0;
    s->pcb = NULL;
    s->phase = PHASE_FREE;
    slots_in_use--;
}

/* Resets the connection and frees the slot. From inside a callback for
 * this pcb, return ERR_ABRT afterwards. */
static void reset(struct tcp_slot *s)
{
    struct tcp_pcb *pcb = s->pcb;
    detach(pcb);
    release(s);
    tcp_abort(pcb);
}

/* ---- what a slot is doing ---------------------------------------------------- */

/* Bytes queued in lwIP (tcp_sndbuf() stops at 64 KiB - 1 with window
 * scaling: the field itself does not). */
static size_t queued(const struct tcp_slot *s)
{
    return (size_t)(TCP_SND_BUF - s->pcb->snd_buf);
}

/* Nothing received waits, nothing is being said or queued: shedding this
 * connection loses no work. */
static bool is_idle(const struct tcp_slot *s)
{
    if (s->phase != PHASE_OPEN)
        return true;
    return !s->waiting_for_peer && s->rx_len == 0 && s->pcb->unsent == NULL && s->pcb->unacked == NULL &&
           !(s->pool->ops->state(tcp_slot_engine(s)) & STREAM_RESPONDING);
}

/* ---- whom to shed ------------------------------------------------------------ */

/* Slots per client, counted in an open-addressing table at most half full. */
#define COUNT_TABLE (2 * (HTTP_SLOTS > DNS_SLOTS ? HTTP_SLOTS : DNS_SLOTS) + 1)
static struct {
    uint64_t key;
    uint16_t count;
    uint16_t stamp;
} counts[COUNT_TABLE];
static uint16_t count_stamp;

static uint16_t *count_of(uint64_t key)
{
    size_t i = (size_t)((key * 0x9e3779b97f4a7c15u) >> 32) % COUNT_TABLE;
    for (size_t probe = 0; probe < COUNT_TABLE; probe++, i = (i + 1) % COUNT_TABLE) {
        if (counts[i].stamp != count_stamp) {
            counts[i].stamp = count_stamp;
            counts[i].key = key;
            counts[i].count = 0;
            return &counts[i].count;
        }
        if (counts[i].key == key)
            return &counts[i].count;
    }
    return NULL;    /* never: the table has room for twice the largest pool */
}

/*
 * The connection of `pool` (among those for which holds(engine), if given)
 * to shed for a newcomer from `newcomer` (NULL: unknown): a lingering one,
 * else one of the client holding the most (the newcomer's own if it holds
 * as many), the idle one quiet the longest, else the one quiet the longest.
 */
static struct tcp_slot *pick_victim(struct tcp_pool *pool, const struct stream_peer *newcomer,
                                    bool (*holds)(const void *engine))
{
    struct tcp_slot *lingering = NULL;
    if (++count_stamp == 0)
        count_stamp = 1;
    uint16_t most = 0;
    for (size_t i = 0; i < pool->count; i++) {
        struct tcp_slot *s = &pool->slots[i];
        if (s->phase == PHASE_FREE)
            continue;
        if (s->phase == PHASE_LINGER) {
            if (!holds && (!lingering || (int32_t)(s->linger_started - lingering->linger_started) < 0))
                lingering = s;
            continue;
        }
        if (holds && !holds(tcp_slot_engine(s)))
            continue;
        uint16_t *c = count_of(client_key(&s->peer));
        if (c && ++*c > most)
            most = *c;
    }
    if (lingering)
        return lingering;
    uint16_t *mine = newcomer ? count_of(client_key(newcomer)) : NULL;
    bool own = mine && *mine == most && most > 0;
    struct tcp_slot *idle = NULL, *quiet = NULL;
    for (size_t i = 0; i < pool->count; i++) {
        struct tcp_slot *s = &pool->slots[i];
        if (s->phase != PHASE_OPEN || (holds && !holds(tcp_slot_engine(s))))
            continue;
        uint64_t key = client_key(&s->peer);
        const uint16_t *c = count_of(key);
        if (own ? key != client_key(newcomer) : !c || *c != most)
            continue;
        if (is_idle(s) && (!idle || (int32_t)(s->last_progress - idle->last_progress) < 0))
            idle = s;
        if (!quiet || (int32_t)(s->last_progress - quiet->last_progress) < 0)
            quiet = s;
    }
    return idle ? idle : quiet;
}

bool tcp_pool_shed(struct tcp_pool *pool, const struct stream_peer *peer, bool (*holds)(const void *engine))
{
    struct tcp_slot *victim = pick_victim(pool, peer, holds);
    if (!victim)
        return false;
    pool->shed++;
    reset(victim);
    return true;
}

/* lwIP is out of pcbs: free one, from whichever pool can best spare it. */
static void shed_any(void)
{
    struct tcp_slot *best = NULL;
    for (struct tcp_pool *pool = pools; pool; pool = pool->next) {
        struct tcp_slot *s = pick_victim(pool, NULL, NULL);
        if (!s)
            continue;
        /* Lingering before idle before busy; then the quietest. */
        int rank = s->phase == PHASE_LINGER ? 0 : is_idle(s) ? 1 : 2;
        int best_rank = !best ? 3 : best->phase == PHASE_LINGER ? 0 : is_idle(best) ? 1 : 2;
        if (rank < best_rank || (rank == best_rank && (int32_t)(s->last_progress - best->last_progress) < 0))
            best = s;
    }
    if (best) {
        best->pool->shed++;
        reset(best);
    }
}

/* ---- memory budgets ---------------------------------------------------------- */

/* lwIP's shared memory is three quarters used: nobody queues more. (Asked
 * at every write: the sizes are fixed, so are the thresholds.) */
static bool under_pressure(void)
{
    static const struct stats_mem *seg, *ref;
    static mem_size_t heap_high;
    static u16_t seg_high, ref_high;
    if (!seg) {
        seg = lwip_stats.memp[MEMP_TCP_SEG];
        ref = lwip_stats.memp[MEMP_PBUF];
        heap_high = lwip_stats.mem.avail / 4 * 3;
        seg_high = (u16_t)(seg->avail / 4 * 3);
        ref_high = (u16_t)(ref->avail / 4 * 3);
    }
    return lwip_stats.mem.used > heap_high || seg->used > seg_high || ref->used > ref_high;
}

/* Records n bytes queued (copied or not) at the end of the runs; false if
 * a new run is needed and there is no room for one. */
static bool runs_push(struct tcp_slot *s, size_t n, bool copied)
{
    size_t cap = sizeof s->runs / sizeof s->runs[0];
    if (s->run_count > 0) {
        size_t last = (s->run_first + s->run_count - 1) % cap;
        if (s->runs[last].copied == copied) {
            s->runs[last].len += (uint32_t)n;
            goto counted;
        }
    }
    if (s->run_count == cap)
        return false;
    size_t next = (s->run_first + s->run_count) % cap;
    s->runs[next].len = (uint32_t)n;
    s->runs[next].copied = copied;
    s->run_count++;
counted:
    if (copied) {
        s->copied_unacked += (uint32_t)n;
        copied_total += n;
    }
    return true;
}

static bool runs_room(const struct tcp_slot *s, bool copied)
{
    size_t cap = sizeof s->runs / sizeof s->runs[0];
    if (s->run_count < cap)
        return true;
    return s->runs[(s->run_first + s->run_count - 1) % cap].copied == copied;
}

static void runs_acked(struct tcp_slot *s, size_t n)
{
    size_t cap = sizeof s->runs / sizeof s->runs[0];
    while (n > 0 && s->run_count > 0) {
        uint32_t take = s->runs[s->run_first].len < n ? s->runs[s->run_first].len : (uint32_t)n;
        s->runs[s->run_first].len -= take;
        if (s->runs[s->run_first].copied) {
            s->copied_unacked -= take;
            copied_total -= take;
        }
        n -= take;
        if (s->runs[s->run_first].len == 0) {
            s->run_first = (uint8_t)((s->run_first + 1) % cap);
            s->run_count--;
        }
    }
}

/* ---- moving bytes -------------------------------------------------------------- */

/* How much more this connection may queue now. */
static size_t send_room(const struct tcp_slot *s)
{
    size_t q = queued(s);
    size_t room = s->pcb->snd_buf;
    size_t cap = q < s->pool->limits.queue_cap ? s->pool->limits.queue_cap - q : 0;
    if (cap < room)
        room = cap;
    size_t pbufs_max = TCP_SND_QUEUELEN < QUEUE_PBUFS_MAX ? TCP_SND_QUEUELEN : QUEUE_PBUFS_MAX;
    size_t pbufs = tcp_sndqueuelen(s->pcb);
    if (pbufs + 4 >= pbufs_max)
        return 0;
    size_t segments = (pbufs_max - pbufs - 2) / 2;
    if (segments * s->pcb->mss < room)
        room = segments * s->pcb->mss;
    return room;
}

/* The size of the segments tcp_write() makes for this connection: the
 * MSS, or half the largest window the peer has offered when that is less
 * (lwIP's rule, in tcp_write()). */
static size_t segment_size(const struct tcp_pcb *pcb)
{
    size_t half = pcb->snd_wnd_max / 2;
    if (half > 0xffff)
        half = 0xffff;
    return half > 0 && half < pcb->mss ? half : pcb->mss;
}

/* N cut back to where a segment ends, when more of the chunk waits for
 * room: a write that ends mid-segment leaves a short segment, and with
 * nothing after it yet it goes out alone, one more frame and one more
 * acknowledgement. With segmentation offload a segment is 64 KiB and the
 * send buffer 256 KiB, so a 300 kB file went out in six frames where five
 * do. What is held back waits for the acknowledgement of what is queued,
 * whose callback (sent) comes back here; with nothing queued nothing would
 * call back, so then N goes whole. */
static size_t whole_segments(const struct tcp_slot *s, size_t n)
{
    if (queued(s) == 0)
        return n;
    size_t seg = segment_size(s->pcb);
    size_t space = 0;           /* what tcp_write() adds to the last unsent segment first */
    if (s->pcb->unsent) {
        const struct tcp_seg *last = s->pcb->unsent;
        while (last->next)
            last = last->next;
        space = last->len < seg ? seg - last->len : 0;
    }
    if (n <= space)
        return n;
    return space + (n - space) / seg * seg;
}

/* A connection held back by memory others hold: it may have nothing in
 * flight to call it back, so the next acknowledgement anywhere does. */
static void starve(struct tcp_slot *s)
{
    if (!s->starved) {
        s->starved = true;
        starved_count++;
    }
}

/* Hands the engine's output to lwIP while the budgets allow. */
static bool send_output(struct tcp_slot *s, void *engine)
{
    const struct stream_engine_ops *ops = s->pool->ops;
    bool moved = false;
    bool pressure_checked = false;
    for (int i = 0; i < ROUNDS_MAX; i++) {
        size_t room = send_room(s);
        if (room == 0 || (room < SEND_MIN && queued(s) > 0))
            break;
        if (!pressure_checked && under_pressure()) {
            starve(s);
            break;
        }
        pressure_checked = true;    /* one look a call: its writes are bounded */
        struct stream_chunk chunk;
        if (!ops->output(engine, scratch, room, &chunk) || chunk.len == 0)
            break;
        size_t n = chunk.len < room ? chunk.len : room;
        if (n > 0xffff)
            n = 0xffff;
        if (n < chunk.len) {
            n = whole_segments(s, n);
            if (n == 0)
                break;          /* a whole segment's room comes with the next acknowledgement */
        }
        if (!chunk.stable) {
            size_t cap = s->pool->limits.copy_cap;
            size_t mine = cap > s->copied_unacked ? cap - s->copied_unacked : 0;
            size_t all = COPY_BUDGET > copied_total ? COPY_BUDGET - copied_total : 0;
            if (mine < n)
                n = mine;
            if (all < n)
                n = all;
            if (all == 0)
                starve(s);
            if (n == 0)
                break;
        }
        if (!runs_room(s, !chunk.stable))
            break;
        u8_t flags = chunk.stable ? 0 : TCP_WRITE_FLAG_COPY;
        if (n < chunk.len)
            flags |= TCP_WRITE_FLAG_MORE;
        if (tcp_write(s->pcb, chunk.data, (u16_t)n, flags) != ERR_OK)
            break;              /* out of memory for now: the next event retries */
        runs_push(s, n, !chunk.stable);
        ops->output_taken(engine, n);
        moved = true;
    }
    return moved;
}

/* Feeds the received bytes the engine will take. */
static bool feed_input(struct tcp_slot *s, void *engine)
{
    if (s->rx_len == 0)
        return false;
    size_t used = s->pool->ops->feed(engine, s->rx + s->rx_start, s->rx_len);
    if (used == 0)
        return false;
    s->rx_start = (uint16_t)(s->rx_start + used);
    s->rx_len = (uint16_t)(s->rx_len - used);
    if (s->rx_len == 0)
        s->rx_start = 0;
    tcp_recved(s->pcb, (u16_t)used);
    return true;
}

static void ensure_ticking(void)
{
    if (!ticking && slots_in_use > 0) {
        ticking = true;
        sys_timeout(TICK_MS, tick, NULL);
    }
}

/* ---- closing ------------------------------------------------------------------- */

/* A lingering slot lets go of its pcb once lwIP can finish alone. */
static void linger_check(struct tcp_slot *s)
{
    struct tcp_pcb *pcb = s->pcb;
    if (pcb->state == TIME_WAIT || (pcb->state == CLOSING && pcb->unsent == NULL)) {
        detach(pcb);
        release(s);
        return;
    }
    if (!s->all_acked && pcb->unsent == NULL && pcb->unacked == NULL)
        s->all_acked = sys_now() | 1;
}

/* The engine is done: FIN after what is queued, then linger. Returns what a
 * callback for this pcb must return. */
static err_t begin_linger(struct tcp_slot *s)
{
    s->pool->ops->closed(tcp_slot_engine(s));
    s->phase = PHASE_LINGER;
    s->linger_started = sys_now();
    s->all_acked = 0;
    /* What the engine never read is dropped: reopen the window for it, so
     * the peer is not stuck behind it while we wait for its FIN. */
    if (s->rx_len > 0)
        tcp_recved(s->pcb, s->rx_len);
    s->rx_len = s->rx_start = 0;
    if (tcp_shutdown(s->pcb, 0, 1) != ERR_OK) {
        reset(s);
        return ERR_ABRT;
    }
    tcp_output(s->pcb);
    linger_check(s);
    return ERR_OK;
}

/* ---- the heart: moving a connection forward ------------------------------------ */

static err_t advance(struct tcp_slot *s)
{
    if (s->starved) {
        s->starved = false;
        starved_count--;
    }
    void *engine = tcp_slot_engine(s);
    const struct stream_engine_ops *ops = s->pool->ops;
    for (int round = 0; round < ROUNDS_MAX; round++) {
        send_output(s, engine);
        /* Only new input can give the engine more to say: what it had is
         * out, or waits for room that will not come before the next event. */
        bool fed = feed_input(s, engine);
        /* The engine hears of the FIN once it has every byte before it. */
        if (s->input_closed && !s->input_close_told && s->rx_len == 0) {
            s->input_close_told = true;
            ops->input_closed(engine);
            fed = true;
        }
        if (!fed)
            break;
    }
    tcp_output(s->pcb);
    unsigned state = ops->state(engine);
    if (state & STREAM_FAILED) {
        reset(s);
        return ERR_ABRT;
    }
    if (state & STREAM_FINISHED)
        return begin_linger(s);
    bool waiting = (state & STREAM_MID_REQUEST) || (s->rx_len > 0 && !(state & STREAM_RESPONDING));
    if (waiting && !s->waiting_for_peer)
        s->request_started = sys_now();
    s->waiting_for_peer = waiting;
    return ERR_OK;
}

void tcp_pool_wake(struct tcp_pool *pool, void *engine)
{
    size_t i = (size_t)((uint8_t *)engine - pool->engines) / pool->engine_size;
    if (i < pool->count && pool->slots[i].phase == PHASE_OPEN)
        advance(&pool->slots[i]);
}

/* ---- lwIP callbacks ------------------------------------------------------------ */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct tcp_slot *s = arg;
    if (err != ERR_OK || !s) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (s->phase == PHASE_LINGER) {
        if (p) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        } else {
            s->input_closed = true;
        }
        linger_check(s);
        return ERR_OK;
    }
    if (!p) {
        s->input_closed = true;
        return advance(s);
    }
    /* The window never offers more than the buffer's free part, so this
     * fits; a peer that sends past the window gets trimmed by lwIP. */
    size_t n = p->tot_len;
    if (n > (size_t)TCP_SERVICE_RX_BYTES - s->rx_len) {
        pbuf_free(p);
        reset(s);
        return ERR_ABRT;
    }
    if (s->rx_start + s->rx_len + n > (size_t)TCP_SERVICE_RX_BYTES) {
        memmove(s->rx, s->rx + s->rx_start, s->rx_len);
        s->rx_start = 0;
    }
    pbuf_copy_partial(p, s->rx + s->rx_start + s->rx_len, (u16_t)n, 0);
    s->rx_len = (uint16_t)(s->rx_len + n);
    pbuf_free(p);       /* the frame buffer goes back to the pool at once */
    if (n > 0)
        s->last_progress = sys_now();
    return advance(s);
}

/* Memory came back: the connections it held back go on (their own pcbs,
 * not the one whose callback this is: a reset there returns nothing). */
static void wake_starved(const struct tcp_slot *current)
{
    for (struct tcp_pool *pool = pools; pool && starved_count > 0 && !under_pressure(); pool = pool->next)
        for (size_t i = 0; i < pool->count && starved_count > 0; i++) {
            struct tcp_slot *s = &pool->slots[i];
            if (!s->starved || s == current)
                continue;
            if (s->phase == PHASE_OPEN)
                advance(s);     /* clears starved, or sets it again */
        }
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    struct tcp_slot *s = arg;
    if (!s)
        return ERR_OK;
    runs_acked(s, len);
    if (len > 0)
        s->last_progress = sys_now();
    if (starved_count > 0)
        wake_starved(s);
    if (s->phase == PHASE_LINGER) {
        linger_check(s);
        return ERR_OK;
    }
    return advance(s);
}

static void on_err(void *arg, err_t err)
{
    (void)err;
    struct tcp_slot *s = arg;
    if (s)
        release(s);     /* lwIP has freed the pcb (reset, or closed) */
}

/* ---- accepting ----------------------------------------------------------------- */

static struct tcp_slot *take_slot(struct tcp_pool *pool, const struct stream_peer *peer)
{
    for (size_t i = 0; i < pool->count; i++)
        if (pool->slots[i].phase == PHASE_FREE)
            return &pool->slots[i];
    struct tcp_slot *victim = pick_victim(pool, peer, NULL);
    if (!victim)
        return NULL;
    pool->shed++;
    reset(victim);
    return victim;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct tcp_listener *listener = arg;
    if (err != ERR_OK || !pcb) {
        /* lwIP could not allocate a pcb for a SYN: free one, so that the
         * SYN's retransmission finds room. */
        shed_any();
        return ERR_VAL;
    }
    struct tcp_pool *pool = listener->pool;
    struct stream_peer peer;
    tcp_peer_from_ip(&pcb->remote_ip, pcb->remote_port, &peer);
    struct tcp_slot *s = take_slot(pool, &peer);
    if (!s) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    uint32_t now = sys_now();
    s->pcb = pcb;
    s->pool = pool;
    s->peer = peer;
    s->phase = PHASE_OPEN;
    s->input_closed = false;
    s->input_close_told = false;
    s->waiting_for_peer = false;
    s->starved = false;
    s->last_progress = s->request_started = now;
    s->run_first = s->run_count = 0;
    s->copied_unacked = 0;
    s->rx_start = s->rx_len = 0;
    if (!pool->ops->open(tcp_slot_engine(s), &peer, listener->arg)) {
        pool->refused++;
        s->phase = PHASE_FREE;
        s->pcb = NULL;
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    slots_in_use++;
    pool->accepted++;
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_nagle_disable(pcb);     /* responses are whole: don't hold their tails back */
    netif_platform_tune_tcp(pcb);
    ensure_ticking();
    return advance(s);
}

/* ---- the tick: timeouts and memory pressure ------------------------------------ */

/* Under pressure, the connection that holds the most queued bytes and has
 * not moved for TCP_STALL_MS is reset. */
static void relieve_pressure(uint32_t now)
{
    struct tcp_slot *heaviest = NULL;
    size_t most = 0;
    for (struct tcp_pool *pool = pools; pool; pool = pool->next)
        for (size_t i = 0; i < pool->count; i++) {
            struct tcp_slot *s = &pool->slots[i];
            if (s->phase == PHASE_FREE || now - s->last_progress < TCP_STALL_MS)
                continue;
            size_t q = queued(s);
            if (q > most) {
                most = q;
                heaviest = s;
            }
        }
    if (heaviest) {
        pressure_resets++;
        reset(heaviest);
    }
}

static void check_slot(struct tcp_slot *s, uint32_t now)
{
    const struct tcp_limits *lim = &s->pool->limits;
    if (s->phase == PHASE_LINGER) {
        /* The ACK of our FIN alone calls nothing back: look here. */
        linger_check(s);
        if (s->phase == PHASE_FREE)
            return;
        /* Until all is acknowledged the peer may be reading slowly: only
         * a stall ends it then. After that, it has TCP_LINGER_MS to close. */
        if ((s->all_acked && now - s->all_acked > TCP_LINGER_MS) ||
            (!s->all_acked && now - s->last_progress > lim->idle_timeout_ms)) {
            s->pool->timed_out++;
            reset(s);
        }
        return;
    }
    if (s->waiting_for_peer && now - s->request_started > lim->request_timeout_ms) {
        s->pool->timed_out++;   /* too slow to send a request: slowloris */
        reset(s);
        return;
    }
    if (now - s->last_progress > lim->idle_timeout_ms) {
        s->pool->timed_out++;
        if (is_idle(s))
            begin_linger(s);    /* a quiet keep-alive connection: close politely */
        else
            reset(s);           /* stuck with bytes queued: free them now */
        return;
    }
    advance(s);                 /* retry what memory pressure held back */
}

static void tick(void *arg)
{
    (void)arg;
    uint32_t now = sys_now();
    if (under_pressure())
        relieve_pressure(now);
    for (struct tcp_pool *pool = pools; pool; pool = pool->next)
        for (size_t i = 0; i < pool->count; i++)
            if (pool->slots[i].phase != PHASE_FREE)
                check_slot(&pool->slots[i], now);
    ticking = false;
    ensure_ticking();
}

/* ---- bytes sent without a copy ------------------------------------------------ */

static bool segments_point_into(const struct tcp_seg *seg, uintptr_t start, uintptr_t end)
{
    for (; seg; seg = seg->next)
        for (const struct pbuf *p = seg->p; p; p = p->next)
            if ((uintptr_t)p->payload >= start && (uintptr_t)p->payload < end)
                return true;
    return false;
}

size_t tcp_pool_reset_if(struct tcp_pool *pool, bool (*doomed)(const void *engine, const void *arg), const void *arg)
{
    size_t n = 0;
    for (size_t i = 0; i < pool->count; i++) {
        struct tcp_slot *s = &pool->slots[i];
        if (s->phase == PHASE_OPEN && doomed(tcp_slot_engine(s), arg)) {
            pool->shed++;
            reset(s);
            n++;
        }
    }
    return n;
}

size_t tcp_service_reset_queuing_from(const void *memory, size_t size)
{
    uintptr_t start = (uintptr_t)memory, end = start + size;
    size_t n = 0;
    for (struct tcp_pool *pool = pools; pool; pool = pool->next)
        for (size_t i = 0; i < pool->count; i++) {
            struct tcp_slot *s = &pool->slots[i];
            if (s->phase != PHASE_FREE &&
                (segments_point_into(s->pcb->unsent, start, end) || segments_point_into(s->pcb->unacked, start, end))) {
                pool->shed++;
                reset(s);
                n++;
            }
        }
    /* Connections no slot holds any more (closed by us, lwIP finishing
     * them): aborted as they are; the list changes with each, so walk it
     * again from its head. */
    for (bool again = true; again;) {
        again = false;
        for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
            if (segments_point_into(pcb->unsent, start, end) || segments_point_into(pcb->unacked, start, end)) {
                tcp_abort(pcb);
                n++;
                again = true;
                break;
            }
    }
    return n;
}

bool tcp_service_queues_from(const void *memory, size_t size)
{
    uintptr_t start = (uintptr_t)memory, end = start + size;
    /* Every connection lwIP still has data for, ours or closed by us and
     * lingering in its hands (FIN_WAIT, LAST_ACK, ...): TIME_WAIT and
     * listening ones hold none. */
    for (const struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
        if (segments_point_into(pcb->unsent, start, end) || segments_point_into(pcb->unacked, start, end))
            return true;
    return false;
}

/* ---- set-up and stats ---------------------------------------------------------- */

size_t tcp_pool_in_use(const struct tcp_pool *pool, size_t *lingering)
{
    size_t used = 0, closing = 0;
    for (size_t i = 0; i < pool->count; i++) {
        used += pool->slots[i].phase != PHASE_FREE;
        closing += pool->slots[i].phase == PHASE_LINGER;
    }
    if (lingering)
        *lingering = closing;
    return used;
}

const struct tcp_pool *tcp_service_pools(void)
{
    return pools;
}

static void add_stats(struct stats_line *line)
{
    for (struct tcp_pool *pool = pools; pool; pool = pool->next) {
        size_t lingering;
        size_t used = tcp_pool_in_use(pool, &lingering);
        char key[48];
        snprintf(key, sizeof key, "%s_conns", pool->name);
        stats_add(line, key, "%zu/%zu", used, pool->count);
        snprintf(key, sizeof key, "%s_lingering", pool->name);
        stats_add(line, key, "%zu", lingering);
        snprintf(key, sizeof key, "%s_accepted", pool->name);
        stats_add(line, key, "%lu", pool->accepted);
        snprintf(key, sizeof key, "%s_shed", pool->name);
        stats_add(line, key, "%lu", pool->shed);
        snprintf(key, sizeof key, "%s_timed_out", pool->name);
        stats_add(line, key, "%lu", pool->timed_out);
        snprintf(key, sizeof key, "%s_refused", pool->name);
        stats_add(line, key, "%lu", pool->refused);
    }
    stats_add(line, "tcp_copied", "%zu/%zu", copied_total, (size_t)COPY_BUDGET);
    stats_add(line, "tcp_pressure_resets", "%lu", pressure_resets);
}

void tcp_pool_init(struct tcp_pool *pool, const char *name, const struct stream_engine_ops *ops,
                   const struct tcp_limits *limits, struct tcp_slot *slots, void *engines,
                   size_t engine_size, size_t count)
{
    memset(pool, 0, sizeof *pool);
    pool->name = name;
    pool->ops = ops;
    pool->limits = *limits;
    pool->slots = slots;
    pool->engines = engines;
    pool->engine_size = engine_size;
    pool->count = count;
    for (size_t i = 0; i < count; i++) {
        slots[i].phase = PHASE_FREE;
        slots[i].pcb = NULL;
        slots[i].pool = pool;
    }
    if (!pools)
        net_stats_register(add_stats);
    struct tcp_pool **end = &pools;
    while (*end)
        end = &(*end)->next;
    *end = pool;
}

int tcp_service_listen(struct tcp_pool *pool, uint16_t port, void *arg)
{
    return tcp_service_listen_at(pool, NULL, port, arg);
}

int tcp_service_listen_at(struct tcp_pool *pool, const ip_addr_t *addr, uint16_t port, void *arg)
{
    if (listener_count == LISTENERS_MAX)
        return -1;
    struct tcp_listener *listener = &listeners[listener_count];
    /* Bound to one address, lwIP hands this listener only segments sent
     * to that address: the port is closed (RST) on every other. */
    struct tcp_pcb *pcb = tcp_new_ip_type(addr ? (u8_t)IP_GET_TYPE(addr) : IPADDR_TYPE_ANY);
    if (!pcb || tcp_bind(pcb, addr ? addr : IP_ANY_TYPE, port) != ERR_OK)
        return -1;
    pcb = tcp_listen_with_backlog(pcb, TCP_DEFAULT_LISTEN_BACKLOG);
    if (!pcb)
        return -1;
    listener->pool = pool;
    listener->arg = arg;
    listener_count++;
    tcp_arg(pcb, listener);
    tcp_accept(pcb, on_accept);
    return 0;
}
