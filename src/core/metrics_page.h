/*
 * The metrics page (docs/metrics.md): everything unihost counts and holds,
 * gathered at the moment of a scrape and written in Prometheus's text
 * format. Counters come from metrics.h and the DNS service; what is held
 * (connections, lwIP's pools) and what is served (the content's hash, the
 * zones' serials) is read where it lives.
 */
#ifndef UNIHOST_METRICS_PAGE_H
#define UNIHOST_METRICS_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"

/* Writes the page into buf; returns its length, or 0 if it did not fit
 * in `size` (then nothing of it may be served: a cut page would lose
 * series silently). */
size_t metrics_page(const struct blob *blob, uint64_t uptime_seconds, char *buf, size_t size);

#endif
