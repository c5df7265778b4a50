/* The stats line: see net_stats.h. */
#include "net/net_stats.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/log.h"
#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "net/syn_cookie.h"

#define SOURCES_MAX 8
#define LINE_MAX 1024

static stats_source sources[SOURCES_MAX];
static size_t source_count;

void stats_add(struct stats_line *line, const char *key, const char *fmt, ...)
{
    if (line->len >= line->size)
        return;
    int n = snprintf(line->buf + line->len, line->size - line->len, " %s=", key);
    if (n < 0 || (size_t)n >= line->size - line->len) {
        line->len = line->size;
        return;
    }
    line->len += (size_t)n;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(line->buf + line->len, line->size - line->len, fmt, ap);
    va_end(ap);
    line->len = n < 0 || (size_t)n >= line->size - line->len ? line->size : line->len + (size_t)n;
}

void net_stats_register(stats_source source)
{
    if (source_count < SOURCES_MAX)
        sources[source_count++] = source;
}

static void add_pool(struct stats_line *line, const char *key, memp_t pool)
{
    const struct stats_mem *m = lwip_stats.memp[pool];
    stats_add(line, key, "%u/%u", (unsigned)m->used, (unsigned)m->avail);
}

void net_stats_log(void)
{
    char buf[LINE_MAX];
    struct stats_line line = {buf, sizeof buf, 0};
    stats_add(&line, "heap", "%lu/%lu", (unsigned long)lwip_stats.mem.used, (unsigned long)lwip_stats.mem.avail);
    add_pool(&line, "pbuf_pool", MEMP_PBUF_POOL);
    add_pool(&line, "pbuf_ref", MEMP_PBUF);
    add_pool(&line, "tcp_seg", MEMP_TCP_SEG);
    add_pool(&line, "tcp_pcb", MEMP_TCP_PCB);
    unsigned active = 0, syn_rcvd = 0, time_wait = 0;
    for (const struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next) {
        active++;
        syn_rcvd += pcb->state == SYN_RCVD;
    }
    for (const struct tcp_pcb *pcb = tcp_tw_pcbs; pcb; pcb = pcb->next)
        time_wait++;
    stats_add(&line, "tcp_active", "%u", active);
    stats_add(&line, "tcp_syn_rcvd", "%u", syn_rcvd);
    stats_add(&line, "tcp_time_wait", "%u", time_wait);
    stats_add(&line, "syn_cookies_sent", "%lu", syn_cookies_sent);
    stats_add(&line, "syn_cookies_accepted", "%lu", syn_cookies_accepted);
    for (size_t i = 0; i < source_count; i++)
        sources[i](&line);
    if (line.len >= line.size)
        line.len = line.size - 1;
    buf[line.len] = '\0';
    log_line("stats:%s", buf);
}
