/*
 * The application's limits, from which lwIP's pool sizes are derived
 * (lwipopts.h), so that lwIP can always hold what the services admit: a
 * TCP connection for every slot, the half-open connections each listener
 * keeps before it answers with SYN cookies, and some closing ones. The
 * values are the tap build's; a platform with less memory sets its own
 * with -D (the Xen build: Makefile.in's XEN_LIMITS).
 */
#ifndef UNIHOST_NET_LIMITS_H
#define UNIHOST_NET_LIMITS_H

#ifndef HTTP_SLOTS
#define HTTP_SLOTS 256          /* HTTP and HTTPS connections, together */
#endif
#ifndef TLS_STATES
#define TLS_STATES 32           /* of which in TLS (~36 KB each: most of the service's memory) */
#endif
#ifndef DNS_SLOTS
#define DNS_SLOTS 64            /* DNS over TCP connections */
#endif
/* Metrics scrapers at once (--metrics; metrics_service.c): two Prometheus
 * servers, say; a third sheds one. */
#define METRICS_SLOTS 2
/* Pushes of content at once (--manage; manage_service.c): one is
 * installed at a time, a second connection is told so (503). */
#define MANAGE_SLOTS 2
#define TCP_LISTENERS 5         /* 53, 80, 443, the metrics port and the management port */
#ifndef TCP_HALF_OPEN_MAX
#define TCP_HALF_OPEN_MAX 64    /* per listener; past it, SYN cookies (syn_cookie.h) */
#endif
/* Connections lwIP finishes alone once the service lets go: TIME_WAIT, and
 * CLOSING with only our FIN to resend. lwIP reuses the oldest of them when
 * it needs a pcb, so they cost nothing but a reserve. */
#ifndef TCP_CLOSING_RESERVE
#define TCP_CLOSING_RESERVE 64
#endif
/* Received bytes a connection may hold (its receive buffer, and the TCP
 * window it offers: tcp_service.h). Requests are small; a window larger
 * than this buys a client nothing but our memory. */
#ifndef TCP_RX_BYTES
#define TCP_RX_BYTES 4096
#endif

#endif
