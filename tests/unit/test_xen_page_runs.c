/*
 * Unit tests of the Xen guest's runs of pages (src/xen/page_runs.c), hosted,
 * over a region of real memory: every run handed out is written whole (ASan
 * would see a run outside the region), runs never overlap, runs given back
 * merge with free neighbours so that freeing everything leaves one run, and
 * a long random sequence agrees with a page-by-page model.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "xen/page_runs.h"

#define REGION_PAGES 256
#define P PAGE_RUNS_PAGE_SIZE

static uint8_t *region;
static struct page_runs runs;

static uint32_t index_of(const void *run)
{
    return (uint32_t)(((const uint8_t *)run - region) / P);
}

static void test_basics(void)
{
    page_runs_init(&runs, (uintptr_t)region, REGION_PAGES);
    CHECK("a new region is one free run", runs.count == 1 && page_runs_free_pages(&runs) == REGION_PAGES &&
                                              page_runs_largest_free(&runs) == REGION_PAGES);
    CHECK("zero pages is refused", page_runs_alloc(&runs, 0) == NULL);
    CHECK("more pages than the region is refused", page_runs_alloc(&runs, REGION_PAGES + 1) == NULL);
    uint8_t *a = page_runs_alloc(&runs, 10), *b = page_runs_alloc(&runs, 20), *c = page_runs_alloc(&runs, 30);
    CHECK("runs are handed out first fit, in order, page-aligned",
          a == region && b == region + 10 * P && c == region + 30 * P && (uintptr_t)a % P == 0);
    memset(a, 0xa1, 10 * P);
    memset(b, 0xb2, 20 * P);
    memset(c, 0xc3, 30 * P);
    CHECK("writing one run leaves the others", a[10 * P - 1] == 0xa1 && b[0] == 0xb2 && b[20 * P - 1] == 0xb2 &&
                                                  c[0] == 0xc3);
    CHECK("free pages are counted", page_runs_free_pages(&runs) == REGION_PAGES - 60);
    CHECK("freeing the middle run works", page_runs_free(&runs, b) == 0);
    CHECK("freeing it twice is refused", page_runs_free(&runs, b) == -1);
    CHECK("freeing inside a run is refused", page_runs_free(&runs, a + P) == -1);
    CHECK("freeing an unaligned address is refused", page_runs_free(&runs, a + 8) == -1);
    CHECK("freeing outside the region is refused", page_runs_free(&runs, region - P) == -1);
    CHECK("a hole of 20 pages takes a run of 15 (first fit)", page_runs_alloc(&runs, 15) == b);
    uint8_t *d = page_runs_alloc(&runs, 5);
    CHECK("... and the rest of it the next 5", d == b + 15 * P);
    CHECK("free a, then the runs beside it", page_runs_free(&runs, a) == 0 && page_runs_free(&runs, b) == 0 &&
                                                 page_runs_free(&runs, d) == 0);
    CHECK("neighbours merged: one free run of 30 before c, the rest after it", runs.count == 3 &&
          runs.runs[0].pages == 30 && !runs.runs[0].taken && page_runs_largest_free(&runs) == REGION_PAGES - 60);
    CHECK("... which a run of 30 then fits", (a = page_runs_alloc(&runs, 30)) == region);
    CHECK("free c, then the 30: all one run again", page_runs_free(&runs, c) == 0 && page_runs_free(&runs, a) == 0 &&
                                                        runs.count == 1 &&
                                                        page_runs_free_pages(&runs) == REGION_PAGES);
    uint8_t *all = page_runs_alloc(&runs, REGION_PAGES);
    CHECK("the whole region in one run", all == region && page_runs_free_pages(&runs) == 0 &&
                                             page_runs_alloc(&runs, 1) == NULL);
    memset(all, 0x5a, (size_t)REGION_PAGES * P);
    CHECK("... given back", page_runs_free(&runs, all) == 0 && runs.count == 1);
}

static void test_table_bound(void)
{
    page_runs_init(&runs, (uintptr_t)region, REGION_PAGES);
    void *one[REGION_PAGES];
    int n = 0;
    while (n < REGION_PAGES && (one[n] = page_runs_alloc(&runs, 1)))
        n++;
    CHECK("single pages until the table is full: a split needs an entry", n == PAGE_RUNS_MAX - 1 &&
                                                                              runs.count == PAGE_RUNS_MAX);
    for (int i = 0; i < n; i += 2)
        page_runs_free(&runs, one[i]);
    CHECK("every other one freed: only the last merged (with the free rest)", runs.count == PAGE_RUNS_MAX - 1);
    CHECK("a hole of one page is reused without a split", page_runs_alloc(&runs, 1) == one[0]);
    for (int i = 1; i < n; i += 2)
        page_runs_free(&runs, one[i]);
    page_runs_free(&runs, one[0]);
    for (int i = 2; i < n; i += 2)
        page_runs_free(&runs, one[i]);  /* already free: refused, harmless */
    CHECK("all freed: one run", runs.count == 1 && page_runs_free_pages(&runs) == REGION_PAGES);
}

/* A random sequence against a model: which page belongs to which run. */
static void test_against_model(void)
{
    page_runs_init(&runs, (uintptr_t)region, REGION_PAGES);
    int owner[REGION_PAGES];
    for (int i = 0; i < REGION_PAGES; i++)
        owner[i] = -1;
    struct { uint8_t *at; uint32_t pages; } held[32];
    int held_n = 0, failures = 0, allocations = 0;
    srand(1234);
    for (int step = 0; step < 20000; step++) {
        if (held_n < 32 && (held_n == 0 || rand() % 2)) {
            uint32_t want = 1 + (uint32_t)(rand() % 40);
            uint8_t *at = page_runs_alloc(&runs, want);
            /* The model: is there a free stretch that long? */
            int longest = 0, len = 0;
            for (int i = 0; i < REGION_PAGES; i++) {
                len = owner[i] < 0 ? len + 1 : 0;
                if (len > longest)
                    longest = len;
            }
            if (!at) {
                /* Refused: no stretch fits, or the table is full. */
                failures += (int)want <= longest && runs.count < PAGE_RUNS_MAX;
                continue;
            }
            allocations++;
            uint32_t first = index_of(at);
            for (uint32_t i = first; i < first + want; i++) {
                failures += owner[i] >= 0 || i >= REGION_PAGES;   /* overlap or outside */
                owner[i] = step;
            }
            memset(at, step & 0xff, (size_t)want * P);
            held[held_n].at = at;
            held[held_n].pages = want;
            held_n++;
        } else {
            int k = rand() % held_n;
            uint32_t first = index_of(held[k].at);
            failures += held[k].at[0] != (uint8_t)(owner[first] & 0xff);   /* nobody wrote over it */
            for (uint32_t i = first; i < first + held[k].pages; i++)
                owner[i] = -1;
            failures += page_runs_free(&runs, held[k].at) != 0;
            held[k] = held[--held_n];
        }
        uint32_t model_free = 0;
        for (int i = 0; i < REGION_PAGES; i++)
            model_free += owner[i] < 0;
        failures += page_runs_free_pages(&runs) != model_free;
        /* No two free runs side by side: merging happened. */
        for (uint32_t i = 0; i + 1 < runs.count; i++)
            failures += !runs.runs[i].taken && !runs.runs[i + 1].taken;
    }
    while (held_n > 0)
        failures += page_runs_free(&runs, held[--held_n].at) != 0;
    printf("# %d allocations in 20000 random steps\n", allocations);
    CHECK("20000 random steps agree with the page model (no overlap, counts, merging)", failures == 0);
    CHECK("... and all given back is one run", runs.count == 1 && page_runs_free_pages(&runs) == REGION_PAGES);
}

int main(void)
{
    region = aligned_alloc(P, (size_t)REGION_PAGES * P);
    test_basics();
    test_table_bound();
    test_against_model();
    free(region);
    return CHECK_DONE();
}
