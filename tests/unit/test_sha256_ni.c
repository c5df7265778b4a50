/*
 * SHA-256 on SHA-NI (src/crypto/sha256_ni.c) and the TLS 1.2 PRF on it
 * (src/crypto/tls12_prf.c): FIPS 180-2's examples, and byte-for-byte
 * agreement with BearSSL's br_sha256_vtable and br_tls12_sha256_prf over
 * every length up to several blocks, random splits of the input, the
 * state()/set_state() exchange that HMAC and the handshake hash rely on,
 * HMAC, and PRF outputs of every length a handshake asks for and more.
 */
#include <stdint.h>
#include <string.h>

#include <bearssl.h>

#include "check.h"
#include "crypto/sha256_ni.h"
#include "crypto/tls12_prf.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Du;     /* xorshift64: failures reproduce */

static uint64_t rnd64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void rnd_bytes(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)rnd64();
}

static void hash_with(const br_hash_class *vt, const void *data, size_t len, unsigned char out[32])
{
    br_sha256_context ctx;
    vt->init(&ctx.vtable);
    vt->update(&ctx.vtable, data, len);
    vt->out(&ctx.vtable, out);
}

static int eq_hex(const unsigned char *b, const char *hex)
{
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || b[i] != v)
            return 0;
    }
    return 1;
}

/* FIPS 180-2 appendix B: "abc", the 448-bit message, a million 'a's
 * (fed in uneven pieces); and the empty message. */
static void check_vectors(const br_hash_class *vt)
{
    unsigned char out[32];
    hash_with(vt, "abc", 3, out);
    CHECK("fips 180-2 B.1 \"abc\"",
          eq_hex(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hash_with(vt, two_blocks, strlen(two_blocks), out);
    CHECK("fips 180-2 B.2 (448 bits: the padding takes a second block)",
          eq_hex(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    hash_with(vt, "", 0, out);
    CHECK("empty message",
          eq_hex(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    unsigned char a[1000];
    memset(a, 'a', sizeof a);
    br_sha256_context ctx;
    vt->init(&ctx.vtable);
    size_t left = 1000000;
    for (size_t piece = 1; left > 0; piece = piece % 997 + 1) {
        size_t n = piece < left ? piece : left;
        vt->update(&ctx.vtable, a, n);
        left -= n;
    }
    vt->out(&ctx.vtable, out);
    CHECK("fips 180-2 B.3 (a million 'a', in pieces of 1..997 bytes)",
          eq_hex(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

/* Every length 0..600, the input fed whole and in random pieces, against
 * BearSSL; out() must also leave the context usable for more input. */
static int agrees_on_lengths(const br_hash_class *vt)
{
    unsigned char data[600], want[32], got[32];
    rnd_bytes(data, sizeof data);
    for (size_t len = 0; len <= sizeof data; len++) {
        hash_with(&br_sha256_vtable, data, len, want);
        hash_with(vt, data, len, got);
        if (memcmp(want, got, 32) != 0)
            return 0;
        br_sha256_context ctx;
        vt->init(&ctx.vtable);
        for (size_t off = 0; off < len;) {
            size_t n = (size_t)(rnd64() % 150);
            if (n > len - off)
                n = len - off;
            vt->update(&ctx.vtable, data + off, n);
            off += n;
        }
        vt->out(&ctx.vtable, got);
        if (memcmp(want, got, 32) != 0)
            return 0;
        vt->update(&ctx.vtable, data, 0);
        vt->out(&ctx.vtable, got);              /* out() again: the same digest */
        if (memcmp(want, got, 32) != 0)
            return 0;
    }
    return 1;
}

/* state() and set_state() at every block boundary, both directions: a
 * state saved by one implementation finishes in the other. */
static int exchanges_state(const br_hash_class *vt)
{
    unsigned char data[64 * 6], st[32], st_ref[32], want[32], got[32];
    rnd_bytes(data, sizeof data);
    for (size_t blocks = 0; blocks <= 5; blocks++) {
        br_sha256_context ours, ref;
        vt->init(&ours.vtable);
        br_sha256_vtable.init(&ref.vtable);
        vt->update(&ours.vtable, data, 64 * blocks);
        br_sha256_vtable.update(&ref.vtable, data, 64 * blocks);
        uint64_t n = vt->state(&ours.vtable, st);
        uint64_t n_ref = br_sha256_vtable.state(&ref.vtable, st_ref);
        if (n != n_ref || memcmp(st, st_ref, 32) != 0)
            return 0;
        hash_with(&br_sha256_vtable, data, sizeof data, want);
        br_sha256_context x;
        vt->init(&x.vtable);
        vt->set_state(&x.vtable, st_ref, n_ref);        /* BearSSL's state, finished by ours */
        vt->update(&x.vtable, data + 64 * blocks, sizeof data - 64 * blocks);
        vt->out(&x.vtable, got);
        if (memcmp(want, got, 32) != 0)
            return 0;
        br_sha256_vtable.init(&x.vtable);
        br_sha256_vtable.set_state(&x.vtable, st, n);   /* ours, finished by BearSSL's */
        br_sha256_vtable.update(&x.vtable, data + 64 * blocks, sizeof data - 64 * blocks);
        br_sha256_vtable.out(&x.vtable, got);
        if (memcmp(want, got, 32) != 0)
            return 0;
    }
    return 1;
}

/* HMAC with keys shorter than, equal to and longer than a block. */
static int agrees_on_hmac(const br_hash_class *vt)
{
    unsigned char key[200], msg[300], want[32], got[32];
    for (int i = 0; i < 300; i++) {
        size_t key_len = (size_t)(rnd64() % sizeof key), msg_len = (size_t)(rnd64() % sizeof msg);
        rnd_bytes(key, key_len);
        rnd_bytes(msg, msg_len);
        const br_hash_class *impls[2] = {&br_sha256_vtable, vt};
        unsigned char *outs[2] = {want, got};
        for (int k = 0; k < 2; k++) {
            br_hmac_key_context kc;
            br_hmac_context hc;
            br_hmac_key_init(&kc, impls[k], key, key_len);
            br_hmac_init(&hc, &kc, 0);
            br_hmac_update(&hc, msg, msg_len);
            br_hmac_out(&hc, outs[k]);
        }
        if (memcmp(want, got, 32) != 0)
            return 0;
    }
    return 1;
}

/* The PRF: a master secret (48 bytes), a key block of any suite's size,
 * Finished (12), and every length 1..200, with 0 to 3 seed chunks. */
static int agrees_on_prf(void)
{
    unsigned char secret[64], seeds[3][80], want[200], got[200];
    static const char *labels[] = {"master secret", "key expansion", "client finished", "server finished", ""};
    for (int i = 0; i < 600; i++) {
        size_t secret_len = (size_t)(rnd64() % sizeof secret);
        size_t out_len = i < 200 ? (size_t)i + 1 : (size_t)(rnd64() % 200) + 1;
        size_t seed_num = (size_t)(rnd64() % 4);
        br_tls_prf_seed_chunk chunks[3];
        rnd_bytes(secret, secret_len);
        for (size_t c = 0; c < seed_num; c++) {
            chunks[c].len = (size_t)(rnd64() % sizeof seeds[c]);
            rnd_bytes(seeds[c], chunks[c].len);
            chunks[c].data = seeds[c];
        }
        const char *label = labels[rnd64() % 5];
        br_tls12_sha256_prf(want, out_len, secret, secret_len, label, seed_num, chunks);
        memset(got, 0xAA, sizeof got);
        tls12_sha256_prf_fast(got, out_len, secret, secret_len, label, seed_num, chunks);
        if (memcmp(want, got, out_len) != 0)
            return 0;
        if (out_len < sizeof got && got[out_len] != 0xAA)      /* nothing past the asked length */
            return 0;
    }
    return 1;
}

int main(void)
{
    CHECK("desc matches br_sha256_vtable's (HMAC and multihash read it)",
          sha256_ni_vtable.desc == br_sha256_vtable.desc &&
              sha256_ni_vtable.context_size == br_sha256_vtable.context_size);
    CHECK("sha256_fast is SHA-NI exactly when the CPU has it",
          sha256_fast() == (sha256_ni_available() ? &sha256_ni_vtable : &br_sha256_vtable));
    if (sha256_ni_available()) {
        check_vectors(&sha256_ni_vtable);
        CHECK("agrees with BearSSL on lengths 0..600, whole and in random pieces",
              agrees_on_lengths(&sha256_ni_vtable));
        CHECK("state()/set_state() interchange with BearSSL's at every block boundary",
              exchanges_state(&sha256_ni_vtable));
        CHECK("HMAC agrees with BearSSL's, 300 keys (short, block-sized, long) and messages",
              agrees_on_hmac(&sha256_ni_vtable));
    } else {
        printf("# this CPU has no SHA extensions: sha256_ni_vtable cannot run here; "
               "the PRF below runs on BearSSL's SHA-256\n");
    }
    CHECK("TLS 1.2 PRF agrees with br_tls12_sha256_prf, 600 secrets, labels, seeds, lengths 1..200",
          agrees_on_prf());
    return CHECK_DONE();
}
