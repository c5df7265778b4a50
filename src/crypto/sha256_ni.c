/*
 * SHA-256 (FIPS 180-4) with the SHA-NI instructions. The two state
 * registers hold the working variables in the order the instructions want
 * them, {A,B,E,F} and {C,D,G,H}; each sha256rnds2 does two rounds, and
 * sha256msg1/msg2 extend the message schedule four words at a time.
 */
#include "crypto/sha256_ni.h"

#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define SHA_TARGET __attribute__((target("sha,ssse3,sse4.1")))

static const uint32_t round_constants[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t initial_state[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* state[0..7] (A..H) absorbs `blocks` 64-byte blocks from data. */
SHA_TARGET static void compress(uint32_t state[8], const unsigned char *data, size_t blocks)
{
    /* Message words are big-endian: byte-swap each 32-bit lane. */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abcd = _mm_loadu_si128((const __m128i *)(const void *)&state[0]);
    __m128i efgh = _mm_loadu_si128((const __m128i *)(const void *)&state[4]);
    /* {A,B,C,D},{E,F,G,H} (lane 0 first) -> {F,E,B,A},{H,G,D,C} */
    __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);

    for (; blocks > 0; blocks--, data += 64) {
        const __m128i abef_before = abef, cdgh_before = cdgh;
        __m128i w[4];          /* the last four groups of four schedule words */
        for (int g = 0; g < 16; g++) {
            if (g < 4) {
                w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 16 * g)), bswap);
            } else {
                /* W[t..t+3] from W[t-16..t-13], W[t-12..t-9], W[t-7..t-4], W[t-4..t-1] */
                __m128i t = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
                t = _mm_add_epi32(t, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
                w[g & 3] = _mm_sha256msg2_epu32(t, w[(g + 3) & 3]);
            }
            __m128i wk = _mm_add_epi32(w[g & 3], _mm_load_si128((const __m128i *)(const void *)&round_constants[4 * g]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }

    /* {F,E,B,A},{H,G,D,C} -> {A,B,C,D},{E,F,G,H} */
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    abcd = _mm_blend_epi16(feba, dchg, 0xF0);
    efgh = _mm_alignr_epi8(dchg, feba, 8);
    _mm_storeu_si128((__m128i *)(void *)&state[0], abcd);
    _mm_storeu_si128((__m128i *)(void *)&state[4], efgh);
}

static void put32be(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get32be(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void sha256_ni_init(const br_hash_class **vtable)
{
    br_sha256_context *ctx = (br_sha256_context *)(void *)vtable;
    ctx->vtable = &sha256_ni_vtable;
    memcpy(ctx->val, initial_state, sizeof ctx->val);
    ctx->count = 0;
}

static void sha256_ni_update(const br_hash_class **vtable, const void *data, size_t len)
{
    br_sha256_context *ctx = (br_sha256_context *)(void *)vtable;
    const unsigned char *in = data;
    size_t buffered = (size_t)ctx->count & 63;
    if (len == 0)
        return;
    ctx->count += len;
    if (buffered > 0) {
        size_t take = 64 - buffered < len ? 64 - buffered : len;
        memcpy(ctx->buf + buffered, in, take);
        in += take;
        len -= take;
        if (buffered + take < 64)
            return;
        compress(ctx->val, ctx->buf, 1);
    }
    if (len >= 64) {
        compress(ctx->val, in, len / 64);
        in += len & ~(size_t)63;
        len &= 63;
    }
    memcpy(ctx->buf, in, len);
}

static void sha256_ni_out(const br_hash_class *const *vtable, void *dst)
{
    const br_sha256_context *ctx = (const br_sha256_context *)(const void *)vtable;
    unsigned char tail[128] = {0};
    uint32_t val[8];
    size_t buffered = (size_t)ctx->count & 63;
    /* The padding: 0x80, zeros, the bit length in the last 8 bytes of the
     * block -- one more block when fewer than 9 bytes are left. */
    size_t tail_len = buffered < 56 ? 64 : 128;
    memcpy(tail, ctx->buf, buffered);
    tail[buffered] = 0x80;
    uint64_t bits = ctx->count << 3;
    put32be(tail + tail_len - 8, (uint32_t)(bits >> 32));
    put32be(tail + tail_len - 4, (uint32_t)bits);
    memcpy(val, ctx->val, sizeof val);
    compress(val, tail, tail_len / 64);
    for (int i = 0; i < 8; i++)
        put32be((unsigned char *)dst + 4 * i, val[i]);
}

static uint64_t sha256_ni_state(const br_hash_class *const *vtable, void *dst)
{
    const br_sha256_context *ctx = (const br_sha256_context *)(const void *)vtable;
    for (int i = 0; i < 8; i++)
        put32be((unsigned char *)dst + 4 * i, ctx->val[i]);
    return ctx->count;
}

static void sha256_ni_set_state(const br_hash_class **vtable, const void *stb, uint64_t count)
{
    br_sha256_context *ctx = (br_sha256_context *)(void *)vtable;
    for (int i = 0; i < 8; i++)
        ctx->val[i] = get32be((const unsigned char *)stb + 4 * i);
    ctx->count = count;
}

const br_hash_class sha256_ni_vtable = {
    sizeof(br_sha256_context),
    BR_HASHDESC_ID(br_sha256_ID) | BR_HASHDESC_OUT(32) | BR_HASHDESC_STATE(32) | BR_HASHDESC_LBLEN(6) |
        BR_HASHDESC_MD_PADDING | BR_HASHDESC_MD_PADDING_BE,
    sha256_ni_init,
    sha256_ni_update,
    sha256_ni_out,
    sha256_ni_state,
    sha256_ni_set_state,
};

bool sha256_ni_available(void)
{
    static int known = -1;
    if (known < 0) {
        unsigned a, b, c, d;
        bool sse = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) && (c & bit_SSE4_1);
        bool sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
        known = sse && sha;
    }
    return known;
}

const br_hash_class *sha256_fast(void)
{
    return sha256_ni_available() ? &sha256_ni_vtable : &br_sha256_vtable;
}

void sha256_fast_digest(const void *data, size_t len, uint8_t digest[32])
{
    const br_hash_class *sha256 = sha256_fast();
    br_hash_compat_context ctx;
    sha256->init(&ctx.vtable);
    sha256->update(&ctx.vtable, data, len);
    sha256->out(&ctx.vtable, digest);
}
