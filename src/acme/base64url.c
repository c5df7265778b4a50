/* base64url without padding, strict in what it reads (base64url.h). */
#include "acme/base64url.h"

#include <stdbool.h>

#include "crypto/base64_digit.h"

/* All ones if x > k, else 0 (x and k below 2^31). */
static uint32_t above(uint32_t x, uint32_t k)
{
    return (uint32_t)0 - ((k - x) >> 31);
}

/* The character for a 6-bit value, computed rather than looked up: the
 * encoders also write signatures before they are public (jws.c) and
 * private keys (key_pem.c), and a table index would make the cache
 * footprint depend on their bits (tests/ct checks this). c62 and c63 are
 * the alphabet's last two digits. */
static char sextet_char(uint32_t x, char c62, char c63)
{
    uint32_t c = 'A' + x;
    c += above(x, 25) & (uint32_t)('a' - 'A' - 26);
    c += above(x, 51) & (uint32_t)('0' - 'a' - 26);
    c += above(x, 61) & (uint32_t)((unsigned char)c62 - '0' - 10);
    c += above(x, 62) & (uint32_t)(c63 - c62 - 1);
    return (char)c;
}

/* Encodes in[0..len) with the alphabet ending c62 c63, '=' padding or
 * none; returns the characters written (no NUL). out has room. */
static size_t encode(const uint8_t *b, size_t len, char *out, char c62, char c63, bool pad)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)b[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)b[i + 1] << 8;
        if (i + 2 < len)
            v |= b[i + 2];
        size_t chars = len - i >= 3 ? 4 : len - i + 1;
        for (size_t k = 0; k < chars; k++)
            out[o++] = sextet_char(v >> (18 - 6 * k) & 63, c62, c63);
        for (size_t k = chars; pad && k < 4; k++)
            out[o++] = '=';
    }
    return o;
}

long base64url_encode(const void *in, size_t len, char *out, size_t cap)
{
    if (cap <= base64url_encoded_len(len))
        return -1;
    size_t n = encode(in, len, out, '-', '_', false);
    out[n] = '\0';
    return (long)n;
}

long base64_encode(const void *in, size_t len, char *out, size_t cap)
{
    if (cap <= (len + 2) / 3 * 4)
        return -1;
    size_t n = encode(in, len, out, '+', '/', true);
    out[n] = '\0';
    return (long)n;
}

long base64url_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
    if (len % 4 == 1)
        return -1;      /* 6 bits cannot end a byte string */
    size_t n = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
    if (n > cap)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        size_t chars = len - i >= 4 ? 4 : len - i;
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            int s = 0;
            if (k < chars && (s = base64_digit(in[i + k], '-', '_')) < 0)
                return -1;
            v = v << 6 | (uint32_t)s;
        }
        size_t bytes = chars - 1;
        /* the bits below the last whole byte must be zero (canonical form) */
        if (chars < 4 && (v & ((1u << (8 * (3 - bytes))) - 1)) != 0)
            return -1;
        for (size_t k = 0; k < bytes; k++)
            out[o++] = (uint8_t)(v >> (16 - 8 * k));
    }
    return (long)o;
}
