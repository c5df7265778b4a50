/* Key authorisations and the DNS-01 TXT value (key_authorization.h). */
#include "acme/key_authorization.h"

#include <string.h>

#include <bearssl.h>

#include "acme/base64url.h"

long key_authorization(const char *token, const struct p256_key *account_key, char *out, size_t cap)
{
    size_t n = strlen(token);
    if (cap <= n + 1 + JWK_THUMBPRINT_LEN)
        return -1;
    memcpy(out, token, n);
    out[n] = '.';
    jwk_thumbprint(account_key, out + n + 1);
    return (long)(n + 1 + JWK_THUMBPRINT_LEN);
}

void dns01_txt_value(const char *key_authorization, char out[DNS01_VALUE_LEN + 1])
{
    uint8_t digest[32];
    br_sha256_context h;
    br_sha256_init(&h);
    br_sha256_update(&h, key_authorization, strlen(key_authorization));
    br_sha256_out(&h, digest);
    base64url_encode(digest, sizeof digest, out, DNS01_VALUE_LEN + 1);
}
