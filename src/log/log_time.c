/* The log's timestamps: see log_time.h. */
#include "log/log_time.h"

#include <string.h>

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
    /* A busy log stamps a hundred thousand lines a second, most of them
     * with the time of their turn of the loop (turn_clock.h), which many
     * lines share: the last stamp is kept whole. Its part up to the
     * second changes once a second, and is made again only then; the
     * calendar date only when the day changes. */
    static uint64_t cached_ns, cached_day = UINT64_MAX;     /* cached_ns 0: none yet */
    static char stamp[LOG_TIME_LEN];
    static int64_t year;
    static unsigned month, day;
    uint64_t s = wall_ns / 1000000000u;
    if (s < YEAR_2000 || s >= YEAR_10000) {
        out[0] = '-';
        return 1;
    }
    if (wall_ns == cached_ns) {
        memcpy(out, stamp, LOG_TIME_LEN);
        return LOG_TIME_LEN;
    }
    if (cached_ns == 0 || s != cached_ns / 1000000000u) {
        if (s / 86400 != cached_day) {
            http_date_civil(s, &year, &month, &day);
            cached_day = s / 86400;
        }
        unsigned secs = (unsigned)(s % 86400);
        digits(stamp, (uint64_t)year, 4);
        stamp[4] = '-';
        digits(stamp + 5, month, 2);
        stamp[7] = '-';
        digits(stamp + 8, day, 2);
        stamp[10] = 'T';
        digits(stamp + 11, secs / 3600, 2);
        stamp[13] = ':';
        digits(stamp + 14, secs / 60 % 60, 2);
        stamp[16] = ':';
        digits(stamp + 17, secs % 60, 2);
        stamp[19] = '.';
    }
    digits(stamp + 20, (wall_ns - s * 1000000000u) / 1000u, 6);
    stamp[26] = 'Z';
    cached_ns = wall_ns;
    memcpy(out, stamp, LOG_TIME_LEN);
    return LOG_TIME_LEN;
}
