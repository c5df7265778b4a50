/*
 * X25519 (src/crypto/x25519.c): RFC 7748's vectors, byte-for-byte agreement
 * with BearSSL's br_ec_c25519_m31 (the implementation it stands in for),
 * and, white-box, the field arithmetic against a slow schoolbook reference
 * at the edges of its limb bounds, and the fixed-base table against a
 * recomputation.
 */
#include <stdint.h>
#include <string.h>

#include <bearssl.h>

#include "check.h"
#include "crypto/x25519.h"

/* The internals are static: the test compiles its own copy of them, its
 * two public functions renamed out of the way of the linked ones (which
 * are the ones the API checks below call). */
#define x25519_mul x25519_mul_white_box
#define x25519_mulgen x25519_mulgen_white_box
#include "crypto/x25519.c"
#undef x25519_mul
#undef x25519_mulgen

/* xorshift64: deterministic, so a failure reproduces. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rnd64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd64();
}

/* Hex as printed in RFC 7748: bytes in order, so little-endian values. */
static void unhex(uint8_t *out, const char *hex)
{
    for (size_t i = 0; hex[2 * i]; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + j];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (uint8_t)v;
    }
}

static int eq_hex(const uint8_t *b, const char *hex)
{
    uint8_t want[32];
    unhex(want, hex);
    return memcmp(b, want, 32) == 0;
}

static int is_zero32(const uint8_t *b)
{
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++)
        acc |= b[i];
    return acc == 0;
}

/* ---- reference arithmetic mod p: 32-bit words, slow and obvious -------- */

static const uint32_t ref_p[8] = {0xFFFFFFED, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
                                  0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x7FFFFFFF};

/* t (17 words) mod p -> r (8 words, canonical): fold what lies at 2^255 and
 * above back down times 19 until nothing does, then subtract p if due. */
static void ref_reduce(uint32_t r[8], const uint32_t t[17])
{
    uint32_t v[17];
    memcpy(v, t, sizeof v);
    for (;;) {
        uint32_t hi[10];
        uint32_t any = 0;
        for (int i = 0; i < 10; i++) {
            hi[i] = (v[7 + i] >> 31) | (8 + i <= 16 ? v[8 + i] << 1 : 0);
            any |= hi[i];
        }
        if (!any)
            break;
        v[7] &= 0x7FFFFFFF;
        for (int i = 8; i < 17; i++)
            v[i] = 0;
        uint64_t c = 0;
        for (int i = 0; i < 17; i++) {
            c += (uint64_t)v[i] + (i < 10 ? (uint64_t)hi[i] * 19 : 0);
            v[i] = (uint32_t)c;
            c >>= 32;
        }
    }
    int ge = 1;
    for (int i = 7; i >= 0; i--) {
        if (v[i] != ref_p[i]) {
            ge = v[i] > ref_p[i];
            break;
        }
    }
    if (ge) {
        int64_t b = 0;
        for (int i = 0; i < 8; i++) {
            b += (int64_t)v[i] - ref_p[i];
            v[i] = (uint32_t)b;
            b >>= 32;   /* arithmetic shift (GCC): the borrow */
        }
    }
    memcpy(r, v, 8 * sizeof *r);
}

static void ref_mul(uint32_t r[8], const uint32_t a[8], const uint32_t b[8])
{
    uint32_t t[17] = {0};
    for (int i = 0; i < 8; i++) {
        uint64_t c = 0;
        for (int j = 0; j < 8; j++) {
            c += (uint64_t)a[i] * b[j] + t[i + j];
            t[i + j] = (uint32_t)c;
            c >>= 32;
        }
        t[i + 8] = (uint32_t)c;
    }
    ref_reduce(r, t);
}

static void ref_add(uint32_t r[8], const uint32_t a[8], const uint32_t b[8])
{
    uint32_t t[17] = {0};
    uint64_t c = 0;
    for (int i = 0; i < 8; i++) {
        c += (uint64_t)a[i] + b[i];
        t[i] = (uint32_t)c;
        c >>= 32;
    }
    t[8] = (uint32_t)c;
    ref_reduce(r, t);
}

/* a - b = a + (p - b), both canonical. */
static void ref_sub(uint32_t r[8], const uint32_t a[8], const uint32_t b[8])
{
    uint32_t nb[8];
    int64_t w = 0;
    for (int i = 0; i < 8; i++) {
        w += (int64_t)ref_p[i] - b[i];
        nb[i] = (uint32_t)w;
        w >>= 32;   /* arithmetic shift (GCC): the borrow */
    }
    ref_add(r, a, nb);
}

/* The integer sum of l[i] * 2^(51 i), whatever the limbs, mod p. */
static void ref_from_limbs(uint32_t r[8], const uint64_t l[5])
{
    uint32_t t[17] = {0};
    for (int i = 0; i < 5; i++) {
        int bit = 51 * i;
        int w = bit / 32, s = bit % 32;
        /* l[i] << s spans three words at most. */
        uint64_t lo = l[i] << s;
        uint64_t hi = s ? l[i] >> (64 - s) : 0;
        uint64_t c = 0;
        uint32_t add[3] = {(uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi};
        for (int k = w; k < 17; k++) {
            c += (uint64_t)t[k] + (k - w < 3 ? add[k - w] : 0);
            t[k] = (uint32_t)c;
            c >>= 32;
        }
    }
    ref_reduce(r, t);
}

static void ref_from_bytes(uint32_t r[8], const uint8_t b[32])
{
    for (int i = 0; i < 8; i++)
        r[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16
               | (uint32_t)b[4 * i + 3] << 24;
}

static void ref_to_bytes(uint8_t b[32], const uint32_t r[8])
{
    for (int i = 0; i < 32; i++)
        b[i] = (uint8_t)(r[i / 4] >> (8 * (i % 4)));
}

/* fe (any limbs) against a reference value: the canonical encodings must
 * match, and fe_tobytes's must be the reference's reduction of the limbs. */
static int fe_is(const fe a, const uint32_t want[8])
{
    uint8_t got[32], exp[32];
    fe_tobytes(got, a);
    ref_to_bytes(exp, want);
    return memcmp(got, exp, 32) == 0;
}

static int fe_tight(const fe a)
{
    for (int i = 0; i < 5; i++)
        if (a[i] >= (UINT64_C(1) << 51) + (UINT64_C(1) << 13))
            return 0;
    return 1;
}

#define TIGHT_MAX ((UINT64_C(1) << 51) + (UINT64_C(1) << 13) - 1)
#define LOOSE_MAX ((UINT64_C(1) << 54) - 1)

/* A limb of at most `max`, often at an edge: 0, 1, just under or at 2^51,
 * the max itself, or random below it. */
static uint64_t edge_limb(uint64_t max)
{
    static const uint64_t edges[] = {0, 1, 19, (UINT64_C(1) << 51) - 19, (UINT64_C(1) << 51) - 1,
                                     UINT64_C(1) << 51};
    unsigned pick = (unsigned)(rnd64() % 10);
    if (pick < 6)
        return edges[pick] <= max ? edges[pick] : max;
    if (pick < 8)
        return max - (rnd64() & 0xFF) % (max + 1);
    return rnd64() % (max + 1);
}

static void edge_fe(fe a, uint64_t max)
{
    for (int i = 0; i < 5; i++)
        a[i] = edge_limb(max);
}

static void limbs_to_ref(uint32_t r[8], const fe a)
{
    ref_from_limbs(r, a);
}

/* ---- white-box field checks --------------------------------------------- */

static int check_tobytes(void)
{
    /* Fixed edges: 2^255-1 (= 18), p (= 0), p - 1, p + 1, 2p - 1, all limbs
     * at the tight and the loose maximum, and 2^63 - 1 limbs. */
    static const uint64_t m = (UINT64_C(1) << 51) - 1;
    const uint64_t fixed[][5] = {
        {m, m, m, m, m},
        {m - 18, m, m, m, m},
        {m - 19, m, m, m, m},
        {m - 17, m, m, m, m},
        {2 * m - 37, 2 * m + 1, 2 * m + 1, 2 * m + 1, m},
        {0, 0, 0, 0, UINT64_C(1) << 51},
        {TIGHT_MAX, TIGHT_MAX, TIGHT_MAX, TIGHT_MAX, TIGHT_MAX},
        {LOOSE_MAX, LOOSE_MAX, LOOSE_MAX, LOOSE_MAX, LOOSE_MAX},
        {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX},
        {0, 0, 0, 0, 0},
    };
    uint32_t want[8];
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        limbs_to_ref(want, fixed[i]);
        if (!fe_is(fixed[i], want))
            return 0;
    }
    for (int n = 0; n < 20000; n++) {
        fe a;
        edge_fe(a, n & 1 ? LOOSE_MAX : TIGHT_MAX);
        limbs_to_ref(want, a);
        if (!fe_is(a, want))
            return 0;
    }
    return 1;
}

static int check_frombytes(void)
{
    for (int n = 0; n < 5000; n++) {
        uint8_t s[32];
        fe a;
        uint32_t want[8], t[17] = {0};
        rnd_bytes(s, 32);
        if (n % 4 == 0) {                   /* p + small, bit 255 either way */
            memset(s, 0xFF, 32);
            s[0] = (uint8_t)(0xED + n % 19);
            s[31] = n % 8 ? 0x7F : 0xFF;
        }
        fe_frombytes(a, s);
        s[31] &= 0x7F;                      /* RFC 7748: bit 255 ignored */
        ref_from_bytes(t, s);
        ref_reduce(want, t);
        if (!fe_tight(a) || !fe_is(a, want))
            return 0;
    }
    return 1;
}

/* mul, sq, mul_small, add and sub against the reference, inputs at the
 * limits their comments allow, outputs checked tight where promised. */
static int check_ops(void)
{
    for (int n = 0; n < 20000; n++) {
        fe a, b, r, ta, tb, a2;
        uint32_t ra[8], rb[8], want[8], ta_r[8], tb_r[8], a2_r[8];
        edge_fe(a, LOOSE_MAX);
        edge_fe(b, LOOSE_MAX);
        limbs_to_ref(ra, a);
        limbs_to_ref(rb, b);

        fe_mul(r, a, b);
        ref_mul(want, ra, rb);
        if (!fe_tight(r) || !fe_is(r, want))
            return 0;
        fe_sq(r, a);
        ref_mul(want, ra, ra);
        if (!fe_tight(r) || !fe_is(r, want))
            return 0;
        memcpy(r, a, sizeof r);                 /* in place */
        fe_mul(r, r, b);
        ref_mul(want, ra, rb);
        if (!fe_is(r, want))
            return 0;
        fe_mul_small(r, a, 121665);
        uint32_t k[8] = {121665};
        ref_mul(want, ra, k);
        if (!fe_tight(r) || !fe_is(r, want))
            return 0;

        /* add and sub take tight operands (sub's first: a sum of two). */
        edge_fe(ta, TIGHT_MAX);
        edge_fe(tb, TIGHT_MAX);
        limbs_to_ref(ta_r, ta);
        limbs_to_ref(tb_r, tb);
        fe_add(r, ta, tb);
        ref_add(want, ta_r, tb_r);
        if (!fe_is(r, want))
            return 0;
        fe_add(a2, ta, tb);
        limbs_to_ref(a2_r, a2);
        fe_sub(r, a2, tb);
        ref_sub(want, a2_r, tb_r);
        if (!fe_is(r, want))
            return 0;
        for (int i = 0; i < 5; i++)
            if (r[i] > LOOSE_MAX)
                return 0;
        fe_sub(r, ta, tb);
        ref_sub(want, ta_r, tb_r);
        if (!fe_is(r, want))
            return 0;
    }
    return 1;
}

static int check_invert(void)
{
    static const uint64_t m = (UINT64_C(1) << 51) - 1;
    const uint64_t fixed[][5] = {
        {0, 0, 0, 0, 0}, {m - 18, m, m, m, m},      /* 0 and p: 0 */
        {1, 0, 0, 0, 0}, {m - 19, m, m, m, m},      /* 1 and -1 */
        {2, 0, 0, 0, 0}, {121666, 0, 0, 0, 0},
    };
    uint32_t one[8] = {1}, ra[8], prod[8];
    for (int n = 0; n < 300; n++) {
        fe a, inv;
        if (n < 6)
            memcpy(a, fixed[n], sizeof a);
        else
            edge_fe(a, TIGHT_MAX);
        fe_invert(inv, a);
        limbs_to_ref(ra, a);
        fe r;
        fe_mul(r, inv, a);
        limbs_to_ref(prod, r);
        int a_zero = 1;
        for (int i = 0; i < 8; i++)
            a_zero &= ra[i] == 0;
        if (!fe_tight(inv))
            return 0;
        if (a_zero ? !fe_is(inv, (uint32_t[8]){0}) : memcmp(prod, one, sizeof one) != 0)
            return 0;
    }
    return 1;
}

/* ---- white-box Edwards checks -------------------------------------------- */

static int fe_same(const fe a, const fe b)
{
    uint8_t x[32], y[32];
    fe_tobytes(x, a);
    fe_tobytes(y, b);
    return memcmp(x, y, 32) == 0;
}

/* 2d * 121666 = -2 * 121665, d being -121665/121666. */
static int check_d2(void)
{
    static const fe zero = {0};
    fe l, r, t = {2 * 121665};
    fe_mul_small(l, ed_d2, 121666);
    fe_sub(r, zero, t);
    return fe_same(l, r) && fe_tight(ed_d2);
}

static void canon(fe r, const fe a)
{
    uint8_t b[32];
    fe_tobytes(b, a);
    fe_frombytes(r, b);
}

static void to_pre(ge_pre *q, const ge_ext *p)
{
    fe zi, x, y;
    fe_invert(zi, p->z);
    fe_mul(x, p->x, zi);
    fe_mul(y, p->y, zi);
    fe_add(q->ypx, y, x);
    canon(q->ypx, q->ypx);
    fe_sub(q->ymx, y, x);
    canon(q->ymx, q->ymx);
    fe_mul(q->xy2d, x, y);
    fe_mul(q->xy2d, q->xy2d, ed_d2);
    canon(q->xy2d, q->xy2d);
}

/* B is y = 4/5 and the even x on the curve: x is read off ed_base[0][0]
 * and checked against the curve equation (instead of taking a square root),
 * as is y; then every row is recomputed: m * P, P = 256^j * B. */
static int check_table(void)
{
    static const fe one = {1};
    fe y, x, t, d, lhs, rhs, x2, y2;
    fe five = {5};
    fe_invert(t, five);
    fe_mul_small(y, t, 4);
    canon(y, y);
    const ge_pre *b0 = &ed_base[0][0];
    fe two_inv, two = {2};
    fe_add(t, b0->ypx, b0->ymx);                    /* 2y */
    fe_invert(two_inv, two);
    fe_mul(t, t, two_inv);
    if (!fe_same(t, y))
        return 0;
    fe_sub(t, b0->ypx, b0->ymx);                    /* 2x */
    fe_mul(x, t, two_inv);
    canon(x, x);
    if (x[0] & 1)
        return 0;
    /* -x^2 + y^2 = 1 + d x^2 y^2, d = 2d / 2 */
    fe_mul(d, ed_d2, two_inv);
    fe_sq(x2, x);
    fe_sq(y2, y);
    fe_sub(lhs, y2, x2);
    fe_mul(rhs, x2, y2);
    fe_mul(rhs, rhs, d);
    fe_add(rhs, rhs, one);
    if (!fe_same(lhs, rhs))
        return 0;
    /* u = (1 + y) / (1 - y) = 9 */
    fe u, den, nine = {9};
    fe_add(u, one, y);
    fe_sub(den, one, y);
    fe_invert(den, den);
    fe_mul(u, u, den);
    if (!fe_same(u, nine))
        return 0;

    ge_ext p;
    memcpy(p.x, x, sizeof x);
    memcpy(p.y, y, sizeof y);
    memcpy(p.z, one, sizeof one);
    fe_mul(p.t, x, y);
    for (int j = 0; j < 32; j++) {
        ge_pre pj, got;
        ge_ext q = p;
        to_pre(&pj, &p);
        for (int m = 1; m <= 8; m++) {
            to_pre(&got, &q);
            if (memcmp(&got, &ed_base[j][m - 1], sizeof got) != 0)
                return 0;
            ge_add_pre(&q, &q, &pj);
        }
        for (int i = 0; i < 8; i++)
            ge_double(&p, &p);
    }
    return 1;
}

/* ge_select for every digit: the entry, its negation, or the neutral. */
static int check_select(void)
{
    static const fe zero = {0}, one = {1};
    for (int j = 0; j < 32; j++) {
        for (int32_t dgt = -8; dgt <= 8; dgt++) {
            ge_pre r;
            ge_select(&r, j, dgt);
            if (dgt == 0) {
                if (!fe_same(r.ypx, one) || !fe_same(r.ymx, one) || !fe_same(r.xy2d, zero))
                    return 0;
                continue;
            }
            const ge_pre *e = &ed_base[j][(dgt < 0 ? -dgt : dgt) - 1];
            fe neg;
            fe_sub(neg, zero, e->xy2d);
            if (dgt > 0 ? !fe_same(r.ypx, e->ypx) || !fe_same(r.ymx, e->ymx)
                              || !fe_same(r.xy2d, e->xy2d)
                        : !fe_same(r.ypx, e->ymx) || !fe_same(r.ymx, e->ypx)
                              || !fe_same(r.xy2d, neg))
                return 0;
        }
    }
    return 1;
}

/* ---- the API against RFC 7748 and BearSSL --------------------------------- */

static const br_ec_impl *const m31 = &br_ec_c25519_m31;

/* The canonical encoding of u mod p, bit 255 dropped first. */
static void reduce_u(uint8_t out[32], const uint8_t u[32])
{
    uint8_t s[32];
    uint32_t t[17] = {0}, r[8];
    memcpy(s, u, 32);
    s[31] &= 0x7F;
    ref_from_bytes(t, s);
    ref_reduce(r, t);
    ref_to_bytes(out, r);
}

/* Both mul and BearSSL's on the same point and multiplier: same bytes,
 * ours canonical, and the same return except for an all-zero product,
 * which ours refuses (returns 0: RFC 7748 6.1) and BearSSL's does not. */
static int same_mul(const uint8_t u[32], size_t glen, const uint8_t *k, size_t klen)
{
    uint8_t a[33], b[33];
    memcpy(a, u, 32);
    memcpy(b, u, 32);
    a[32] = b[32] = 0x5A;
    uint32_t ra = x25519_mul(a, glen, k, klen);
    uint32_t rb = m31->mul(b, glen, k, klen, BR_EC_curve25519);
    static const uint8_t zero[32];
    if (rb == 1 && glen == 32 && memcmp(b, zero, 32) == 0)
        rb = 0;
    if (ra != rb || memcmp(a, b, sizeof a) != 0)
        return 0;
    uint8_t canonical[32];
    reduce_u(canonical, a);
    return ra == 0 || memcmp(canonical, a, 32) == 0;
}

static int same_mulgen(const uint8_t *k, size_t klen)
{
    uint8_t a[33], b[33];
    memset(a, 0xA5, sizeof a);
    memset(b, 0xA5, sizeof b);
    size_t ra = x25519_mulgen(a, k, klen);
    size_t rb = m31->mulgen(b, k, klen, BR_EC_curve25519);
    return ra == rb && memcmp(a, b, sizeof a) == 0;
}

/* u of points of order 1, 2, 4 or 8, canonical (0, 1, the two of order
 * 8, p - 1) or not (p, p + 1): a clamped multiplier is a multiple of 8, so
 * every product is the neutral point, u = 0. */
static const char *const small_order[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

/* Their encodings plus p (or 2p) with bit 255 set, which blocklists of
 * 256-bit encodings carry: with bit 255 dropped, as RFC 7748 and BearSSL
 * drop it, they are ordinary points, not small-order ones. */
static const char *const small_order_plus_p[] = {
    "cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
    "4c9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
    "d9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "daffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "dbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
};

int main(void)
{
    uint8_t k[32], u[32], r[32], r2[32];

    /* RFC 7748 5.2: scalars and u as printed (little-endian), which is
     * also how BearSSL 0.6 takes them (see x25519.h). */
    unhex(k, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    unhex(r, "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    CHECK("rfc7748 5.2 vector 1", x25519_mul(r, 32, k, 32) == 1
          && eq_hex(r, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
    unhex(k, "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
    unhex(r, "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
    CHECK("rfc7748 5.2 vector 2 (u with bit 255 set)", x25519_mul(r, 32, k, 32) == 1
          && eq_hex(r, "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"));

    /* Iterated: k = u = 9; then u, k := k, X25519(k, u). */
    {
        uint8_t kk[32] = {9}, uu[32] = {9}, out[32];
        int ok1 = 0;
        for (int i = 1; i <= 1000; i++) {
            memcpy(out, uu, 32);
            x25519_mul(out, 32, kk, 32);
            memcpy(uu, kk, 32);
            memcpy(kk, out, 32);
            if (i == 1)
                ok1 = eq_hex(kk, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
        }
        CHECK("rfc7748 5.2 iterated, 1 iteration", ok1);
        CHECK("rfc7748 5.2 iterated, 1000 iterations",
              eq_hex(kk, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"));
    }

    /* RFC 7748 6.1 Diffie-Hellman. */
    {
        uint8_t a[32], b[32], pa[32], pb[32], sa[32], sb[32];
        unhex(a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        unhex(b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        CHECK("rfc7748 6.1 Alice's public key", x25519_mulgen(pa, a, 32) == 32
              && eq_hex(pa, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
        CHECK("rfc7748 6.1 Bob's public key", x25519_mulgen(pb, b, 32) == 32
              && eq_hex(pb, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
        memcpy(sa, pb, 32);
        memcpy(sb, pa, 32);
        CHECK("rfc7748 6.1 shared secret, both ways",
              x25519_mul(sa, 32, a, 32) == 1 && x25519_mul(sb, 32, b, 32) == 1
                  && eq_hex(sa, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
                  && memcmp(sa, sb, 32) == 0);
    }

    /* Field arithmetic, white-box. */
    CHECK("field: tobytes canonical for edge and random limbs", check_tobytes());
    CHECK("field: frombytes drops bit 255, keeps u >= p as its residue", check_frombytes());
    CHECK("field: mul, sq, mul_small, add, sub at the limb bounds", check_ops());
    CHECK("field: invert (0 and p give 0)", check_invert());
    CHECK("edwards: 2d constant", check_d2());
    CHECK("edwards: base point and fixed-base table recomputed", check_table());
    CHECK("edwards: constant-time select, every digit", check_select());

    /* Agreement with br_ec_c25519_m31. */
    {
        int ok = 1;
        for (int n = 0; n < 3000 && ok; n++) {
            rnd_bytes(k, 32);
            rnd_bytes(u, 32);
            ok = same_mul(u, 32, k, 32);
        }
        CHECK("m31 agreement: mul, 3000 random points (bit 255 random) and scalars", ok);
    }
    {
        int ok = 1;
        for (int n = 0; n < 3000 && ok; n++) {
            rnd_bytes(k, 32);
            ok = same_mulgen(k, 32);
        }
        CHECK("m31 agreement: mulgen, 3000 random scalars", ok);
    }
    {
        /* Every multiplier length, mul and mulgen, 40 each. */
        int ok = 1;
        for (size_t len = 0; len <= 32 && ok; len++) {
            for (int n = 0; n < 40 && ok; n++) {
                rnd_bytes(k, 32);
                rnd_bytes(u, 32);
                ok = same_mul(u, 32, k, len) && same_mulgen(k, len);
            }
        }
        CHECK("m31 agreement: short multipliers, lengths 0..32", ok);
    }
    {
        /* u = p + i (i < 19) and 2^255 - 1 .. with bit 255 clear and set,
         * and the all-ones u: the residue's product, and m31's. */
        int ok = 1;
        for (int i = 0; i <= 19 && ok; i++) {
            for (int top = 0; top < 2 && ok; top++) {
                memset(u, 0xFF, 32);
                u[0] = (uint8_t)(0xED + i);   /* 0xED + 18 = 0xFF: 2^255 - 1 */
                if (i == 19)
                    u[0] = 0xEC;              /* p - 1, canonical */
                u[31] = top ? 0xFF : 0x7F;
                for (int n = 0; n < 10 && ok; n++) {
                    rnd_bytes(k, 32);
                    uint8_t red[32];
                    reduce_u(red, u);
                    memcpy(r, u, 32);
                    memcpy(r2, red, 32);
                    /* p, p + 1 and p - 1 are small-order (u = 0, 1, -1):
                     * their product is refused, the others' is not. */
                    uint32_t got = x25519_mul(r, 32, k, 32), got_reduced = x25519_mul(r2, 32, k, 32);
                    uint32_t want = is_zero32(r2) ? 0 : 1;   /* r2: the product now */
                    ok = same_mul(u, 32, k, 32) && got == want && got_reduced == want && memcmp(r, r2, 32) == 0;
                }
            }
        }
        CHECK("m31 agreement: non-canonical u (p .. 2^255 - 1, bit 255 either way)", ok);
    }
    {
        int ok = 1;
        for (size_t i = 0; i < sizeof small_order / sizeof small_order[0] && ok; i++) {
            for (int n = 0; n < 20 && ok; n++) {
                unhex(u, small_order[i]);
                rnd_bytes(k, 32);
                memcpy(r, u, 32);
                ok = same_mul(u, 32, k, 32) && x25519_mul(r, 32, k, 32) == 0 && is_zero32(r);
            }
        }
        CHECK("small-order points give the all-zero product, and mul refuses it (returns 0)", ok);
        for (size_t i = 0; i < sizeof small_order_plus_p / sizeof small_order_plus_p[0] && ok; i++) {
            for (int n = 0; n < 20 && ok; n++) {
                unhex(u, small_order_plus_p[i]);
                rnd_bytes(k, 32);
                memcpy(r, u, 32);
                ok = same_mul(u, 32, k, 32) && x25519_mul(r, 32, k, 32) == 1 && !is_zero32(r);
            }
        }
        CHECK("m31 agreement: small-order u + p with bit 255 set are ordinary points", ok);
    }
    {
        /* u = 0, 1, 2, 9, 2^255 - 20 .. edges of each byte. */
        int ok = 1;
        for (int n = 0; n < 400 && ok; n++) {
            memset(u, 0, 32);
            int pos = n % 32;
            u[pos] = (uint8_t)(n / 32 % 2 ? 0xFF : 1 + n % 7);
            if (n % 3 == 0)
                memset(u, 0xFF, (size_t)pos);
            rnd_bytes(k, 32);
            ok = same_mul(u, 32, k, 32);
        }
        CHECK("m31 agreement: sparse and dense u", ok);
    }
    {
        /* Multipliers at the edges: all zero, all ones (clamping decides),
         * single bits. */
        int ok = 1;
        rnd_bytes(u, 32);
        for (int n = 0; n < 258 && ok; n++) {
            memset(k, n == 1 ? 0xFF : 0, 32);
            if (n >= 2)
                k[(n - 2) / 8] = (uint8_t)(1u << ((n - 2) % 8));
            ok = same_mul(u, 32, k, 32) && same_mulgen(k, 32);
        }
        CHECK("m31 agreement: zero, all-ones and single-bit multipliers", ok);
    }
    {
        /* Bad lengths: 0 and G untouched for mul, the base point and 32 for
         * mulgen, exactly as m31. */
        int ok = 1;
        uint8_t big[64];
        rnd_bytes(big, sizeof big);
        rnd_bytes(u, 32);
        const size_t glens[] = {0, 1, 31, 33, 64};
        for (size_t i = 0; i < sizeof glens / sizeof glens[0]; i++)
            ok &= same_mul(u, glens[i], big, 32);
        ok &= same_mul(u, 32, big, 33) && same_mul(u, 32, big, 64);
        memcpy(r, u, 32);
        ok &= x25519_mul(r, 33, big, 32) == 0 && memcmp(r, u, 32) == 0;
        ok &= x25519_mul(r, 32, big, 33) == 0 && memcmp(r, u, 32) == 0;
        ok &= same_mulgen(big, 33) && same_mulgen(big, 64);
        static const uint8_t gen[32] = {9};
        ok &= x25519_mulgen(r, big, 33) == 32 && memcmp(r, gen, 32) == 0;
        CHECK("m31 agreement: bad lengths", ok);
    }
    {
        /* mulgen is the ladder on u = 9. */
        int ok = 1;
        for (int n = 0; n < 500 && ok; n++) {
            uint8_t nine[32] = {9};
            rnd_bytes(k, 32);
            ok = x25519_mulgen(r, k, 32) == 32 && x25519_mul(nine, 32, k, 32) == 1
                 && memcmp(r, nine, 32) == 0;
        }
        CHECK("mulgen (Edwards table) = mul on u = 9, 500 scalars", ok);
    }

    return CHECK_DONE();
}
