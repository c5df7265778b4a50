/* A bounded ring of log bytes: see log_ring.h. */
#include "log/log_ring.h"

#include <string.h>

void log_ring_init(struct log_ring *r, void *buf, size_t size)
{
    r->buf = buf;
    r->size = size;
    r->start = 0;
    r->len = 0;
    r->dropped = 0;
}

void log_ring_append(struct log_ring *r, const void *src, size_t n)
{
    /* start < size and len <= size: one subtraction wraps, no division. */
    size_t at = r->start + r->len;
    if (at >= r->size)
        at -= r->size;
    size_t first = r->size - at;
    if (n <= first) {
        memcpy(r->buf + at, src, n);
    } else {
        memcpy(r->buf + at, src, first);
        memcpy(r->buf, (const uint8_t *)src + first, n - first);
    }
    r->len += n;
}

bool log_ring_reserve(struct log_ring *r, size_t n, size_t limit)
{
    if (limit > r->size)
        limit = r->size;
    if (r->len > limit || n > limit - r->len) {
        r->dropped++;
        return false;
    }
    return true;
}

bool log_ring_put(struct log_ring *r, const void *a, size_t alen, const void *b, size_t blen, size_t limit)
{
    if (!log_ring_reserve(r, alen + blen, limit))
        return false;
    log_ring_append(r, a, alen);
    log_ring_append(r, b, blen);
    return true;
}

size_t log_ring_contiguous(const struct log_ring *r, const uint8_t **data)
{
    *data = r->buf + r->start;
    return r->len < r->size - r->start ? r->len : r->size - r->start;
}

size_t log_ring_copy(const struct log_ring *r, size_t offset, void *out, size_t n)
{
    if (offset >= r->len)
        return 0;
    if (n > r->len - offset)
        n = r->len - offset;
    size_t at = (r->start + offset) % r->size;
    size_t first = n < r->size - at ? n : r->size - at;
    memcpy(out, r->buf + at, first);
    memcpy((uint8_t *)out + first, r->buf, n - first);
    return n;
}

void log_ring_consume(struct log_ring *r, size_t n)
{
    if (n > r->len)
        n = r->len;
    r->start = (r->start + n) % r->size;
    r->len -= n;
    if (r->len == 0)
        r->start = 0;       /* the next lines lie in one piece */
}
