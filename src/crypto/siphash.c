/* SipHash-2-4: see siphash.h. Written from the paper's description
 * (section 2): four 64-bit words of state, two rounds per 8-byte block,
 * four at the end. */
#include "crypto/siphash.h"

static uint64_t rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64 - b));
}

static uint64_t load64_le(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

struct sip_state {
    uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
    s->v0 += s->v1;
    s->v1 = rotl(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = rotl(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = rotl(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = rotl(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = rotl(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = rotl(s->v2, 32);
}

static void compress(struct sip_state *s, uint64_t m)
{
    s->v3 ^= m;
    sip_round(s);
    sip_round(s);
    s->v0 ^= m;
}

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const uint8_t *data, size_t len)
{
    uint64_t k0 = load64_le(key), k1 = load64_le(key + 8);
    /* "somepseudorandomlygeneratedbytes", as the paper initialises. */
    struct sip_state s = {
        k0 ^ 0x736f6d6570736575u,
        k1 ^ 0x646f72616e646f6du,
        k0 ^ 0x6c7967656e657261u,
        k1 ^ 0x7465646279746573u,
    };
    size_t whole = len - len % 8;
    for (size_t i = 0; i < whole; i += 8)
        compress(&s, load64_le(data + i));
    /* The last block: the remaining bytes, and the length's low byte on top. */
    uint64_t last = (uint64_t)(len & 0xff) << 56;
    for (size_t i = whole; i < len; i++)
        last |= (uint64_t)data[i] << (8 * (i - whole));
    compress(&s, last);
    s.v2 ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(&s);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

void siphash24_bytes(const uint8_t key[SIPHASH_KEY_LEN], const uint8_t *data, size_t len, uint8_t out[8])
{
    uint64_t h = siphash24(key, data, len);
    for (unsigned i = 0; i < 8; i++)
        out[i] = (uint8_t)(h >> (8 * i));
}
