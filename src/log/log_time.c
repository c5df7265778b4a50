/* The log's timestamps: see log_time.h. */
#include "log/log_time.h"

#include "http/http_date.h"

#define YEAR_2000 946684800u            /* 2000-01-01T00:00:00Z */
#define YEAR_10000 253402300800u        /* 10000-01-01T00:00:00Z: four digits no longer do */

static void digits(char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
}

size_t log_time_format(uint64_t wall_ns, char out[LOG_TIME_LEN])
{
    uint64_t s = wall_ns / 1000000000u;
    if (s < YEAR_2000 || s >= YEAR_10000) {
        out[0] = '-';
        return 1;
    }
    /* The calendar date changes once a day: worked out again only then
     * (a busy log formats thousands of lines a second). */
    static uint64_t cached_day = UINT64_MAX;
    static int64_t year;
    static unsigned month, day;
    if (s / 86400 != cached_day) {
        http_date_civil(s, &year, &month, &day);
        cached_day = s / 86400;
    }
    unsigned secs = (unsigned)(s % 86400);
    digits(out, (uint64_t)year, 4);
    out[4] = '-';
    digits(out + 5, month, 2);
    out[7] = '-';
    digits(out + 8, day, 2);
    out[10] = 'T';
    digits(out + 11, secs / 3600, 2);
    out[13] = ':';
    digits(out + 14, secs / 60 % 60, 2);
    out[16] = ':';
    digits(out + 17, secs % 60, 2);
    out[19] = '.';
    digits(out + 20, wall_ns / 1000u % 1000000u, 6);
    out[26] = 'Z';
    return LOG_TIME_LEN;
}
