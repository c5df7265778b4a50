/* Wire-format names and canonical-order keys: see dns_name.h. */
#include "wire/dns_name.h"

#include <string.h>

/* ASCII lower case without a branch: on the query path for every byte of
 * every name compared. */
static inline uint8_t lower(uint8_t c)
{
    return (uint8_t)(c + (((unsigned)c - 'A' < 26u) << 5));
}

size_t dns_name_wire_len(const uint8_t *p, size_t avail)
{
    size_t n = 0;
    for (;;) {
        if (n >= avail)
            return 0;
        uint8_t l = p[n];
        if (l == 0)
            return n + 1 <= DNS_NAME_MAX ? n + 1 : 0;
        if (l > DNS_LABEL_MAX)      /* compression pointer or reserved label type */
            return 0;
        n += 1u + l;
        if (n >= DNS_NAME_MAX)
            return 0;
    }
}

void dns_name_lower(uint8_t *dst, const uint8_t *src, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t l = src[i];
        dst[i] = l;
        for (size_t j = 1; j <= l && i + j < len; j++)
            dst[i + j] = lower(src[i + j]);
        i += 1u + l;
        if (l == 0)
            break;
    }
}

size_t dns_name_to_key(const uint8_t *wire, size_t len, uint8_t *key)
{
    /* Label start offsets, then copy them from the last (rightmost) one. */
    size_t starts[DNS_NAME_MAX / 2 + 1];
    size_t count = 0, i = 0;
    while (i < len && wire[i] != 0) {
        starts[count++] = i;
        i += 1u + wire[i];
    }
    size_t out = 0;
    while (count > 0) {
        size_t s = starts[--count];
        uint8_t l = wire[s];
        key[out++] = l;
        for (size_t j = 1; j <= l; j++)
            key[out++] = lower(wire[s + j]);
    }
    return out;
}

int dns_key_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t i = 0, j = 0;
    while (i < alen && j < blen) {
        uint8_t la = a[i], lb = b[j];
        size_t n = la < lb ? la : lb;
        /* Labels are short: a loop beats a call to memcmp. */
        for (size_t k = 1; k <= n; k++)
            if (a[i + k] != b[j + k])
                return a[i + k] < b[j + k] ? -1 : 1;
        if (la != lb)
            return la < lb ? -1 : 1;
        i += 1u + la;
        j += 1u + lb;
    }
    return (i < alen) - (j < blen);
}

unsigned dns_name_label_count(const uint8_t *wire)
{
    unsigned n = 0;
    for (size_t i = 0; wire[i] != 0; i += 1u + wire[i])
        n++;
    return n;
}

int dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen != blen)
        return 0;
    size_t i = 0;
    /* Eight bytes at a time while they are the same (names mostly come in
     * one case), byte by byte, folding case, where they are not. */
    for (; i + 8 <= alen; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x == y)
            continue;
        for (size_t k = i; k < i + 8; k++)
            if (a[k] != b[k] && lower(a[k]) != lower(b[k]))
                return 0;
    }
    for (; i < alen; i++)
        if (a[i] != b[i] && lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

size_t dns_name_skip(const uint8_t *msg, size_t len, size_t off)
{
    size_t total = 0;
    while (off < len) {
        uint8_t l = msg[off];
        if (l == 0)
            return off + 1;
        if ((l & 0xc0) == 0xc0)
            return off + 2 <= len ? off + 2 : 0;
        if (l > DNS_LABEL_MAX)
            return 0;
        total += 1u + l;
        if (total >= DNS_NAME_MAX)
            return 0;
        off += 1u + l;
    }
    return 0;
}

size_t dns_name_text(const uint8_t *name, size_t len, char *out, size_t room)
{
    size_t o = 0;
    for (size_t i = 0; i < len && name[i] != 0 && i + 1u + name[i] <= len; i += 1u + name[i]) {
        for (unsigned k = 1; k <= name[i] && o + 5 < room; k++) {
            uint8_t c = name[i + k];
            if (c == '.' || c == '\\') {
                out[o++] = '\\';
                out[o++] = (char)c;
            } else if (c > 0x20 && c < 0x7f) {
                out[o++] = (char)c;
            } else {
                out[o++] = '\\';
                out[o++] = (char)('0' + c / 100);
                out[o++] = (char)('0' + c / 10 % 10);
                out[o++] = (char)('0' + c % 10);
            }
        }
        if (o + 1 < room)
            out[o++] = '.';
    }
    if (o == 0 && room > 1)
        out[o++] = '.';
    if (o < room)
        out[o] = '\0';
    return o;
}

/*
 * Reads the possibly compressed name at off into out, uncompressed and in
 * lower case (the canonical form TSIG digests); returns the offset after
 * the name where it stands, 0 if it is malformed. Each pointer must point
 * before the stretch of labels it ends, so every jump goes strictly
 * backwards and a loop of pointers cannot keep us here.
 */
size_t dns_name_read(const uint8_t *msg, size_t len, size_t off, uint8_t out[DNS_NAME_MAX], size_t *out_len)
{
    size_t end = 0;             /* after the first pointer: where the name ends in place */
    size_t stretch = off;       /* where the labels being read began */
    size_t n = 0;
    for (size_t pos = off;;) {
        if (pos >= len)
            return 0;
        uint8_t l = msg[pos];
        if ((l & 0xc0) == 0xc0) {
            if (pos + 2 > len)
                return 0;
            size_t target = ((size_t)(l & 0x3f) << 8) | msg[pos + 1];
            if (target >= stretch)
                return 0;
            if (end == 0)
                end = pos + 2;
            pos = stretch = target;
            continue;
        }
        if (l > DNS_LABEL_MAX || pos + 1u + l > len || n + 1u + l > DNS_NAME_MAX)
            return 0;
        out[n] = l;
        memcpy(out + n + 1, msg + pos + 1, l);
        n += 1u + l;
        pos += 1u + l;
        if (l == 0) {
            dns_name_lower(out, out, n);
            *out_len = n;
            return end ? end : pos;
        }
    }
}

/* Letters, digits, '-' and '_', after lower-casing. */
static int host_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

size_t dns_name_from_host(const char *text, uint8_t wire[DNS_NAME_MAX])
{
    size_t len = strlen(text);
    if (len > 0 && text[len - 1] == '.')
        len--;
    size_t at = 0, label_len = 0;       /* the current label's length byte, and its bytes so far */
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == '.') {
            if (label_len == 0 || label_len > DNS_LABEL_MAX)
                return 0;
            wire[at] = (uint8_t)label_len;
            at += 1 + label_len;
            label_len = 0;
            continue;
        }
        uint8_t c = lower((uint8_t)text[i]);
        if (!host_char(c) || at + 1 + label_len >= DNS_NAME_MAX - 1)    /* keep room for the root label */
            return 0;
        wire[at + 1 + label_len++] = c;
    }
    wire[at] = 0;
    return at + 1;
}
