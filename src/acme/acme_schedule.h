/*
 * When the ACME client acts again: renewal at two thirds of a
 * certificate's lifetime (issue 15; Let's Encrypt's own advice for 90-day
 * certificates is 60 days, which is the same point), and capped
 * exponential back-off between attempts that failed.
 */
#ifndef UNIHOST_ACME_SCHEDULE_H
#define UNIHOST_ACME_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

/* notBefore + 2/3 (notAfter - notBefore), in the same seconds. */
int64_t acme_renewal_time(int64_t not_before, int64_t not_after);

/* base * 2^attempt seconds, but never more than cap (attempt 0 waits
 * base). No overflow for any attempt. */
uint32_t acme_backoff(uint32_t attempt, uint32_t base, uint32_t cap);

/* What the next run is planned from: the certificate in use, if any, and
 * how many runs in a row have failed since the last success. */
struct acme_renewal_state {
    bool have_certificate;
    int64_t not_before, not_after;
    uint32_t failures;
};

/* First failed retry after ACME_RETRY_BASE seconds, doubling, at most
 * ACME_RETRY_CAP apart: a CA that is down for a day sees a handful of
 * attempts, and a certificate renewed at two thirds of 90 days has 30
 * days of them before it expires. */
#define ACME_RETRY_BASE 60
#define ACME_RETRY_CAP (6 * 3600)

/* When the next ACME run should start (a time <= now means at once):
 * without a certificate, now; with one, at its renewal time; after
 * failures, `now` (the last failure's time) plus the back-off, but never
 * later than the renewal time would be for a run not yet due. */
int64_t acme_next_run(const struct acme_renewal_state *state, int64_t now);

#endif
