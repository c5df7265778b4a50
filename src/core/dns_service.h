/* DNS on UDP and TCP port 53: moves messages between lwIP and the engine. */
#ifndef UNIHOST_DNS_SERVICE_H
#define UNIHOST_DNS_SERVICE_H

#include "content/blob.h"

#include <stdbool.h>

/* Binds UDP and TCP port 53 on every address; returns 0 or -1. With
 * `log_queries`, every message gets a line in the log (query_line.h). */
int dns_service_start(const struct blob *blob, bool log_queries);

/* Logs the rate limiter's counters after the stats: line (SIGUSR1 on
 * tap): answers checked, limited, and of those slipped and dropped. */
void dns_service_log_stats(void);

#endif
