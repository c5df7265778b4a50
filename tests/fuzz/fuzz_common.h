/*
 * Shared by the libFuzzer targets (tests/fuzz/run.sh builds them): loading
 * the fixture blob, and the invariants every DNS response must keep. A
 * broken invariant is reported with __builtin_trap(), which libFuzzer turns
 * into a crash file; fuzz_fail() says which invariant first, on stderr.
 */
#ifndef UNIHOST_FUZZ_COMMON_H
#define UNIHOST_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/blob.h"
#include "dns/dns_engine.h"

#define FUZZ_CHECK(cond, what)                                                       \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", what, __FILE__,   \
                    __LINE__);                                                       \
            __builtin_trap();                                                        \
        }                                                                            \
    } while (0)

/* Reads a whole file into an 8-byte aligned heap buffer of exactly its size
 * rounded up to 8 (so ASan sees any read past it); exits on failure. */
static inline uint8_t *fuzz_read_file(const char *path, size_t *size_out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz: cannot open %s (make build/tests/fixture.blob, or set UNIHOST_FUZZ_BLOB)\n",
                path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size <= 0) {
        fprintf(stderr, "fuzz: %s is empty\n", path);
        exit(1);
    }
    uint8_t *data = aligned_alloc(8, ((size_t)size + 7) / 8 * 8);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "fuzz: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    *size_out = (size_t)size;
    return data;
}

/* The fixture blob: $UNIHOST_FUZZ_BLOB, else build/tests/fixture.blob. */
static inline const char *fuzz_blob_path(void)
{
    const char *p = getenv("UNIHOST_FUZZ_BLOB");
    return p && *p ? p : "build/tests/fixture.blob";
}

/* Loads and opens the fixture blob; exits if it does not open. */
static inline uint8_t *fuzz_load_blob(struct blob *b, size_t *size_out)
{
    const char *path = fuzz_blob_path();
    uint8_t *data = fuzz_read_file(path, size_out);
    const char *err;
    if (blob_open(b, data, *size_out, &err) != 0) {
        fprintf(stderr, "fuzz: %s does not open: %s\n", path, err);
        exit(1);
    }
    return data;
}

static inline uint16_t fuzz_get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* Skips a name in a response: labels of at most 63 bytes, at most 255
 * bytes in all, compression pointers only backwards and past the header.
 * Returns the offset after the name, or 0 if it is malformed. */
static inline size_t fuzz_skip_name(const uint8_t *m, size_t len, size_t off)
{
    size_t pos = off, end = 0, total = 1;
    for (unsigned hops = 0; hops < 128;) {
        if (pos >= len)
            return 0;
        uint8_t l = m[pos];
        if (l == 0)
            return end ? end : pos + 1;
        if ((l & 0xc0) == 0xc0) {
            if (pos + 2 > len)
                return 0;
            size_t target = ((size_t)(l & 0x3f) << 8) | m[pos + 1];
            if (target < 12 || target >= pos)
                return 0;
            if (!end)
                end = pos + 2;
            pos = target;
            hops++;
            continue;
        }
        if (l > 63)
            return 0;
        total += 1u + l;
        if (total > 255)
            return 0;
        pos += 1u + l;
    }
    return 0;
}

/*
 * The invariants of one answer `resp[0..n)` to the query `q[0..qlen)`,
 * produced with `out_size` bytes of room over `t` (all of them when
 * `strict`; without it, only the first three groups, for blobs whose record
 * data is arbitrary):
 *  - no answer exactly for what the engine drops (shorter than a header, or
 *    a response), else at least a header, never more than the room;
 *  - over UDP at most 1232 bytes (our EDNS size);
 *  - the query's ID, QR set, the opcode and RD echoed;
 *  - a well-formed message: its counts match its records exactly, names
 *    are valid, at most one OPT, owned by the root, in the additional
 *    section; a question, when there is one, is the query's own; over UDP,
 *    more than 512 bytes only with OPT (only EDNS clients may get more).
 */
static inline void fuzz_check_dns_answer(const uint8_t *q, size_t qlen, const uint8_t *resp,
                                         size_t n, enum dns_transport t, size_t out_size,
                                         bool strict)
{
    bool dropped = qlen < 12 || (q[2] & 0x80) != 0 || out_size < 512;
    FUZZ_CHECK(dropped == (n == 0), "an answer exactly when the query deserves one");
    if (n == 0)
        return;
    FUZZ_CHECK(n >= 12, "an answer holds at least a header");
    FUZZ_CHECK(n <= out_size, "the answer fits the room given");
    FUZZ_CHECK(n <= 65535, "the answer fits a DNS message");
    if (t == DNS_OVER_UDP) {
        FUZZ_CHECK(n <= 1232, "a UDP answer stays within 1232 bytes");
    }
    FUZZ_CHECK(resp[0] == q[0] && resp[1] == q[1], "the answer has the query's ID");
    FUZZ_CHECK((resp[2] & 0x80) != 0, "QR is set");
    FUZZ_CHECK((resp[2] & 0x79) == (q[2] & 0x79), "opcode and RD are echoed");
    if (!strict)
        return;

    size_t off = 12;
    unsigned qd = fuzz_get16(resp + 4);
    unsigned counts[3] = {fuzz_get16(resp + 6), fuzz_get16(resp + 8), fuzz_get16(resp + 10)};
    FUZZ_CHECK(qd <= 1, "at most one question");
    if (qd == 1) {
        size_t end = fuzz_skip_name(resp, n, off);
        FUZZ_CHECK(end != 0 && end + 4 <= n, "the question is well formed");
        end += 4;
        FUZZ_CHECK(end <= qlen && memcmp(resp + 12, q + 12, end - 12) == 0,
                   "the question is the query's own");
        off = end;
    }
    unsigned opts = 0;
    for (int section = 0; section < 3; section++) {
        for (unsigned i = 0; i < counts[section]; i++) {
            size_t rr = off;
            off = fuzz_skip_name(resp, n, off);
            FUZZ_CHECK(off != 0 && off + 10 <= n, "a record's owner and fixed fields are whole");
            size_t rdlen = fuzz_get16(resp + off + 8);
            if (fuzz_get16(resp + off) == 41) {
                FUZZ_CHECK(section == 2 && resp[rr] == 0 && ++opts == 1,
                           "one OPT, owned by the root, in the additional section");
            }
            off += 10 + rdlen;
            FUZZ_CHECK(off <= n, "a record's data is whole");
        }
    }
    FUZZ_CHECK(off == n, "the counts match the records exactly (no trailing bytes)");
    if (t == DNS_OVER_UDP && n > 512)
        FUZZ_CHECK(opts == 1, "a UDP answer over 512 bytes goes to an EDNS client, with OPT");
}

/* A small deterministic generator (xorshift32) for the targets that split
 * their input at positions derived from it: seed rng_state, never with 0. */
static uint32_t rng_state;

static inline uint32_t rng(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

#endif
