/*
 * One log line as a syslog message (RFC 5424), for the UDP transport of
 * RFC 5426 (one message per datagram):
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
 *   <30>1 2026-12-05T07:49:42.123456Z 192.0.2.2 unihost - access - time=...
 *
 * PRI is facility * 8 + severity; the facility is daemon (3), the
 * severity info (6) for access, query and TLS handshake lines and notice
 * (5) for the rest. TIMESTAMP is log_time.h's (or "-" with no wall clock), HOSTNAME
 * the caller's (or "-"), APP-NAME "unihost", PROCID "-" (one process),
 * MSGID the line's kind ("access", "query", "tls", "-"), no STRUCTURED-DATA. MSG
 * is the line as the console shows it without "unihost: ": printable
 * ASCII only (log_escape.h saw to every byte a client chose), so no BOM.
 */
#ifndef UNIHOST_SYSLOG_FORMAT_H
#define UNIHOST_SYSLOG_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* A message is at most this long: RFC 5426 3.2 has every receiver take
 * 480 bytes and should take 2048; the lines (LOG_LINE_MAX) and a hostname
 * (SYSLOG_HOSTNAME_MAX) are bounded so that every message fits whole. */
#define SYSLOG_MESSAGE_MAX 1024
#define SYSLOG_HOSTNAME_MAX 64          /* RFC 5424 allows 255; a flag's value is checked to this */
#define SYSLOG_MSGID_MAX 32             /* RFC 5424's bound */
#define SYSLOG_FACILITY_DAEMON 3
#define SYSLOG_SEVERITY_NOTICE 5
#define SYSLOG_SEVERITY_INFO 6
/* The header without MSG, at most: "<191>1 " TIMESTAMP SP HOSTNAME SP
 * "unihost - " MSGID " - ". */
#define SYSLOG_HEADER_MAX (7 + 27 + 1 + SYSLOG_HOSTNAME_MAX + 1 + 10 + SYSLOG_MSGID_MAX + 3)

/* True if s[0..len) may be a HOSTNAME or MSGID: 1 to `max` bytes of
 * PRINTUSASCII (0x21-0x7e). */
int syslog_token_valid(const char *s, size_t len, size_t max);

/*
 * Writes the message into out (room for SYSLOG_MESSAGE_MAX bytes) and
 * returns its length. `hostname` and `msgid` are tokens
 * (syslog_token_valid) or NULL for "-". A MSG too long for the message is
 * cut (it is never, for the lines unihost makes).
 */
size_t syslog_format(char *out, unsigned facility, unsigned severity, uint64_t wall_ns, const char *hostname,
                     const char *msgid, const char *msg, size_t msg_len);

#endif
