/*
 * When the ACME client acts again: renewal at two thirds of a
 * certificate's lifetime (issue 15; Let's Encrypt's own advice for 90-day
 * certificates is 60 days, which is the same point), and capped
 * exponential back-off between attempts that failed.
 */
#ifndef UNIHOST_ACME_SCHEDULE_H
#define UNIHOST_ACME_SCHEDULE_H

#include <stdint.h>

/* notBefore + 2/3 (notAfter - notBefore), in the same seconds. */
int64_t acme_renewal_time(int64_t not_before, int64_t not_after);

/* base * 2^attempt seconds, but never more than cap (attempt 0 waits
 * base). No overflow for any attempt. */
uint32_t acme_backoff(uint32_t attempt, uint32_t base, uint32_t cap);

#endif
