/*
 * libFuzzer target: SHA-256 on SHA-NI (src/crypto/sha256_ni.c) and the
 * TLS 1.2 PRF on it (src/crypto/tls12_prf.c) held against BearSSL's
 * br_sha256_vtable and br_tls12_sha256_prf on arbitrary inputs: a
 * differential fuzzer, since a wrong digest is a failed handshake or a
 * broken signature, not a crash.
 *
 * Input: byte 0 picks the operation (mod 3), byte 1 a length parameter,
 * the rest is the data:
 *   0: hash the data, cut into pieces at lengths taken from the data's own
 *      bytes (so every buffering path is reached), with a state()/
 *      set_state() round trip through BearSSL's class halfway;
 *   1: HMAC, the key the first (byte 1) bytes of the data, the message the rest;
 *   2: PRF, the secret the first (byte 1 % 80) bytes, the label one of the
 *      handshake's four (byte 1 / 80), the seed the rest in up to two chunks,
 *      output length 1 + (data length % 160).
 *
 * On a CPU without the SHA extensions, sha256_fast() is BearSSL's own and
 * only the PRF is tested.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "crypto/sha256_ni.h"
#include "crypto/tls12_prf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void hash_in_pieces(const br_hash_class *vt, const uint8_t *p, size_t n, uint8_t out[32])
{
    br_sha256_context ctx;
    vt->init(&ctx.vtable);
    size_t off = 0, step = 0;
    while (off < n) {
        size_t piece = 1 + p[(off + step++) % n] % 131;
        if (piece > n - off)
            piece = n - off;
        vt->update(&ctx.vtable, p + off, piece);
        off += piece;
        if (step == 3) {
            /* Hand the state over to BearSSL's class and back, as br_hmac
             * and br_multihash do. */
            uint8_t st[32];
            br_sha256_context other;
            uint64_t count = vt->state(&ctx.vtable, st);
            br_sha256_vtable.init(&other.vtable);
            br_sha256_vtable.set_state(&other.vtable, st, count & ~(uint64_t)63);
            br_sha256_vtable.update(&other.vtable, ctx.buf, (size_t)(count & 63));
            count = br_sha256_vtable.state(&other.vtable, st);
            vt->init(&ctx.vtable);
            vt->set_state(&ctx.vtable, st, count & ~(uint64_t)63);
            vt->update(&ctx.vtable, other.buf, (size_t)(count & 63));
        }
    }
    vt->out(&ctx.vtable, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned op = data[0] % 3, param = data[1];
    const uint8_t *rest = data + 2;
    size_t len = size - 2;
    const br_hash_class *fast = sha256_fast();
    uint8_t want[160], got[160];

    if (op == 0) {
        hash_in_pieces(&br_sha256_vtable, rest, len, want);
        hash_in_pieces(fast, rest, len, got);
        FUZZ_CHECK(memcmp(want, got, 32) == 0, "SHA-256 digest differs from BearSSL's");
    } else if (op == 1) {
        size_t key_len = param < len ? param : len;
        const br_hash_class *impls[2] = {&br_sha256_vtable, fast};
        uint8_t *outs[2] = {want, got};
        for (int k = 0; k < 2; k++) {
            br_hmac_key_context kc;
            br_hmac_context hc;
            br_hmac_key_init(&kc, impls[k], rest, key_len);
            br_hmac_init(&hc, &kc, 0);
            br_hmac_update(&hc, rest + key_len, len - key_len);
            br_hmac_out(&hc, outs[k]);
        }
        FUZZ_CHECK(memcmp(want, got, 32) == 0, "HMAC-SHA-256 differs from BearSSL's");
    } else {
        static const char *labels[4] = {"master secret", "key expansion", "client finished", "server finished"};
        size_t secret_len = param % 80 < len ? param % 80 : len;
        size_t seed_len = len - secret_len, out_len = 1 + len % sizeof want;
        br_tls_prf_seed_chunk seed[2] = {
            {rest + secret_len, seed_len / 2},
            {rest + secret_len + seed_len / 2, seed_len - seed_len / 2},
        };
        const char *label = labels[(param / 80) % 4];
        br_tls12_sha256_prf(want, out_len, rest, secret_len, label, 2, seed);
        tls12_sha256_prf_fast(got, out_len, rest, secret_len, label, 2, seed);
        FUZZ_CHECK(memcmp(want, got, out_len) == 0, "TLS 1.2 PRF differs from br_tls12_sha256_prf");
    }
    return 0;
}
