/*
 * When the ACME client acts again: renewal at two thirds of a
 * certificate's lifetime (issue 15; Let's Encrypt's own advice for 90-day
 * certificates is 60 days, which is the same point), or within the window
 * the CA suggests through ACME Renewal Information (RFC 9773) when it
 * offers it; when to ask for that window again; and capped exponential
 * back-off between attempts that failed.
 */
#ifndef UNIHOST_ACME_SCHEDULE_H
#define UNIHOST_ACME_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#include "acme/ari_cert_id.h"

/* notBefore + 2/3 (notAfter - notBefore), in the same seconds. */
int64_t acme_renewal_time(int64_t not_before, int64_t not_after);

/* base * 2^attempt seconds, but never more than cap (attempt 0 waits
 * base). No overflow for any attempt. */
uint32_t acme_backoff(uint32_t attempt, uint32_t base, uint32_t cap);

/* What the next run is planned from: the certificate in use, if any, how
 * many runs in a row have failed since the last success and when the last
 * of them failed (the back-off counts from there, not from whenever the
 * caller asks), and what the CA said of the certificate's renewal (RFC
 * 9773). */
struct acme_renewal_state {
    bool have_certificate;
    int64_t not_before, not_after;
    uint32_t failures;
    int64_t last_failure;
    /* The certificate's CertID, "" when the CA offers no renewal
     * information or the certificate has no Authority Key Identifier. */
    char cert_id[ARI_CERT_ID_MAX];
    /* When to ask for renewal information next; 0: not at all. */
    int64_t next_check;
    /* The last valid window the CA suggested, the time chosen in it, and
     * whether the last check confirmed it (false once a check failed). */
    bool have_window, window_current;
    int64_t window_start, window_end, window_choice;
};

/* First failed retry after ACME_RETRY_BASE seconds, doubling, at most
 * ACME_RETRY_CAP apart: a CA that is down for a day sees a handful of
 * attempts, and a certificate renewed at two thirds of 90 days has 30
 * days of them before it expires. */
#define ACME_RETRY_BASE 60
#define ACME_RETRY_CAP (6 * 3600)

/* How often renewal information is asked for: as the CA's Retry-After
 * says, but no more often than a minute and no less than a day apart
 * (RFC 9773 section 4.3.2's own example bounds), and every six hours
 * when it says nothing or the answer was no use (section 4.3.3). */
#define ACME_ARI_CHECK_MIN 60
#define ACME_ARI_CHECK_MAX 86400
#define ACME_ARI_CHECK_DEFAULT (6 * 3600)

/* A certificate was issued (and is now in use): plan its renewal from its
 * dates, and, when it has a CertID, ask for renewal information at once
 * (RFC 9773 section 4.3: right after issuance). */
void acme_renewal_issued(struct acme_renewal_state *state, int64_t not_before, int64_t not_after, const char *cert_id,
                         int64_t now);

/* What one check of renewal information found. */
enum acme_ari_outcome {
    ACME_ARI_ABSENT,        /* the CA's directory has no renewalInfo */
    ACME_ARI_FAILED,        /* no usable answer: an error, or a malformed one */
    ACME_ARI_WINDOW,        /* a valid window */
};
struct acme_ari_result {
    enum acme_ari_outcome outcome;
    int64_t start, end;         /* ACME_ARI_WINDOW: start < end */
    int64_t retry_after;        /* ACME_ARI_WINDOW: the seconds Retry-After asked for, or -1 */
};

/* Takes a check's result at `now`. A window is given a time chosen
 * uniformly within it from `random` (any 64 random bits); the same window
 * again keeps the time chosen before, since choosing anew at every check
 * would drift the choice towards the window's start. */
void acme_renewal_checked(struct acme_renewal_state *state, const struct acme_ari_result *result, int64_t now,
                          uint64_t random);

/* When the certificate in use is due for renewal, failures aside (see
 * acme_renewal_due_why for which rule says so). */
int64_t acme_renewal_due(const struct acme_renewal_state *state);
const char *acme_renewal_due_why(const struct acme_renewal_state *state);

/* A run failed at `now`: the next one waits for the back-off (a success,
 * acme_renewal_issued, ends the failures). */
void acme_run_failed(struct acme_renewal_state *state, int64_t now);

/* When the next ACME run should start (a time <= now means at once):
 * without a certificate, now; with one, when acme_renewal_due() says;
 * after failures, the last failure's time plus the back-off, but never
 * later than the renewal time of a certificate whose renewal was not yet
 * due when the run failed. The caller's timer wakes at that time and asks
 * again with the new `now`: the run is then due. */
int64_t acme_next_run(const struct acme_renewal_state *state, int64_t now);

/* When to ask for renewal information next, or INT64_MAX for never: not
 * without a certificate, a CertID or a CA that offers it, and not once
 * the certificate has expired (RFC 9773 section 4.3). */
int64_t acme_next_check(const struct acme_renewal_state *state);

#endif
