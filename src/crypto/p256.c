/*
 * P-256 generator multiplication and ECDSA signing: see p256.h.
 *
 * Field elements mod p are four 64-bit limbs (little-endian order) in
 * Montgomery form (a*2^256 mod p), always fully reduced. p's low limb is
 * 2^64-1, so -1/p mod 2^64 is 1 and each Montgomery reduction round needs
 * no multiplication to find its quotient digit.
 *
 * Points are projective (X : Y : Z) with x = X/Z, y = Y/Z, infinity being
 * (0 : 1 : 0); additions use the complete formulas of Renes, Costello and
 * Batina ("Complete addition formulas for prime order elliptic curves",
 * 2016, algorithms 4 and 5, a = -3), which are correct for every pair of
 * inputs, doubling and infinity included, so no input needs a special case.
 *
 * k*G is a sum of 52 table points: k = sum d_i 32^i with signed 5-bit
 * digits d_i in [-15, 16], and the table holds j*32^i*G for j = 1..16 in
 * affine form. Each step scans all 16 entries of its window with masks,
 * negates y by mask for a negative digit, adds the entry (mixed addition),
 * and keeps the old sum by mask when d_i = 0. There is no doubling at all.
 * Signed digits halve the entries a window needs, so 5-bit windows cost
 * what 4-bit ones would, in 52 additions instead of 64.
 *
 * Scalars mod n use a plain Montgomery multiplication (n has no special
 * form worth exploiting); 1/k mod n is k^(n-2), with a 4-bit window over
 * the public exponent.
 */
#include "crypto/p256.h"

#include "crypto/secret_bytes.h"

#include <string.h>

__extension__ typedef unsigned __int128 u128;

typedef struct {
    uint64_t x[4], y[4], z[4];
} point;

typedef struct {
    uint64_t x[4], y[4];
} affine;

/* Inlining forced either way: see fp_mul. */
#define INLINE static inline __attribute__((always_inline))
#define OUT_OF_LINE __attribute__((noinline)) static void

/* ---- constant-time helpers ------------------------------------------- */

/* Hides a mask's provenance from the optimiser, so that a select by mask
 * is not turned back into a branch on the condition it came from. */
static inline uint64_t ct_opaque(uint64_t x)
{
#if defined(__GNUC__)
    __asm__("" : "+r"(x));
#endif
    return x;
}

/* All ones when x != 0, else 0. */
static inline uint64_t ct_nonzero(uint64_t x)
{
    return ct_opaque(-((x | -x) >> 63));
}

static inline uint64_t ct_eq(uint64_t a, uint64_t b)
{
    return ~ct_nonzero(a ^ b);
}

/* r = mask ? a : r, on four limbs. */
static inline void cmov4(uint64_t r[4], const uint64_t a[4], uint64_t mask)
{
    for (int i = 0; i < 4; i++)
        r[i] ^= mask & (r[i] ^ a[i]);
}

/* ---- limbs ----------------------------------------------------------- */

/*
 * Carry chains go through GCC's adc/sbb builtins on x86_64: GCC turns
 * 128-bit sums into stack traffic and extra moves (field operations ran
 * about 3x slower that way), while it keeps these in registers and flags.
 * Products still use 128 bits.
 */
INLINE uint64_t adc(uint64_t a, uint64_t b, unsigned char *c)
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    unsigned long long r;
    *c = __builtin_ia32_addcarryx_u64(*c, a, b, &r);
    return r;
#else
    u128 z = (u128)a + b + *c;
    *c = (unsigned char)(z >> 64);
    return (uint64_t)z;
#endif
}

INLINE uint64_t sbb(uint64_t a, uint64_t b, unsigned char *br)
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    unsigned long long r;
    *br = __builtin_ia32_sbb_u64(*br, a, b, &r);
    return r;
#else
    u128 z = (u128)a - b - *br;
    *br = (unsigned char)((z >> 64) & 1);
    return (uint64_t)z;
#endif
}

INLINE uint64_t mulw(uint64_t a, uint64_t b, uint64_t *hi)
{
    u128 z = (u128)a * b;
    *hi = (uint64_t)(z >> 64);
    return (uint64_t)z;
}

/* r = (hi, t) mod m for a 257-bit value (hi, t) < 2m. */
INLINE void sub_once(uint64_t r[4], uint64_t hi, const uint64_t t[4], const uint64_t m[4])
{
    unsigned char br = 0;
    uint64_t u0 = sbb(t[0], m[0], &br);
    uint64_t u1 = sbb(t[1], m[1], &br);
    uint64_t u2 = sbb(t[2], m[2], &br);
    uint64_t u3 = sbb(t[3], m[3], &br);
    (void)sbb(hi, 0, &br);
    /* A final borrow means (hi, t) < m: keep t. */
    uint64_t keep = ct_opaque(-(uint64_t)br);
    r[0] = (t[0] & keep) | (u0 & ~keep);
    r[1] = (t[1] & keep) | (u1 & ~keep);
    r[2] = (t[2] & keep) | (u2 & ~keep);
    r[3] = (t[3] & keep) | (u3 & ~keep);
}

/* The end of both Montgomery reductions (mod p and mod n): round i of the
 * reduction left its carry out in d[i], owed at limb i + 5; add them into
 * the top half and subtract m once if that is still m or more. */
INLINE void fold_carries(uint64_t r[4], uint64_t t[8], const uint64_t d[4], const uint64_t m[4])
{
    unsigned char c = 0;
    t[5] = adc(t[5], d[0], &c);
    t[6] = adc(t[6], d[1], &c);
    t[7] = adc(t[7], d[2], &c);
    uint64_t top = adc(d[3], 0, &c);
    sub_once(r, top, t + 4, m);
}

/* t[0..4] += ai*b, where t[4] is written, not read: the low halves of the
 * products in one carry chain, the high halves in another. No carry
 * leaves t[4]: every partial sum of a*b fits the limbs written so far. */
INLINE void mul_row(uint64_t t[5], uint64_t ai, const uint64_t b[4])
{
    uint64_t h0, h1, h2, h3, l0, l1, l2, l3;
    unsigned char c = 0;
    l0 = mulw(ai, b[0], &h0);
    l1 = mulw(ai, b[1], &h1);
    l2 = mulw(ai, b[2], &h2);
    l3 = mulw(ai, b[3], &h3);
    t[0] = adc(t[0], l0, &c);
    t[1] = adc(t[1], l1, &c);
    t[2] = adc(t[2], l2, &c);
    t[3] = adc(t[3], l3, &c);
    t[4] = c;
    c = 0;
    t[1] = adc(t[1], h0, &c);
    t[2] = adc(t[2], h1, &c);
    t[3] = adc(t[3], h2, &c);
    t[4] = adc(t[4], h3, &c);
}

/* t[0..7] = a*b, schoolbook. */
INLINE void mul256(uint64_t t[8], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t h0, h1, h2, h3;
    unsigned char c = 0;
    t[0] = mulw(a[0], b[0], &h0);
    t[1] = mulw(a[0], b[1], &h1);
    t[2] = mulw(a[0], b[2], &h2);
    t[3] = mulw(a[0], b[3], &h3);
    t[1] = adc(t[1], h0, &c);
    t[2] = adc(t[2], h1, &c);
    t[3] = adc(t[3], h2, &c);
    t[4] = adc(h3, 0, &c);
    mul_row(t + 1, a[1], b);
    mul_row(t + 2, a[2], b);
    mul_row(t + 3, a[3], b);
}

/* t[0..7] = a^2: the six cross products once, doubled, plus the squares. */
INLINE void sqr256(uint64_t t[8], const uint64_t a[4])
{
    uint64_t h01, h02, h03, h12, h13, h23, l02, l03, l12, l13, l23, h, l;
    unsigned char c = 0;
    t[1] = mulw(a[0], a[1], &h01);
    l02 = mulw(a[0], a[2], &h02);
    l03 = mulw(a[0], a[3], &h03);
    l12 = mulw(a[1], a[2], &h12);
    l13 = mulw(a[1], a[3], &h13);
    l23 = mulw(a[2], a[3], &h23);
    t[2] = adc(l02, h01, &c);
    t[3] = adc(l03, h02, &c);
    t[4] = adc(h03, 0, &c);
    c = 0;
    t[3] = adc(t[3], l12, &c);
    t[4] = adc(t[4], l13, &c);
    t[5] = c;
    c = 0;
    t[4] = adc(t[4], h12, &c);
    t[5] = adc(t[5], h13, &c);
    c = 0;
    t[5] = adc(t[5], l23, &c);
    t[6] = adc(h23, 0, &c);
    c = 0;
#pragma GCC unroll 6
    for (int i = 1; i < 7; i++)
        t[i] = adc(t[i], t[i], &c);
    t[7] = c;
    c = 0;
    t[0] = mulw(a[0], a[0], &h);
    t[1] = adc(t[1], h, &c);
    l = mulw(a[1], a[1], &h);
    t[2] = adc(t[2], l, &c);
    t[3] = adc(t[3], h, &c);
    l = mulw(a[2], a[2], &h);
    t[4] = adc(t[4], l, &c);
    t[5] = adc(t[5], h, &c);
    l = mulw(a[3], a[3], &h);
    t[6] = adc(t[6], l, &c);
    t[7] = adc(t[7], h, &c);
}

static void be_to_limbs(uint64_t r[4], const uint8_t b[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++)
            w = (w << 8) | b[(3 - i) * 8 + j];
        r[i] = w;
    }
}

static void limbs_to_be(uint8_t b[32], const uint64_t r[4])
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            b[(3 - i) * 8 + j] = (uint8_t)(r[i] >> (56 - 8 * j));
}

/* ---- the field mod p ------------------------------------------------- */

static const uint64_t P[4] = {
    0xFFFFFFFFFFFFFFFF, 0x00000000FFFFFFFF, 0x0000000000000000, 0xFFFFFFFF00000001,
};

/* 2^512 mod p: multiplying by it enters Montgomery form. */
static const uint64_t P_R2[4] = {
    0x0000000000000003, 0xFFFFFFFBFFFFFFFF, 0xFFFFFFFFFFFFFFFE, 0x00000004FFFFFFFD,
};

/* 2^256 mod p: 1 in Montgomery form. */
static const uint64_t P_ONE[4] = {
    0x0000000000000001, 0xFFFFFFFF00000000, 0xFFFFFFFFFFFFFFFF, 0x00000000FFFFFFFE,
};

INLINE void fp_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[4];
    unsigned char c = 0;
    t[0] = adc(a[0], b[0], &c);
    t[1] = adc(a[1], b[1], &c);
    t[2] = adc(a[2], b[2], &c);
    t[3] = adc(a[3], b[3], &c);
    sub_once(r, c, t, P);
}

INLINE void fp_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t0, t1, t2, t3;
    unsigned char br = 0, c = 0;
    t0 = sbb(a[0], b[0], &br);
    t1 = sbb(a[1], b[1], &br);
    t2 = sbb(a[2], b[2], &br);
    t3 = sbb(a[3], b[3], &br);
    /* Add p back if that went negative. */
    uint64_t m = ct_opaque(-(uint64_t)br);
    r[0] = adc(t0, m & P[0], &c);
    r[1] = adc(t1, m & P[1], &c);
    r[2] = adc(t2, 0, &c);
    r[3] = adc(t3, m & P[3], &c);
}

/* r = t / 2^256 mod p for t < p * 2^256; t is clobbered. Each round adds
 * m*p*2^(64i) with m = t[i] (-1/p mod 2^64 being 1). By p's shape that is
 * m*2^32 at limb i+1 (its limb-i part, m*(2^64-1), plus m*(2^32-1) one
 * limb up, clears t[i] and carries m) and m*(2^64-2^32+1) at limb i+3.
 * The carry out of each round's top limb waits in d[] until the end. */
INLINE void fp_reduce(uint64_t r[4], uint64_t t[8])
{
    uint64_t d[4], h, l;
    unsigned char c;
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        uint64_t m = t[i];
        l = mulw(m, P[3], &h);
        c = 0;
        t[i + 1] = adc(t[i + 1], m << 32, &c);
        t[i + 2] = adc(t[i + 2], m >> 32, &c);
        t[i + 3] = adc(t[i + 3], l, &c);
        t[i + 4] = adc(t[i + 4], h, &c);
        d[i] = c;
    }
    fold_carries(r, t, d, P);
}

/* Products and squares are kept out of line: inlined into the point
 * formulas they make one huge function in which GCC spills badly, and the
 * calls cost less than that. Additions and subtractions are small enough
 * to inline. */
OUT_OF_LINE fp_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[8];
    mul256(t, a, b);
    fp_reduce(r, t);
}

OUT_OF_LINE fp_sqr(uint64_t r[4], const uint64_t a[4])
{
    uint64_t t[8];
    sqr256(t, a);
    fp_reduce(r, t);
}

static void fp_sqr_n(uint64_t r[4], const uint64_t a[4], int n)
{
    fp_sqr(r, a);
    while (--n > 0)
        fp_sqr(r, r);
}

/* r = a^(p-2) = 1/a (0 for 0). p-2 is, from the top: 32 ones, 31 zeros, a
 * one, 96 zeros, 94 ones, a zero, a one; the chain builds a^(2^k-1) for
 * the runs first. 255 squarings, 13 multiplications. */
static void fp_inv(uint64_t r[4], const uint64_t a[4])
{
    uint64_t x2[4], x3[4], x6[4], x12[4], x15[4], x30[4], x32[4], t[4];
    fp_sqr(t, a);
    fp_mul(x2, t, a);
    fp_sqr(t, x2);
    fp_mul(x3, t, a);
    fp_sqr_n(t, x3, 3);
    fp_mul(x6, t, x3);
    fp_sqr_n(t, x6, 6);
    fp_mul(x12, t, x6);
    fp_sqr_n(t, x12, 3);
    fp_mul(x15, t, x3);
    fp_sqr_n(t, x15, 15);
    fp_mul(x30, t, x15);
    fp_sqr_n(t, x30, 2);
    fp_mul(x32, t, x2);
    fp_sqr_n(t, x32, 32);
    fp_mul(t, t, a);
    fp_sqr_n(t, t, 96 + 32);
    fp_mul(t, t, x32);
    fp_sqr_n(t, t, 32);
    fp_mul(t, t, x32);
    fp_sqr_n(t, t, 30);
    fp_mul(t, t, x30);
    fp_sqr_n(t, t, 2);
    fp_mul(r, t, a);
}

/* Bytes (big-endian, < p) to Montgomery form and back. */
static void fp_from_be(uint64_t r[4], const uint8_t b[32])
{
    uint64_t t[4];
    be_to_limbs(t, b);
    fp_mul(r, t, P_R2);
}

static void fp_to_normal(uint64_t r[4], const uint64_t a[4])
{
    uint64_t t[8] = { a[0], a[1], a[2], a[3], 0, 0, 0, 0 };
    fp_reduce(r, t);
}

/* ---- curve points ---------------------------------------------------- */

/* The curve constant b, Montgomery form; set by table_build(). */
static uint64_t curve_b[4];

/*
 * The second half of RCB16 algorithms 4 and 5 (a = -3), the same for the
 * full and the mixed addition once the cross products are formed: t0 = X1X2,
 * t1 = Y1Y2, t2 = Z1Z2, t3 = X1Y2 + X2Y1, t4 = Y1Z2 + Y2Z1, y3 = X1Z2 + X2Z1.
 * (with Z2 = 1 in the mixed case). It reads neither input point, so r may
 * alias either; t0, t1, t2 and y3 are scratch afterwards.
 */
INLINE void add_finish(point *r, uint64_t t0[4], uint64_t t1[4], uint64_t t2[4], const uint64_t t3[4],
                       const uint64_t t4[4], uint64_t y3[4])
{
    uint64_t x3[4], z3[4];
    fp_mul(z3, curve_b, t2);
    fp_sub(x3, y3, z3);
    fp_add(z3, x3, x3);
    fp_add(x3, x3, z3);
    fp_sub(z3, t1, x3);
    fp_add(x3, t1, x3);
    fp_mul(y3, curve_b, y3);
    fp_add(t1, t2, t2);
    fp_add(t2, t1, t2);
    fp_sub(y3, y3, t2);
    fp_sub(y3, y3, t0);
    fp_add(t1, y3, y3);
    fp_add(y3, t1, y3);
    fp_add(t1, t0, t0);
    fp_add(t0, t1, t0);
    fp_sub(t0, t0, t2);
    fp_mul(t1, t4, y3);
    fp_mul(t2, t0, y3);
    fp_mul(y3, x3, z3);
    fp_add(r->y, y3, t2);
    fp_mul(x3, t3, x3);
    fp_sub(r->x, x3, t1);
    fp_mul(z3, t4, z3);
    fp_mul(t1, t3, t0);
    fp_add(r->z, z3, t1);
}

/* r = p + q, complete (RCB16 algorithm 4, a = -3). r may alias p or q. */
static void pt_add(point *r, const point *p, const point *q)
{
    uint64_t t0[4], t1[4], t2[4], t3[4], t4[4], x3[4], y3[4];
    fp_mul(t0, p->x, q->x);
    fp_mul(t1, p->y, q->y);
    fp_mul(t2, p->z, q->z);
    fp_add(t3, p->x, p->y);
    fp_add(t4, q->x, q->y);
    fp_mul(t3, t3, t4);
    fp_add(t4, t0, t1);
    fp_sub(t3, t3, t4);         /* X1 Y2 + X2 Y1 */
    fp_add(t4, p->y, p->z);
    fp_add(x3, q->y, q->z);
    fp_mul(t4, t4, x3);
    fp_add(x3, t1, t2);
    fp_sub(t4, t4, x3);         /* Y1 Z2 + Y2 Z1 */
    fp_add(x3, p->x, p->z);
    fp_add(y3, q->x, q->z);
    fp_mul(x3, x3, y3);
    fp_add(y3, t0, t2);
    fp_sub(y3, x3, y3);         /* X1 Z2 + X2 Z1 */
    add_finish(r, t0, t1, t2, t3, t4, y3);
}

/* r = p + q for an affine q (never infinity), complete for any p
 * (RCB16 algorithm 5, a = -3: algorithm 4 with Z2 = 1). r may alias p. */
static void pt_madd(point *r, const point *p, const affine *q)
{
    uint64_t t0[4], t1[4], t2[4], t3[4], t4[4], y3[4];
    fp_mul(t0, p->x, q->x);
    fp_mul(t1, p->y, q->y);
    memcpy(t2, p->z, sizeof t2);
    fp_add(t3, p->x, p->y);
    fp_add(t4, q->x, q->y);
    fp_mul(t3, t3, t4);
    fp_add(t4, t0, t1);
    fp_sub(t3, t3, t4);         /* X1 y2 + x2 Y1 */
    fp_mul(t4, q->y, p->z);
    fp_add(t4, t4, p->y);       /* Y1 + y2 Z1 */
    fp_mul(y3, q->x, p->z);
    fp_add(y3, y3, p->x);       /* X1 + x2 Z1 */
    add_finish(r, t0, t1, t2, t3, t4, y3);
}

/* ---- the table of multiples of G ------------------------------------- */

static const uint8_t G_X[32] = {
    0x6B, 0x17, 0xD1, 0xF2, 0xE1, 0x2C, 0x42, 0x47, 0xF8, 0xBC, 0xE6, 0xE5, 0x63, 0xA4, 0x40, 0xF2,
    0x77, 0x03, 0x7D, 0x81, 0x2D, 0xEB, 0x33, 0xA0, 0xF4, 0xA1, 0x39, 0x45, 0xD8, 0x98, 0xC2, 0x96,
};
static const uint8_t G_Y[32] = {
    0x4F, 0xE3, 0x42, 0xE2, 0xFE, 0x1A, 0x7F, 0x9B, 0x8E, 0xE7, 0xEB, 0x4A, 0x7C, 0x0F, 0x9E, 0x16,
    0x2B, 0xCE, 0x33, 0x57, 0x6B, 0x31, 0x5E, 0xCE, 0xCB, 0xB6, 0x40, 0x68, 0x37, 0xBF, 0x51, 0xF5,
};
static const uint8_t CURVE_B[32] = {
    0x5A, 0xC6, 0x35, 0xD8, 0xAA, 0x3A, 0x93, 0xE7, 0xB3, 0xEB, 0xBD, 0x55, 0x76, 0x98, 0x86, 0xBC,
    0x65, 0x1D, 0x06, 0xB0, 0xCC, 0x53, 0xB0, 0xF6, 0x3B, 0xCE, 0x3C, 0x3E, 0x27, 0xD2, 0x60, 0x4B,
};

/* k = sum of d_i * 32^i with signed digits d_i in [-15, 16]. 52 windows of
 * 5 bits cover 260 bits: the top one holds bit 255 and a carry, so it
 * never carries out. */
#define WIN_BITS 5
#define WINDOWS 52
#define WINDOW_POINTS 16        /* digit magnitudes 1..16 */

/* gtab[i][j] = (j+1) * 32^i * G, affine (x in [0..3], y in [4..7]),
 * Montgomery form. 53,248 bytes. */
static _Alignas(64) uint64_t gtab[WINDOWS][WINDOW_POINTS][8];
static int gtab_ready;

static void table_build(void)
{
    point base, mult[WINDOW_POINTS];
    uint64_t prod[WINDOW_POINTS][4], inv[4], zi[4];

    fp_from_be(curve_b, CURVE_B);
    fp_from_be(base.x, G_X);
    fp_from_be(base.y, G_Y);
    memcpy(base.z, P_ONE, sizeof base.z);
    for (int i = 0; i < WINDOWS; i++) {
        mult[0] = base;
        for (int j = 1; j < WINDOW_POINTS; j++)
            pt_add(&mult[j], &mult[j - 1], &base);
        /* One inversion per window (Montgomery's trick). None of these
         * points is infinity: (j+1) * 2^(5i) is never a multiple of the
         * prime n. */
        memcpy(prod[0], mult[0].z, sizeof prod[0]);
        for (int j = 1; j < WINDOW_POINTS; j++)
            fp_mul(prod[j], prod[j - 1], mult[j].z);
        fp_inv(inv, prod[WINDOW_POINTS - 1]);
        for (int j = WINDOW_POINTS - 1; j >= 0; j--) {
            if (j > 0) {
                fp_mul(zi, inv, prod[j - 1]);
                fp_mul(inv, inv, mult[j].z);
            } else {
                memcpy(zi, inv, sizeof zi);
            }
            fp_mul(gtab[i][j], mult[j].x, zi);
            fp_mul(gtab[i][j] + 4, mult[j].y, zi);
        }
        /* 32 * base, by the complete addition of 16 * base to itself. */
        pt_add(&base, &mult[WINDOW_POINTS - 1], &mult[WINDOW_POINTS - 1]);
    }
    gtab_ready = 1;
}

void p256_precompute(void)
{
    if (!gtab_ready)
        table_build();
}

typedef uint64_t v2u64 __attribute__((vector_size(16)));

/* r = entry d-1 of window w for d = 1..16; all zeros for d = 0. Every
 * entry is read whatever d is; the accumulators are vectors so that they
 * stay in registers (as an array they go through memory every entry). */
static void table_lookup(affine *r, int w, uint64_t d)
{
    v2u64 a0 = { 0, 0 }, a1 = { 0, 0 }, a2 = { 0, 0 }, a3 = { 0, 0 };
    for (uint64_t j = 0; j < WINDOW_POINTS; j++) {
        const uint64_t *e = gtab[w][j];
        uint64_t m = ct_eq(d, j + 1);
        v2u64 mv = { m, m }, e0, e1, e2, e3;
        memcpy(&e0, e, 16);
        memcpy(&e1, e + 2, 16);
        memcpy(&e2, e + 4, 16);
        memcpy(&e3, e + 6, 16);
        a0 |= mv & e0;
        a1 |= mv & e1;
        a2 |= mv & e2;
        a3 |= mv & e3;
    }
    memcpy(r->x, &a0, 16);
    memcpy(r->x + 2, &a1, 16);
    memcpy(r->y, &a2, 16);
    memcpy(r->y + 2, &a3, 16);
}

/* Bits pos..pos+4 of k (zeros beyond bit 255); pos is public. */
static uint64_t window_bits(const uint64_t k[4], int pos)
{
    int l = pos >> 6, s = pos & 63;
    uint64_t w = k[l] >> s;
    if (s > 64 - WIN_BITS && l < 3)
        w |= k[l + 1] << (64 - s);
    return w & ((1u << WIN_BITS) - 1);
}

/* (x, y) = k*G for a 256-bit k (any value), affine, normal form; (0, 0)
 * for infinity. */
static void mulgen_xy(uint64_t x[4], uint64_t y[4], const uint64_t k[4])
{
    static const uint64_t zero[4] = { 0, 0, 0, 0 };
    point acc, sum;
    affine a;
    uint64_t ny[4], zi[4], carry = 0;

    p256_precompute();
    memset(&acc, 0, sizeof acc);
    memcpy(acc.y, P_ONE, sizeof acc.y);
    for (int i = 0; i < WINDOWS; i++) {
        /* Window value 0..32 with the carry in; above 16 it becomes the
         * digit w - 32 and carries one into the next window. */
        uint64_t w = window_bits(k, WIN_BITS * i) + carry;
        carry = (w + WINDOW_POINTS - 1) >> WIN_BITS;
        uint64_t d = w - (carry << WIN_BITS);
        uint64_t neg = ct_opaque(-(d >> 63));
        uint64_t mag = (d ^ neg) - neg;
        table_lookup(&a, i, mag);
        fp_sub(ny, zero, a.y);
        cmov4(a.y, ny, neg);
        /* With d = 0 the looked-up "point" is (0, 0), not on the curve, and
         * the sum is garbage: computed anyway, then not kept. */
        pt_madd(&sum, &acc, &a);
        uint64_t keep = ct_nonzero(mag);
        cmov4(acc.x, sum.x, keep);
        cmov4(acc.y, sum.y, keep);
        cmov4(acc.z, sum.z, keep);
    }
    /* 1/0 is 0, so infinity comes out as (0, 0), as in BearSSL. */
    fp_inv(zi, acc.z);
    fp_mul(x, acc.x, zi);
    fp_mul(y, acc.y, zi);
    fp_to_normal(x, x);
    fp_to_normal(y, y);
}

/* ---- scalars mod n --------------------------------------------------- */

static const uint64_t N[4] = {
    0xF3B9CAC2FC632551, 0xBCE6FAADA7179E84, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF00000000,
};

/* -1/n mod 2^64. */
#define N_N0I 0xCCD1C8AAEE00BC4F

/* 2^512 mod n. */
static const uint64_t N_R2[4] = {
    0x83244C95BE79EEA2, 0x4699799C49BD6FA6, 0x2845B2392B6BEC59, 0x66E12D94F3D95620,
};

/* r = t / 2^256 mod n for t < n * 2^256; t is clobbered. The carries out
 * of each round's top limb (up to 2, one per chain) wait in d[]. */
INLINE void fn_reduce(uint64_t r[4], uint64_t t[8])
{
    uint64_t d[4], h0, h1, h2, h3, l0, l1, l2, l3;
    unsigned char c;
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        uint64_t m = t[i] * N_N0I;
        l0 = mulw(m, N[0], &h0);
        l1 = mulw(m, N[1], &h1);
        l2 = mulw(m, N[2], &h2);
        l3 = mulw(m, N[3], &h3);
        c = 0;
        t[i] = adc(t[i], l0, &c);
        t[i + 1] = adc(t[i + 1], l1, &c);
        t[i + 2] = adc(t[i + 2], l2, &c);
        t[i + 3] = adc(t[i + 3], l3, &c);
        t[i + 4] = adc(t[i + 4], 0, &c);
        d[i] = c;
        c = 0;
        t[i + 1] = adc(t[i + 1], h0, &c);
        t[i + 2] = adc(t[i + 2], h1, &c);
        t[i + 3] = adc(t[i + 3], h2, &c);
        t[i + 4] = adc(t[i + 4], h3, &c);
        d[i] += c;
    }
    fold_carries(r, t, d, N);
}

/* Montgomery product a*b/2^256 mod n; a*b < n * 2^256 suffices (one
 * factor below n, the other below 2^256). */
OUT_OF_LINE fn_mmul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[8];
    mul256(t, a, b);
    fn_reduce(r, t);
}

OUT_OF_LINE fn_msqr(uint64_t r[4], const uint64_t a[4])
{
    uint64_t t[8];
    sqr256(t, a);
    fn_reduce(r, t);
}

/* r = a + b mod n, for a, b < n. */
static void fn_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[4];
    unsigned char c = 0;
    t[0] = adc(a[0], b[0], &c);
    t[1] = adc(a[1], b[1], &c);
    t[2] = adc(a[2], b[2], &c);
    t[3] = adc(a[3], b[3], &c);
    sub_once(r, c, t, N);
}

/* r = a^(n-2) in Montgomery form (a = x*2^256 mod n gives r = 2^256/x mod
 * n). The exponent is public, so its digits may steer the table index and
 * the skipped multiplications. 252 squarings, about 70 multiplications. */
static void fn_minv(uint64_t r[4], const uint64_t a[4])
{
    static const uint64_t e[4] = {
        0xF3B9CAC2FC63254F, 0xBCE6FAADA7179E84, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF00000000,
    };
    uint64_t tab[16][4], acc[4];
    memcpy(tab[1], a, sizeof tab[1]);
    for (int j = 2; j < 16; j++)
        fn_mmul(tab[j], tab[j - 1], a);
    /* The top digit of n-2 is 0xF. */
    memcpy(acc, tab[15], sizeof acc);
    for (int i = 62; i >= 0; i--) {
        unsigned d = (unsigned)(e[i >> 4] >> ((i & 15) * 4)) & 15;
        for (int s = 0; s < 4; s++)
            fn_msqr(acc, acc);
        if (d != 0)
            fn_mmul(acc, acc, tab[d]);
    }
    memcpy(r, acc, sizeof acc);
}

/* 1 if a < m, else 0. */
static uint64_t lt256(const uint64_t a[4], const uint64_t m[4])
{
    unsigned char br = 0;
    for (int i = 0; i < 4; i++)
        (void)sbb(a[i], m[i], &br);
    return br;
}

/* r = x mod n for a big-endian x of any length: Horner's rule over 64-bit
 * words, acc = acc*2^64 + w, the shift done as a Montgomery product by
 * 2^320 mod n. */
static void fn_reduce_be(uint64_t r[4], const uint8_t *x, size_t len)
{
    static const uint64_t two64[4] = { 0, 1, 0, 0 };
    uint64_t k[4], acc[4] = { 0, 0, 0, 0 };
    fn_mmul(k, N_R2, two64);
    size_t first = len % 8 ? len % 8 : 8;
    for (size_t off = 0; off < len;) {
        size_t take = off == 0 ? first : 8;
        uint64_t w = 0, t[4];
        unsigned char c = 0;
        for (size_t j = 0; j < take; j++)
            w = (w << 8) | x[off + j];
        off += take;
        fn_mmul(acc, acc, k);
        t[0] = adc(acc[0], w, &c);
        t[1] = adc(acc[1], 0, &c);
        t[2] = adc(acc[2], 0, &c);
        t[3] = adc(acc[3], 0, &c);
        sub_once(acc, c, t, N);
    }
    memcpy(r, acc, sizeof acc);
}

/* ---- public API ------------------------------------------------------ */

static void encode_point(uint8_t R[65], const uint64_t x[4], const uint64_t y[4])
{
    R[0] = 0x04;
    limbs_to_be(R + 1, x);
    limbs_to_be(R + 33, y);
}

size_t p256_mulgen(uint8_t R[65], const uint8_t *x, size_t xlen)
{
    uint64_t k[4], px[4], py[4];
    if (xlen <= 32) {
        /* Below 2^256 the sum of table points is already (x mod n)*G. */
        uint8_t buf[32];
        memset(buf, 0, sizeof buf);
        if (xlen > 0)
            memcpy(buf + 32 - xlen, x, xlen);
        be_to_limbs(k, buf);
        secret_wipe(buf, sizeof buf);
    } else {
        fn_reduce_be(k, x, xlen);
    }
    mulgen_xy(px, py, k);
    encode_point(R, px, py);
    secret_wipe(k, sizeof k);   /* the private multiplier; the point is public */
    return 65;
}

/* The hash as an integer, as br_ecdsa_i31_bits2int makes it for a 256-bit
 * order: the leftmost 256 bits (whole bytes, so no shift), then reduced
 * mod n with one conditional subtraction. */
static void hash_to_scalar(uint64_t m[4], const uint8_t *h, size_t hlen)
{
    uint8_t buf[32];
    uint64_t t[4];
    if (hlen > 32)
        hlen = 32;
    memset(buf, 0, sizeof buf);
    if (hlen > 0)
        memcpy(buf + 32 - hlen, h, hlen);
    be_to_limbs(t, buf);
    sub_once(m, 0, t, N);
}

/* Private key bytes to x in [1, n-1]; returns 0 (and any x) otherwise.
 * The key's length is public; its value only feeds masks. */
static int decode_key(uint64_t x[4], const uint8_t *b, size_t len)
{
    uint8_t buf[32];
    uint64_t high = 0;
    size_t skip = len > 32 ? len - 32 : 0;
    for (size_t i = 0; i < skip; i++)
        high |= b[i];
    memset(buf, 0, sizeof buf);
    if (len > 0)
        memcpy(buf + 32 - (len - skip), b + skip, len - skip);
    be_to_limbs(x, buf);
    secret_wipe(buf, sizeof buf);
    uint64_t ok = ~ct_nonzero(high) & -lt256(x, N) & ct_nonzero(x[0] | x[1] | x[2] | x[3]);
    return (int)(ok & 1);
}

size_t p256_ecdsa_sign_raw(const br_hash_class *hf, const void *hash_value,
                           const br_ec_private_key *sk, void *sig)
{
    uint64_t x[4], m[4], k[4], rx[4], ry[4], r[4], t[4], u[4];
    uint8_t seed[64], kb[32];
    br_hmac_drbg_context drbg;

    if (sk->curve != BR_EC_secp256r1)
        return 0;
    if (!decode_key(x, sk->x, sk->xlen))
        return 0;
    size_t hlen = (size_t)(hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
    hash_to_scalar(m, hash_value, hlen);

    /* RFC 6979 k, as BearSSL draws it: HMAC_DRBG seeded with int2octets(x)
     * || int2octets(m), 32-byte outputs taken as integers until one is in
     * [1, n-1]. Only the rejection (probability about 2^-32) shows. */
    limbs_to_be(seed, x);
    limbs_to_be(seed + 32, m);
    br_hmac_drbg_init(&drbg, hf, seed, sizeof seed);
    for (;;) {
        br_hmac_drbg_generate(&drbg, kb, sizeof kb);
        be_to_limbs(k, kb);
        if ((ct_nonzero(k[0] | k[1] | k[2] | k[3]) & -lt256(k, N)) != 0)
            break;
    }

    /* r = x(kG) mod n; x(kG) < p < 2n. */
    mulgen_xy(rx, ry, k);
    sub_once(r, 0, rx, N);

    /* s = (m + x*r)/k mod n. Montgomery products: (x*2^256)*r/2^256 = x*r,
     * and (m + x*r) * (2^256/k) / 2^256 = (m + x*r)/k. */
    fn_mmul(t, x, N_R2);
    fn_mmul(t, t, r);
    fn_add(t, t, m);
    fn_mmul(u, k, N_R2);
    fn_minv(u, u);
    fn_mmul(t, t, u);

    limbs_to_be((uint8_t *)sig, r);
    limbs_to_be((uint8_t *)sig + 32, t);
    /* The key, the nonce (which gives the key away with the signature),
     * and what either leaves behind. */
    secret_wipe(x, sizeof x);
    secret_wipe(k, sizeof k);
    secret_wipe(u, sizeof u);
    secret_wipe(rx, sizeof rx);
    secret_wipe(ry, sizeof ry);
    secret_wipe(seed, sizeof seed);
    secret_wipe(kb, sizeof kb);
    secret_wipe(&drbg, sizeof drbg);
    return 64;
}

/* ---- test hooks ------------------------------------------------------ */

void p256_fp_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    uint64_t x[4], y[4];
    fp_from_be(x, a);
    fp_from_be(y, b);
    fp_add(x, x, y);
    fp_to_normal(x, x);
    limbs_to_be(r, x);
}

void p256_fp_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    uint64_t x[4], y[4];
    fp_from_be(x, a);
    fp_from_be(y, b);
    fp_sub(x, x, y);
    fp_to_normal(x, x);
    limbs_to_be(r, x);
}

void p256_fp_mul(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    uint64_t x[4], y[4];
    fp_from_be(x, a);
    fp_from_be(y, b);
    if (a == b)
        fp_sqr(x, x);
    else
        fp_mul(x, x, y);
    fp_to_normal(x, x);
    limbs_to_be(r, x);
}

void p256_fp_inv(uint8_t r[32], const uint8_t a[32])
{
    uint64_t x[4];
    fp_from_be(x, a);
    fp_inv(x, x);
    fp_to_normal(x, x);
    limbs_to_be(r, x);
}

void p256_fn_mul(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    static const uint64_t one[4] = { 1, 0, 0, 0 };
    uint64_t x[4], y[4];
    be_to_limbs(x, a);
    be_to_limbs(y, b);
    fn_mmul(x, x, N_R2);
    if (a == b) {
        fn_msqr(x, x);
        fn_mmul(x, x, one);
    } else {
        fn_mmul(x, x, y);
    }
    limbs_to_be(r, x);
}

void p256_fn_inv(uint8_t r[32], const uint8_t a[32])
{
    static const uint64_t one[4] = { 1, 0, 0, 0 };
    uint64_t x[4];
    be_to_limbs(x, a);
    fn_mmul(x, x, N_R2);
    fn_minv(x, x);
    fn_mmul(x, x, one);
    limbs_to_be(r, x);
}

void p256_fn_reduce(uint8_t r[32], const uint8_t *x, size_t xlen)
{
    uint64_t t[4];
    fn_reduce_be(t, x, xlen);
    limbs_to_be(r, t);
}
