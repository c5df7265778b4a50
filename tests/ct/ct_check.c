/*
 * The constant-time check's subject: each case runs one piece of code that
 * handles a secret with that secret marked undefined for valgrind's
 * memcheck (VALGRIND_MAKE_MEM_UNDEFINED). Memcheck then reports every
 * conditional jump, and every memory address, computed from the secret:
 * exactly the secret-dependent branches and indices that make time (and
 * cache footprint) vary with it. Outputs that are public once computed
 * (a public key, a signature, a MAC sent on the wire) are marked defined
 * again before anything looks at them. tests/ct/run.sh runs each case
 * under valgrind and fails on any report outside tests/ct/allow.supp.
 *
 *   ct_check CASE [ROUNDS]      CASE from the list in main(); "list" names them
 *
 * Built from the same objects as the unikernel (build/obj, -O2, BearSSL
 * at -O3), without sanitizers: what is checked is what runs. Outside
 * valgrind the client requests do nothing, so the program also runs (and
 * checks its outputs) natively.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include <bearssl.h>

#include "acme/jwk.h"
#include "acme/jws.h"
#include "acme/key_pem.h"
#include "crypto/ec_impl.h"
#include "crypto/p256.h"
#include "crypto/sha256_ni.h"
#include "crypto/tls12_prf.h"
#include "crypto/x25519.h"
#include "tls/tls13_key_schedule.h"
#include "tls/tls13_record.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static unsigned rounds = 4;
static int failures;

/* Secrets differ per round, from a fixed seed, so a report reproduces. */
static uint64_t rng_state = 0xc7c7c7c7ULL;
static void fill(void *p, size_t n)
{
    uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
        b[i] = (uint8_t)(rng_state >> 56);
    }
}

/* A sanity check on a result (natively, the same as under valgrind): the
 * case must have computed something, not skipped the code under test. */
static void expect(int cond, const char *what)
{
    if (!cond) {
        printf("ct_check: %s\n", what);
        failures++;
    }
}

/* ---- X25519 ------------------------------------------------------------ */

static void case_x25519(void)
{
    static const uint8_t nine[32] = {9};
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t a[32], b[32], pa[32], pb[32];
        fill(a, sizeof a);
        fill(b, sizeof b);
        SECRET(a, sizeof a);
        SECRET(b, sizeof b);
        /* Key shares, as ec_impl_fast.mulgen makes them. */
        x25519_mulgen(pa, a, sizeof a);
        x25519_mulgen(pb, b, sizeof b);
        PUBLIC(pa, sizeof pa);                 /* sent in the handshake */
        PUBLIC(pb, sizeof pb);
        /* The shared secret: the peer's share (public) times our key. */
        uint32_t ok_a = x25519_mul(pb, sizeof pb, a, sizeof a);
        uint32_t ok_b = x25519_mul(pa, sizeof pa, b, sizeof b);
        /* Whether the product was all zero is public (the handshake
         * fails); the shared secret itself stays undefined until here,
         * where the test compares it. */
        PUBLIC(&ok_a, sizeof ok_a);
        PUBLIC(&ok_b, sizeof ok_b);
        PUBLIC(pa, sizeof pa);
        PUBLIC(pb, sizeof pb);
        expect(ok_a == 1 && ok_b == 1 && memcmp(pa, pb, 32) == 0, "X25519 shared secrets differ");
        /* And a plain mul by the base point through BearSSL's interface. */
        uint8_t g[32];
        memcpy(g, nine, sizeof g);
        SECRET(a, sizeof a);
        uint32_t ok = ec_impl_fast.mul(g, sizeof g, a, sizeof a, BR_EC_curve25519);
        PUBLIC(&ok, sizeof ok);
        PUBLIC(g, sizeof g);
        x25519_mulgen(pa, a, sizeof a);
        PUBLIC(pa, sizeof pa);
        expect(ok == 1 && memcmp(g, pa, 32) == 0, "X25519 mul(9) differs from mulgen");
    }
}

/* ---- P-256 ------------------------------------------------------------- */

/* A private key below n: the top bit cleared keeps it well below. */
static void p256_key(uint8_t k[32])
{
    fill(k, 32);
    k[0] &= 0x7f;
    k[31] |= 1;
}

static void case_p256_mulgen(void)
{
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t k[32], q[65], ref[65];
        p256_key(k);
        br_ec_all_m31.mulgen(ref, k, sizeof k, BR_EC_secp256r1);   /* native reference, k still defined */
        SECRET(k, sizeof k);
        size_t n = p256_mulgen(q, k, sizeof k);
        PUBLIC(q, sizeof q);                    /* a public key */
        expect(n == 65 && memcmp(q, ref, 65) == 0, "p256_mulgen differs from BearSSL");
    }
}

/* ECDHE with a peer that has no X25519: BearSSL's P-256 variable-base
 * multiplication (ec_p256_m31, behind ec_impl_fast.mul), our key secret. */
static void case_p256_ecdh(void)
{
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t a[32], b[32], pa[65], pb[65];
        p256_key(a);
        p256_key(b);
        p256_mulgen(pa, a, sizeof a);
        p256_mulgen(pb, b, sizeof b);
        SECRET(a, sizeof a);
        SECRET(b, sizeof b);
        uint32_t ok_a = ec_impl_fast.mul(pb, sizeof pb, a, sizeof a, BR_EC_secp256r1);
        uint32_t ok_b = ec_impl_fast.mul(pa, sizeof pa, b, sizeof b, BR_EC_secp256r1);
        PUBLIC(&ok_a, sizeof ok_a);
        PUBLIC(&ok_b, sizeof ok_b);
        PUBLIC(pa, sizeof pa);
        PUBLIC(pb, sizeof pb);
        expect(ok_a == 1 && ok_b == 1 && memcmp(pa + 1, pb + 1, 32) == 0, "P-256 ECDH secrets differ");
    }
}

static void case_ecdsa_sign(void)
{
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t k[32], hash[32], sig[64], q[65];
        p256_key(k);
        fill(hash, sizeof hash);                /* the handshake hash: public */
        p256_mulgen(q, k, sizeof k);
        br_ec_private_key sk = {BR_EC_secp256r1, k, sizeof k};
        br_ec_public_key pk = {BR_EC_secp256r1, q, sizeof q};
        SECRET(k, sizeof k);
        size_t n = p256_ecdsa_sign_raw(sha256_fast(), hash, &sk, sig);
        PUBLIC(&n, sizeof n);
        PUBLIC(sig, sizeof sig);                /* sent in ServerKeyExchange */
        expect(n == 64 && br_ecdsa_i31_vrfy_raw(&br_ec_all_m31, hash, 32, &pk, sig, 64) == 1,
               "p256_ecdsa_sign_raw's signature does not verify");
        /* And as the TLS server calls it, DER-encoded. */
        uint8_t der[80];
        SECRET(k, sizeof k);
        n = ec_ecdsa_sign_asn1_fast(&ec_impl_fast, sha256_fast(), hash, &sk, der);
        PUBLIC(&n, sizeof n);
        PUBLIC(der, sizeof der);
        expect(n > 0 && br_ecdsa_i31_vrfy_asn1(&br_ec_all_m31, hash, 32, &pk, der, n) == 1,
               "ec_ecdsa_sign_asn1_fast's signature does not verify");
    }
}

/* ---- ACME: account and certificate keys, JWS ------------------------------ */

/* p256_key_init: the range check of a drawn secret and its public point. */
static void case_acme_key(void)
{
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t k[32], ref[65];
        p256_key(k);
        p256_mulgen(ref, k, sizeof k);
        struct p256_key key;
        SECRET(k, sizeof k);
        bool usable = p256_key_init(&key, k);
        PUBLIC(&usable, sizeof usable);
        PUBLIC(key.point, sizeof key.point);    /* the public key */
        expect(usable && memcmp(key.point, ref, 65) == 0, "p256_key_init's public point differs from p256_mulgen's");
        p256_key_wipe(&key);
    }
}

/* jws_write: an ACME request signed with the account key. */
static void case_acme_jws(void)
{
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t k[32];
        p256_key(k);
        struct p256_key key;
        p256_key_init(&key, k);
        SECRET(key.secret, sizeof key.secret);
        char buf[2048];
        struct json_out out;
        json_out_init(&out, buf, sizeof buf);
        bool written = jws_write(&out, &key, "https://ca.test/acct/1", "nonce", "https://ca.test/order", "{}", 2);
        PUBLIC(&written, sizeof written);
        PUBLIC(buf, sizeof buf);                /* the request, sent */
        PUBLIC(&out, sizeof out);
        expect(written && out.len > 100 && strstr(buf, "\"signature\":\"") != NULL, "jws_write wrote no JWS");
        p256_key_wipe(&key);
    }
}

/* p256_key_pem_write: the key written out for --state-dir and the TLS
 * server; its base64 must not index a table with the secret's bits. */
static void case_acme_key_pem(void)
{
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t k[32];
        p256_key(k);
        struct p256_key key, back;
        p256_key_init(&key, k);
        SECRET(key.secret, sizeof key.secret);
        char pem[400];
        size_t n = p256_key_pem_write(&key, pem, sizeof pem);
        PUBLIC(&n, sizeof n);
        PUBLIC(pem, sizeof pem);                /* checked natively below, not by valgrind */
        PUBLIC(key.secret, sizeof key.secret);
        expect(n > 0 && p256_key_pem_read(&back, pem, n) && memcmp(back.secret, key.secret, 32) == 0,
               "p256_key_pem_write's PEM does not read back");
        p256_key_wipe(&key);
        p256_key_wipe(&back);
    }
}

/* ---- TLS 1.2 PRF, HMAC, HKDF ---------------------------------------------- */

static void case_tls12_prf(void)
{
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t pms[32], randoms[64], master[48], keys[104], ref[104];
        fill(pms, sizeof pms);
        fill(randoms, sizeof randoms);          /* client and server randoms: public */
        br_tls_prf_seed_chunk seed = {randoms, sizeof randoms};
        br_tls12_sha256_prf(ref, sizeof master, pms, sizeof pms, "master secret", 1, &seed);
        SECRET(pms, sizeof pms);
        /* The master secret from the premaster, the key block from it:
         * both secret throughout, as they are in the server. */
        tls12_sha256_prf_fast(master, sizeof master, pms, sizeof pms, "master secret", 1, &seed);
        tls12_sha256_prf_fast(keys, sizeof keys, master, sizeof master, "key expansion", 1, &seed);
        /* Finished's verify_data is sent: public. */
        uint8_t verify[12];
        tls12_sha256_prf_fast(verify, sizeof verify, master, sizeof master, "server finished", 1, &seed);
        PUBLIC(verify, sizeof verify);
        PUBLIC(master, sizeof master);
        expect(memcmp(master, ref, sizeof master) == 0, "tls12_sha256_prf_fast differs from BearSSL's");
    }
}

static void case_hmac(void)
{
    const br_hash_class *hashes[] = {sha256_fast(), &br_sha256_vtable, &br_sha384_vtable};
    for (unsigned i = 0; i < rounds; i++)
        for (size_t h = 0; h < sizeof hashes / sizeof hashes[0]; h++) {
            /* Key lengths on both sides of the block size: a long key is hashed first. */
            uint8_t key[200], msg[100], tag[64];
            size_t key_len = i % 2 ? sizeof key : 32;
            fill(key, sizeof key);
            fill(msg, sizeof msg);
            SECRET(key, sizeof key);
            br_hmac_key_context kc;
            br_hmac_context hc;
            br_hmac_key_init(&kc, hashes[h], key, key_len);
            br_hmac_init(&hc, &kc, 0);
            br_hmac_update(&hc, msg, sizeof msg);
            size_t n = br_hmac_out(&hc, tag);
            PUBLIC(tag, sizeof tag);            /* a MAC sent on the wire */
            expect(n == br_hmac_size(&hc), "HMAC produced nothing");
        }
}

static void case_hkdf(void)
{
    const br_hash_class *hashes[] = {sha256_fast(), &br_sha384_vtable};
    for (unsigned i = 0; i < rounds; i++)
        for (size_t h = 0; h < sizeof hashes / sizeof hashes[0]; h++) {
            uint8_t ikm[32], salt[32], out[100];
            fill(ikm, sizeof ikm);
            fill(salt, sizeof salt);
            SECRET(ikm, sizeof ikm);
            SECRET(salt, sizeof salt);          /* in TLS 1.3 the salt is itself a derived secret */
            br_hkdf_context hc;
            br_hkdf_init(&hc, hashes[h], salt, sizeof salt);
            br_hkdf_inject(&hc, ikm, sizeof ikm);
            br_hkdf_flip(&hc);
            size_t n = br_hkdf_produce(&hc, "info", 4, out, sizeof out);
            expect(n == sizeof out, "HKDF produced too little");
        }
}

/* ---- TLS 1.3: the key schedule and record protection -------------------------- */

/* The schedule from a secret (EC)DHE output through every secret a
 * connection derives, then records sealed and opened under the derived
 * keys with secret plaintexts, for each suite. */
static void case_tls13(void)
{
    static const uint16_t suites[] = {0x1301, 0x1302, 0x1303};
    struct tls13_aead_impl impl = {br_aes_x86ni_ctr_get_vtable(), br_ghash_pclmul_get(),
                                   br_chacha20_sse2_get(), br_poly1305_ctmulq_get()};
    expect(impl.aes_ctr && impl.ghash && impl.chacha20 && impl.poly1305, "no AES-NI, PCLMUL, SSE2 or ctmulq here");
    for (unsigned i = 0; i < rounds; i++)
        for (size_t s = 0; s < sizeof suites / sizeof suites[0]; s++) {
            const struct tls13_suite *suite = tls13_suite_find(suites[s]);
            uint8_t shared[32], transcript[TLS13_HASH_MAX], c_hs[TLS13_HASH_MAX], s_ap[TLS13_HASH_MAX];
            uint8_t mac[TLS13_HASH_MAX];
            fill(shared, sizeof shared);
            fill(transcript, sizeof transcript);
            SECRET(shared, sizeof shared);
            struct tls13_schedule ks;
            tls13_schedule_init(&ks, suite, NULL, 0);
            tls13_schedule_advance(&ks, shared, sizeof shared);
            tls13_schedule_derive(&ks, "c hs traffic", transcript, c_hs);
            tls13_finished_mac(suite->hash, c_hs, transcript, mac);
            PUBLIC(mac, sizeof mac);            /* a Finished sent on the wire */
            tls13_schedule_advance(&ks, NULL, 0);
            tls13_schedule_derive(&ks, "s ap traffic", transcript, s_ap);
            tls13_next_traffic_secret(suite->hash, s_ap);

            static struct tls13_protection out, in;
            tls13_protection_set(&out, suite, &impl, s_ap);
            tls13_protection_set(&in, suite, &impl, s_ap);
            uint8_t rec[5 + 100 + 1 + 20 + 16];
            fill(rec + 5, 100);
            rec[5 + 99] |= 1;                   /* the content ends in a nonzero byte */
            SECRET(rec + 5, 100);
            size_t n = tls13_seal(&out, TLS13_CT_APPLICATION_DATA, rec, 100, i % 2 ? 20 : 0);
            PUBLIC(rec, n);                     /* the record as sent */
            uint8_t type;
            size_t len;
            enum tls13_open_result r = tls13_open(&in, rec, n, &type, &len);
            PUBLIC(&r, sizeof r);
            PUBLIC(&type, 1);
            PUBLIC(&len, sizeof len);
            expect(r == TLS13_OPEN_OK && len == 100 && type == TLS13_CT_APPLICATION_DATA, "a TLS 1.3 record did not round-trip");
            tls13_schedule_wipe(&ks);
        }
}

/* ---- the record ciphers ------------------------------------------------------ */

/* The AEADs tls_server.c selects, keys and plaintext secret: AES-GCM on
 * AES-NI and PCLMUL (and the portable pair of the Xen guest), ChaCha20 on
 * SSE2 with Poly1305 on 64-bit multiplies (and the portable ChaCha20). */
static void case_aead(void)
{
    const br_block_ctr_class *ctrs[] = {br_aes_x86ni_ctr_get_vtable(), &br_aes_ct64_ctr_vtable};
    br_ghash ghashes[] = {br_ghash_pclmul_get(), &br_ghash_ctmul64};
    br_chacha20_run chachas[] = {br_chacha20_sse2_get(), &br_chacha20_ct_run};
    br_poly1305_run poly = br_poly1305_ctmulq_get();
    expect(ctrs[0] && ghashes[0] && chachas[0] && poly, "no AES-NI, PCLMUL, SSE2 or ctmulq here");
    for (unsigned i = 0; i < rounds; i++)
        for (int v = 0; v < 2; v++) {
            uint8_t key[32], iv[12], aad[13], data[100], tag[16];
            fill(key, sizeof key);
            fill(iv, sizeof iv);
            fill(aad, sizeof aad);
            fill(data, sizeof data);
            if (ctrs[v] && ghashes[v]) {
                br_aes_gen_ctr_keys keys;
                br_gcm_context gc;
                SECRET(key, sizeof key);
                SECRET(data, sizeof data);
                ctrs[v]->init(&keys.vtable, key, v ? 16 : 32);
                br_gcm_init(&gc, &keys.vtable, ghashes[v]);
                br_gcm_reset(&gc, iv, sizeof iv);
                br_gcm_aad_inject(&gc, aad, sizeof aad);
                br_gcm_flip(&gc);
                br_gcm_run(&gc, 1, data, sizeof data);
                br_gcm_get_tag(&gc, tag);
                PUBLIC(data, sizeof data);      /* the record as sent */
                PUBLIC(tag, sizeof tag);
            }
            if (chachas[v] && poly) {
                SECRET(key, sizeof key);
                SECRET(data, sizeof data);
                poly(key, iv, data, sizeof data, aad, sizeof aad, tag, chachas[v], 1);
                PUBLIC(data, sizeof data);
                PUBLIC(tag, sizeof tag);
            }
        }
}

/* ---- the field arithmetic hooks ------------------------------------------ */

static void case_p256_field(void)
{
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t a[32], b[32], r[32];
        fill(a, sizeof a);
        fill(b, sizeof b);
        a[0] &= 0x7f;                           /* below p and n */
        b[0] &= 0x7f;
        SECRET(a, sizeof a);
        SECRET(b, sizeof b);
        p256_fp_add(r, a, b);
        p256_fp_sub(r, r, b);
        p256_fp_mul(r, r, b);
        p256_fp_mul(r, r, r);
        p256_fp_inv(r, r);
        p256_fn_mul(r, a, b);
        p256_fn_inv(r, r);
    }
}

/* ---- the self-check ------------------------------------------------------- */

/*
 * Deliberately leaky: a table lookup indexed by a secret byte and a branch
 * on a secret bit, the two faults the check exists to find. run.sh asserts
 * that valgrind reports this case, naming leaky_lookup, so a check that
 * had stopped seeing anything (valgrind missing its client requests, a
 * suppression too broad) fails rather than passing vacuously.
 */
static const uint8_t sbox[256] = {1, 2, 3, 4, 5, 6, 7, 8};

/* Out of line, so the compiler cannot turn the branch to it into a
 * branch-free select. */
__attribute__((noinline)) static void odd_step(unsigned *acc)
{
    *acc ^= 0x55;
}

__attribute__((noinline)) static unsigned leaky_lookup(const uint8_t *secret, size_t n)
{
    unsigned acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc += sbox[secret[i]];                 /* secret-dependent index */
        if (secret[i] & 1)                      /* secret-dependent branch */
            odd_step(&acc);
    }
    return acc;
}

static void case_leaky(void)
{
    uint8_t key[16];
    fill(key, sizeof key);
    SECRET(key, sizeof key);
    unsigned v = leaky_lookup(key, sizeof key);
    PUBLIC(&v, sizeof v);
    printf("ct_check: leaky result %u\n", v);
}

/* The same work in constant time: must draw no report, so that an allow
 * list or a valgrind that reports everything fails too. */
__attribute__((noinline)) static unsigned masked_lookup(const uint8_t *secret, size_t n)
{
    unsigned acc = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned s = secret[i], v = 0;
        for (unsigned j = 0; j < 256; j++) {
            unsigned mask = -(unsigned)(((s ^ j) - 1) >> 31 & 1);    /* all ones when s == j */
            v |= sbox[j] & mask;
        }
        acc += v;
        acc ^= 0x55 & -(s & 1);
    }
    return acc;
}

static void case_clean(void)
{
    uint8_t key[16];
    fill(key, sizeof key);
    unsigned want = leaky_lookup(key, sizeof key);
    SECRET(key, sizeof key);
    unsigned v = masked_lookup(key, sizeof key);
    PUBLIC(&v, sizeof v);
    expect(v == want, "masked_lookup differs from leaky_lookup");
}

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"x25519", case_x25519},
    {"p256_mulgen", case_p256_mulgen},
    {"p256_ecdh", case_p256_ecdh},
    {"ecdsa_sign", case_ecdsa_sign},
    {"acme_key", case_acme_key},
    {"acme_jws", case_acme_jws},
    {"acme_key_pem", case_acme_key_pem},
    {"tls12_prf", case_tls12_prf},
    {"hmac", case_hmac},
    {"hkdf", case_hkdf},
    {"p256_field", case_p256_field},
    {"aead", case_aead},
    {"tls13", case_tls13},
    {"selfcheck_leaky", case_leaky},
    {"selfcheck_clean", case_clean},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ct_check CASE [ROUNDS] | list\n");
        return 2;
    }
    if (argc > 2)
        rounds = (unsigned)strtoul(argv[2], NULL, 10);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(argv[1], "list") == 0) {
            printf("%s\n", cases[i].name);
        } else if (strcmp(argv[1], cases[i].name) == 0) {
            p256_precompute();                  /* the table of multiples of G: no secret */
            printf("ct_check: SHA-256 through %s\n", sha256_ni_available() ? "SHA-NI" : "br_sha256");
            cases[i].run();
            return failures ? 1 : 0;
        }
    }
    if (strcmp(argv[1], "list") == 0)
        return 0;
    fprintf(stderr, "ct_check: no case %s\n", argv[1]);
    return 2;
}
