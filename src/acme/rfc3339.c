/* RFC 3339 date-times (rfc3339.h). */
#include "acme/rfc3339.h"

#include "acme/civil_time.h"

/* Exactly n digits at s[*at]; moves *at past them. */
static bool number(const char *s, size_t len, size_t *at, size_t n, int *out)
{
    if (len - *at < n)
        return false;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[*at + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *at += n;
    *out = v;
    return true;
}

static bool expect(const char *s, size_t len, size_t *at, char a, char b)
{
    if (*at >= len || (s[*at] != a && s[*at] != b))
        return false;
    (*at)++;
    return true;
}

bool rfc3339_parse(const char *s, size_t len, int64_t *seconds)
{
    size_t at = 0;
    int year, month, day, hour, minute, second, offset_hour = 0, offset_minute = 0, sign = 0;
    if (!number(s, len, &at, 4, &year) || !expect(s, len, &at, '-', '-') || !number(s, len, &at, 2, &month) ||
        !expect(s, len, &at, '-', '-') || !number(s, len, &at, 2, &day) || !expect(s, len, &at, 'T', 't') ||
        !number(s, len, &at, 2, &hour) || !expect(s, len, &at, ':', ':') || !number(s, len, &at, 2, &minute) ||
        !expect(s, len, &at, ':', ':') || !number(s, len, &at, 2, &second))
        return false;
    if (at < len && s[at] == '.') {
        size_t first = ++at;
        while (at < len && s[at] >= '0' && s[at] <= '9' && at - first < 9)
            at++;
        if (at == first)
            return false;
    }
    if (at < len && (s[at] == 'Z' || s[at] == 'z')) {
        at++;
    } else if (at < len && (s[at] == '+' || s[at] == '-')) {
        sign = s[at++] == '+' ? 1 : -1;
        if (!number(s, len, &at, 2, &offset_hour) || !expect(s, len, &at, ':', ':') ||
            !number(s, len, &at, 2, &offset_minute) || offset_hour > 23 || offset_minute > 59)
            return false;
    } else {
        return false;
    }
    if (at != len)
        return false;
    bool leap_second = second == 60;
    int64_t t;
    if (!civil_time_seconds(year, month, day, hour, minute, leap_second ? 59 : second, &t))
        return false;
    *seconds = t + leap_second - sign * (offset_hour * 3600 + offset_minute * 60);
    return true;
}
