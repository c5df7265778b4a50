/*
 * P-256's field and scalar arithmetic (src/crypto/p256.c's test hooks)
 * white-box against GMP: values shaped by the 64-bit limbs the code works
 * in, where carries, borrows and the final conditional subtractions of the
 * Montgomery reductions turn: limbs of 0, 1, 2^32-1, 2^32, 2^63, 2^64-2,
 * 2^64-1 and those of p and n (and one either side), whole values 0, 1,
 * p-1, p, p+1, n-1, n, 2^256-1 and their neighbours, every pair of them,
 * then limb-structured and uniformly random values from a fixed seed.
 *
 * p256.h asks for inputs below p (below n for the scalar functions); the
 * code reduces any 256-bit input on the way into Montgomery form (its
 * product with R^2 is below p*2^256), so inputs from p to 2^256-1 are
 * checked too, against the results for their residues.
 */
#include <gmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "crypto/p256.h"

static mpz_t P, N;

static uint64_t rng_state = 0x9256ab1e5eedULL;
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* 32 big-endian bytes <-> mpz. */
static void to_mpz(mpz_t r, const uint8_t b[32])
{
    mpz_import(r, 32, 1, 1, 1, 0, b);
}

static void from_mpz(uint8_t b[32], const mpz_t x)
{
    size_t n = 0;
    memset(b, 0, 32);
    if (mpz_sgn(x) == 0)
        return;
    uint8_t tmp[40];
    mpz_export(tmp, &n, 1, 1, 1, 0, x);
    memcpy(b + 32 - n, tmp, n);     /* every x here is below 2^256 */
}

/* Limb i (0 = least significant) of a 32-byte big-endian value. */
static void set_limb(uint8_t b[32], int i, uint64_t v)
{
    for (int j = 0; j < 8; j++)
        b[(3 - i) * 8 + 7 - j] = (uint8_t)(v >> (8 * j));
}

static uint64_t get_limb(const uint8_t b[32], int i)
{
    uint64_t v = 0;
    for (int j = 0; j < 8; j++)
        v = v << 8 | b[(3 - i) * 8 + j];
    return v;
}

/* ---- the values -------------------------------------------------------- */

#define MAX_EDGES 64
static uint8_t edges[MAX_EDGES][32];
static int edge_count;

static void add_edge_mpz(const mpz_t x)
{
    mpz_t t;
    mpz_init(t);
    mpz_fdiv_r_2exp(t, x, 256);         /* wrap below zero and at 2^256 */
    from_mpz(edges[edge_count++], t);
    mpz_clear(t);
}

/* x + d for x among 0, p, n, 2^256 (as 2^256 - 1 - ...) and the others. */
static void add_edges_around(const mpz_t x, const int *deltas, int count)
{
    mpz_t t;
    mpz_init(t);
    for (int i = 0; i < count; i++) {
        if (deltas[i] >= 0)
            mpz_add_ui(t, x, (unsigned long)deltas[i]);
        else
            mpz_sub_ui(t, x, (unsigned long)-deltas[i]);
        add_edge_mpz(t);
    }
    mpz_clear(t);
}

static void make_edges(void)
{
    static const int around[] = {-2, -1, 0, 1, 2};
    mpz_t x;
    mpz_init_set_ui(x, 0);
    add_edges_around(x, (const int[]){0, 1, 2, 3}, 4);
    add_edges_around(P, around, 5);
    add_edges_around(N, around, 5);
    mpz_ui_pow_ui(x, 2, 256);
    add_edges_around(x, (const int[]){-1, -2}, 2);
    mpz_sub_ui(x, P, 1);                 /* (p-1)/2 and (p+1)/2 */
    mpz_fdiv_q_2exp(x, x, 1);
    add_edges_around(x, (const int[]){0, 1}, 2);
    /* Limb boundaries: 2^64k and 2^64k - 1, 2^255, 2^224 (p's top limb
     * starts there), 2^96 - 1 (p's low 96 bits). */
    for (int k = 1; k < 4; k++) {
        mpz_ui_pow_ui(x, 2, 64 * (unsigned long)k);
        add_edges_around(x, (const int[]){-1, 0}, 2);
    }
    mpz_ui_pow_ui(x, 2, 255);
    add_edges_around(x, (const int[]){-1, 0}, 2);
    mpz_ui_pow_ui(x, 2, 224);
    add_edges_around(x, (const int[]){-1, 0}, 2);
    mpz_ui_pow_ui(x, 2, 96);
    add_edges_around(x, (const int[]){-1}, 1);
    /* 2^256 - p (p's negation mod 2^256: its limbs are p's complements). */
    mpz_ui_pow_ui(x, 2, 256);
    mpz_sub(x, x, P);
    add_edges_around(x, (const int[]){0}, 1);
    mpz_clear(x);
}

/* Each limb drawn from its extremes (and p's and n's limbs, one either
 * side), or uniformly. */
static void structured(uint8_t b[32])
{
    uint8_t pb[32], nb[32];
    from_mpz(pb, P);
    from_mpz(nb, N);
    for (int i = 0; i < 4; i++) {
        uint64_t r = rng(), v;
        switch (r % 12) {
        case 0: v = 0; break;
        case 1: v = 1; break;
        case 2: v = UINT64_MAX; break;
        case 3: v = UINT64_MAX - 1; break;
        case 4: v = (uint64_t)1 << 63; break;
        case 5: v = 0xFFFFFFFFULL; break;
        case 6: v = 0x100000000ULL; break;
        case 7: v = get_limb(pb, i) + (uint64_t)(r >> 8) % 3 - 1; break;
        case 8: v = get_limb(nb, i) + (uint64_t)(r >> 8) % 3 - 1; break;
        default: v = rng(); break;
        }
        set_limb(b, i, v);
    }
}

static void uniform(uint8_t b[32])
{
    for (int i = 0; i < 4; i++)
        set_limb(b, i, rng());
}

/* ---- the comparisons ---------------------------------------------------------- */

enum op { FP_ADD, FP_SUB, FP_MUL, FP_SQR, FP_INV, FN_MUL, FN_SQR, FN_INV, OPS };
static const char *const op_names[OPS] = {
    "p256_fp_add", "p256_fp_sub", "p256_fp_mul", "p256_fp_mul (squaring)", "p256_fp_inv",
    "p256_fn_mul", "p256_fn_mul (squaring)", "p256_fn_inv",
};
static unsigned op_runs[OPS], op_wrong[OPS];

/* Runs op on a and b (b unused by the unary ones) and compares with GMP on
 * their residues. */
static void compare(enum op op, const uint8_t a[32], const uint8_t b[32])
{
    uint8_t got[32], want[32], sq[32];
    mpz_t x, y, r;
    mpz_inits(x, y, r, NULL);
    to_mpz(x, a);
    to_mpz(y, b);
    const mpz_srcptr m = op < FN_MUL ? P : N;
    mpz_mod(x, x, m);
    mpz_mod(y, y, m);
    switch (op) {
    case FP_ADD: p256_fp_add(got, a, b); mpz_add(r, x, y); break;
    case FP_SUB: p256_fp_sub(got, a, b); mpz_sub(r, x, y); break;
    case FP_MUL: p256_fp_mul(got, a, b); mpz_mul(r, x, y); break;
    case FP_SQR: memcpy(sq, a, 32); p256_fp_mul(got, sq, sq); mpz_mul(r, x, x); break;
    case FP_INV: p256_fp_inv(got, a); if (!mpz_invert(r, x, m)) mpz_set_ui(r, 0); break;
    case FN_MUL: p256_fn_mul(got, a, b); mpz_mul(r, x, y); break;
    case FN_SQR: memcpy(sq, a, 32); p256_fn_mul(got, sq, sq); mpz_mul(r, x, x); break;
    case FN_INV: p256_fn_inv(got, a); if (!mpz_invert(r, x, m)) mpz_set_ui(r, 0); break;
    default: break;
    }
    mpz_mod(r, r, m);
    from_mpz(want, r);
    op_runs[op]++;
    if (memcmp(got, want, 32) != 0 && op_wrong[op]++ < 3) {
        printf("# %s(", op_names[op]);
        for (int i = 0; i < 32; i++)
            printf("%02x", a[i]);
        printf(", ");
        for (int i = 0; i < 32; i++)
            printf("%02x", b[i]);
        printf(") = ");
        for (int i = 0; i < 32; i++)
            printf("%02x", got[i]);
        gmp_printf(", GMP says %064Zx\n", r);
    }
    mpz_clears(x, y, r, NULL);
}

static void compare_all(const uint8_t a[32], const uint8_t b[32], int with_inverses)
{
    for (enum op op = 0; op < OPS; op++)
        if (with_inverses || (op != FP_INV && op != FN_INV))
            compare(op, a, b);
}

/* p256_fn_reduce takes any length: edge values as 33 to 64 bytes. */
static int check_reduce(void)
{
    int wrong = 0;
    for (int i = 0; i < edge_count; i++)
        for (int j = 0; j < edge_count; j += 7) {
            uint8_t x[64], got[32], want[32];
            memcpy(x, edges[i], 32);
            memcpy(x + 32, edges[j], 32);
            size_t len = 32 + (size_t)(i + j) % 33;
            mpz_t v;
            mpz_init(v);
            mpz_import(v, len, 1, 1, 1, 0, x);
            mpz_mod(v, v, N);
            from_mpz(want, v);
            mpz_clear(v);
            p256_fn_reduce(got, x, len);
            wrong += memcmp(got, want, 32) != 0;
        }
    return wrong;
}

int main(void)
{
    mpz_init_set_str(P, "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", 16);
    mpz_init_set_str(N, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    make_edges();
    CHECK("p256 vs GMP: edge values listed", edge_count >= 30 && edge_count <= MAX_EDGES);

    for (int i = 0; i < edge_count; i++)
        for (int j = 0; j < edge_count; j++)
            compare_all(edges[i], edges[j], j == 0);
    for (int i = 0; i < 16000; i++) {
        uint8_t a[32], b[32];
        structured(a);
        structured(b);
        compare_all(a, b, i % 8 == 0);
        uniform(a);
        uniform(b);
        compare_all(a, b, i % 8 == 0);
    }
    /* Products of each edge value with random ones. */
    for (int i = 0; i < edge_count; i++)
        for (int k = 0; k < 20; k++) {
            uint8_t b[32];
            uniform(b);
            compare_all(edges[i], b, 0);
            compare_all(b, edges[i], 0);
        }

    for (enum op op = 0; op < OPS; op++) {
        char name[128];
        snprintf(name, sizeof name, "%s vs GMP: %u inputs, %u wrong", op_names[op], op_runs[op], op_wrong[op]);
        CHECK(name, op_runs[op] > 0 && op_wrong[op] == 0);
    }
    CHECK("p256_fn_reduce vs GMP: 33- to 64-byte inputs", check_reduce() == 0);
    mpz_clears(P, N, NULL);
    return CHECK_DONE();
}
