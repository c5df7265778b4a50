/*
 * The metrics listener (--metrics ADDR:PORT, docs/metrics.md): a minimal
 * HTTP/1.1 responder on a TCP port of its own, bound to that one address,
 * answering GET (and HEAD) /metrics with the metrics page and closing.
 * It runs in the TCP service (tcp_service.h) with a small pool of its own,
 * so a scraper, or anyone else who reaches the address, is held to the
 * same bounds as every connection; the public listeners never serve it.
 */
#ifndef UNIHOST_METRICS_SERVICE_H
#define UNIHOST_METRICS_SERVICE_H

#include <stdint.h>

#include "lwip/ip_addr.h"

/* Listens on addr:port; returns 0 or -1. */
int metrics_service_start(const ip_addr_t *addr, uint16_t port);

#endif
