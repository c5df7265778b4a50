/* The current blob and its replacement while serving: see content.h. */
#include "core/content.h"

#include <stdio.h>
#include <string.h>

#include "core/dns_notify_service.h"
#include "core/dns_service.h"
#include "core/http_service.h"
#include "core/log.h"
#include "core/platform.h"
#include "dns/dns_db.h"
#include "dns/dns_notify.h"
#include "net/tcp_service.h"
#include "wire/dns_name.h"

struct version {
    struct blob blob;
    const void *memory;
    size_t size;
    bool owned;                 /* plat_blob_alloc()'s: freed when retired and unused */
    bool in_use;                /* current, or retired and still referred to */
    uint64_t serial;            /* which swap made it current: the oldest is the lowest */
};

#define COLLECT_INTERVAL_NS 100000000u     /* content_collect()'s pace: 100 ms */

static struct version versions[CONTENT_VERSIONS];
static struct version *current;
static struct content_counters counters;

const struct blob *content_current(void)
{
    return &current->blob;
}

unsigned content_slot(const struct blob *b)
{
    unsigned i = 0;
    while (i + 1 < CONTENT_VERSIONS && &versions[i].blob != b)
        i++;
    return i;       /* b is always one of ours */
}

const struct content_counters *content_counters(void)
{
    return &counters;
}

void content_hash_hex(const struct blob *b, char out[65])
{
    const struct blob_preamble *pre = (const struct blob_preamble *)b->base;
    for (size_t i = 0; i < sizeof pre->payload_sha256; i++) {
        out[2 * i] = "0123456789abcdef"[pre->payload_sha256[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[pre->payload_sha256[i] & 15];
    }
    out[64] = '\0';
}

static struct version *free_version(void)
{
    for (size_t i = 0; i < CONTENT_VERSIONS; i++)
        if (!versions[i].in_use)
            return &versions[i];
    return NULL;
}

int content_start(const void *memory, size_t size, bool owned, const char **error)
{
    struct version *v = &versions[0];
    if (blob_open(&v->blob, memory, size, error) != 0)
        return -1;
    v->memory = memory;
    v->size = size;
    v->owned = owned;
    v->in_use = true;
    current = v;
    return 0;
}

/* Whether anything still refers to retired version v: a connection that
 * began a response or a transfer on it, or bytes of it lwIP still holds
 * queued (sent without a copy, not yet acknowledged). */
static bool still_used(const struct version *v)
{
    return http_service_uses(&v->blob) || dns_service_uses(&v->blob) ||
           tcp_service_queues_from(v->memory, v->size);
}

static void release(struct version *v)
{
    if (v->owned)
        plat_blob_free((void *)v->memory);
    memset(v, 0, sizeof *v);
}

/* Frees the old blobs nothing uses any more. */
static void collect_now(void)
{
    for (size_t i = 0; i < CONTENT_VERSIONS; i++) {
        struct version *v = &versions[i];
        if (!v->in_use || v == current || still_used(v))
            continue;
        char hash[65];
        content_hash_hex(&v->blob, hash);
        log_line("content: blob %.12s released (nothing uses it any more)", hash);
        release(v);
        counters.retired_held--;
    }
}

void content_collect(void)
{
    /* At most ten times a second: asking whether lwIP still queues bytes
     * of a blob walks every connection's segments, and the answer is
     * rarely urgent (memory comes back a little later, that is all). */
    static uint64_t next_ns;
    if (counters.retired_held == 0)
        return;
    uint64_t now = plat_monotonic_ns();
    if (now < next_ns)
        return;
    next_ns = now + COLLECT_INTERVAL_NS;
    collect_now();
}

/* Logs each zone whose serial differs between the two blobs, or that one
 * of them lacks: what a swap changed for DNS (and what NOTIFY tells). */
static void log_zone_changes(const struct blob *before, const struct blob *now)
{
    for (uint32_t i = 0; i < now->zone_count; i++) {
        const struct blob_dns_zone *z = &now->zones[i];
        char text[4 * DNS_NAME_MAX];
        dns_name_text(blob_bytes(now, z->apex), z->apex.len, text, sizeof text);
        uint8_t key[DNS_NAME_MAX];
        size_t key_len = dns_name_to_key(blob_bytes(now, z->apex), z->apex.len, key);
        const struct blob_dns_zone *was = dns_db_zone_at(before, key, key_len);
        uint32_t serial = dns_notify_serial(now, z);
        if (!was)
            log_line("content: zone %s added, serial %u", text, (unsigned)serial);
        else if (dns_notify_serial(before, was) != serial)
            log_line("content: zone %s serial %u -> %u", text, (unsigned)dns_notify_serial(before, was),
                     (unsigned)serial);
    }
    for (uint32_t i = 0; i < before->zone_count; i++) {
        const struct blob_dns_zone *z = &before->zones[i];
        uint8_t key[DNS_NAME_MAX];
        size_t key_len = dns_name_to_key(blob_bytes(before, z->apex), z->apex.len, key);
        if (!dns_db_zone_at(now, key, key_len)) {
            char text[4 * DNS_NAME_MAX];
            dns_name_text(blob_bytes(before, z->apex), z->apex.len, text, sizeof text);
            log_line("content: zone %s removed", text);
        }
    }
}

/*
 * Every place is taken: the current blob and CONTENT_VERSIONS - 1 old ones,
 * each still used by something begun on it. New content must not wait on
 * them (a client reading a large file slowly, on purpose or not, would
 * otherwise hold off every update), so the connections still on the
 * oldest are reset, as a server restarting would, and its place is free.
 */
static struct version *evict_oldest(void)
{
    struct version *oldest = NULL;
    for (size_t i = 0; i < CONTENT_VERSIONS; i++)
        if (&versions[i] != current && versions[i].in_use && (!oldest || versions[i].serial < oldest->serial))
            oldest = &versions[i];
    size_t reset = http_service_reset_using(&oldest->blob) + dns_service_reset_using(&oldest->blob) +
                   tcp_service_reset_queuing_from(oldest->memory, oldest->size);
    char hash[65];
    content_hash_hex(&oldest->blob, hash);
    log_line("content: %u blobs held, the most kept: %zu connection%s still on the oldest (%.12s) reset to "
             "release it", (unsigned)CONTENT_VERSIONS, reset, reset == 1 ? "" : "s", hash);
    counters.evicted_connections += reset;
    release(oldest);
    counters.retired_held--;
    return oldest;
}

static int refuse(void *memory, const char *origin, char *err, size_t err_size, const char *why)
{
    snprintf(err, err_size, "%s", why);
    plat_blob_free(memory);
    counters.refused++;
    log_line("content: %s: refused, the current blob keeps serving: %s", origin, why);
    return -1;
}

int content_swap(void *memory, size_t size, const char *origin, char *err, size_t err_size)
{
    struct blob checked;
    const char *error;
    if (blob_open(&checked, memory, size, &error) != 0)
        return refuse(memory, origin, err, err_size, error);
    collect_now();
    struct version *v = free_version();
    if (!v)
        v = evict_oldest();
    v->blob = checked;
    v->memory = memory;
    v->size = size;
    v->owned = true;
    v->in_use = true;
    v->serial = counters.swapped + 1;

    struct version *old = current;
    current = v;
    counters.swapped++;
    counters.retired_held++;    /* the old one, until content_collect() finds it unused */
    char was[65], now[65];
    content_hash_hex(&old->blob, was);
    content_hash_hex(&v->blob, now);
    log_line("content: %s: swapped in: %zu bytes, %u files, %u zones, SHA-256 %.12s (was %.12s)", origin, size,
             v->blob.http_file_count, v->blob.zone_count, now, was);
    log_zone_changes(&old->blob, &v->blob);
    /* New queries and requests get the new blob from content_current();
     * what the services derive from it follows now. */
    dns_service_swap(&old->blob, &v->blob);
    http_service_swap(&v->blob);
    if (dns_notify_service_start(&old->blob, &v->blob) != 0)
        log_line("dns: no UDP socket for NOTIFY; secondaries learn of the new serials at their refresh");
    collect_now();              /* the old one may already be free (no connection open) */
    return 0;
}
