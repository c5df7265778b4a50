/*
 * Unit tests of src/crypto/p256.c against BearSSL's own P-256 code
 * (br_ec_p256_m31, br_ecdsa_i31_sign_raw / vrfy_raw), RFC 6979's
 * published signatures, and a slow bit-serial reference for the modular
 * arithmetic. Random inputs come from a fixed-seed generator, so a failure
 * reproduces.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bearssl.h>

#include "check.h"
#include "crypto/p256.h"

/* ---- inputs ---- */

static uint64_t rng_state = 0x5eed0f9256ULL;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void fill(uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)rng();
}

static void unhex(uint8_t *out, const char *hex)
{
    for (size_t i = 0; hex[2 * i]; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static const char P_HEX[] = "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF";
static const char N_HEX[] = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

/* ---- reference arithmetic: 32-byte big-endian integers, bit-serial ---- */

static int ref_cmp(const uint8_t a[32], const uint8_t b[32])
{
    return memcmp(a, b, 32);
}

/* r = a + b (mod 2^256); returns the carry. */
static unsigned ref_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    unsigned c = 0;
    for (int i = 31; i >= 0; i--) {
        c += (unsigned)a[i] + b[i];
        r[i] = (uint8_t)c;
        c >>= 8;
    }
    return c;
}

/* r = a - b (mod 2^256); returns the borrow. */
static unsigned ref_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    int br = 0;
    for (int i = 31; i >= 0; i--) {
        int d = (int)a[i] - b[i] - br;
        br = d < 0;
        r[i] = (uint8_t)(d + (br ? 256 : 0));
    }
    return (unsigned)br;
}

static void ref_addmod(uint8_t r[32], const uint8_t a[32], const uint8_t b[32], const uint8_t m[32])
{
    if (ref_add(r, a, b) || ref_cmp(r, m) >= 0)
        ref_sub(r, r, m);
}

static void ref_submod(uint8_t r[32], const uint8_t a[32], const uint8_t b[32], const uint8_t m[32])
{
    if (ref_sub(r, a, b))
        ref_add(r, r, m);
}

/* r = x mod m for any length: acc = 2*acc + bit, most significant first. */
static void ref_reduce(uint8_t r[32], const uint8_t *x, size_t len, const uint8_t m[32])
{
    uint8_t acc[32] = { 0 }, one[32] = { 0 };
    one[31] = 1;
    for (size_t i = 0; i < len; i++)
        for (int bit = 7; bit >= 0; bit--) {
            ref_addmod(acc, acc, acc, m);
            if ((x[i] >> bit) & 1)
                ref_addmod(acc, acc, one, m);
        }
    memcpy(r, acc, 32);
}

/* r = a*b mod m, a and b < m. */
static void ref_mulmod(uint8_t r[32], const uint8_t a[32], const uint8_t b[32], const uint8_t m[32])
{
    uint8_t acc[32] = { 0 };
    for (int i = 0; i < 32; i++)
        for (int bit = 7; bit >= 0; bit--) {
            ref_addmod(acc, acc, acc, m);
            if ((a[i] >> bit) & 1)
                ref_addmod(acc, acc, b, m);
        }
    memcpy(r, acc, 32);
}

/* Values < m that stress carries and the final subtractions: 0, 1, 2,
 * m-1, m-2, m-3, 2^256 mod m, 2^255, limb boundaries, m minus small and
 * 128-bit amounts, all-ones limbs. */
#define N_EDGE 16
static void edge_value(uint8_t r[32], int which, const uint8_t m[32])
{
    uint8_t t[32] = { 0 };
    memset(r, 0, 32);
    switch (which) {
    case 0: break;
    case 1: r[31] = 1; break;
    case 2: r[31] = 2; break;
    case 3: t[31] = 1; ref_sub(r, m, t); break;
    case 4: t[31] = 2; ref_sub(r, m, t); break;
    case 5: t[31] = 3; ref_sub(r, m, t); break;
    case 6: ref_sub(r, t, m); break;                      /* 2^256 - m */
    case 7: r[0] = 0x80; break;                           /* 2^255 < m */
    case 8: memset(r + 24, 0xFF, 8); break;               /* 2^64 - 1 */
    case 9: memset(r + 16, 0xFF, 16); break;              /* 2^128 - 1 */
    case 10: r[7] = 1; break;                             /* 2^192 */
    case 11: t[23] = 1; ref_sub(r, m, t); break;          /* m - 2^64 */
    case 12: fill(t + 28, 4); ref_sub(r, m, t); break;    /* m - small */
    case 13: fill(t + 16, 16); ref_sub(r, m, t); break;   /* m - 128-bit */
    case 14: memset(r + 8, 0xFF, 24); break;              /* 2^192 - 1 */
    default: memcpy(r, m, 32); r[31] ^= 0x01; r[30] ^= 0x80; break;
    }
    if (ref_cmp(r, m) >= 0)
        ref_sub(r, r, m);
}

static void random_below(uint8_t r[32], const uint8_t m[32])
{
    do
        fill(r, 32);
    while (ref_cmp(r, m) >= 0);
}

/* The i-th test operand: the edge values first, then random ones. */
static void operand(uint8_t r[32], int i, const uint8_t m[32])
{
    if (i < N_EDGE)
        edge_value(r, i, m);
    else
        random_below(r, m);
}

static void test_field(void)
{
    uint8_t p[32], a[32], b[32], r[32], e[32], one[32] = { 0 };
    int bad_add = 0, bad_sub = 0, bad_mul = 0, bad_sqr = 0, bad_inv = 0, pairs = 0;
    unhex(p, P_HEX);
    one[31] = 1;
    for (int i = 0; i < 1000; i++) {
        operand(a, i, p);
        p256_fp_mul(r, a, a);           /* the same array: squaring */
        ref_mulmod(e, a, a, p);
        bad_sqr += memcmp(r, e, 32) != 0;
    }
    for (int i = 0; i < 64; i++) {
        for (int j = 0; j < 64; j++) {
            operand(a, i, p);
            operand(b, j, p);
            pairs++;
            p256_fp_add(r, a, b);
            ref_addmod(e, a, b, p);
            bad_add += memcmp(r, e, 32) != 0;
            p256_fp_sub(r, a, b);
            ref_submod(e, a, b, p);
            bad_sub += memcmp(r, e, 32) != 0;
            p256_fp_mul(r, a, b);
            ref_mulmod(e, a, b, p);
            bad_mul += memcmp(r, e, 32) != 0;
        }
        operand(a, i, p);
        p256_fp_inv(r, a);
        p256_fp_mul(e, a, r);
        bad_inv += i == 0 ? memcmp(r, a, 32) != 0 : memcmp(e, one, 32) != 0;
    }
    char name[128];
    snprintf(name, sizeof name, "mod p: %d pairs (edge values near 0, p, limb boundaries; random) add like the reference", pairs);
    CHECK(name, bad_add == 0);
    CHECK("mod p: the same pairs subtract like the reference", bad_sub == 0);
    CHECK("mod p: the same pairs multiply like the reference", bad_mul == 0);
    CHECK("mod p: 1000 values (edge, random) square like the reference", bad_sqr == 0);
    CHECK("mod p: a * (1/a) == 1 for 63 values, and 1/0 == 0", bad_inv == 0);
}

static void test_scalar(void)
{
    uint8_t n[32], a[32], b[32], r[32], e[32], one[32] = { 0 }, x[100];
    int bad_mul = 0, bad_sqr = 0, bad_inv = 0, bad_red = 0, pairs = 0;
    unhex(n, N_HEX);
    one[31] = 1;
    for (int i = 0; i < 1000; i++) {
        operand(a, i, n);
        p256_fn_mul(r, a, a);
        ref_mulmod(e, a, a, n);
        bad_sqr += memcmp(r, e, 32) != 0;
    }
    for (int i = 0; i < 48; i++) {
        for (int j = 0; j < 48; j++) {
            operand(a, i, n);
            operand(b, j, n);
            pairs++;
            p256_fn_mul(r, a, b);
            ref_mulmod(e, a, b, n);
            bad_mul += memcmp(r, e, 32) != 0;
        }
        operand(a, i, n);
        p256_fn_inv(r, a);
        p256_fn_mul(e, a, r);
        bad_inv += i == 0 ? memcmp(r, a, 32) != 0 : memcmp(e, one, 32) != 0;
    }
    char name[128];
    snprintf(name, sizeof name, "mod n: %d pairs (edge values near 0, n, limb boundaries; random) multiply like the reference", pairs);
    CHECK(name, bad_mul == 0);
    CHECK("mod n: 1000 values (edge, random) square like the reference", bad_sqr == 0);
    CHECK("mod n: a * (1/a) == 1 for 47 values, and 1/0 == 0", bad_inv == 0);

    /* Every length 0..100, random bytes, then all-0xFF and n itself. */
    for (size_t len = 0; len <= 100; len++) {
        fill(x, len);
        p256_fn_reduce(r, x, len);
        ref_reduce(e, x, len, n);
        bad_red += memcmp(r, e, 32) != 0;
        memset(x, 0xFF, len);
        p256_fn_reduce(r, x, len);
        ref_reduce(e, x, len, n);
        bad_red += memcmp(r, e, 32) != 0;
    }
    memset(x, 0, 8);
    memcpy(x + 8, n, 32);
    p256_fn_reduce(r, x, 40);
    bad_red += memcmp(r, (uint8_t[32]){ 0 }, 32) != 0;
    CHECK("mod n: reduction of byte strings of every length 0..100 (random, all-0xFF, padded n)", bad_red == 0);
}

/* ---- mulgen ---- */

/* 1 if p256_mulgen and br_ec_p256_m31.mulgen agree on x. */
static int same_as_m31(const uint8_t *x, size_t xlen)
{
    uint8_t ours[65], theirs[65];
    memset(ours, 0xA5, sizeof ours);
    size_t a = p256_mulgen(ours, x, xlen);
    size_t b = br_ec_p256_m31.mulgen(theirs, x, xlen, BR_EC_secp256r1);
    return a == 65 && b == 65 && memcmp(ours, theirs, 65) == 0;
}

static int is_infinity(const uint8_t R[65])
{
    static const uint8_t zero[64];
    return R[0] == 0x04 && memcmp(R + 1, zero, 64) == 0;
}

/* k = v * 32^w as 32 big-endian bytes (bits past 255 dropped). */
static void window_scalar(uint8_t k[32], unsigned v, int w)
{
    memset(k, 0, 32);
    for (int bit = 0; bit < 5; bit++) {
        int pos = 5 * w + bit;
        if (((v >> bit) & 1) && pos < 256)
            k[31 - pos / 8] |= (uint8_t)(1u << (pos % 8));
    }
}

static void test_mulgen(void)
{
    uint8_t n[32], k[64], t[32], R[65], S[65];
    int bad;
    unhex(n, N_HEX);

    bad = 0;
    for (int i = 0; i < 2000; i++) {
        random_below(k, n);
        bad += !same_as_m31(k, 32);
    }
    CHECK("2000 random scalars below n: mulgen agrees with BearSSL's p256_m31", bad == 0);

    /* 32-byte values from n up: p256_m31 computes x*G = (x mod n)*G too,
     * but for n + 30 (see below). */
    uint8_t room[32], zero32[32] = { 0 };
    ref_sub(room, zero32, n);                   /* 2^256 - n */
    bad = 0;
    for (int i = 0; i < 200; i++) {
        memset(t, 0, 32);
        do
            fill(t + 4, 28);
        while (ref_cmp(t, room) >= 0);
        ref_add(k, n, t);
        bad += !same_as_m31(k, 32);
    }
    CHECK("200 random 32-byte scalars from n to 2^256-1: agree with p256_m31", bad == 0);

    /* Each digit value at each window, both signs (v > 16 is recoded as
     * v - 32 plus a carry), which reaches every table entry. */
    bad = 0;
    for (int w = 0; w < 52; w++)
        for (unsigned v = 1; v < 32; v++) {
            window_scalar(k, v, w);
            bad += !same_as_m31(k, 32);
        }
    CHECK("v * 32^w for v = 1..31, every window w: agrees with p256_m31", bad == 0);

    /* Runs of zero windows (4- and 5-bit alike): each byte zero with
     * probability 3/4, and a single non-zero byte anywhere. */
    bad = 0;
    for (int i = 0; i < 300; i++) {
        random_below(k, n);
        for (int j = 0; j < 32; j++)
            if (rng() % 4 != 0)
                k[j] = 0;
        bad += !same_as_m31(k, 32);
    }
    for (int j = 0; j < 32; j++) {
        memset(k, 0, 32);
        k[j] = (uint8_t)(rng() | 1);
        bad += !same_as_m31(k, 32);
    }
    CHECK("332 scalars with long runs of zero windows: agree with p256_m31", bad == 0);

    /* Patterns that carry through every window: all windows 16, all 17. */
    bad = 0;
    for (unsigned v = 15; v <= 18; v++) {
        memset(k, 0, 32);
        for (int w = 0; w < 51; w++) {
            window_scalar(t, v, w);
            for (int j = 0; j < 32; j++)
                k[j] |= t[j];
        }
        bad += !same_as_m31(k, 32);
    }
    CHECK("scalars with every window 15, 16, 17 or 18: agree with p256_m31", bad == 0);

    /* Short byte strings, 1..31 bytes, 20 each. */
    bad = 0;
    for (size_t len = 1; len < 32; len++)
        for (int i = 0; i < 20; i++) {
            fill(k, len);
            bad += !same_as_m31(k, len);
        }
    CHECK("620 short scalars (1..31 bytes): agree with p256_m31", bad == 0);

    /* Long byte strings, 33..64 bytes: BearSSL takes every byte, as do we
     * (reducing mod n first). */
    bad = 0;
    for (size_t len = 33; len <= 64; len++)
        for (int i = 0; i < 5; i++) {
            fill(k, len);
            bad += !same_as_m31(k, len);
            p256_fn_reduce(t, k, len);
            p256_mulgen(R, k, len);
            p256_mulgen(S, t, 32);
            bad += memcmp(R, S, 65) != 0;
        }
    CHECK("160 long scalars (33..64 bytes): agree with p256_m31 and with mulgen(x mod n)", bad == 0);

    /* Edge values. */
    uint8_t one[32] = { 0 }, v[32];
    one[31] = 1;
    bad = 0;
    memcpy(k, one, 32);
    bad += !same_as_m31(k, 32);                 /* 1 */
    k[31] = 2;
    bad += !same_as_m31(k, 32);                 /* 2 */
    ref_sub(k, n, one);
    bad += !same_as_m31(k, 32);                 /* n-1 */
    ref_sub(k, k, one);
    bad += !same_as_m31(k, 32);                 /* n-2 */
    memset(k, 0xFF, 32);
    bad += !same_as_m31(k, 32);                 /* 2^256-1 */
    bad += !same_as_m31(k, 1);                  /* 0xFF */
    memset(k, 0, 32);
    k[0] = 0x7F;
    bad += !same_as_m31(k, 32);                 /* 0x7F00..00 */
    CHECK("1, 2, n-1, n-2, 2^256-1, 0xFF, 0x7F00..00: agree with p256_m31", bad == 0);

    ref_sub(k, n, one);                         /* -G and G: same x, y and p - y */
    p256_mulgen(R, k, 32);
    p256_mulgen(S, one + 31, 1);
    ref_add(v, R + 33, S + 33);
    unhex(t, P_HEX);
    CHECK("(n-1)*G is -G", memcmp(R + 1, S + 1, 32) == 0 && memcmp(v, t, 32) == 0);

    bad = 0;
    memset(k, 0, 32);
    bad += !(same_as_m31(k, 32) && (p256_mulgen(R, k, 32), is_infinity(R)));
    bad += !(p256_mulgen(R, k, 0) == 65 && is_infinity(R));
    bad += !(same_as_m31(n, 32) && (p256_mulgen(R, n, 32), is_infinity(R)));
    memset(k, 0, 64);
    memcpy(k + 32, n, 32);
    bad += !(p256_mulgen(R, k, 64) == 65 && is_infinity(R));
    CHECK("0, the empty string, n and n with 32 zero bytes in front give 0x04 and 64 zero bytes, as p256_m31 does", bad == 0);

    /* n+1 is accepted and is G, as in BearSSL. n + 30 is 30*G here; p256_m31
     * (incomplete formulas) writes the point at infinity for it. */
    ref_add(k, n, one);
    p256_mulgen(R, k, 32);
    p256_mulgen(S, one + 31, 1);
    bad = !same_as_m31(k, 32) || memcmp(R, S, 65) != 0;
    memset(v, 0, 32);
    v[31] = 30;
    ref_add(k, n, v);
    p256_mulgen(R, k, 32);
    p256_mulgen(S, v + 31, 1);
    bad += memcmp(R, S, 65) != 0 || is_infinity(R);
    CHECK("n+1 gives G (as p256_m31), n+30 gives 30*G", bad == 0);

    p256_precompute();
    CHECK("p256_precompute again changes nothing", same_as_m31(v, 32));
}

/* ---- ECDSA ---- */

static size_t hash_len(const br_hash_class *hf)
{
    return (size_t)(hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

static void hash_message(const br_hash_class *hf, const char *msg, uint8_t *out)
{
    br_hash_compat_context ctx;
    hf->init(&ctx.vtable);
    hf->update(&ctx.vtable, msg, strlen(msg));
    hf->out(&ctx.vtable, out);
}

/* Signs with both implementations; 1 if both sign, the signatures are
 * identical, and BearSSL verifies ours with the key's public point.
 * (br_ecdsa_i31_vrfy_raw cannot verify a hash that is 0 mod n: its muladd
 * refuses a zero multiplier. Such hashes go through same_signature_only.) */
static int sign_and_compare(const br_hash_class *hf, const uint8_t *hash, const br_ec_private_key *sk, int verify)
{
    uint8_t ours[64], theirs[64], pub[65];
    size_t a = p256_ecdsa_sign_raw(hf, hash, sk, ours);
    size_t b = br_ecdsa_i31_sign_raw(&br_ec_p256_m31, hf, hash, sk, theirs);
    if (a != 64 || b != 64 || memcmp(ours, theirs, 64) != 0)
        return 0;
    if (!verify)
        return 1;
    br_ec_public_key pk;
    if (br_ec_compute_pub(&br_ec_p256_m31, &pk, pub, sk) != 65)
        return 0;
    return br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, hash, hash_len(hf), &pk, ours, 64) == 1;
}

static int same_signature(const br_hash_class *hf, const uint8_t *hash, const br_ec_private_key *sk)
{
    return sign_and_compare(hf, hash, sk, 1);
}

static int same_signature_only(const br_hash_class *hf, const uint8_t *hash, const br_ec_private_key *sk)
{
    return sign_and_compare(hf, hash, sk, 0);
}

static void test_rfc6979(void)
{
    static const struct {
        const br_hash_class *hf;
        const char *msg, *r, *s;
    } kat[] = {
        { &br_sha1_vtable, "sample", "61340C88C3AAEBEB4F6D667F672CA9759A6CCAA9FA8811313039EE4A35471D32",
          "6D7F147DAC089441BB2E2FE8F7A3FA264B9C475098FDCF6E00D7C996E1B8B7EB" },
        { &br_sha256_vtable, "sample", "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
          "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8" },
        { &br_sha384_vtable, "sample", "0EAFEA039B20E9B42309FB1D89E213057CBF973DC0CFC8F129EDDDC800EF7719",
          "4861F0491E6998B9455193E34E7B0D284DDD7149A74B95B9261F13ABDE940954" },
        { &br_sha512_vtable, "sample", "8496A60B5E9B47C825488827E0495B0E3FA109EC4568FD3F8D1097678EB97F00",
          "2362AB1ADBE2B8ADF9CB9EDAB740EA6049C028114F2460F96554F61FAE3302FE" },
        { &br_sha256_vtable, "test", "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
          "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083" },
    };
    uint8_t x[32], pub[65], expect[64], sig[64], h[64];
    unhex(x, "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
    unhex(pub, "04"
               "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
               "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
    br_ec_private_key sk = { BR_EC_secp256r1, x, sizeof x };
    uint8_t R[65];
    p256_mulgen(R, x, sizeof x);
    CHECK("RFC 6979 A.2.5: mulgen of the private key is the published public key", memcmp(R, pub, 65) == 0);
    int bad = 0;
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        hash_message(kat[i].hf, kat[i].msg, h);
        unhex(expect, kat[i].r);
        unhex(expect + 32, kat[i].s);
        bad += p256_ecdsa_sign_raw(kat[i].hf, h, &sk, sig) != 64 || memcmp(sig, expect, 64) != 0;
    }
    CHECK("RFC 6979 A.2.5: SHA-1/256/384/512 \"sample\" and SHA-256 \"test\" give the published (r, s)", bad == 0);
}

static void test_ecdsa(void)
{
    static const struct {
        const br_hash_class *hf;
        const char *name;
    } hashes[] = {
        { &br_md5_vtable, "MD5" },         { &br_sha1_vtable, "SHA-1" },     { &br_sha224_vtable, "SHA-224" },
        { &br_sha256_vtable, "SHA-256" }, { &br_sha384_vtable, "SHA-384" }, { &br_sha512_vtable, "SHA-512" },
    };
    uint8_t n[32], x[40], h[64], one[32] = { 0 };
    unhex(n, N_HEX);
    one[31] = 1;
    char name[160];

    for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
        const br_hash_class *hf = hashes[i].hf;
        int bad = 0, trials = 200;
        for (int t = 0; t < trials; t++) {
            random_below(x, n);
            fill(h, sizeof h);
            br_ec_private_key sk = { BR_EC_secp256r1, x, 32 };
            bad += !same_signature(hf, h, &sk);
        }
        snprintf(name, sizeof name,
                 "%d random keys and %zu-byte %s hashes: signature identical to br_ecdsa_i31_sign_raw, and verifies",
                 trials, hash_len(hf), hashes[i].name);
        CHECK(name, bad == 0);
    }

    /* Keys and hashes at the edges. */
    const br_hash_class *hf = &br_sha256_vtable;
    int bad = 0;
    br_ec_private_key sk = { BR_EC_secp256r1, x, 32 };
    fill(h, 32);
    memcpy(x, one, 32);
    bad += !same_signature(hf, h, &sk);                         /* key 1 */
    ref_sub(x, n, one);
    bad += !same_signature(hf, h, &sk);                         /* key n-1 */
    memset(h, 0xFF, 64);
    bad += !same_signature(hf, h, &sk);                         /* hash >= n */
    bad += !same_signature(&br_sha512_vtable, h, &sk);
    memcpy(h, n, 32);
    bad += !same_signature_only(hf, h, &sk);                    /* hash == n */
    memset(h, 0, 64);
    bad += !same_signature_only(hf, h, &sk);                    /* hash == 0 */
    fill(h, 64);
    memset(x, 0, 8);
    random_below(x + 8, n);
    sk.xlen = 40;
    bad += !same_signature(hf, h, &sk);                         /* 8 leading zero bytes */
    sk.xlen = 20;
    fill(x, 20);
    bad += !same_signature(hf, h, &sk);                         /* 20-byte key */
    sk.xlen = 1;
    x[0] = 7;
    bad += !same_signature(hf, h, &sk);                         /* 1-byte key */
    CHECK("keys 1, n-1, with leading zeros, 20 and 1 bytes long; hashes 0, n, all-0xFF: identical to BearSSL "
          "(and verify, but for hashes 0 and n)", bad == 0);

    /* Refusals: 0 returned, as BearSSL does, and sig left alone. */
    uint8_t sig[64], untouched[64];
    memset(untouched, 0x5A, sizeof untouched);
    bad = 0;
    struct {
        int curve;
        size_t xlen;
        int fill_as;
    } refused[] = {
        { BR_EC_secp384r1, 32, 1 },   /* a valid scalar, but a P-384 key */
        { BR_EC_secp521r1, 32, 1 },
        { BR_EC_curve25519, 32, 1 },
        { BR_EC_secp256r1, 32, 0 },   /* zero */
        { BR_EC_secp256r1, 0, 0 },    /* empty */
        { BR_EC_secp256r1, 32, 2 },   /* n */
        { BR_EC_secp256r1, 32, 3 },   /* n+1 */
        { BR_EC_secp256r1, 32, 4 },   /* all-0xFF */
        { BR_EC_secp256r1, 33, 5 },   /* 33 bytes, first non-zero */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        memset(x, 0, sizeof x);
        switch (refused[i].fill_as) {
        case 1: random_below(x, n); break;
        case 2: memcpy(x, n, 32); break;
        case 3: ref_add(x, n, one); break;
        case 4: memset(x, 0xFF, 32); break;
        case 5: x[0] = 1; random_below(x + 1, n); break;
        default: break;
        }
        br_ec_private_key bk = { refused[i].curve, x, refused[i].xlen };
        memcpy(sig, untouched, sizeof sig);
        bad += p256_ecdsa_sign_raw(hf, h, &bk, sig) != 0 || memcmp(sig, untouched, 64) != 0;
        bad += br_ecdsa_i31_sign_raw(&br_ec_p256_m31, hf, h, &bk, sig) != 0;
    }
    CHECK("keys on P-384, P-521, X25519; keys 0, empty, n, n+1, 2^256-1, 33 bytes >= n: refused (0) as BearSSL does", bad == 0);
}

int main(void)
{
    test_field();
    test_scalar();
    test_mulgen();
    test_rfc6979();
    test_ecdsa();
    return CHECK_DONE();
}
