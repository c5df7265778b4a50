/*
 * Project Wycheproof's vectors (tests/vectors/wycheproof/, Apache-2.0, see
 * its LICENSE) run against exactly the code the TLS server runs:
 *
 *   X25519            x25519_mul (through ec_impl_fast.mul as BearSSL calls it)
 *   P-256 ECDH        ec_impl_fast.mul on the peer's point as sent in a
 *                     ClientKeyExchange, then xoff: BearSSL's do_ecdhe_part2
 *   ECDSA P-256       BearSSL's br_ecdsa_i31_vrfy_asn1/_raw over ec_impl_fast
 *                     (the verifier our tests hold p256.c's signatures to), and
 *                     p256_ecdsa_sign_raw signing each vector's message
 *   HKDF-SHA256/384   br_hkdf (SHA-256 through sha256_fast(), as ours hashes)
 *   HMAC-SHA256/384   br_hmac with sha256_fast() (tls12_prf.c, tcp_keyed_hash.c)
 *                     and br_sha384_vtable, tags compared with secret_equal
 *   AES-GCM           br_gcm over the AES-CTR and GHASH tls_server.c selects:
 *                     x86ni + pclmul where the CPU has them, and the portable
 *                     pair (aes_ct64 + ghash_ctmul64) the Xen guest is built with
 *   ChaCha20-Poly1305 the poly1305 run function with its chacha20 run function,
 *                     as the record layer calls them: sse2 + ctmulq, and
 *                     the portable chacha20_ct + ctmulq of the Xen guest
 *
 * Every "valid" test must be accepted with the expected output, every
 * "invalid" one refused. "acceptable" ones get a fixed answer, decided
 * per flag and written where it is checked (X25519 and P-256 ECDH only).
 * One "ok -" line per file and implementation, with the counts; each
 * failing test is named on a "# " line above its file's "not ok".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "check.h"
#include "crypto/ec_impl.h"
#include "crypto/p256.h"
#include "crypto/secret_bytes.h"
#include "crypto/sha256_ni.h"
#include "crypto/x25519.h"
#include "json_mini.h"

#define VECTORS "tests/vectors/wycheproof/"

/* ---- counting ------------------------------------------------------------ */

struct tally {
    unsigned valid, invalid, acceptable, failed;
};

/* Records one test's outcome: accepted is what our code did; the vector's
 * result (and, for "acceptable", want_acceptable: our documented choice)
 * says what it should have done. */
static void judge(struct tally *t, const json *test, int accepted, int want_acceptable, const char *detail)
{
    const char *result = json_str(test, "result");
    int want;
    if (strcmp(result, "valid") == 0) {
        t->valid++;
        want = 1;
    } else if (strcmp(result, "invalid") == 0) {
        t->invalid++;
        want = 0;
    } else {
        t->acceptable++;
        want = want_acceptable;
    }
    if (accepted != want) {
        t->failed++;
        printf("# tcId %ld (%s, %s): %s%s%s\n", json_long(test, "tcId"), result, json_str(test, "comment"),
               accepted ? "accepted" : "refused", detail ? ": " : "", detail ? detail : "");
    }
}

static void report(const char *name, const struct tally *t)
{
    char line[256];
    snprintf(line, sizeof line, "wycheproof %s: %u valid, %u invalid, %u acceptable, %u wrong", name, t->valid,
             t->invalid, t->acceptable, t->failed);
    CHECK(line, t->failed == 0 && t->valid + t->invalid + t->acceptable > 0);
}

/* ---- input ----------------------------------------------------------------- */

/* A hex string as bytes (malloc'd, never NULL: at least one byte is
 * allocated, so an empty value still has an address). */
static uint8_t *unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    uint8_t *b = malloc(n + 1);
    if (!b)
        abort();
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            abort();
        b[i] = (uint8_t)v;
    }
    *len = n;
    return b;
}

/* A big-endian integer with its leading zero bytes dropped (Wycheproof
 * writes private keys as signed ASN.1 integers: a 00 may lead). */
static const uint8_t *strip_zeros(const uint8_t *b, size_t *len)
{
    while (*len > 0 && b[0] == 0) {
        b++;
        (*len)--;
    }
    return b;
}

/* The file's root object and its first group, or NULL (with a not ok). */
static json *load(const char *file)
{
    char path[256];
    snprintf(path, sizeof path, VECTORS "%s", file);
    size_t len;
    char *text = json_read_file(path, &len);
    if (!text) {
        printf("not ok - wycheproof %s: cannot read %s (run from the source tree)\n", file, path);
        check_failures++;
        return NULL;
    }
    const char *error = "?";
    json *root = json_parse(text, len, &error);
    free(text);
    if (!root || !json_get(root, "testGroups")) {
        printf("not ok - wycheproof %s: not a vector file: %s\n", file, error);
        check_failures++;
        json_free(root);
        return NULL;
    }
    return root;
}

#define FOR_EACH_TEST(root, group, test)                                                          \
    for (const json *group = json_get(root, "testGroups")->child; group; group = group->next)    \
        for (const json *test = json_get(group, "tests") ? json_get(group, "tests")->child : NULL; \
             test; test = test->next)

/* ---- X25519 ------------------------------------------------------------- */

/*
 * Acceptable flags, and what we do:
 *   ZeroSharedSecret (always with LowOrderPublic): refused. x25519_mul
 *     returns 0 for an all-zero product (RFC 7748 6.1, RFC 8422 5.11) and
 *     BearSSL then fails the handshake.
 *   Twist, NonCanonicalPublic, SmallPublicKey, SpecialPublicKey,
 *     EdgeCaseShared, EdgeCaseMultiplication (without a zero secret):
 *     accepted, with the RFC 7748 result: the u-coordinate is used as it
 *     comes (top bit masked, reduced mod p), as RFC 7748 5 prescribes.
 */
static void run_x25519(void)
{
    json *root = load("x25519_test.json");
    if (!root)
        return;
    struct tally t = {0};
    FOR_EACH_TEST(root, group, test)
    {
        size_t pub_len, priv_len, shared_len;
        uint8_t *pub = unhex(json_str(test, "public"), &pub_len);
        uint8_t *priv = unhex(json_str(test, "private"), &priv_len);
        uint8_t *shared = unhex(json_str(test, "shared"), &shared_len);
        int want_acceptable = !json_has_flag(test, "flags", "ZeroSharedSecret");
        uint8_t g[32] = {0};
        memcpy(g, pub, pub_len < 32 ? pub_len : 32);
        uint32_t ok = ec_impl_fast.mul(g, pub_len, priv, priv_len, BR_EC_curve25519);
        int accepted = ok == 1 && shared_len == 32 && memcmp(g, shared, 32) == 0;
        /* The direct call must agree with the vtable's. */
        uint8_t g2[32] = {0};
        memcpy(g2, pub, pub_len < 32 ? pub_len : 32);
        if (x25519_mul(g2, pub_len, priv, priv_len) != ok || (ok && memcmp(g, g2, 32) != 0))
            accepted = -1;
        judge(&t, test, accepted, want_acceptable, ok ? "wrong shared secret" : "x25519_mul returned 0");
        free(pub);
        free(priv);
        free(shared);
    }
    report("x25519_test.json (x25519_mul)", &t);
    json_free(root);
}

/* ---- P-256 ECDH ----------------------------------------------------------- */

/*
 * The peer's point goes to ec_impl_fast.mul as the TLS server passes the
 * ClientKeyExchange's point (BearSSL's do_ecdhe_part2): encoded as sent,
 * our ephemeral key as the multiplier; the shared secret is X, at xoff.
 * Acceptable flags:
 *   CompressedPublic (a compressed point): refused. RFC 8422 5.1.2 has
 *     TLS 1.2 peers send uncompressed points only, and BearSSL decodes no
 *     other form.
 */
static void run_ecdh_p256(void)
{
    json *root = load("ecdh_secp256r1_ecpoint_test.json");
    if (!root)
        return;
    struct tally t = {0};
    FOR_EACH_TEST(root, group, test)
    {
        size_t pub_len, priv_len, shared_len;
        uint8_t *pub = unhex(json_str(test, "public"), &pub_len);
        uint8_t *priv = unhex(json_str(test, "private"), &priv_len);
        uint8_t *shared = unhex(json_str(test, "shared"), &shared_len);
        const uint8_t *k = strip_zeros(priv, &priv_len);
        uint32_t ok = ec_impl_fast.mul(pub, pub_len, k, priv_len, BR_EC_secp256r1);
        size_t xlen, xoff = ec_impl_fast.xoff(BR_EC_secp256r1, &xlen);
        int accepted = ok == 1 && shared_len == xlen && pub_len >= xoff + xlen &&
                       memcmp(pub + xoff, shared, xlen) == 0;
        judge(&t, test, accepted, 0, ok ? "wrong shared secret" : "point refused");
        free(pub);
        free(priv);
        free(shared);
    }
    report("ecdh_secp256r1_ecpoint_test.json (ec_impl_fast.mul)", &t);
    json_free(root);
}

/* ---- ECDSA P-256 --------------------------------------------------------------- */

/* Keys for the signing half: every valid private key of the ECDH file,
 * public key by p256_mulgen. Filled by collect_sign_keys. */
#define SIGN_KEYS 8
static uint8_t sign_keys[SIGN_KEYS][32];
static size_t sign_key_count;

static void collect_sign_keys(void)
{
    json *root = load("ecdh_secp256r1_ecpoint_test.json");
    if (!root)
        return;
    FOR_EACH_TEST(root, group, test)
    {
        if (sign_key_count == SIGN_KEYS || strcmp(json_str(test, "result"), "valid") != 0)
            continue;
        size_t len;
        uint8_t *priv = unhex(json_str(test, "private"), &len);
        const uint8_t *k = strip_zeros(priv, &len);
        if (len <= 32) {
            memset(sign_keys[sign_key_count], 0, 32);
            memcpy(sign_keys[sign_key_count] + 32 - len, k, len);
            sign_key_count++;
        }
        free(priv);
    }
    json_free(root);
}

/* Signs hash with p256_ecdsa_sign_raw under key number i; the signature
 * must verify (BearSSL) and equal BearSSL's own RFC 6979 signature. */
static int sign_and_verify(size_t i, const uint8_t hash[32])
{
    br_ec_private_key sk = {BR_EC_secp256r1, sign_keys[i], 32};
    uint8_t q[65], sig[64], ref[64];
    p256_mulgen(q, sign_keys[i], 32);
    br_ec_public_key pk = {BR_EC_secp256r1, q, sizeof q};
    if (p256_ecdsa_sign_raw(sha256_fast(), hash, &sk, sig) != 64)
        return 0;
    if (br_ecdsa_i31_sign_raw(&br_ec_all_m31, &br_sha256_vtable, hash, &sk, ref) != 64)
        return 0;
    return memcmp(sig, ref, 64) == 0 && br_ecdsa_i31_vrfy_raw(&ec_impl_fast, hash, 32, &pk, sig, 64) == 1;
}

/*
 * BearSSL's ECDSA verifiers decode leniently: br_ecdsa_asn1_to_raw takes
 * BER where DER is due (a long-form length, extra leading zero bytes, an
 * integer missing the 00 that keeps it positive), and br_ecdsa_i31_vrfy_raw
 * takes r || s at any even length, as long as each half holds its value.
 * Wycheproof calls those encodings invalid; the (r, s) inside is valid,
 * so accepting them forges nothing, but it makes an encoded signature
 * malleable. unihost verifies no ECDSA signature itself (the server signs;
 * it asks for no client certificate), so that stays BearSSL's behaviour.
 * This pins it down: an invalid vector BearSSL accepts must be exactly
 * such an encoding -- it differs from the canonical encoding of the same
 * (r, s), which verifies. Any other accepted invalid vector fails.
 */
static int lenient_encoding(const uint8_t hash[32], const br_ec_public_key *pk, const uint8_t *sig, size_t sig_len,
                            int p1363)
{
    uint8_t raw[140], canon[140];
    size_t raw_len;
    if (sig_len > sizeof raw)
        return 0;
    memcpy(raw, sig, sig_len);
    if (p1363) {
        /* Each half as a 32-byte integer: it must hold no more than that. */
        size_t half = sig_len / 2;
        if (sig_len % 2 || sig_len == 64)
            return 0;
        uint8_t fixed[64] = {0};
        for (int h = 0; h < 2; h++) {
            const uint8_t *v = sig + h * half;
            size_t n = half;
            while (n > 32 && *v == 0) {
                v++;
                n--;
            }
            if (n > 32)
                return 0;
            memcpy(fixed + h * 32 + 32 - n, v, n);
        }
        memcpy(canon, fixed, 64);
        return br_ecdsa_i31_vrfy_raw(&ec_impl_fast, hash, 32, pk, canon, 64) == 1;
    }
    raw_len = br_ecdsa_asn1_to_raw(raw, sig_len);
    if (raw_len == 0)
        return 0;
    memcpy(canon, raw, raw_len);
    size_t canon_len = br_ecdsa_raw_to_asn1(canon, raw_len);
    if (canon_len == sig_len && memcmp(canon, sig, sig_len) == 0)
        return 0;                   /* canonical already: an accepted invalid one is a real failure */
    return br_ecdsa_i31_vrfy_asn1(&ec_impl_fast, hash, 32, pk, canon, canon_len) == 1;
}

static void run_ecdsa(const char *file, int p1363)
{
    json *root = load(file);
    if (!root)
        return;
    struct tally t = {0};
    unsigned signed_count = 0, sign_failed = 0, lenient = 0;
    FOR_EACH_TEST(root, group, test)
    {
        const json *key = json_get(group, "publicKey");
        size_t q_len, msg_len, sig_len;
        uint8_t *q = unhex(json_str(key, "uncompressed"), &q_len);
        uint8_t *msg = unhex(json_str(test, "msg"), &msg_len);
        uint8_t *sig = unhex(json_str(test, "sig"), &sig_len);
        int curve_ok = strcmp(json_str(key, "curve"), "secp256r1") == 0 && strcmp(json_str(group, "sha"), "SHA-256") == 0;
        br_ec_public_key pk = {BR_EC_secp256r1, q, q_len};
        uint8_t hash[32];
        br_sha256_context hc;
        br_sha256_init(&hc);
        br_sha256_update(&hc, msg, msg_len);
        br_sha256_out(&hc, hash);
        uint32_t ok = p1363 ? br_ecdsa_i31_vrfy_raw(&ec_impl_fast, hash, sizeof hash, &pk, sig, sig_len)
                            : br_ecdsa_i31_vrfy_asn1(&ec_impl_fast, hash, sizeof hash, &pk, sig, sig_len);
        int accepted = curve_ok && ok == 1;
        if (accepted && strcmp(json_str(test, "result"), "invalid") == 0 &&
            lenient_encoding(hash, &pk, sig, sig_len, p1363)) {
            lenient++;              /* see lenient_encoding: counted, not judged */
            accepted = 0;
        }
        judge(&t, test, accepted, 0, "by br_ecdsa_i31_vrfy");
        /* Our signer over the same message, under a few keys in turn. */
        if (sign_key_count > 0) {
            signed_count++;
            if (!sign_and_verify(signed_count % sign_key_count, hash)) {
                sign_failed++;
                printf("# tcId %ld: p256_ecdsa_sign_raw's signature of its message is wrong\n",
                       json_long(test, "tcId"));
            }
        }
        free(q);
        free(msg);
        free(sig);
    }
    char name[256];
    snprintf(name, sizeof name, "%s (br_ecdsa_i31_vrfy_%s over ec_impl_fast; %u of the invalid are "
             "non-canonical encodings of a valid signature, which BearSSL accepts)",
             file, p1363 ? "raw" : "asn1", lenient);
    report(name, &t);
    snprintf(name, sizeof name, "wycheproof %s messages signed by p256_ecdsa_sign_raw, verified by BearSSL and "
             "equal to br_ecdsa_i31_sign_raw's: %u signed, %u wrong", file, signed_count, sign_failed);
    CHECK(name, signed_count > 0 && sign_failed == 0);
    json_free(root);
}

/* ---- HKDF and HMAC --------------------------------------------------------------- */

static void run_hkdf(const char *file, const br_hash_class *hash, const char *hash_name)
{
    json *root = load(file);
    if (!root)
        return;
    struct tally t = {0};
    FOR_EACH_TEST(root, group, test)
    {
        size_t ikm_len, salt_len, info_len, okm_len;
        uint8_t *ikm = unhex(json_str(test, "ikm"), &ikm_len);
        uint8_t *salt = unhex(json_str(test, "salt"), &salt_len);
        uint8_t *info = unhex(json_str(test, "info"), &info_len);
        uint8_t *okm = unhex(json_str(test, "okm"), &okm_len);
        size_t size = (size_t)json_long(test, "size");
        uint8_t *out = malloc(size + 1);
        if (!out)
            abort();
        br_hkdf_context hc;
        /* An empty salt is HMAC's all-zero key, RFC 5869 2.2's default:
         * BearSSL pads the empty key with zeros, so no BR_HKDF_NO_SALT. */
        br_hkdf_init(&hc, hash, salt, salt_len);
        br_hkdf_inject(&hc, ikm, ikm_len);
        br_hkdf_flip(&hc);
        /* br_hkdf_produce stops at 255 blocks (RFC 5869's limit) and says
         * how much it made: a short output is a refusal. */
        size_t made = br_hkdf_produce(&hc, info, info_len, out, size);
        int accepted = made == size && okm_len == size && memcmp(out, okm, size) == 0;
        judge(&t, test, accepted, 0, made != size ? "short output" : "wrong output");
        free(ikm);
        free(salt);
        free(info);
        free(okm);
        free(out);
    }
    char name[128];
    snprintf(name, sizeof name, "%s (br_hkdf, %s)", file, hash_name);
    report(name, &t);
    json_free(root);
}

static void run_hmac(const char *file, const br_hash_class *hash, const char *hash_name)
{
    json *root = load(file);
    if (!root)
        return;
    struct tally t = {0};
    FOR_EACH_TEST(root, group, test)
    {
        size_t key_len, msg_len, tag_len;
        uint8_t *key = unhex(json_str(test, "key"), &key_len);
        uint8_t *msg = unhex(json_str(test, "msg"), &msg_len);
        uint8_t *tag = unhex(json_str(test, "tag"), &tag_len);
        size_t tag_size = (size_t)json_long(group, "tagSize") / 8;
        br_hmac_key_context kc;
        br_hmac_context hc;
        uint8_t out[64];
        br_hmac_key_init(&kc, hash, key, key_len);
        br_hmac_init(&hc, &kc, tag_size);               /* truncated as the group says */
        br_hmac_update(&hc, msg, msg_len);
        size_t n = br_hmac_out(&hc, out);
        int accepted = n == tag_size && tag_len == tag_size && secret_equal(out, tag, tag_size);
        judge(&t, test, accepted, 0, "tag mismatch");
        free(key);
        free(msg);
        free(tag);
    }
    char name[128];
    snprintf(name, sizeof name, "%s (br_hmac, %s)", file, hash_name);
    report(name, &t);
    json_free(root);
}

/* ---- AEADs ------------------------------------------------------------------------- */

struct aead_vector {
    uint8_t *key, *iv, *aad, *msg, *ct, *tag;
    size_t key_len, iv_len, aad_len, msg_len, ct_len, tag_len;
};

static void aead_load(struct aead_vector *v, const json *test)
{
    v->key = unhex(json_str(test, "key"), &v->key_len);
    v->iv = unhex(json_str(test, "iv"), &v->iv_len);
    v->aad = unhex(json_str(test, "aad"), &v->aad_len);
    v->msg = unhex(json_str(test, "msg"), &v->msg_len);
    v->ct = unhex(json_str(test, "ct"), &v->ct_len);
    v->tag = unhex(json_str(test, "tag"), &v->tag_len);
}

static void aead_free(struct aead_vector *v)
{
    free(v->key);
    free(v->iv);
    free(v->aad);
    free(v->msg);
    free(v->ct);
    free(v->tag);
}

/* The AES-CTR and GHASH pair under test, keyed per vector. */
struct gcm_impl {
    const char *name;
    const br_block_ctr_class *ctr;
    br_ghash ghash;
};

/*
 * Decryption must authenticate ct and tag and give msg back; for a valid
 * vector, encryption must also give ct and tag. A zero-length IV is
 * refused before BearSSL sees it: SP 800-38D 5.2.1.1 asks for at least
 * one bit and br_gcm_reset does not check (the record layer always uses
 * 12 bytes: 4 from the key block, 8 explicit).
 */
static int gcm_one(const void *impl_arg, const struct aead_vector *v, int valid)
{
    const struct gcm_impl *impl = impl_arg;
    if (v->iv_len == 0 || v->ct_len != v->msg_len || v->tag_len > 16)
        return 0;
    br_aes_gen_ctr_keys keys;
    impl->ctr->init(&keys.vtable, v->key, v->key_len);
    br_gcm_context gc;
    br_gcm_init(&gc, &keys.vtable, impl->ghash);
    uint8_t *buf = malloc(v->ct_len + 1);
    if (!buf)
        abort();
    memcpy(buf, v->ct, v->ct_len);
    br_gcm_reset(&gc, v->iv, v->iv_len);
    br_gcm_aad_inject(&gc, v->aad, v->aad_len);
    br_gcm_flip(&gc);
    br_gcm_run(&gc, 0, buf, v->ct_len);
    int accepted = br_gcm_check_tag_trunc(&gc, v->tag, v->tag_len) == 1 && memcmp(buf, v->msg, v->msg_len) == 0;
    if (accepted && valid) {
        uint8_t tag[16];
        memcpy(buf, v->msg, v->msg_len);
        br_gcm_reset(&gc, v->iv, v->iv_len);
        br_gcm_aad_inject(&gc, v->aad, v->aad_len);
        br_gcm_flip(&gc);
        br_gcm_run(&gc, 1, buf, v->msg_len);
        br_gcm_get_tag(&gc, tag);
        if (memcmp(buf, v->ct, v->ct_len) != 0 || memcmp(tag, v->tag, v->tag_len) != 0)
            accepted = -1;          /* decrypts but does not encrypt to the same: wrong either way */
    }
    free(buf);
    return accepted;
}

/*
 * Every vector of one AEAD file against one implementation: `one` says
 * whether it accepted the vector (1), refused it (0) or got it wrong either
 * way (-1), and the tally judges that against the vector's result.
 */
typedef int aead_check(const void *impl, const struct aead_vector *v, int valid);

static void run_aead(const char *file, const char *impl_name, aead_check *one, const void *impl)
{
    json *root = load(file);
    if (!root)
        return;
    struct tally t = {0};
    FOR_EACH_TEST(root, group, test)
    {
        struct aead_vector v;
        aead_load(&v, test);
        judge(&t, test, one(impl, &v, strcmp(json_str(test, "result"), "valid") == 0), 0, NULL);
        aead_free(&v);
    }
    char name[128];
    snprintf(name, sizeof name, "%s (%s)", file, impl_name);
    report(name, &t);
    json_free(root);
}

static void run_gcm(const struct gcm_impl *impl)
{
    run_aead("aes_gcm_test.json", impl->name, gcm_one, impl);
}

struct chapol_impl {
    const char *name;
    br_chacha20_run chacha20;
    br_poly1305_run poly1305;
};

/*
 * As the record layer calls it: the poly1305 run function encrypts or
 * decrypts with the chacha20 run function and computes the tag, which is
 * then compared in constant time. Its interface takes a 12-byte nonce and
 * nothing else (RFC 8439), so other lengths are refused before the call,
 * as the record layer's fixed 12-byte IV makes them impossible there.
 */
static int chapol_one(const void *impl_arg, const struct aead_vector *v, int valid)
{
    const struct chapol_impl *impl = impl_arg;
    if (v->iv_len != 12 || v->key_len != 32 || v->ct_len != v->msg_len || v->tag_len != 16)
        return 0;
    uint8_t *buf = malloc(v->ct_len + 1);
    if (!buf)
        abort();
    uint8_t tag[16];
    memcpy(buf, v->ct, v->ct_len);
    impl->poly1305(v->key, v->iv, buf, v->ct_len, v->aad, v->aad_len, tag, impl->chacha20, 0);
    int accepted = secret_equal(tag, v->tag, 16) && memcmp(buf, v->msg, v->msg_len) == 0;
    if (accepted && valid) {
        memcpy(buf, v->msg, v->msg_len);
        impl->poly1305(v->key, v->iv, buf, v->msg_len, v->aad, v->aad_len, tag, impl->chacha20, 1);
        if (memcmp(buf, v->ct, v->ct_len) != 0 || memcmp(tag, v->tag, 16) != 0)
            accepted = -1;
    }
    free(buf);
    return accepted;
}

static void run_chapol(const struct chapol_impl *impl)
{
    run_aead("chacha20_poly1305_test.json", impl->name, chapol_one, impl);
}

int main(void)
{
    run_x25519();
    run_ecdh_p256();

    collect_sign_keys();
    CHECK("wycheproof: private keys for the signing checks", sign_key_count == SIGN_KEYS);
    run_ecdsa("ecdsa_secp256r1_sha256_test.json", 0);
    run_ecdsa("ecdsa_secp256r1_sha256_p1363_test.json", 1);

    run_hkdf("hkdf_sha256_test.json", sha256_fast(), sha256_ni_available() ? "SHA-NI" : "br_sha256");
    run_hkdf("hkdf_sha384_test.json", &br_sha384_vtable, "br_sha384");
    run_hmac("hmac_sha256_test.json", sha256_fast(), sha256_ni_available() ? "SHA-NI" : "br_sha256");
    run_hmac("hmac_sha256_test.json", &br_sha256_vtable, "br_sha256");
    run_hmac("hmac_sha384_test.json", &br_sha384_vtable, "br_sha384");

    /* The tap build's choice (tls_server.c: x86ni and pclmul when the CPU
     * has them) and the Xen guest's (built with BR_AES_X86NI=0 and
     * BR_SSE2=0: ct64, ctmul64, chacha20_ct; ctmulq needs only 64-bit
     * multiplies, so both have it). */
    const br_block_ctr_class *x86ni = br_aes_x86ni_ctr_get_vtable();
    br_ghash pclmul = br_ghash_pclmul_get();
    if (x86ni && pclmul)
        run_gcm(&(struct gcm_impl){"aes_x86ni_ctr + ghash_pclmul", x86ni, pclmul});
    else
        printf("# no AES-NI/PCLMUL here: the TLS server runs the portable pair below\n");
    run_gcm(&(struct gcm_impl){"aes_ct64_ctr + ghash_ctmul64", &br_aes_ct64_ctr_vtable, &br_ghash_ctmul64});

    br_chacha20_run sse2 = br_chacha20_sse2_get();
    br_poly1305_run ctmulq = br_poly1305_ctmulq_get();
    CHECK("wycheproof: poly1305_ctmulq available (both builds use it)", ctmulq != 0);
    if (sse2 && ctmulq)
        run_chapol(&(struct chapol_impl){"chacha20_sse2 + poly1305_ctmulq", sse2, ctmulq});
    if (ctmulq)
        run_chapol(&(struct chapol_impl){"chacha20_ct + poly1305_ctmulq", &br_chacha20_ct_run, ctmulq});
    run_chapol(&(struct chapol_impl){"chacha20_ct + poly1305_ctmul", &br_chacha20_ct_run, &br_poly1305_ctmul_run});
    return CHECK_DONE();
}
