/* Front matter dates: see date.h. */
#include "date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "http/http_date.h"

static int is_leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Reads exactly n digits at *p; returns -1 if they are not there. */
static long digits(const char **p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

int date_parse(const char *text, int64_t *seconds, const char **why)
{
    static const unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = text;
    long year = digits(&p, 4);
    long month = *p == '-' ? (p++, digits(&p, 2)) : -1;
    long day = *p == '-' ? (p++, digits(&p, 2)) : -1;
    if (year < 0 || month < 0 || day < 0) {
        *why = "is not a date: write YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ (or an offset such as +02:00)";
        return -1;
    }
    if (year < 1970 || month < 1 || month > 12 || day < 1 ||
        (unsigned)day > month_days[month - 1] + (month == 2 && is_leap((unsigned)year))) {
        *why = "is not a valid date (or it is before 1970)";
        return -1;
    }
    int64_t t = http_date_days_from_civil(year, (unsigned)month, (unsigned)day) * 86400;
    if (*p == '\0') {
        *seconds = t;
        return 0;
    }
    if (*p != 'T' && *p != 't' && *p != ' ') {
        *why = "has text after the date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ";
        return -1;
    }
    p++;
    long hour = digits(&p, 2);
    long minute = *p == ':' ? (p++, digits(&p, 2)) : -1;
    long second = *p == ':' ? (p++, digits(&p, 2)) : -1;
    if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) {
        *why = "has no valid time HH:MM:SS after the date";
        return -1;
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) {
            *why = "has a '.' without the fraction of a second after it";
            return -1;
        }
        while (isdigit((unsigned char)*p))
            p++;            /* feeds and sitemaps need whole seconds */
    }
    t += hour * 3600 + minute * 60 + (second == 60 ? 59 : second);
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '+' ? 1 : -1;
        p++;
        long oh = digits(&p, 2);
        long om = *p == ':' ? (p++, digits(&p, 2)) : -1;
        if (oh < 0 || om < 0 || oh > 23 || om > 59) {
            *why = "has an offset that is not +HH:MM or -HH:MM";
            return -1;
        }
        t -= sign * (oh * 3600 + om * 60);
    } else if (*p == '\0') {
        *why = "has a time without Z or an offset (+02:00): its instant would depend on where crunch runs";
        return -1;
    }
    if (*p != '\0') {
        *why = "has text after the time zone";
        return -1;
    }
    if (t < 0) {
        *why = "is before 1970";
        return -1;
    }
    *seconds = t;
    return 0;
}

void date_format_utc(int64_t seconds, char out[DATE_TEXT_LEN])
{
    int64_t days = seconds / 86400, rest = seconds % 86400;
    /* civil_from_days, the inverse of the above */
    days += 719468;
    int64_t era = days / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
    /* Room for any unsigned, though dates from date_parse() stay in 1970-9999. */
    char text[80];
    snprintf(text, sizeof text, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y, m, d, (unsigned)(rest / 3600),
             (unsigned)(rest / 60 % 60), (unsigned)(rest % 60));
    memcpy(out, text, DATE_TEXT_LEN - 1);
    out[DATE_TEXT_LEN - 1] = '\0';
}
