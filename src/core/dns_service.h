/* DNS on UDP and TCP port 53: moves messages between lwIP and the engine. */
#ifndef UNIHOST_DNS_SERVICE_H
#define UNIHOST_DNS_SERVICE_H

#include "content/blob.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns_rrl.h"

/* Binds UDP and TCP port 53 on every address; returns 0 or -1. With
 * `log_queries`, every message gets a line in the log (query_line.h). */
int dns_service_start(const struct blob *blob, bool log_queries);

/* Turns the query log on or off while serving (SIGUSR2 on tap): from the
 * next message on. Returns whether it is now on. */
bool dns_service_toggle_query_log(void);

/* The ACME DNS-01 records the engine answers beside the zones (before
 * dns_service_start()). */
struct dns_challenges;
void dns_service_set_challenges(const struct dns_challenges *challenges);

/* New content (content.h) is current: the rate limiter, the cookie
 * secrets and the TSIG keys follow it; queries already begun finish on
 * `before`. */
void dns_service_swap(const struct blob *before, const struct blob *now);

/* Whether a TCP connection is still answering (or transferring) from b. */
bool dns_service_uses(const struct blob *b);

/* Resets the TCP connections still answering (or transferring) from b;
 * returns how many. */
size_t dns_service_reset_using(const struct blob *b);

/* Logs the rate limiter's counters after the stats: line (SIGUSR1 on
 * tap): answers checked, limited, and of those slipped and dropped. */
void dns_service_log_stats(void);

/* For the metrics: the rate limiter's counters, and the cookies judged,
 * by enum dns_cookie_status (DNS_COOKIE_STATUSES of them). */
const struct dns_rrl_counters *dns_service_rrl_counters(void);
const uint64_t *dns_service_cookie_counts(void);

#endif
