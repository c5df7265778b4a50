/*
 * The "stats:" log line: what unihost holds right now, as key=value words
 * (used/total for pools). It is what an operator, and the hostile-client
 * and fault tests, read to see that every pool returns to its idle level:
 *
 *   heap=U/T          lwIP's heap, bytes (PBUF_RAM: headers, copied data, replies)
 *   pbuf_pool=U/T     received frames (one pool buffer each)
 *   pbuf_ref=U/T      zero-copy pbufs (bodies sent from the blob)
 *   tcp_seg=U/T       queued TCP segments
 *   tcp_pcb=U/T       TCP connections in any state, listeners apart
 *   tcp_active=N      of which not in TIME_WAIT
 *   tcp_syn_rcvd=N    of which half-open (SYN received, not yet accepted)
 *   tcp_time_wait=N   of which in TIME_WAIT
 *   syn_cookies_sent=N, syn_cookies_accepted=N   (syn_cookie.h)
 * then what each registered source (the TCP service's pools) adds.
 */
#ifndef UNIHOST_NET_STATS_H
#define UNIHOST_NET_STATS_H

#include <stddef.h>

struct stats_line {
    char *buf;
    size_t size, len;
};

/* Appends " key=value" to the line (printf-style value). */
void stats_add(struct stats_line *line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A source of more words: called for each line, in registration order. */
typedef void (*stats_source)(struct stats_line *line);
void net_stats_register(stats_source source);

/* Logs the line ("unihost: stats: ..."). */
void net_stats_log(void);

#endif
