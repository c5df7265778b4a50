/* A certificate's validity dates from its DER (cert_validity.h). */
#include "acme/cert_validity.h"

#include "acme/cert_der.h"
#include "acme/civil_time.h"
#include "crypto/pem_walk.h"

static bool digits(const uint8_t *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool read_time(struct der_cursor *c, int64_t *out)
{
    uint8_t tag;
    struct der_cursor t;
    if (!der_next(c, &tag, &t))
        return false;
    size_t n = (size_t)(t.end - t.p);
    int year, month, day, hour, minute, second;
    const uint8_t *s = t.p;
    if (tag == 0x17 && n == 13) {           /* UTCTime: RFC 5280 says YY >= 50 is 19YY */
        if (!digits(s, 2, &year))
            return false;
        year += year >= 50 ? 1900 : 2000;
        s += 2;
    } else if (tag == 0x18 && n == 15) {    /* GeneralizedTime */
        if (!digits(s, 4, &year))
            return false;
        s += 4;
    } else {
        return false;
    }
    return digits(s, 2, &month) && digits(s + 2, 2, &day) && digits(s + 4, 2, &hour) && digits(s + 6, 2, &minute) &&
           digits(s + 8, 2, &second) && s[10] == 'Z' && civil_time_seconds(year, month, day, hour, minute, second, out);
}

bool cert_validity(const uint8_t *der, size_t len, int64_t *not_before, int64_t *not_after)
{
    struct cert_fields f;
    struct der_cursor rest;
    if (!cert_der_fields(der, len, &f, &rest))
        return false;
    return read_time(&f.validity, not_before) && read_time(&f.validity, not_after) && f.validity.p == f.validity.end &&
           *not_before <= *not_after;
}

/* ---- the first certificate of a PEM chain ---- */

bool cert_validity_pem(const char *pem, size_t len, int64_t *not_before, int64_t *not_after)
{
    static uint8_t der[CERT_DER_MAX];       /* kept off the stack of a small guest */
    size_t der_len = pem_first_der(pem, len, "CERTIFICATE", der, sizeof der);
    return der_len > 0 && cert_validity(der, der_len, not_before, not_after);
}
