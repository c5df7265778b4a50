/* NOTIFY to secondaries: see dns_notify_service.h. */
#include "core/dns_notify_service.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/platform.h"
#include "dns/dns_db.h"
#include "dns/dns_engine.h"
#include "dns/dns_notify.h"
#include "dns/dns_tsig.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "wire/dns_name.h"

struct notify_target {
    const struct blob_dns_zone *zone;
    const struct blob_dns_notify *to;
    uint32_t serial;
    uint32_t due_ms;            /* sys_now() of the next send */
    uint16_t id;                /* of the NOTIFY in flight */
    uint8_t sends;              /* made so far */
    bool pending;
    struct dns_tsig_state tsig; /* the last send's, when the target names a key */
};

static const struct blob *served;
static struct udp_pcb *pcb;
static struct notify_target targets[DNS_NOTIFY_TARGETS_MAX];
static unsigned target_count;
static bool timer_set;
static struct dns_tsig_key keys[BLOB_DNS_TSIG_KEYS_MAX];
/* Zones (the first so many of a blob) whose unanswered NOTIFY a swap
 * carries over even when their serial did not change. */
#define NOTIFY_ZONES_TRACKED 256
static size_t key_count;

static void to_ip(const struct blob_dns_notify *to, ip_addr_t *ip)
{
    if (to->family == 4) {
        uint32_t v4;
        memcpy(&v4, to->addr, 4);
        ip_addr_set_ip4_u32_val(*ip, v4);
    } else {
        IP_ADDR6(ip, 0, 0, 0, 0);
        memcpy(ip_2_ip6(ip)->addr, to->addr, 16);
        ip6_addr_clear_zone(ip_2_ip6(ip));
    }
}

static const char *zone_text(const struct blob_dns_zone *z, char *buf, size_t size)
{
    dns_name_text(blob_bytes(served, z->apex), z->apex.len, buf, size);
    return buf;
}

static void describe(const struct notify_target *t, char *zone, size_t zone_size, char *where, size_t where_size)
{
    ip_addr_t ip;
    to_ip(t->to, &ip);
    zone_text(t->zone, zone, zone_size);
    char addr[IPADDR_STRLEN_MAX];
    ipaddr_ntoa_r(&ip, addr, sizeof addr);
    for (char *c = addr; *c; c++)       /* lwIP writes IPv6 hex in capitals; RFC 5952 4.3 asks for lower case */
        if (*c >= 'A' && *c <= 'F')
            *c = (char)(*c - 'A' + 'a');
    snprintf(where, where_size, t->to->family == 6 ? "[%s]:%u" : "%s:%u", addr, (unsigned)t->to->port);
}

static void send_notify(struct notify_target *t)
{
    uint8_t msg[DNS_NOTIFY_MAX + DNS_TSIG_RR_MAX];
    plat_random(&t->id, sizeof t->id);      /* a fresh ID per send: a late reply to an old one is not taken */
    size_t len = dns_notify_make(served, t->zone, t->id, msg, DNS_NOTIFY_MAX);
    if (len && t->to->key != BLOB_DNS_NO_KEY)   /* signed with the target's key (RFC 8945) */
        len = t->to->key < key_count ? dns_tsig_sign_request(&t->tsig, &keys[t->to->key], msg, len, sizeof msg,
                                                               plat_wallclock_ns() / 1000000000u)
                                     : 0;
    struct pbuf *p = len ? pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM) : NULL;
    if (!p)
        return;                             /* heap dry: the next retry tries again */
    memcpy(p->payload, msg, len);
    ip_addr_t ip;
    to_ip(t->to, &ip);
    udp_sendto(pcb, p, &ip, t->to->port);
    pbuf_free(p);
}

static void schedule(void);

/* Sends what is due, gives up what has had its sends, re-arms the timer. */
static void tick(void *arg)
{
    (void)arg;
    timer_set = false;
    uint32_t now = sys_now();
    for (unsigned i = 0; i < target_count; i++) {
        struct notify_target *t = &targets[i];
        if (!t->pending || (int32_t)(t->due_ms - now) > 0)
            continue;
        if (t->sends == DNS_NOTIFY_SENDS) {
            char zone[300], where[64];
            describe(t, zone, sizeof zone, where, sizeof where);
            log_line("dns: NOTIFY of %s serial %u to %s: no reply after %u tries; given up", zone,
                     (unsigned)t->serial, where, DNS_NOTIFY_SENDS);
            t->pending = false;
            continue;
        }
        send_notify(t);
        t->due_ms = now + (DNS_NOTIFY_FIRST_WAIT_MS << t->sends);
        t->sends++;
    }
    schedule();
}

static void schedule(void)
{
    if (timer_set)
        sys_untimeout(tick, NULL);
    timer_set = false;
    uint32_t now = sys_now(), wait = UINT32_MAX;
    for (unsigned i = 0; i < target_count; i++) {
        if (!targets[i].pending)
            continue;
        int32_t left = (int32_t)(targets[i].due_ms - now);
        uint32_t w = left > 0 ? (uint32_t)left : 0;
        if (w < wait)
            wait = w;
    }
    if (wait != UINT32_MAX) {
        sys_timeout(wait, tick, NULL);
        timer_set = true;
    }
}

static void received(void *arg, struct udp_pcb *from_pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    (void)from_pcb;
    uint8_t msg[DNS_NOTIFY_MAX + DNS_TSIG_RR_MAX];
    size_t len = p->tot_len < sizeof msg ? p->tot_len : sizeof msg;
    pbuf_copy_partial(p, msg, (u16_t)len, 0);
    pbuf_free(p);
    for (unsigned i = 0; i < target_count; i++) {
        struct notify_target *t = &targets[i];
        ip_addr_t ip;
        to_ip(t->to, &ip);
        unsigned rcode = 0;
        if (!t->pending || port != t->to->port || !ip_addr_cmp(&ip, addr))
            continue;
        enum dns_notify_reply r = dns_notify_check_reply(served, t->zone, t->id, msg, len, &rcode);
        if (r == DNS_NOTIFY_NOT_OURS)
            continue;
        /* To a signed NOTIFY only a reply signed with the same key
         * counts: anyone could forge an unsigned one to stop the retries. */
        if (t->to->key != BLOB_DNS_NO_KEY &&
            dns_tsig_verify_response(&t->tsig, msg, len, plat_wallclock_ns() / 1000000000u) != DNS_TSIG_OK) {
            char zone[300], where[64];
            describe(t, zone, sizeof zone, where, sizeof where);
            log_line("dns: NOTIFY of %s to %s: a reply that fails TSIG verification (error %u, theirs %u); "
                     "still waiting", zone, where, t->tsig.error, t->tsig.peer_error);
            continue;
        }
        char zone[300], where[64];
        describe(t, zone, sizeof zone, where, sizeof where);
        if (r == DNS_NOTIFY_ACKED)
            log_line("dns: NOTIFY of %s serial %u to %s: acknowledged", zone, (unsigned)t->serial, where);
        else
            log_line("dns: NOTIFY of %s serial %u to %s: refused (rcode %u); not retried", zone,
                     (unsigned)t->serial, where, rcode);
        t->pending = false;
        break;
    }
    schedule();
}

/* The serial `z`'s apex has in blob `b`, if b has that zone. */
static bool serial_in(const struct blob *b, const struct blob *of, const struct blob_dns_zone *z, uint32_t *serial)
{
    uint8_t key[DNS_NAME_MAX];
    const uint8_t *apex = blob_bytes(of, z->apex);
    size_t key_len = dns_name_to_key(apex, z->apex.len, key);
    const struct blob_dns_zone *same = dns_db_zone_at(b, key, key_len);
    if (!same)
        return false;
    *serial = dns_notify_serial(b, same);
    return true;
}

/* Whether a NOTIFY of the zone at `apex` (in blob `of`) is still waiting
 * for its reply among the targets of the blob served until now. */
static bool still_pending(const struct blob *of, const struct blob_dns_zone *z)
{
    for (unsigned i = 0; i < target_count; i++) {
        const struct notify_target *t = &targets[i];
        if (t->pending && dns_name_equal(blob_bytes(served, t->zone->apex), t->zone->apex.len,
                                         blob_bytes(of, z->apex), z->apex.len))
            return true;
    }
    return false;
}

int dns_notify_service_start(const struct blob *before, const struct blob *now)
{
    if (now->notify_count == 0 && !pcb)
        return 0;               /* nobody to tell: no socket either */
    if (!pcb) {
        pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
        if (!pcb || udp_bind(pcb, IP_ANY_TYPE, 0) != ERR_OK)
            return -1;
        udp_recv(pcb, received, NULL);
    }
    /* The zones to tell: every one at start; after a swap, those whose
     * serial changed, and those whose NOTIFY was still unanswered (they are
     * sent again, from the first try: the old blob's targets go). */
    bool pending[NOTIFY_ZONES_TRACKED] = {false};
    for (uint32_t zi = 0; before && zi < now->zone_count && zi < NOTIFY_ZONES_TRACKED; zi++)
        pending[zi] = still_pending(now, &now->zones[zi]);
    served = now;
    key_count = dns_engine_tsig_keys(now, keys, BLOB_DNS_TSIG_KEYS_MAX);
    target_count = 0;
    unsigned skipped = 0;
    uint32_t start = sys_now();
    for (uint32_t zi = 0; zi < now->zone_count; zi++) {
        const struct blob_dns_zone *z = &now->zones[zi];
        uint32_t serial = dns_notify_serial(now, z), old;
        bool unchanged = before && serial_in(before, now, z, &old) && old == serial;
        if (z->notify_count == 0 || (unchanged && !(zi < NOTIFY_ZONES_TRACKED && pending[zi])))
            continue;
        for (uint32_t i = 0; i < z->notify_count; i++) {
            if (target_count == DNS_NOTIFY_TARGETS_MAX) {
                skipped++;
                continue;
            }
            targets[target_count++] = (struct notify_target){
                .zone = z, .to = dns_db_notify(now, z, i), .serial = serial, .due_ms = start, .pending = true};
        }
    }
    if (skipped)
        log_line("dns: %u NOTIFY targets past the first %u skipped", skipped, DNS_NOTIFY_TARGETS_MAX);
    if (target_count)
        log_line("dns: sending NOTIFY to %u target%s", target_count, target_count == 1 ? "" : "s");
    schedule();
    return 0;
}
