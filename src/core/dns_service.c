/*
 * DNS on port 53. UDP: one datagram in, one out, most of them answered
 * below lwIP (udp_fast.h), the rest through lwIP's UDP; both by the
 * engine's one entry point. TCP: the DNS stream engine
 * (dns_stream.h: framing, pipelining, transfers) plugged into the TCP
 * service (tcp_service.h), which owns the connections, their buffers,
 * timeouts and shedding.
 */
#include "core/dns_service.h"

#include <stddef.h>
#include <string.h>

#include "core/content.h"
#include "core/platform.h"
#include "core/turn_clock.h"
#include "dns/dns_db.h"
#include "dns/dns_engine.h"
#include "dns/dns_stream.h"
#include "wire/dns_wire.h"
#include "core/log.h"
#include "log/query_line.h"
#include "metrics/metrics.h"
#include "lwip/udp.h"
#include "net/net_limits.h"
#include "net/tcp_service.h"
#include "net/udp_fast.h"

#define DNS_PORT 53
#define DNS_TCP_IDLE_MS 10000       /* a query must come whole, and an idle connection goes, within it */
/* Connections at once: net_limits.h's DNS_SLOTS; this is the tap build's
 * figure, under the name tests/integration/dns_tcp.sh reads. */
#define DNS_TCP_CONNS 64
_Static_assert(UDP_FAST_ANSWER_MAX == DNS_EDNS_PAYLOAD, "UDP answers are at most what we advertise");
_Static_assert(DNS_SLOTS <= DNS_TCP_CONNS, "DNS_TCP_CONNS names the largest DNS_SLOTS");
/* Answers are copied (they are made per query); the largest is 64 KiB,
 * sent in parts (dns_stream.h makes it again for each). */
#define DNS_QUEUE_CAP (64 * 1024)
#define DNS_COPY_CAP (64 * 1024)

/* The clock and the state every query shares (dns_engine.h): the rate
 * limiter's 384 KiB table lives here, once. */
static struct dns_engine_env env;
static struct dns_rrl rrl;
static struct dns_cookie_secrets cookie_secrets;
/* The TSIG keys of each blob held (content.h): a message pins env, and
 * with it the keys of the blob it is answered from, which must stay what
 * they were until that message (a whole transfer) is out, whatever
 * content came since. */
static struct {
    struct dns_tsig_key keys[BLOB_DNS_TSIG_KEYS_MAX];
} key_sets[CONTENT_VERSIONS];
static struct tcp_pool pool;
static struct tcp_slot slots[DNS_SLOTS];
static struct dns_stream engines[DNS_SLOTS];
static uint8_t udp_query[DNS_STREAM_QUERY_MAX];
static bool log_queries;
static uint64_t cookie_counts[DNS_COOKIE_STATUSES];
static bool cookie_secrets_configured;     /* the active secret is dns.conf's, not random */
/* Over TCP, for the query lines: each connection's peer (with its port,
 * which the engine does not keep), and the answer being sent: its header
 * (for the RCODE, in the line and the metrics) and length, kept from
 * output() until it was all taken. */
static struct {
    struct stream_peer peer;
    uint8_t head[DNS_HEADER_SIZE];
    size_t len;
} tcp_answers[DNS_SLOTS];

/* The clock as the engine reads it, brought up to date per message (to
 * the turn's reading: turn_clock.h). */
static void env_tick(void)
{
    env.now_ms = turn_monotonic_ns() / 1000000u;
    env.unix_time = turn_wallclock_ns() / 1000000000u;
}

/* What a query line is made from, kept until the log makes it
 * (log_defer_reserve): the query's first bytes, enough for its header and any
 * valid question (a name is at most 255 bytes; a bogus one past 512,
 * kept in part, shows as qname=-), and of the answer only its header
 * (for the RCODE) and length. */
#define QUERY_RECORD_MSG_MAX (DNS_HEADER_SIZE + 512 + 4)
struct query_record {
    uint64_t wall_ns;
    struct stream_peer peer;
    bool tcp, answered;
    uint8_t answer_head[DNS_HEADER_SIZE];
    size_t answer_len;
    size_t msg_len;
    uint8_t msg[QUERY_RECORD_MSG_MAX];      /* (kept only as far as msg_len) */
};
_Static_assert(sizeof(struct query_record) <= LOG_RECORD_MAX, "a query record is one the log keeps");

static void query_record_line(const void *record, struct log_line *line)
{
    const struct query_record *r = record;
    char who[IPADDR_STRLEN_MAX];
    struct query_context c = {
        .wall_ns = r->wall_ns,
        .client = who,
        .client_len = tcp_peer_format(&r->peer, who, sizeof who),
        .port = r->peer.port,
        .tcp = r->tcp,
    };
    query_line_format(line, &c, r->msg, r->msg_len, r->answered ? r->answer_head : NULL, r->answer_len);
}

/* One query line (--dns-log): its record written where the log keeps it. */
static void log_query(const struct stream_peer *from, bool tcp, const uint8_t *msg, size_t len,
                      const uint8_t *answer, size_t answer_len)
{
    struct query_record *r = log_defer_reserve();
    r->wall_ns = turn_wallclock_ns();
    r->peer = *from;
    r->tcp = tcp;
    r->answered = answer != NULL;
    if (answer)
        memcpy(r->answer_head, answer, answer_len < DNS_HEADER_SIZE ? answer_len : DNS_HEADER_SIZE);
    r->answer_len = answer_len;
    r->msg_len = len < sizeof r->msg ? len : sizeof r->msg;
    memcpy(r->msg, msg, r->msg_len);
    log_defer_commit(LOG_QUERY, query_record_line, offsetof(struct query_record, msg) + r->msg_len, r->wall_ns);
}

/* ---- UDP ----------------------------------------------------------------- */

/* One datagram's answer, written where it is sent from: by the fast path
 * (udp_fast.h) straight into the reply frame, or into a pbuf below. */
static size_t answer_datagram(const struct stream_peer *from, const uint8_t *msg, size_t len, uint8_t *out,
                              size_t room)
{
    struct dns_peer peer = {.family = from->family};
    memcpy(peer.addr, from->addr, sizeof peer.addr);
    env_tick();
    size_t n;
    if (dns_engine_handle(content_current(), &env, msg, len, DNS_OVER_UDP, &peer, NULL, out, room, &n) != DNS_ACTION_ANSWER)
        n = 0;
    if (n)
        metrics_dns_answer(METRICS_UDP, msg, len, out, n);
    if (log_queries)
        log_query(from, false, msg, len, n ? out : NULL, n);
    return n;
}

/* Datagrams the fast path leaves to lwIP (IPv6, a client lwIP has not
 * resolved yet, ...). */
static void udp_received(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    const uint8_t *msg = p->payload;
    size_t len = p->tot_len;
    if (p->len != p->tot_len) {
        if (len > sizeof udp_query) {
            pbuf_free(p);
            return;
        }
        pbuf_copy_partial(p, udp_query, (u16_t)len, 0);
        msg = udp_query;
    }
    struct stream_peer peer;
    tcp_peer_from_ip(addr, port, &peer);
    /* Room for the largest UDP answer, trimmed to its length after. */
    struct pbuf *out = pbuf_alloc(PBUF_TRANSPORT, UDP_FAST_ANSWER_MAX, PBUF_RAM);
    size_t n = out ? answer_datagram(&peer, msg, len, out->payload, out->len) : 0;  /* heap dry: drop */
    pbuf_free(p);
    if (n > 0) {
        pbuf_realloc(out, (u16_t)n);
        udp_sendto(pcb, out, addr, port);
    }
    if (out)
        pbuf_free(out);
}

/* ---- TCP: the engine as the service drives it ---------------------------- */

static bool engine_open(void *engine, const struct stream_peer *peer, void *arg)
{
    (void)arg;
    struct dns_stream *s = engine;
    dns_stream_init(s, content_current(), peer);
    tcp_answers[s - engines].peer = *peer;
    s->env = &env;
    s->current_blob = content_current;
    return true;
}

static size_t engine_feed(void *engine, const uint8_t *data, size_t len)
{
    env_tick();
    return dns_stream_feed(engine, data, len);
}

static void engine_input_closed(void *engine)
{
    dns_stream_input_closed(engine);
}

static bool engine_output(void *engine, uint8_t *scratch, size_t room, struct stream_chunk *out)
{
    (void)room;
    struct dns_stream *s = engine;
    bool any = dns_stream_output(s, scratch, out);
    if (any && !s->transferring && s->taken == 0 && out->len >= 2 + DNS_HEADER_SIZE) {
        size_t slot = (size_t)(s - engines);
        memcpy(tcp_answers[slot].head, out->data + 2, DNS_HEADER_SIZE);
        tcp_answers[slot].len = s->current_len - 2;
    }
    if (dns_stream_transfer_started(s)) {
        struct stream_peer peer = {.family = s->peer.family};
        memcpy(peer.addr, s->peer.addr, sizeof peer.addr);
        char who[IPADDR_STRLEN_MAX];
        log_line("dns: zone transfer to %s", tcp_peer_text(&peer, who, sizeof who));
    }
    return any;
}

static void engine_output_taken(void *engine, size_t n)
{
    struct dns_stream *s = engine;
    if (!s->transferring && s->taken + n >= s->current_len && s->len >= 2) {
        /* The answer is all out: its query is still the head of the buffer. */
        size_t slot = (size_t)(s - engines);
        size_t query_len = (size_t)s->buf[0] << 8 | s->buf[1];
        metrics_dns_answer(METRICS_TCP, s->buf + 2, query_len, tcp_answers[slot].head, sizeof tcp_answers[slot].head);
        if (log_queries)
            log_query(&tcp_answers[slot].peer, true, s->buf + 2, query_len, tcp_answers[slot].head,
                      tcp_answers[slot].len);
    }
    dns_stream_output_taken(engine, n);
}

static unsigned engine_state(const void *engine)
{
    return dns_stream_state(engine);
}

static void engine_closed(void *engine)
{
    /* A DNS stream holds nothing beyond its own memory, but its blob
     * must not look used (dns_service_uses()). */
    ((struct dns_stream *)engine)->blob = NULL;
}

static const struct stream_engine_ops ops = {
    .open = engine_open,
    .feed = engine_feed,
    .input_closed = engine_input_closed,
    .output = engine_output,
    .output_taken = engine_output_taken,
    .state = engine_state,
    .closed = engine_closed,
};

/* The rate limiter as dns.conf sets it, keyed from the platform's
 * randomness so that no client can aim its buckets at another's; at a
 * swap, the same table reconfigured (dns_rrl_reconfigure()). */
static void rrl_configure(const struct blob *blob, bool swap)
{
    const struct blob_dns_server *s = dns_db_server(blob);
    struct dns_rrl_config cfg = {
        .rate = s->rrl_rate,
        .slip = s->rrl_slip,
        .ipv4_prefix = s->rrl_ipv4_prefix,
        .ipv6_prefix = s->rrl_ipv6_prefix,
        .exempt = blob->rrl_exempt,
        .exempt_count = blob->rrl_exempt_count,
    };
    if (swap) {
        dns_rrl_reconfigure(&rrl, &cfg);
    } else {
        uint8_t key[16];
        plat_random(key, sizeof key);
        dns_rrl_init(&rrl, &cfg, key);
    }
    env.rrl = s->rrl_rate ? &rrl : NULL;
    if (s->rrl_rate)
        log_line("dns: rate limiting UDP answers to %u a second per /%u or /%u and kind, slip %u",
                 (unsigned)s->rrl_rate, s->rrl_ipv4_prefix, s->rrl_ipv6_prefix, (unsigned)s->rrl_slip);
    else
        log_line("dns: UDP answers are not rate limited (dns.conf: rrl-ratelimit: 0)");
}

/* Cookie secrets from dns.conf, or fresh from the platform's randomness
 * (then cookies made before a restart are no longer valid: clients just
 * learn the new one, RFC 7873 5.2.4). At a swap that leaves the secret to
 * chance again, the random one in use is kept: new content is no reason
 * to make every client's cookie stale. */
static void cookies_configure(const struct blob *blob, bool swap)
{
    const struct blob_dns_server *s = dns_db_server(blob);
    bool had_random = env.cookies && !cookie_secrets_configured;
    env.cookies = NULL;
    if (!(s->flags & BLOB_DNS_ANSWER_COOKIE)) {
        log_line("dns: DNS cookies not answered (dns.conf: answer-cookie: no)");
        return;
    }
    _Static_assert(sizeof cookie_secrets.active == BLOB_DNS_COOKIE_SECRET_LEN, "one key size");
    cookie_secrets_configured = (s->flags & BLOB_DNS_COOKIE_SECRET) != 0;
    if (cookie_secrets_configured)
        memcpy(cookie_secrets.active, s->cookie_secret, sizeof cookie_secrets.active);
    else if (!(swap && had_random))
        plat_random(cookie_secrets.active, sizeof cookie_secrets.active);
    cookie_secrets.has_staging = (s->flags & BLOB_DNS_COOKIE_STAGING) != 0;
    if (cookie_secrets.has_staging)
        memcpy(cookie_secrets.staging, s->cookie_staging, sizeof cookie_secrets.staging);
    env.cookies = &cookie_secrets;
    env.cookie_counts = cookie_counts;
    log_line("dns: answering DNS cookies, secret %s%s", (s->flags & BLOB_DNS_COOKIE_SECRET) ? "from dns.conf" : "random",
             cookie_secrets.has_staging ? ", a staging secret accepted" : "");
}

/* The TSIG keys of `blob`, in its place among the blobs held. */
static void keys_configure(const struct blob *blob)
{
    env.tsig_keys = key_sets[content_slot(blob)].keys;
    env.tsig_key_count = dns_engine_tsig_keys(blob, key_sets[content_slot(blob)].keys, BLOB_DNS_TSIG_KEYS_MAX);
    if (env.tsig_key_count)
        log_line("dns: %zu TSIG key%s", env.tsig_key_count, env.tsig_key_count == 1 ? "" : "s");
}

void dns_service_set_challenges(const struct dns_challenges *challenges)
{
    env.challenges = challenges;
}

bool dns_service_toggle_query_log(void)
{
    log_queries = !log_queries;
    return log_queries;
}

int dns_service_start(const struct blob *blob, bool log_all)
{
    log_queries = log_all;
    rrl_configure(blob, false);
    cookies_configure(blob, false);
    keys_configure(blob);
    struct udp_pcb *udp = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!udp || udp_bind(udp, IP_ANY_TYPE, DNS_PORT) != ERR_OK)
        return -1;
    udp_recv(udp, udp_received, NULL);
    udp_fast_register(DNS_PORT, answer_datagram);

    struct tcp_limits limits = {
        .request_timeout_ms = DNS_TCP_IDLE_MS,
        .idle_timeout_ms = DNS_TCP_IDLE_MS,
        .queue_cap = DNS_QUEUE_CAP,
        .copy_cap = DNS_COPY_CAP,
    };
    tcp_pool_init(&pool, "dns", &ops, &limits, slots, engines, sizeof engines[0], DNS_SLOTS);
    return tcp_service_listen(&pool, DNS_PORT, NULL);
}

void dns_service_swap(const struct blob *before, const struct blob *now)
{
    (void)before;
    rrl_configure(now, true);
    cookies_configure(now, true);
    keys_configure(now);
}

static bool answers_from(const void *engine, const void *blob)
{
    const struct dns_stream *s = engine;
    return s->blob == blob && dns_stream_state(s) != 0;     /* an idle one takes the current blob first */
}

bool dns_service_uses(const struct blob *b)
{
    for (size_t i = 0; i < DNS_SLOTS; i++)
        if (answers_from(&engines[i], b))
            return true;
    return false;
}

size_t dns_service_reset_using(const struct blob *b)
{
    return tcp_pool_reset_if(&pool, answers_from, b);
}

void dns_service_log_stats(void)
{
    const struct dns_rrl_counters *c = &rrl.counters;
    log_line("dns: rate limiting: checked=%llu limited=%llu slipped=%llu dropped=%llu",
             (unsigned long long)c->checked, (unsigned long long)c->limited, (unsigned long long)c->slipped,
             (unsigned long long)c->dropped);
}

const struct dns_rrl_counters *dns_service_rrl_counters(void)
{
    return &rrl.counters;
}

const uint64_t *dns_service_cookie_counts(void)
{
    return cookie_counts;
}
