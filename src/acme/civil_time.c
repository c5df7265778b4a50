/* Calendar dates to seconds (civil_time.h). */
#include "acme/civil_time.h"

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Leap days in years 1 .. y-1 (y >= 1, so no division rounds a negative). */
static int64_t leap_days_before(int64_t y)
{
    return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
}

bool civil_time_seconds(int year, int month, int day, int hour, int minute, int second, int64_t *out)
{
    static const int month_days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    static const int days_before_month[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 59)
        return false;
    bool leap = is_leap(year);
    if (day > month_days[month - 1] + (month == 2 && leap))
        return false;
    int64_t days = 365 * ((int64_t)year - 1970) + leap_days_before(year) - leap_days_before(1970) +
                   days_before_month[month - 1] + (leap && month > 2) + day - 1;
    *out = days * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}
