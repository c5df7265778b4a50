/*
 * HTTP dates without the C library's time functions (the Xen build has
 * none): the proleptic Gregorian calendar from day counts, in 400-year eras
 * of 146097 days so leap years fall out of integer arithmetic.
 */
#include "http/http_date.h"

#include <string.h>

static const char day_names[7][4] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
static const char month_names[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Days since 1970-01-01 -> year, month (1-12), day (1-31). Years start in
 * March inside an era, which puts the leap day last. */
static void civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    days += 719468;                                     /* shift epoch to 0000-03-01 */
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);     /* day of era [0, 146096] */
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;                  /* March = 0 */
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void http_date_civil(uint64_t seconds, int64_t *year, unsigned *month, unsigned *day)
{
    civil_from_days((int64_t)(seconds / 86400), year, month, day);
}

int64_t http_date_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

void http_date_format(uint64_t seconds, char out[HTTP_DATE_LEN])
{
    int64_t days = (int64_t)(seconds / 86400);
    unsigned secs = (unsigned)(seconds % 86400);
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    memcpy(out, day_names[days % 7], 3);
    memcpy(out + 3, ", ", 2);
    put2(out + 5, d);
    out[7] = ' ';
    memcpy(out + 8, month_names[m - 1], 3);
    out[11] = ' ';
    put2(out + 12, (unsigned)(y / 100));
    put2(out + 14, (unsigned)(y % 100));
    out[16] = ' ';
    put2(out + 17, secs / 3600);
    out[19] = ':';
    put2(out + 20, secs / 60 % 60);
    out[22] = ':';
    put2(out + 23, secs % 60);
    memcpy(out + 25, " GMT", 4);
}

static int digits(const char *p, unsigned n, unsigned *v)
{
    *v = 0;
    for (unsigned i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        *v = *v * 10 + (unsigned)(p[i] - '0');
    }
    return 0;
}

int http_date_parse(const char *s, size_t len, uint64_t *seconds)
{
    unsigned d, y, hh, mm, ss, m;
    if (len != HTTP_DATE_LEN || memcmp(s + 3, ", ", 2) != 0 || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || memcmp(s + 25, " GMT", 4) != 0)
        return -1;
    if (digits(s + 5, 2, &d) || digits(s + 12, 4, &y) || digits(s + 17, 2, &hh) ||
        digits(s + 20, 2, &mm) || digits(s + 23, 2, &ss))
        return -1;
    for (m = 0; m < 12 && memcmp(s + 8, month_names[m], 3) != 0; m++)
        ;
    if (m == 12 || d < 1 || d > 31 || y < 1970 || hh > 23 || mm > 59 || ss > 60)
        return -1;
    *seconds = (uint64_t)http_date_days_from_civil(y, m + 1, d) * 86400u + hh * 3600u + mm * 60u + ss;
    return 0;
}
