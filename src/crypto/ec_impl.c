/* BearSSL's elliptic-curve interface over our own fast curves: see ec_impl.h. */
#include "crypto/ec_impl.h"

#include "crypto/p256.h"
#include "crypto/x25519.h"

static const unsigned char *fast_generator(int curve, size_t *len)
{
    return br_ec_all_m31.generator(curve, len);
}

static const unsigned char *fast_order(int curve, size_t *len)
{
    return br_ec_all_m31.order(curve, len);
}

static size_t fast_xoff(int curve, size_t *len)
{
    return br_ec_all_m31.xoff(curve, len);
}

static uint32_t fast_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen, int curve)
{
    if (curve == BR_EC_curve25519)
        return x25519_mul(G, Glen, x, xlen);
    return br_ec_all_m31.mul(G, Glen, x, xlen, curve);
}

static size_t fast_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
    if (curve == BR_EC_curve25519)
        return x25519_mulgen(R, x, xlen);
    if (curve == BR_EC_secp256r1)
        return p256_mulgen(R, x, xlen);
    return br_ec_all_m31.mulgen(R, x, xlen, curve);
}

static uint32_t fast_muladd(unsigned char *A, const unsigned char *B, size_t len, const unsigned char *x,
                            size_t xlen, const unsigned char *y, size_t ylen, int curve)
{
    return br_ec_all_m31.muladd(A, B, len, x, xlen, y, ylen, curve);
}

const br_ec_impl ec_impl_fast = {
    .supported_curves = (uint32_t)1 << BR_EC_curve25519 | (uint32_t)1 << BR_EC_secp256r1 |
                        (uint32_t)1 << BR_EC_secp384r1 | (uint32_t)1 << BR_EC_secp521r1,
    .generator = fast_generator,
    .order = fast_order,
    .xoff = fast_xoff,
    .mul = fast_mul,
    .mulgen = fast_mulgen,
    .muladd = fast_muladd,
};

size_t ec_ecdsa_sign_asn1_fast(const br_ec_impl *impl, const br_hash_class *hf, const void *hash_value,
                               const br_ec_private_key *sk, void *sig)
{
    if (sk->curve != BR_EC_secp256r1)
        return br_ecdsa_i31_sign_asn1(impl, hf, hash_value, sk, sig);
    size_t len = p256_ecdsa_sign_raw(hf, hash_value, sk, sig);
    return len ? br_ecdsa_raw_to_asn1(sig, len) : 0;
}
