/*
 * The log to a syslog receiver over UDP (RFC 5426), one RFC 5424 message
 * (syslog_format.h) per datagram, from an ephemeral port. Lines wait in
 * the log's syslog ring (log.h) and go out a bounded number per turn of
 * the event loop, so that a burst of lines never holds up serving. UDP
 * has no back-pressure: a message lwIP cannot send (no route, no memory)
 * is dropped and counted; one lost on the way is not known.
 */
#ifndef UNIHOST_SYSLOG_SINK_H
#define UNIHOST_SYSLOG_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/ip_addr.h"

#define SYSLOG_PER_TURN 32      /* messages sent per turn of the event loop, at most */

/* Sends to addr:port from now on, with HOSTNAME `hostname` (a token, or
 * NULL for "-"; copied), at most `rate` messages a second (in bursts of
 * at most a second's worth). Returns 0, or -1 without a UDP socket. */
int syslog_sink_start(const ip_addr_t *addr, uint16_t port, const char *hostname, uint32_t rate);

/* Sends what waits, up to SYSLOG_PER_TURN messages and what the rate
 * allows. */
void syslog_sink_flush(void);

/* True while messages wait. */
bool syslog_sink_pending(void);

#endif
