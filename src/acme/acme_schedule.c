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

int64_t acme_next_run(const struct acme_renewal_state *state, int64_t now)
{
    int64_t due = state->have_certificate ? acme_renewal_time(state->not_before, state->not_after) : now;
    if (state->failures == 0)
        return due;
    int64_t retry = now + acme_backoff(state->failures - 1, ACME_RETRY_BASE, ACME_RETRY_CAP);
    /* a failure before the renewal was due (a run started early) does
     * not push the renewal later than planned */
    if (due > now && due < retry)
        return due;
    return retry;
}
