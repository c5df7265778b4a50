/*
 * NIST CAVP vectors for P-256 (FIPS 186-3 ECDSA SigGen, SigVer, KeyPair,
 * PKV, and the KAS ECC ZZOnly validity tests) from Debian's
 * python3-cryptography-vectors, converted at test time by
 * tests/nist/cavp_p256.py (read through a pipe; see its header for the
 * line format), against our P-256 code:
 *
 *   KeyPair   p256_mulgen(d) = Q (and through ec_impl_fast.mulgen)
 *   SigGen    NIST's k reproduced: p256_mulgen(k) gives R, p256_fn_* give
 *             S = (e + r*d)/k mod n; BearSSL's verifier accepts (R, S);
 *             and p256_ecdsa_sign_raw's own (RFC 6979) signature under d
 *             verifies and equals br_ecdsa_i31_sign_raw's, for SHA-1 to
 *             SHA-512 (the hash truncated to 256 bits)
 *   SigVer    br_ecdsa_i31_vrfy_raw over ec_impl_fast: P accepted, F refused
 *   PKV       public key validation where the TLS server does it: a point
 *             given to ec_impl_fast.mul is used (P) or refused (F)
 *   KAS       as the server in a key agreement: Z = x(dsIUT * QsCAVS) by
 *             ec_impl_fast.mul, QsIUT = p256_mulgen(dsIUT); a test passes
 *             when the point is taken, Z matches and the key pair holds
 *
 * A missing package (or python3) is a failed check, never a skip.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "check.h"
#include "crypto/ec_impl.h"
#include "crypto/p256.h"
#include "crypto/sha256_ni.h"

#define SCRIPT "python3 tests/nist/cavp_p256.py"

struct count {
    unsigned runs, wrong;
};

static void tally(struct count *c, int good, const char *what, unsigned line_no)
{
    c->runs++;
    if (!good) {
        c->wrong++;
        printf("# line %u of the converted vectors: %s\n", line_no, what);
    }
}

/* Hex into exactly len bytes, right-aligned (NIST drops leading zeros
 * from some values); 0 if it does not fit or is not hex. */
static int unhex_fixed(uint8_t *out, size_t len, const char *hex)
{
    size_t n = strlen(hex);
    if ((n + 1) / 2 > len)
        return 0;
    memset(out, 0, len);
    uint8_t *p = out + len - (n + 1) / 2;
    for (size_t i = 0; i < n; i++) {
        char c = hex[n - 1 - i];
        unsigned v = (c >= '0' && c <= '9') ? (unsigned)(c - '0')
                     : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
                     : (c >= 'A' && c <= 'F') ? (unsigned)(c - 'A' + 10) : 99;
        if (v > 15)
            return 0;
        p[(n + 1) / 2 - 1 - i / 2] |= (uint8_t)(v << (4 * (i % 2)));
    }
    return 1;
}

/* A message: any length. */
static uint8_t *unhex_alloc(const char *hex, size_t *len)
{
    *len = strlen(hex) / 2;
    uint8_t *b = malloc(*len + 1);
    if (!b || !unhex_fixed(b, *len, hex))
        abort();
    return b;
}

static const br_hash_class *hash_named(const char *name)
{
    if (strcmp(name, "SHA-1") == 0)
        return &br_sha1_vtable;
    if (strcmp(name, "SHA-224") == 0)
        return &br_sha224_vtable;
    if (strcmp(name, "SHA-256") == 0)
        return sha256_fast();
    if (strcmp(name, "SHA-384") == 0)
        return &br_sha384_vtable;
    if (strcmp(name, "SHA-512") == 0)
        return &br_sha512_vtable;
    return NULL;
}

static size_t hash_msg(const br_hash_class *hf, const char *msg_hex, uint8_t out[64])
{
    size_t len;
    uint8_t *msg = unhex_alloc(msg_hex, &len);
    br_hash_compat_context hc;
    hf->init(&hc.vtable);
    hf->update(&hc.vtable, msg, len);
    hf->out(&hc.vtable, out);
    free(msg);
    return (size_t)(hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

/* 0x04 || X || Y; 0 if a coordinate needs more than 32 bytes. */
static int point(uint8_t q[65], const char *x, const char *y)
{
    q[0] = 0x04;
    return unhex_fixed(q + 1, 32, x) && unhex_fixed(q + 33, 32, y);
}

/* r = a + b mod n, through p256_fn_reduce on the 33-byte sum. */
static void fn_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    uint8_t sum[33];
    unsigned c = 0;
    for (int i = 31; i >= 0; i--) {
        c += (unsigned)a[i] + b[i];
        sum[i + 1] = (uint8_t)c;
        c >>= 8;
    }
    sum[0] = (uint8_t)c;
    p256_fn_reduce(r, sum, sizeof sum);
}

static struct count keypair, siggen_key, siggen_r, siggen_s, siggen_vrfy, siggen_ours, sigver, pkv, kas;
static unsigned pkv_unencodable;

static void do_keypair(char **f, unsigned no)
{
    uint8_t d[32], q[65], r[65], r2[65];
    if (!unhex_fixed(d, 32, f[1]) || !point(q, f[2], f[3])) {
        tally(&keypair, 0, "unreadable", no);
        return;
    }
    p256_mulgen(r, d, 32);
    ec_impl_fast.mulgen(r2, d, 32, BR_EC_secp256r1);
    tally(&keypair, memcmp(r, q, 65) == 0 && memcmp(r2, q, 65) == 0, "p256_mulgen(d) != Q", no);
}

static void do_siggen(char **f, unsigned no)
{
    const br_hash_class *hf = hash_named(f[1]);
    uint8_t d[32], q[65], k[32], want_r[32], want_s[32], hash[64];
    if (!hf || !unhex_fixed(d, 32, f[3]) || !point(q, f[4], f[5]) || !unhex_fixed(k, 32, f[6]) ||
        !unhex_fixed(want_r, 32, f[7]) || !unhex_fixed(want_s, 32, f[8])) {
        tally(&siggen_key, 0, "unreadable", no);
        return;
    }
    size_t hlen = hash_msg(hf, f[2], hash);
    uint8_t g[65];
    p256_mulgen(g, d, 32);
    tally(&siggen_key, memcmp(g, q, 65) == 0, "p256_mulgen(d) != Q", no);

    /* r = x(kG) mod n. */
    uint8_t r[32], s[32], e[32], t[32], kinv[32];
    p256_mulgen(g, k, 32);
    p256_fn_reduce(r, g + 1, 32);
    tally(&siggen_r, memcmp(r, want_r, 32) == 0, "x(kG) mod n != R", no);

    /* s = (e + r*d)/k mod n, e the leftmost 256 bits of the hash. */
    p256_fn_reduce(e, hash, hlen < 32 ? hlen : 32);
    p256_fn_mul(t, r, d);
    fn_add(t, t, e);
    p256_fn_inv(kinv, k);
    p256_fn_mul(s, t, kinv);
    tally(&siggen_s, memcmp(s, want_s, 32) == 0, "(e + r*d)/k mod n != S", no);

    br_ec_public_key pk = {BR_EC_secp256r1, q, 65};
    uint8_t sig[64];
    memcpy(sig, want_r, 32);
    memcpy(sig + 32, want_s, 32);
    tally(&siggen_vrfy, br_ecdsa_i31_vrfy_raw(&ec_impl_fast, hash, hlen, &pk, sig, 64) == 1,
          "BearSSL refuses NIST's signature", no);

    /* Our own signature under d. */
    br_ec_private_key sk = {BR_EC_secp256r1, d, 32};
    uint8_t ours[64], ref[64];
    int ok = p256_ecdsa_sign_raw(hf, hash, &sk, ours) == 64 &&
             br_ecdsa_i31_sign_raw(&br_ec_all_m31, hf, hash, &sk, ref) == 64 && memcmp(ours, ref, 64) == 0 &&
             br_ecdsa_i31_vrfy_raw(&ec_impl_fast, hash, hlen, &pk, ours, 64) == 1;
    tally(&siggen_ours, ok, "p256_ecdsa_sign_raw's signature is wrong", no);
}

static void do_sigver(char **f, unsigned no)
{
    const br_hash_class *hf = hash_named(f[1]);
    uint8_t q[65], sig[64], hash[64];
    if (!hf || !point(q, f[3], f[4]) || !unhex_fixed(sig, 32, f[5]) || !unhex_fixed(sig + 32, 32, f[6])) {
        tally(&sigver, 0, "unreadable", no);
        return;
    }
    size_t hlen = hash_msg(hf, f[2], hash);
    br_ec_public_key pk = {BR_EC_secp256r1, q, 65};
    int accepted = br_ecdsa_i31_vrfy_raw(&ec_impl_fast, hash, hlen, &pk, sig, 64) == 1;
    tally(&sigver, accepted == (f[7][0] == 'P'), accepted ? "invalid signature accepted" : "valid signature refused",
          no);
}

static void do_pkv(char **f, unsigned no)
{
    static const uint8_t key[32] = {[31] = 7};
    uint8_t q[65];
    int want = f[3][0] == 'P';
    if (!point(q, f[1], f[2])) {
        /* A coordinate of 2^256 or more has no uncompressed encoding: a
         * peer cannot send it, so only the "F" verdict can hold. */
        pkv_unencodable++;
        tally(&pkv, !want, "valid point not encodable", no);
        return;
    }
    int accepted = ec_impl_fast.mul(q, 65, key, sizeof key, BR_EC_secp256r1) == 1;
    tally(&pkv, accepted == want, accepted ? "invalid point accepted" : "valid point refused", no);
}

static void do_kas(char **f, unsigned no)
{
    uint8_t ds_cavs[32], q_cavs[65], ds_iut[32], q_iut[65], z[32], g[65];
    if (!unhex_fixed(ds_cavs, 32, f[1]) || !point(q_cavs, f[2], f[3]) || !unhex_fixed(ds_iut, 32, f[4]) ||
        !point(q_iut, f[5], f[6]) || !unhex_fixed(z, 32, f[7])) {
        tally(&kas, 0, "unreadable", no);
        return;
    }
    (void)ds_cavs;      /* the other side's key: not ours to use */
    size_t xlen, xoff = ec_impl_fast.xoff(BR_EC_secp256r1, &xlen);
    int taken = ec_impl_fast.mul(q_cavs, 65, ds_iut, 32, BR_EC_secp256r1) == 1;
    p256_mulgen(g, ds_iut, 32);
    int accepted = taken && xlen == 32 && memcmp(q_cavs + xoff, z, 32) == 0 && memcmp(g, q_iut, 65) == 0;
    tally(&kas, accepted == (f[8][0] == 'P'), accepted ? "failing test accepted" : "passing test refused", no);
}

static void report(const char *name, const struct count *c)
{
    char line[200];
    snprintf(line, sizeof line, "nist %s: %u vectors, %u wrong", name, c->runs, c->wrong);
    CHECK(line, c->runs > 0 && c->wrong == 0);
}

int main(void)
{
    FILE *p = popen(SCRIPT, "r");
    if (!p) {
        printf("not ok - nist: cannot run %s\n", SCRIPT);
        return 1;
    }
    char line[8192];
    unsigned no = 0, files = 0;
    while (fgets(line, sizeof line, p)) {
        char *f[10] = {0};
        int n = 0;
        no++;
        for (char *tok = strtok(line, " \n"); tok && n < 10; tok = strtok(NULL, " \n"))
            f[n++] = tok;
        if (n == 0)
            continue;
        if (strcmp(f[0], "keypair") == 0 && n == 4)
            do_keypair(f, no);
        else if (strcmp(f[0], "siggen") == 0 && n == 9)
            do_siggen(f, no);
        else if (strcmp(f[0], "sigver") == 0 && n == 8)
            do_sigver(f, no);
        else if (strcmp(f[0], "pkv") == 0 && n == 4)
            do_pkv(f, no);
        else if (strcmp(f[0], "kas") == 0 && n == 9)
            do_kas(f, no);
        else if (strcmp(f[0], "files") == 0 && n == 2)
            files = (unsigned)atoi(f[1]);
        else
            printf("# line %u of the converted vectors not understood: %s\n", no, f[0]);
    }
    int status = pclose(p);
    if (status != 0 || files == 0) {
        printf("not ok - nist: %s failed (status %d): is python3-cryptography-vectors installed? "
               "(tools/deps.sh installs it)\n", SCRIPT, status);
        return 1;
    }
    CHECK("nist: the converter read its 6 files", files == 6);
    report("KeyPair.rsp [P-256] (p256_mulgen)", &keypair);
    report("SigGen.txt [P-256] Q = d*G (p256_mulgen)", &siggen_key);
    report("SigGen.txt [P-256] R from NIST's k (p256_mulgen, p256_fn_reduce)", &siggen_r);
    report("SigGen.txt [P-256] S from NIST's k (p256_fn_mul, p256_fn_inv)", &siggen_s);
    report("SigGen.txt [P-256] NIST's signature verified (br_ecdsa_i31_vrfy_raw)", &siggen_vrfy);
    report("SigGen.txt [P-256] messages signed by p256_ecdsa_sign_raw, verified, equal to BearSSL's", &siggen_ours);
    report("SigVer.rsp [P-256] (br_ecdsa_i31_vrfy_raw over ec_impl_fast)", &sigver);
    char name[160];
    snprintf(name, sizeof name, "PKV.rsp [P-256] points through ec_impl_fast.mul (%u not encodable)", pkv_unencodable);
    report(name, &pkv);
    report("KAS ECC ZZOnly [EC] Z by ec_impl_fast.mul, key pair by p256_mulgen", &kas);
    return CHECK_DONE();
}
