/* The guest's random numbers: see entropy.h. */
#include "xen/entropy.h"

#include <string.h>

/* Intel's guidance for RDRAND: retry up to 10 times before calling the
 * source failed; RDSEED may run dry for longer under load. */
#define RDRAND_RETRIES 10
#define RDSEED_RETRIES 1000

/* One word from the CPU source in use, passing the health check. */
static bool cpu_word(struct entropy *e, uint64_t *out)
{
    bool seed = e->source == ENTROPY_RDSEED;
    int tries = seed ? RDSEED_RETRIES : RDRAND_RETRIES;
    for (int i = 0; i < tries; i++) {
        if (seed ? e->cpu->rdseed(out) : e->cpu->rdrand(out)) {
            if (*out == e->last_word)
                return false;           /* stuck: a working source never repeats 64 bits */
            e->last_word = *out;
            return true;
        }
    }
    return false;
}

/* Seed material: CPU words (if any) and jitter, hashed together. */
static bool gather(struct entropy *e, uint8_t out[32])
{
    br_sha256_context h;
    br_sha256_init(&h);
    bool cpu_ok = e->source != ENTROPY_JITTER_ONLY;
    for (int i = 0; cpu_ok && i < ENTROPY_SEED_WORDS; i++) {
        uint64_t w;
        cpu_ok = cpu_word(e, &w);
        br_sha256_update(&h, &w, sizeof w);
    }
    for (int i = 0; i < ENTROPY_JITTER_SAMPLES; i++) {
        uint64_t t = e->cpu->cycles();
        br_sha256_update(&h, &t, sizeof t);
        if (e->cpu->disturb)
            e->cpu->disturb();
    }
    br_sha256_out(&h, out);
    return cpu_ok;
}

void entropy_init(struct entropy *e, const struct entropy_cpu *cpu)
{
    memset(e, 0, sizeof *e);
    e->cpu = cpu;
    e->source = cpu->has_rdseed ? ENTROPY_RDSEED : cpu->has_rdrand ? ENTROPY_RDRAND : ENTROPY_JITTER_ONLY;
    uint8_t seed[32];
    /* A failing RDSEED falls back to RDRAND, a failing RDRAND to jitter. */
    while (!gather(e, seed) && e->source != ENTROPY_JITTER_ONLY)
        e->source = e->source == ENTROPY_RDSEED && cpu->has_rdrand ? ENTROPY_RDRAND : ENTROPY_JITTER_ONLY;
    br_hmac_drbg_init(&e->drbg, &br_sha256_vtable, seed, sizeof seed);
    memset(seed, 0, sizeof seed);
}

void entropy_fill(struct entropy *e, void *buf, size_t len)
{
    if (e->since_reseed >= ENTROPY_RESEED_BYTES) {
        uint8_t seed[32];
        /* A CPU source that fails now leaves the DRBG as it was: still
         * unpredictable, only not refreshed; jitter is mixed in either way. */
        if (gather(e, seed))
            e->reseeds++;
        br_hmac_drbg_update(&e->drbg, seed, sizeof seed);
        memset(seed, 0, sizeof seed);
        e->since_reseed = 0;
    }
    br_hmac_drbg_generate(&e->drbg, buf, len);
    e->since_reseed += len;
}

bool entropy_cryptographic(const struct entropy *e)
{
    return e->source != ENTROPY_JITTER_ONLY;
}

const char *entropy_source_name(const struct entropy *e)
{
    switch (e->source) {
    case ENTROPY_RDSEED: return "RDSEED";
    case ENTROPY_RDRAND: return "RDRAND";
    default: return "timing jitter only";
    }
}
