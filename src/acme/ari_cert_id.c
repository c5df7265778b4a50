/* ARI CertIDs (ari_cert_id.h). */
#include "acme/ari_cert_id.h"

#include "acme/base64url.h"
#include "acme/cert_der.h"
#include "crypto/pem_walk.h"

/* id-ce-authorityKeyIdentifier, 2.5.29.35, as DER contents. */
static const uint8_t aki_oid[] = { 0x55, 0x1d, 0x23 };

/* The keyIdentifier of the Authority Key Identifier extension. */
static bool find_key_id(const uint8_t *der, size_t len, struct der_cursor *key_id)
{
    struct der_cursor value, aki, item;
    uint8_t tag;
    bool found = false;
    if (!cert_der_extension(der, len, aki_oid, sizeof aki_oid, &value) || !der_next(&value, &tag, &aki) ||
        tag != 0x30 || value.p != value.end)
        return false;
    while (aki.p < aki.end) {
        if (!der_next(&aki, &tag, &item))
            return false;
        if (tag == 0x80) {      /* keyIdentifier [0] IMPLICIT OCTET STRING */
            *key_id = item;
            found = true;
        }
    }
    return found;
}

bool ari_cert_id(const uint8_t *der, size_t len, char *out, size_t cap)
{
    struct cert_fields f;
    struct der_cursor rest, key_id;
    if (!cert_der_fields(der, len, &f, &rest) || !find_key_id(der, len, &key_id))
        return false;
    size_t key_len = (size_t)(key_id.end - key_id.p), serial_len = (size_t)(f.serial.end - f.serial.p);
    if (key_len == 0 || key_len > ARI_KEY_ID_MAX || serial_len == 0 || serial_len > ARI_SERIAL_MAX)
        return false;
    long n = base64url_encode(key_id.p, key_len, out, cap);
    if (n < 0 || (size_t)n + 1 >= cap)
        return false;
    out[n] = '.';
    return base64url_encode(f.serial.p, serial_len, out + n + 1, cap - (size_t)n - 1) >= 0;
}

bool ari_cert_id_pem(const char *pem, size_t len, char *out, size_t cap)
{
    static uint8_t der[CERT_DER_MAX];       /* kept off the stack of a small guest */
    size_t n = pem_first_der(pem, len, "CERTIFICATE", der, sizeof der);
    return n > 0 && ari_cert_id(der, n, out, cap);
}

static bool base64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool ari_cert_id_valid(const char *s)
{
    size_t dots = 0, part = 0;
    for (size_t i = 0; s[i]; i++) {
        if (i + 1 >= ARI_CERT_ID_MAX)
            return false;
        if (s[i] == '.') {
            if (part == 0 || ++dots > 1)
                return false;
            part = 0;
        } else if (!base64url_char(s[i])) {
            return false;
        } else {
            part++;
        }
    }
    return dots == 1 && part > 0;
}
