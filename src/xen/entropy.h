/*
 * The guest's random numbers. Xen has no entropy hypercall, so the guest
 * draws on the CPU: RDSEED (a conditioned entropy source) when CPUID offers
 * it, else RDRAND (a DRBG the CPU reseeds itself); Xen passes both through
 * to PVH guests when the host has them. Their output seeds an HMAC-DRBG
 * (SHA-256, NIST SP 800-90A), which plat_random() reads, and which is
 * reseeded from the CPU every ENTROPY_RESEED_BYTES of output, so a single
 * RDRAND per request is not needed on the hot path (TLS asks 32 bytes a
 * connection).
 *
 * Timing jitter (the TSC read around hypercalls, whose cost varies) is mixed
 * into every seed as well, but on its own it is not a source fit for keys:
 * without RDSEED and RDRAND the generator still works (for TCP sequence
 * numbers and ports) and entropy_cryptographic() says false, and the core
 * then declines to serve HTTPS (see platform.h).
 *
 * The CPU is reached through `struct entropy_cpu`, so that the hosted unit
 * test (tests/unit/test_xen_entropy.c) can drive this with a simulated one.
 */
#ifndef UNIHOST_XEN_ENTROPY_H
#define UNIHOST_XEN_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#define ENTROPY_SEED_WORDS 8                    /* 512 bits from the CPU per seed */
#define ENTROPY_JITTER_SAMPLES 256              /* TSC samples mixed into each seed */
#define ENTROPY_RESEED_BYTES (64u * 1024u)      /* output between reseeds */

struct entropy_cpu {
    bool has_rdseed, has_rdrand;
    /* One 64-bit word from the instruction; false when the CPU said "no data
     * now" (carry clear). The caller retries a bounded number of times. */
    bool (*rdseed)(uint64_t *out);
    bool (*rdrand)(uint64_t *out);
    uint64_t (*cycles)(void);                   /* a fast counter (TSC) */
    void (*disturb)(void);                      /* something of varying cost (a hypercall) */
};

enum entropy_source {
    ENTROPY_JITTER_ONLY,                        /* no usable CPU source */
    ENTROPY_RDRAND,
    ENTROPY_RDSEED,
};

struct entropy {
    const struct entropy_cpu *cpu;
    enum entropy_source source;
    br_hmac_drbg_context drbg;
    uint64_t since_reseed;                      /* bytes given out since the last reseed */
    uint64_t reseeds;                           /* successful reseeds from the CPU, for tests */
    uint64_t last_word;                         /* the CPU's previous word: a stuck source repeats */
};

/* Seeds `e` from `cpu` (kept by pointer). A CPU source that fails its
 * health check (no data after many retries, or the same word twice in a row,
 * as some CPUs' broken RDRAND gives) is treated as absent. */
void entropy_init(struct entropy *e, const struct entropy_cpu *cpu);

/* Fills buf with len bytes from the DRBG, reseeding from the CPU first when
 * ENTROPY_RESEED_BYTES have gone out since the last seed. */
void entropy_fill(struct entropy *e, void *buf, size_t len);

/* True if the seed came from RDSEED or RDRAND. */
bool entropy_cryptographic(const struct entropy *e);

/* "RDSEED", "RDRAND" or "timing jitter only", for the start-up log. */
const char *entropy_source_name(const struct entropy *e);

#endif
