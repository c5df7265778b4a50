/* Back-to-front DER output (der_write.h). */
#include "acme/der_write.h"

#include <string.h>

void der_out_init(struct der_out *d, uint8_t *buf, size_t cap)
{
    d->buf = buf;
    d->cap = cap;
    d->start = cap;
    d->overflow = false;
}

void der_put(struct der_out *d, const void *bytes, size_t len)
{
    if (d->overflow || d->start < len) {
        d->overflow = true;
        return;
    }
    d->start -= len;
    memcpy(d->buf + d->start, bytes, len);
}

void der_wrap(struct der_out *d, uint8_t tag, size_t mark)
{
    size_t len = der_mark(d) - mark;
    uint8_t head[6];
    size_t n = 0;
    head[n++] = tag;
    if (len < 0x80) {
        head[n++] = (uint8_t)len;
    } else {
        size_t bytes = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
        head[n++] = (uint8_t)(0x80 | bytes);
        for (size_t k = bytes; k-- > 0;)
            head[n++] = (uint8_t)(len >> (8 * k));
    }
    der_put(d, head, n);
}
