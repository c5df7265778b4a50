/*
 * libFuzzer target: our own curve code (src/crypto: X25519, the P-256
 * generator multiplication and ECDSA signing) held against BearSSL's
 * (ec_c25519_m31, ec_p256_m31, ecdsa_i31) on arbitrary inputs: a
 * differential fuzzer, since a wrong result there is a silent key or
 * signature failure, not a crash.
 *
 * Input: byte 0 picks the operation (mod 4), the rest is split into the
 * operation's arguments (missing bytes are zero):
 *   0: X25519 mul: point (32 bytes), then multiplier (byte 1's low 5 bits + 1
 *      bytes, i.e. 1..32);
 *   1: X25519 mulgen: multiplier (1..32 bytes as above);
 *   2: P-256 mulgen: scalar (1..32 bytes);
 *   3: ECDSA P-256 sign: private key (32 bytes), hash function (byte 1: SHA-1,
 *      SHA-256 or SHA-384), hash value.
 *
 * Invariants (a trap when broken): the same return value and output bytes
 * as BearSSL's for every input both accept (P-256 scalars in [1, n-1], the
 * only ones BearSSL is defined for); every signature verifies with
 * BearSSL's verifier (but for hashes that are 0 mod n, which it cannot
 * check).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "crypto/p256.h"
#include "crypto/x25519.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The P-256 group order, big-endian. */
static const uint8_t p256_n[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/* True if the big-endian x (xlen <= 32 bytes) is in [1, n-1]. */
static bool in_range(const uint8_t *x, size_t xlen)
{
    uint8_t v[32] = {0};
    memcpy(v + 32 - xlen, x, xlen);
    bool zero = true;
    for (int i = 0; i < 32; i++)
        zero &= v[i] == 0;
    return !zero && memcmp(v, p256_n, 32) < 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t in[160] = {0};
    memcpy(in, data, size < sizeof in ? size : sizeof in);
    int op = in[0] % 4;
    size_t klen = (size_t)(in[1] & 31) + 1;
    const uint8_t *args = in + 2;

    if (op == 0) {
        uint8_t ours[32], theirs[32];
        memcpy(ours, args, 32);
        memcpy(theirs, args, 32);
        uint32_t a = x25519_mul(ours, 32, args + 32, klen);
        uint32_t b = br_ec_c25519_m31.mul(theirs, 32, args + 32, klen, BR_EC_curve25519);
        /* Ours refuses an all-zero product (a small-order point: RFC 7748
         * 6.1); BearSSL's returns 1 for it. */
        static const uint8_t zero[32];
        if (memcmp(theirs, zero, 32) == 0)
            b = 0;
        FUZZ_CHECK(a == b && memcmp(ours, theirs, 32) == 0, "X25519 mul differs from BearSSL's");
    } else if (op == 1) {
        uint8_t ours[32], theirs[32];
        size_t a = x25519_mulgen(ours, args, klen);
        size_t b = br_ec_c25519_m31.mulgen(theirs, args, klen, BR_EC_curve25519);
        FUZZ_CHECK(a == b && memcmp(ours, theirs, a) == 0, "X25519 mulgen differs from BearSSL's");
    } else if (op == 2) {
        uint8_t ours[65], theirs[65];
        size_t a = p256_mulgen(ours, args, klen);
        FUZZ_CHECK(a == 65 && ours[0] == 0x04, "P-256 mulgen: not an uncompressed point");
        if (in_range(args, klen)) {
            size_t b = br_ec_p256_m31.mulgen(theirs, args, klen, BR_EC_secp256r1);
            FUZZ_CHECK(b == 65 && memcmp(ours, theirs, 65) == 0, "P-256 mulgen differs from BearSSL's");
        }
    } else {
        static const br_hash_class *const hashes[] = {&br_sha1_vtable, &br_sha256_vtable, &br_sha384_vtable};
        const br_hash_class *hf = hashes[in[1] % 3];
        uint8_t key[32];
        memcpy(key, args, 32);
        const uint8_t *hash = args + 32;
        br_ec_private_key sk = {.curve = BR_EC_secp256r1, .x = key, .xlen = sizeof key};
        uint8_t ours[64], theirs[64];
        size_t a = p256_ecdsa_sign_raw(hf, hash, &sk, ours);
        if (!in_range(key, sizeof key)) {
            FUZZ_CHECK(a == 0, "ECDSA P-256: a key outside [1, n-1] was accepted");
            return 0;
        }
        size_t b = br_ecdsa_i31_sign_raw(&br_ec_p256_m31, hf, hash, &sk, theirs);
        FUZZ_CHECK(a == 64 && b == 64 && memcmp(ours, theirs, 64) == 0, "ECDSA P-256 differs from BearSSL's");
        uint8_t q[65];
        br_ec_public_key pk = {.curve = BR_EC_secp256r1, .q = q, .qlen = br_ec_p256_m31.mulgen(q, key, 32, BR_EC_secp256r1)};
        size_t hlen = (hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
        /* BearSSL's verifier cannot check a hash that is 0 mod n (its
         * double multiplication refuses a zero multiplier); the signature
         * was still compared byte for byte above. */
        size_t tlen = hlen < 32 ? hlen : 32;        /* the leftmost 256 bits */
        uint8_t h[32] = {0};
        memcpy(h + 32 - tlen, hash, tlen);
        static const uint8_t zero[32];
        bool zero_mod_n = memcmp(h, zero, 32) == 0 || memcmp(h, p256_n, 32) == 0;
        FUZZ_CHECK(zero_mod_n || br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, hash, hlen, &pk, ours, 64) == 1,
                   "ECDSA P-256: our signature does not verify");
    }
    return 0;
}
