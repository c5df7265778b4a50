/* Checks of what the ACME client kept (acme_state.h). */
#include "acme/acme_state.h"

#include <stdio.h>
#include <string.h>

#include <bearssl.h>

#include "acme/cert_names.h"
#include "acme/cert_validity.h"
#include "acme/key_pem.h"
#include "crypto/pem_walk.h"

bool acme_state_account_key(struct p256_key *key, const char *pem, size_t len, char *err, size_t err_size)
{
    if (p256_key_pem_read(key, pem, len))
        return true;
    snprintf(err, err_size, "not a P-256 private key in PEM (\"EC PRIVATE KEY\" or \"PRIVATE KEY\", unencrypted)");
    return false;
}

bool acme_state_certificate_usable(const char *chain_pem, size_t chain_len, const char *key_pem, size_t key_len,
                                   const char *const *names, size_t name_count, int64_t now, int64_t *not_before,
                                   int64_t *not_after, char *err, size_t err_size)
{
    static uint8_t leaf[8192];      /* kept off the stack of a small guest */
    struct p256_key key;
    if (!p256_key_pem_read(&key, key_pem, key_len)) {
        snprintf(err, err_size, "the certificate key is not a P-256 private key in PEM");
        return false;
    }
    uint8_t point[sizeof key.point];
    memcpy(point, key.point, sizeof point);
    p256_key_wipe(&key);

    size_t leaf_len = pem_first_der(chain_pem, chain_len, "CERTIFICATE", leaf, sizeof leaf);
    if (leaf_len == 0) {
        snprintf(err, err_size, "the chain has no readable CERTIFICATE in PEM");
        return false;
    }
    br_x509_decoder_context decoder;
    br_x509_decoder_init(&decoder, NULL, NULL);
    br_x509_decoder_push(&decoder, leaf, leaf_len);
    const br_x509_pkey *pub = br_x509_decoder_get_pkey(&decoder);
    if (!pub || br_x509_decoder_last_error(&decoder) != 0 ||
        !cert_validity(leaf, leaf_len, not_before, not_after)) {
        snprintf(err, err_size, "the chain's first certificate does not decode as X.509");
        return false;
    }
    if (pub->key_type != BR_KEYTYPE_EC || pub->key.ec.curve != BR_EC_secp256r1 ||
        pub->key.ec.qlen != sizeof point || memcmp(pub->key.ec.q, point, sizeof point) != 0) {
        snprintf(err, err_size, "the certificate is not for the certificate key (they do not match)");
        return false;
    }
    for (size_t i = 0; i < name_count; i++) {
        if (!cert_names_lists(leaf, leaf_len, names[i])) {
            snprintf(err, err_size, "the certificate is not for %.253s (the names have changed)", names[i]);
            return false;
        }
    }
    if (now >= *not_after) {
        snprintf(err, err_size, "the certificate expired at %lld", (long long)*not_after);
        return false;
    }
    return true;
}
