/* Calendar dates to seconds (civil_time.h). */
#include "acme/civil_time.h"

#include "http/http_date.h"

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool civil_time_seconds(int year, int month, int day, int hour, int minute, int second, int64_t *out)
{
    static const int month_days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 59)
        return false;
    bool leap = is_leap(year);
    if (day > month_days[month - 1] + (month == 2 && leap))
        return false;
    /* (the arithmetic is HTTP dates': one calendar in the program) */
    int64_t days = http_date_days_from_civil(year, (unsigned)month, (unsigned)day);
    *out = days * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}
