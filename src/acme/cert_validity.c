/* A certificate's validity dates from its DER (cert_validity.h). */
#include "acme/cert_validity.h"

#include <string.h>

#include "acme/der_read.h"
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

bool cert_validity_pem(const char *pem, size_t len, int64_t *not_before, int64_t *not_after)
{
    static uint8_t der[8192];       /* kept off the stack of a small guest */
    size_t der_len = pem_first_der(pem, len, "CERTIFICATE", der, sizeof der);
    return der_len > 0 && cert_validity(der, der_len, not_before, not_after);
}
