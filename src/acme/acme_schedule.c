/* Renewal time and back-off (acme_schedule.h). */
#include "acme/acme_schedule.h"

int64_t acme_renewal_time(int64_t not_before, int64_t not_after)
{
    return not_before + (not_after - not_before) / 3 * 2;
}

uint32_t acme_backoff(uint32_t attempt, uint32_t base, uint32_t cap)
{
    uint64_t delay = base;
    for (uint32_t i = 0; i < attempt && delay < cap; i++)
        delay *= 2;
    return delay < cap ? (uint32_t)delay : cap;
}
