/*
 * Unit tests of the Xen guest's random numbers (src/xen/entropy.c) against a
 * simulated CPU: which source is chosen, the health checks that demote a
 * broken RDSEED or RDRAND, the reseeding, and that the output depends on
 * what the CPU gave.
 */
#include <string.h>

#include "check.h"
#include "xen/entropy.h"

/* The simulated CPU: each instruction gives a counter-derived word, or fails
 * `fail_first` times first, or repeats one word forever when stuck. */
struct sim_source {
    uint64_t next, calls, words;
    int fail_first;
    bool stuck, dead;
    uint64_t stuck_word;
};
static struct sim_source sim_seed, sim_rand;
static uint64_t sim_clock;

static bool sim_word(struct sim_source *s, uint64_t *out)
{
    s->calls++;
    if (s->dead)
        return false;
    if (s->fail_first > 0) {
        s->fail_first--;
        return false;
    }
    s->words++;
    *out = s->stuck ? s->stuck_word : 0x9e3779b97f4a7c15ull * ++s->next;
    return true;
}
static bool sim_rdseed(uint64_t *out) { return sim_word(&sim_seed, out); }
static bool sim_rdrand(uint64_t *out) { return sim_word(&sim_rand, out); }
static uint64_t sim_cycles(void) { return sim_clock += 37; }

static struct entropy_cpu cpu_with(bool rdseed, bool rdrand)
{
    memset(&sim_seed, 0, sizeof sim_seed);
    memset(&sim_rand, 0, sizeof sim_rand);
    sim_rand.next = 1000;       /* RDRAND's words differ from RDSEED's */
    sim_clock = 0;
    return (struct entropy_cpu){.has_rdseed = rdseed, .has_rdrand = rdrand, .rdseed = sim_rdseed,
                                .rdrand = sim_rdrand, .cycles = sim_cycles, .disturb = NULL};
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static void test_sources(void)
{
    static struct entropy e;
    struct entropy_cpu cpu = cpu_with(true, true);
    entropy_init(&e, &cpu);
    CHECK("RDSEED is preferred when CPUID offers it", e.source == ENTROPY_RDSEED && entropy_cryptographic(&e));
    CHECK("the seed takes ENTROPY_SEED_WORDS words from RDSEED and none from RDRAND",
          sim_seed.words == ENTROPY_SEED_WORDS && sim_rand.calls == 0);
    CHECK("its name is RDSEED", strcmp(entropy_source_name(&e), "RDSEED") == 0);

    cpu = cpu_with(false, true);
    entropy_init(&e, &cpu);
    CHECK("RDRAND without RDSEED", e.source == ENTROPY_RDRAND && entropy_cryptographic(&e) &&
                                       strcmp(entropy_source_name(&e), "RDRAND") == 0);

    cpu = cpu_with(false, false);
    entropy_init(&e, &cpu);
    CHECK("neither: timing jitter only, not fit for keys",
          e.source == ENTROPY_JITTER_ONLY && !entropy_cryptographic(&e) &&
              strcmp(entropy_source_name(&e), "timing jitter only") == 0);
    uint8_t a[64], b[64];
    entropy_fill(&e, a, sizeof a);
    entropy_fill(&e, b, sizeof b);
    CHECK("jitter only: plat_random still gives bytes, different each call",
          !all_zero(a, sizeof a) && memcmp(a, b, sizeof a) != 0);
}

static void test_health(void)
{
    static struct entropy e;
    struct entropy_cpu cpu = cpu_with(true, true);
    sim_seed.fail_first = 50;
    entropy_init(&e, &cpu);
    CHECK("RDSEED running dry for a while (carry clear) is retried, not dropped", e.source == ENTROPY_RDSEED);

    cpu = cpu_with(true, true);
    sim_seed.dead = true;
    entropy_init(&e, &cpu);
    CHECK("RDSEED that never gives data: RDRAND takes over", e.source == ENTROPY_RDRAND);

    cpu = cpu_with(true, true);
    sim_seed.stuck = true;
    sim_seed.stuck_word = 0x1234;
    entropy_init(&e, &cpu);
    CHECK("RDSEED repeating one word: RDRAND takes over", e.source == ENTROPY_RDRAND);

    cpu = cpu_with(false, true);
    sim_rand.stuck = true;
    sim_rand.stuck_word = ~0ull;    /* the all-ones words of some CPUs' broken RDRAND */
    entropy_init(&e, &cpu);
    CHECK("RDRAND giving all-ones with carry set: jitter only, not fit for keys",
          e.source == ENTROPY_JITTER_ONLY && !entropy_cryptographic(&e));

    cpu = cpu_with(false, true);
    sim_rand.dead = true;
    entropy_init(&e, &cpu);
    CHECK("RDRAND that never gives data: jitter only, after a bounded number of tries",
          e.source == ENTROPY_JITTER_ONLY && sim_rand.calls <= 10);
}

static void test_reseed_and_dependence(void)
{
    static struct entropy e, f;
    struct entropy_cpu cpu = cpu_with(false, true);
    entropy_init(&e, &cpu);
    uint64_t words_after_init = sim_rand.words;
    static uint8_t buf[4096];
    size_t given = 0;
    while (given < ENTROPY_RESEED_BYTES) {
        entropy_fill(&e, buf, sizeof buf);
        given += sizeof buf;
    }
    CHECK("no reseed before ENTROPY_RESEED_BYTES went out", e.reseeds == 0 && sim_rand.words == words_after_init);
    entropy_fill(&e, buf, 16);
    CHECK("a reseed from RDRAND once ENTROPY_RESEED_BYTES went out",
          e.reseeds == 1 && sim_rand.words == words_after_init + ENTROPY_SEED_WORDS);

    /* Two generators whose CPUs differ in one word give different output;
     * the same CPU words and clock give the same output: the output is a
     * function of what the CPU gave, not of anything fixed. */
    uint8_t x[32], y[32], z[32];
    cpu = cpu_with(false, true);
    entropy_init(&e, &cpu);
    entropy_fill(&e, x, sizeof x);
    cpu = cpu_with(false, true);
    entropy_init(&f, &cpu);
    entropy_fill(&f, y, sizeof y);
    CHECK("the same CPU words and clock readings give the same stream", memcmp(x, y, sizeof x) == 0);
    cpu = cpu_with(false, true);
    sim_rand.next = 1001;
    entropy_init(&f, &cpu);
    entropy_fill(&f, z, sizeof z);
    CHECK("other CPU words give another stream", memcmp(x, z, sizeof x) != 0);
    cpu = cpu_with(false, true);
    sim_clock = 1;
    entropy_init(&f, &cpu);
    entropy_fill(&f, z, sizeof z);
    CHECK("other clock readings (jitter) give another stream", memcmp(x, z, sizeof x) != 0);

    cpu = cpu_with(false, true);
    entropy_init(&e, &cpu);
    sim_rand.dead = true;
    e.since_reseed = ENTROPY_RESEED_BYTES;
    entropy_fill(&e, x, sizeof x);
    CHECK("RDRAND failing at a reseed: output goes on, the reseed is not counted",
          e.reseeds == 0 && !all_zero(x, sizeof x) && entropy_cryptographic(&e));
}

int main(void)
{
    test_sources();
    test_health();
    test_reseed_and_dependence();
    return CHECK_DONE();
}
