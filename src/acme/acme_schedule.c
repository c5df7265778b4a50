/* Renewal time, renewal information and back-off (acme_schedule.h). */
#include "acme/acme_schedule.h"

#include <string.h>

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

void acme_renewal_issued(struct acme_renewal_state *state, int64_t not_before, int64_t not_after, const char *cert_id,
                         int64_t now)
{
    memset(state, 0, sizeof *state);
    state->have_certificate = true;
    state->not_before = not_before;
    state->not_after = not_after;
    if (cert_id && ari_cert_id_valid(cert_id)) {
        memcpy(state->cert_id, cert_id, strlen(cert_id) + 1);
        state->next_check = now;
    }
}

void acme_renewal_checked(struct acme_renewal_state *state, const struct acme_ari_result *result, int64_t now,
                          uint64_t random)
{
    switch (result->outcome) {
    case ACME_ARI_ABSENT:       /* the CA no longer offers it: our own schedule, no more checks */
        state->have_window = false;
        state->window_current = false;
        state->next_check = 0;
        return;
    case ACME_ARI_FAILED:
        state->window_current = false;
        state->next_check = now + ACME_ARI_CHECK_DEFAULT;
        return;
    case ACME_ARI_WINDOW:
        break;
    }
    if (result->end <= result->start) {     /* not a window: as no answer (RFC 9773 section 4.2) */
        struct acme_ari_result failed = { .outcome = ACME_ARI_FAILED };
        acme_renewal_checked(state, &failed, now, random);
        return;
    }
    if (!state->have_window || result->start != state->window_start || result->end != state->window_end) {
        uint64_t span = (uint64_t)(result->end - result->start);
        state->window_choice = result->start + (int64_t)(random % span);
        state->window_start = result->start;
        state->window_end = result->end;
    }
    state->have_window = true;
    state->window_current = true;
    int64_t wait = result->retry_after;
    if (wait < 0)
        wait = ACME_ARI_CHECK_DEFAULT;
    else if (wait < ACME_ARI_CHECK_MIN)
        wait = ACME_ARI_CHECK_MIN;
    else if (wait > ACME_ARI_CHECK_MAX)
        wait = ACME_ARI_CHECK_MAX;
    state->next_check = now + wait;
}

/*
 * A window the CA suggested replaces the two-thirds point outright, later
 * or earlier: RFC 9773 section 4.2 has the client renew "at a time of
 * [its] choosing based on the suggested renewal window", and the window
 * carries what only the CA knows. It is placed early ahead of a mass
 * revocation, where the two-thirds point would come after the revocation,
 * and spread over time to keep the CA's load even, which renewals at
 * everyone's own fixed point would bunch up again. Once a check has
 * failed, the CA's last word stands but is not trusted to delay the
 * renewal past unihost's own point: that is the fallback schedule
 * section 4.2 asks for when there is no usable answer.
 */
int64_t acme_renewal_due(const struct acme_renewal_state *state)
{
    if (!state->have_certificate)
        return INT64_MIN;
    int64_t own = acme_renewal_time(state->not_before, state->not_after);
    if (!state->have_window)
        return own;
    if (state->window_current || state->window_choice < own)
        return state->window_choice;
    return own;
}

const char *acme_renewal_due_why(const struct acme_renewal_state *state)
{
    if (!state->have_certificate)
        return "no certificate yet";
    if (!state->have_window)
        return "two thirds of the certificate's lifetime";
    if (state->window_current)
        return "a time chosen within the CA's suggested window";
    if (acme_renewal_due(state) == state->window_choice)
        return "the time chosen within the CA's last window (its latest check failed)";
    return "two thirds of the certificate's lifetime, before the CA's last window (its latest check failed)";
}

void acme_run_failed(struct acme_renewal_state *state, int64_t now)
{
    state->failures++;
    state->last_failure = now;
}

int64_t acme_next_run(const struct acme_renewal_state *state, int64_t now)
{
    int64_t due = state->have_certificate ? acme_renewal_due(state) : now;
    if (state->failures == 0)
        return due;
    int64_t retry = state->last_failure + acme_backoff(state->failures - 1, ACME_RETRY_BASE, ACME_RETRY_CAP);
    /* a failure before the renewal was due (a run started early) does
     * not push the renewal later than planned */
    if (state->have_certificate && due > state->last_failure && due < retry)
        return due;
    return retry;
}

int64_t acme_next_check(const struct acme_renewal_state *state)
{
    if (!state->have_certificate || state->next_check == 0 || state->next_check >= state->not_after)
        return INT64_MAX;
    return state->next_check;
}
