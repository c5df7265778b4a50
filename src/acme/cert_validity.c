/* A certificate's validity dates from its DER (cert_validity.h). */
#include "acme/cert_validity.h"

#include <string.h>

#include "crypto/pem_walk.h"

struct der_cursor {
    const uint8_t *p, *end;
};

/* Reads one TLV's header at c; on success *inner spans its contents and
 * c moves past the whole TLV. Only definite lengths up to 4 bytes. */
static bool der_next(struct der_cursor *c, uint8_t *tag, struct der_cursor *inner)
{
    if (c->end - c->p < 2)
        return false;
    *tag = c->p[0];
    size_t len = c->p[1];
    const uint8_t *q = c->p + 2;
    if (len & 0x80) {
        size_t bytes = len & 0x7f;
        if (bytes == 0 || bytes > 4 || (size_t)(c->end - q) < bytes)
            return false;
        len = 0;
        for (size_t i = 0; i < bytes; i++)
            len = len << 8 | *q++;
    }
    if ((size_t)(c->end - q) < len)
        return false;
    inner->p = q;
    inner->end = q + len;
    c->p = q + len;
    return true;
}

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

/* Leap days in years 1 .. y-1 of the proleptic Gregorian calendar. */
static int64_t leap_days_before(int64_t y)
{
    return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
}

/* Days from 1970-01-01 to year-month-day (year >= 1, a valid date). */
static int64_t days_since_epoch(int64_t year, int month, int day)
{
    static const int days_before_month[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int64_t days = 365 * (year - 1970) + leap_days_before(year) - leap_days_before(1970);
    return days + days_before_month[month - 1] + (leap && month > 2) + day - 1;
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
    static const int month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (!digits(s, 2, &month) || !digits(s + 2, 2, &day) || !digits(s + 4, 2, &hour) || !digits(s + 6, 2, &minute) ||
        !digits(s + 8, 2, &second) || s[10] != 'Z' || month < 1 || month > 12 || day < 1 ||
        day > month_days[month - 1] || hour > 23 || minute > 59 || second > 59)
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year == 0 || (month == 2 && day == 29 && !leap))
        return false;
    *out = days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}

bool cert_validity(const uint8_t *der, size_t len, int64_t *not_before, int64_t *not_after)
{
    struct der_cursor c = { der, der + len }, cert, tbs, skip, validity;
    uint8_t tag;
    if (!der_next(&c, &tag, &cert) || tag != 0x30 || !der_next(&cert, &tag, &tbs) || tag != 0x30)
        return false;
    if (!der_next(&tbs, &tag, &skip))       /* [0] version, or the serial number */
        return false;
    if (tag == 0xA0 && (!der_next(&tbs, &tag, &skip) || tag != 0x02))
        return false;
    else if (tag != 0xA0 && tag != 0x02)
        return false;
    if (!der_next(&tbs, &tag, &skip) || tag != 0x30)    /* signature algorithm */
        return false;
    if (!der_next(&tbs, &tag, &skip) || tag != 0x30)    /* issuer */
        return false;
    if (!der_next(&tbs, &tag, &validity) || tag != 0x30)
        return false;
    return read_time(&validity, not_before) && read_time(&validity, not_after) && validity.p == validity.end &&
           *not_before <= *not_after;
}

/* ---- the first certificate of a PEM chain ---- */

struct first_cert {
    uint8_t der[8192];
    size_t len;
    bool overflow, seen;
};

static void collect(void *ctx, const void *data, size_t len)
{
    struct first_cert *f = ctx;
    if (f->overflow || sizeof f->der - f->len < len) {
        f->overflow = true;
        return;
    }
    memcpy(f->der + f->len, data, len);
    f->len += len;
}

static pem_der_dest on_object(void *arg, const char *name, void **dest_ctx)
{
    struct first_cert *f = arg;
    if (f->seen || strcmp(name, "CERTIFICATE") != 0)
        return NULL;
    *dest_ctx = f;
    return collect;
}

static int on_done(void *arg)
{
    struct first_cert *f = arg;
    if (f->len == 0)
        return 0;       /* an object we skipped */
    f->seen = true;
    return 1;
}

bool cert_validity_pem(const char *pem, size_t len, int64_t *not_before, int64_t *not_after)
{
    static struct first_cert f;     /* 8 KiB: kept off the stack of a small guest */
    memset(&f, 0, sizeof f);
    if (pem_walk(pem, len, on_object, on_done, &f) != 0 || !f.seen || f.overflow)
        return false;
    return cert_validity(f.der, f.len, not_before, not_after);
}
