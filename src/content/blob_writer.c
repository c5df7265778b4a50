/* Building a content blob: see blob_writer.h. */
#include "content/blob_writer.h"

#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "crypto/sha256_ni.h"

#define POOL_START (sizeof(struct blob_preamble) + sizeof(struct blob_directory))

struct growable {
    uint8_t *data;
    size_t len, cap;
};

/* Open-addressing index of pool runs, so identical bytes are stored once. */
struct dedup_slot {
    uint64_t hash;
    struct blob_ref ref;
};

struct blob_writer {
    struct growable pool;
    struct growable table[BLOB_TABLE_COUNT];
    struct dedup_slot *slots;
    size_t slot_count, slot_used;
    int failed;
    uint32_t flags;             /* the directory's */
    uint8_t build_id[BLOB_BUILD_ID_LEN];
};

static int grow(struct growable *g, size_t extra)
{
    if (g->len + extra <= g->cap)
        return 0;
    size_t cap = g->cap ? g->cap : 4096;
    while (cap < g->len + extra)
        cap *= 2;
    uint8_t *p = realloc(g->data, cap);
    if (!p)
        return -1;
    g->data = p;
    g->cap = cap;
    return 0;
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

struct blob_writer *blob_writer_new(void)
{
    struct blob_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->slot_count = 1024;
    w->slots = calloc(w->slot_count, sizeof *w->slots);
    if (!w->slots) {
        free(w);
        return NULL;
    }
    return w;
}

void blob_writer_free(struct blob_writer *w)
{
    if (!w)
        return;
    free(w->pool.data);
    for (int t = 0; t < BLOB_TABLE_COUNT; t++)
        free(w->table[t].data);
    free(w->slots);
    free(w);
}

static int rehash(struct blob_writer *w)
{
    size_t count = w->slot_count * 2;
    struct dedup_slot *slots = calloc(count, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < w->slot_count; i++) {
        if (w->slots[i].ref.len == 0)
            continue;
        size_t j = w->slots[i].hash & (count - 1);
        while (slots[j].ref.len != 0)
            j = (j + 1) & (count - 1);
        slots[j] = w->slots[i];
    }
    free(w->slots);
    w->slots = slots;
    w->slot_count = count;
    return 0;
}

struct blob_ref blob_writer_bytes(struct blob_writer *w, const void *data, size_t len)
{
    struct blob_ref none = {0, 0};
    if (len == 0 || w->failed)
        return none;
    if (len > UINT32_MAX || POOL_START + w->pool.len + len > UINT32_MAX) {
        w->failed = 1;
        return none;
    }
    uint64_t h = fnv1a(data, len);
    size_t j = h & (w->slot_count - 1);
    for (; w->slots[j].ref.len != 0; j = (j + 1) & (w->slot_count - 1)) {
        struct dedup_slot *s = &w->slots[j];
        if (s->hash == h && s->ref.len == len &&
            memcmp(w->pool.data + (s->ref.off - POOL_START), data, len) == 0)
            return s->ref;
    }
    if (grow(&w->pool, len) != 0) {
        w->failed = 1;
        return none;
    }
    struct blob_ref ref = {(uint32_t)(POOL_START + w->pool.len), (uint32_t)len};
    memcpy(w->pool.data + w->pool.len, data, len);
    w->pool.len += len;
    w->slots[j].hash = h;
    w->slots[j].ref = ref;
    if (++w->slot_used * 2 > w->slot_count && rehash(w) != 0)
        w->failed = 1;
    return ref;
}

const uint8_t *blob_writer_ref_bytes(const struct blob_writer *w, struct blob_ref r)
{
    return r.len == 0 ? NULL : w->pool.data + (r.off - POOL_START);
}

uint32_t blob_writer_add(struct blob_writer *w, enum blob_table_id table, const void *record)
{
    struct growable *g = &w->table[table];
    uint32_t index = (uint32_t)(g->len / blob_record_size[table]);
    if (w->failed || grow(g, blob_record_size[table]) != 0) {
        w->failed = 1;
        return index;
    }
    memcpy(g->data + g->len, record, blob_record_size[table]);
    g->len += blob_record_size[table];
    return index;
}

uint32_t blob_writer_count(const struct blob_writer *w, enum blob_table_id table)
{
    return (uint32_t)(w->table[table].len / blob_record_size[table]);
}

void *blob_writer_record(struct blob_writer *w, enum blob_table_id table, uint32_t index)
{
    return w->table[table].data + (size_t)index * blob_record_size[table];
}

void blob_writer_set_flags(struct blob_writer *w, uint32_t flags)
{
    w->flags = flags;
}

void blob_writer_set_build_id(struct blob_writer *w, const uint8_t id[BLOB_BUILD_ID_LEN])
{
    memcpy(w->build_id, id, BLOB_BUILD_ID_LEN);
}

static size_t align_up(size_t n)
{
    return (n + BLOB_ALIGN - 1) & ~(size_t)(BLOB_ALIGN - 1);
}

int blob_writer_finish(struct blob_writer *w, uint64_t created, uint8_t **out, size_t *out_len)
{
    if (w->failed)
        return -1;
    struct blob_directory dir;
    memset(&dir, 0, sizeof dir);
    dir.created = created;
    dir.flags = w->flags;
    memcpy(dir.build_id, w->build_id, sizeof dir.build_id);
    size_t size = align_up(POOL_START + w->pool.len);
    for (int t = 0; t < BLOB_TABLE_COUNT; t++) {
        dir.tables[t].off = (uint32_t)size;
        dir.tables[t].count = blob_writer_count(w, t);
        size = align_up(size + w->table[t].len);
    }
    if (size > UINT32_MAX)
        return -1;
    uint8_t *blob = calloc(1, size);
    if (!blob)
        return -1;
    struct blob_preamble pre;
    memset(&pre, 0, sizeof pre);
    memcpy(pre.magic, BLOB_MAGIC, BLOB_MAGIC_LEN);
    pre.version = BLOB_VERSION;
    pre.preamble_size = sizeof pre;
    pre.total_size = (uint32_t)size;
    memcpy(blob + sizeof pre, &dir, sizeof dir);
    if (w->pool.len)
        memcpy(blob + POOL_START, w->pool.data, w->pool.len);
    for (int t = 0; t < BLOB_TABLE_COUNT; t++)
        if (w->table[t].len)
            memcpy(blob + dir.tables[t].off, w->table[t].data, w->table[t].len);

    sha256_fast_digest(blob + sizeof pre, size - sizeof pre, pre.payload_sha256);
    memcpy(blob, &pre, sizeof pre);
    *out = blob;
    *out_len = size;
    return 0;
}
