/*
 * Comparing and wiping secret-derived bytes (src/crypto/secret_bytes.c):
 * secret_equal() is right for every one-bit difference, and takes as long
 * when the first byte differs as when none does (an early exit, as
 * memcmp() takes, would be thousands of times faster over the 64 KiB
 * measured here, so the loose bound below tells the two apart on a busy
 * machine); secret_wipe() leaves zeros.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "crypto/secret_bytes.h"

static uint64_t nanoseconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

#define ROUNDS 41
#define CALLS 8
#define BIG (64 * 1024)

/* The median time of CALLS comparisons of a with b. */
static uint64_t median_time(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint64_t t[ROUNDS];
    volatile bool sink = false;
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t start = nanoseconds();
        for (int i = 0; i < CALLS; i++)
            sink = secret_equal(a, b, n) ^ sink;
        t[r] = nanoseconds() - start;
    }
    (void)sink;
    qsort(t, ROUNDS, sizeof t[0], by_value);
    return t[ROUNDS / 2];
}

int main(void)
{
    uint8_t a[16], b[16];
    for (unsigned i = 0; i < sizeof a; i++)
        a[i] = (uint8_t)(i * 37 + 1);
    memcpy(b, a, sizeof b);
    CHECK("secret_equal: equal bytes are equal", secret_equal(a, b, sizeof a));
    CHECK("secret_equal: nothing to compare is equal", secret_equal(a, b, 0));
    unsigned told = 0;
    for (unsigned bit = 0; bit < 8 * sizeof b; bit++) {
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        told += !secret_equal(a, b, sizeof a) && secret_equal(a, b, bit / 8);
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK("secret_equal: every one-bit difference is seen, and only within n", told == 8 * sizeof b);

    uint8_t *x = malloc(BIG), *y = malloc(BIG);
    if (!x || !y)
        abort();
    for (size_t i = 0; i < BIG; i++)
        x[i] = (uint8_t)(i * 131);
    memcpy(y, x, BIG);
    (void)median_time(x, y, BIG);   /* warm the caches */
    uint64_t same = median_time(x, y, BIG);
    y[0] ^= 1;
    uint64_t first = median_time(x, y, BIG);
    y[0] ^= 1;
    y[BIG - 1] ^= 1;
    uint64_t last = median_time(x, y, BIG);
    printf("# secret_equal over %d bytes, %d calls: equal %llu ns, first byte differs %llu ns, last %llu ns\n",
           BIG, CALLS, (unsigned long long)same, (unsigned long long)first, (unsigned long long)last);
    /* A diagnostic, not a check: tests make no timed assertions on these
     * shared, noisy machines. An early exit shows here as a first-byte
     * time thousands of times below the others. */
    if (!(first * 4 > same && first * 4 > last))
        printf("# secret_equal: a first-byte difference ran much faster than equal bytes: an early exit?\n");
    free(x);
    free(y);

    memset(a, 0xff, sizeof a);
    secret_wipe(a, sizeof a - 1);
    bool zeros = a[sizeof a - 1] == 0xff;
    for (unsigned i = 0; i + 1 < sizeof a; i++)
        zeros = zeros && a[i] == 0;
    CHECK("secret_wipe: zeros exactly the bytes given", zeros);
    return CHECK_DONE();
}
