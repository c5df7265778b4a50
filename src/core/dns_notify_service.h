/*
 * Telling secondaries about new serials: NOTIFY (RFC 1996) to each target
 * dns.conf names for a zone, from an ephemeral UDP port, retried with
 * doubling waits until the matching reply arrives, and given up after a
 * bound, each outcome logged. The messages come from dns/dns_notify.h.
 */
#ifndef UNIHOST_DNS_NOTIFY_SERVICE_H
#define UNIHOST_DNS_NOTIFY_SERVICE_H

#include "content/blob.h"

/* Targets followed at once; the rest of a larger list is logged and skipped. */
#define DNS_NOTIFY_TARGETS_MAX 64
/* Sends per target: the first, then retries after 1, 2, 4, 8 and 16 s
 * (about half a minute in all, as NSD's five retries take). */
#define DNS_NOTIFY_SENDS 6
#define DNS_NOTIFY_FIRST_WAIT_MS 1000u

/*
 * Notifies the targets of every zone of `now` whose serial differs from
 * its serial in `before` (NULL: every zone, as at start-up), or whose
 * NOTIFY for `before` was still unanswered (begun again: the targets are
 * `now`'s). `now` must stay valid while notifications run (content.h's
 * current blob is). Returns 0, or -1 if no UDP socket could be made.
 */
int dns_notify_service_start(const struct blob *before, const struct blob *now);

#endif
