/*
 * P_SHA256(secret, label || seed) = HMAC(secret, A(1) || label || seed) ||
 * HMAC(secret, A(2) || label || seed) || ..., with A(0) = label || seed and
 * A(i) = HMAC(secret, A(i-1)). The HMAC key's inner and outer states are
 * computed once and shared by every HMAC of the call.
 */
#include "crypto/tls12_prf.h"

#include <string.h>

#include "crypto/sha256_ni.h"

/* HMAC(key, prefix || label || seed chunks) into out (32 bytes). */
static void hmac_label_seed(const br_hmac_key_context *key, const unsigned char *prefix, size_t prefix_len,
                            const char *label, size_t seed_num, const br_tls_prf_seed_chunk *seed,
                            unsigned char out[32])
{
    br_hmac_context hmac;
    br_hmac_init(&hmac, key, 0);
    if (prefix_len > 0)
        br_hmac_update(&hmac, prefix, prefix_len);
    br_hmac_update(&hmac, label, strlen(label));
    for (size_t i = 0; i < seed_num; i++)
        br_hmac_update(&hmac, seed[i].data, seed[i].len);
    br_hmac_out(&hmac, out);
}

void tls12_sha256_prf_fast(void *dst, size_t len, const void *secret, size_t secret_len, const char *label,
                           size_t seed_num, const br_tls_prf_seed_chunk *seed)
{
    br_hmac_key_context key;
    unsigned char a[32], block[32];
    unsigned char *out = dst;

    br_hmac_key_init(&key, sha256_fast(), secret, secret_len);
    hmac_label_seed(&key, NULL, 0, label, seed_num, seed, a);          /* A(1) */
    while (len > 0) {
        hmac_label_seed(&key, a, sizeof a, label, seed_num, seed, block);
        size_t n = len < sizeof block ? len : sizeof block;
        memcpy(out, block, n);
        out += n;
        len -= n;
        if (len > 0) {
            br_hmac_context next;                                      /* A(i+1) = HMAC(A(i)) */
            br_hmac_init(&next, &key, 0);
            br_hmac_update(&next, a, sizeof a);
            br_hmac_out(&next, a);
        }
    }
}
