/* The boot sequence and the event loop: see unihost.h. */
#include "core/unihost.h"

#include <string.h>

#include "content/blob.h"
#include "core/content.h"
#include "core/dns_notify_service.h"
#include "core/dns_service.h"
#include "core/acme_service.h"
#include "core/http_service.h"
#include "core/manage_service.h"
#include "core/metrics_service.h"
#include "lwip/init.h"
#include "lwip/timeouts.h"
#include "core/log.h"
#include "core/syslog_sink.h"
#include "core/turn_clock.h"
#include "net/net_stats.h"
#include "net/netif_platform.h"
#include "core/platform.h"
#include "http/tls_server.h"
#include "wire/dns_name.h"

#define FRAMES_PER_ROUND 64     /* input handled before timers get a turn */
/*
 * The loop's longest sleep while a log sink has lines waiting: how late a
 * line made in a burst shows once the burst is over. Not shorter: a poll()
 * whose timeout is the CPU's next timer event makes the kernel program
 * the timer, and cancel it when a frame comes first, and on a virtual
 * machine each of those is a trap to the hypervisor. Bounding the sleep to
 * 1 ms while lines waited (so that they showed within a millisecond) cost
 * a server answering 25,000 queries a second with --dns-log 8-9% more CPU
 * per query than 10 ms (bench/observability_paired.sh: 12.2% against
 * 3.0-4.3%), more than the lines themselves.
 */
#define LOG_BEHIND_MS 10
#define DROPS_REPORT_MS 10000   /* how often lost log lines are told, if any were lost */

static struct tls_credentials the_credentials;

static void log_addresses(const struct netif *netif)
{
    const uint8_t *m = netif->hwaddr;
    struct plat_net_info info;
    plat_net_info(&info);       /* netif->mtu is raised under segmentation offload */
    log_line("interface: mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %u", m[0], m[1], m[2], m[3], m[4],
             m[5], info.mtu);
    if (info.tcp_segment_max)
        log_line("interface: TCP segmentation offload, segments up to %u bytes", (unsigned)info.tcp_segment_max);
    if (!ip4_addr_isany_val(*netif_ip4_addr(netif)))
        log_line("interface: ipv4 %s/%d", ip4addr_ntoa(netif_ip4_addr(netif)),
                 32 - __builtin_popcount(~lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(netif)))));
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
        if (ip6_addr_isvalid(netif_ip6_addr_state(netif, i)))
            log_line("interface: ipv6 %s", ip6addr_ntoa(netif_ip6_addr(netif, i)));
}

static void add_log_stats(struct stats_line *line)
{
    stats_add(line, "log_console_dropped", "%lu", log_console_dropped());
    stats_add(line, "log_syslog_dropped", "%lu", log_syslog_dropped());
}

/* Lines a sink lost since the last time this was told, told (bounded in
 * rate: at most one such line every DROPS_REPORT_MS). */
static void report_drops(bool now)
{
    static uint64_t next_ns;
    static unsigned long told;
    uint64_t t = plat_monotonic_ns();
    if (!now && t < next_ns)
        return;
    next_ns = t + (uint64_t)DROPS_REPORT_MS * 1000000u;
    unsigned long console = log_console_dropped(), syslog = log_syslog_dropped();
    if (console + syslog == told)
        return;
    told = console + syslog;
    log_line("log: %lu lines dropped on the console and %lu to syslog so far (a sink did not keep up)",
             console, syslog);
}

/* The query log turned on or off as the host asked (SIGUSR2 on unix), an
 * event line saying the state it ends in. */
static void take_query_log_toggles(void)
{
    unsigned toggles = plat_query_log_toggles_take();
    if (toggles == 0)
        return;
    bool on = false;
    for (unsigned i = 0; i < toggles; i++)
        on = dns_service_toggle_query_log();
    log_line("dns-log: %s (a line per DNS query; SIGUSR2 turns it %s)", on ? "on" : "off", on ? "off" : "on");
}

/* A reload the host asked for (SIGHUP on unix): the blob read again,
 * checked and swapped in, or refused with the old one serving on. */
static void take_reload(void)
{
    void *memory;
    size_t size;
    char origin[320], err[256];
    int asked = plat_reload_take(&memory, &size, origin, sizeof origin, err, sizeof err);
    if (asked < 0) {
        log_line("content: reload: %s; the current blob keeps serving", err);
    } else if (asked > 0) {
        (void)content_swap(memory, size, origin, err, sizeof err);  /* it logs either way */
    }
}

static int serve(struct netif *netif)
{
    log_batching(true);     /* lines go out in batches, never waited for */
    while (!plat_stop_requested()) {
        turn_clock_tick();
        int handled = netif_platform_poll(netif, FRAMES_PER_ROUND);
        if (handled < 0) {
            log_line("network device failed; stopping");
            return 1;
        }
        sys_check_timeouts();
        take_reload();
        content_collect();
        if (plat_stats_requested()) {
            net_stats_log();
            dns_service_log_stats();
        }
        take_query_log_toggles();
        /* The lines out, as far as each sink takes them now: the console's
         * in batches (log.h). */
        report_drops(false);
        log_flush_due(turn_monotonic_ns());
        syslog_sink_flush();
        if (handled == FRAMES_PER_ROUND)
            continue;           /* more is waiting: no need to ask the platform */
        /* Nothing more came this turn: the console's lines go out before
         * the loop sleeps, so that a quiet server's log is never behind
         * (log_flush_idle: at most once a millisecond, else a busy
         * server's idle moments would each cost a write; what it leaves
         * waits at most LOG_BEHIND_MS). */
        log_flush_idle(turn_monotonic_ns());
        u32_t sleep_ms = sys_timeouts_sleeptime();
        if (sleep_ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE || sleep_ms > 1000)
            sleep_ms = 1000;
        if ((log_console_pending() || syslog_sink_pending()) && sleep_ms > LOG_BEHIND_MS)
            sleep_ms = LOG_BEHIND_MS;   /* a sink is behind: try it again soon */
        plat_wait(plat_monotonic_ns() + (uint64_t)sleep_ms * 1000000u);
    }
    turn_clock_stop();
    return 0;
}

/* The names a certificate is for when --acme-names gives none: each
 * zone's apex and its www, as far as ACME_MAX_NAMES goes. */
static size_t default_acme_names(const struct blob *content, char text[][256], const char **names)
{
    size_t n = 0;
    for (unsigned z = 0; z < content->zone_count && n + 2 <= ACME_MAX_NAMES; z++) {
        const struct blob_dns_zone *zone = &content->zones[z];
        char name[256];
        size_t len = dns_name_text(blob_bytes(content, zone->apex), zone->apex.len, name, sizeof name);
        if (len > 1 && name[len - 1] == '.')
            name[--len] = '\0';
        if (len + 4 >= 256)
            continue;           /* no room for its www */
        memcpy(text[n], name, len + 1);
        names[n] = text[n];
        n++;
        memcpy(text[n], "www.", 4);
        memcpy(text[n] + 4, name, len + 1);
        names[n] = text[n];
        n++;
    }
    return n;
}

static int start_acme(const struct unihost_config *cfg, const struct blob *content)
{
    static char names_text[ACME_MAX_NAMES][256];
    struct acme_service_options acme = {
        .directory_url = cfg->acme_directory,
        .contact = cfg->acme_contact,
        .ca_pem = cfg->acme_ca_pem,
        .ca_pem_len = cfg->acme_ca_pem_len,
        .resolver = cfg->resolver_addr,
        .resolver_port = cfg->resolver_port,
        .challenge = cfg->acme_dns01 ? ACME_DNS01 : ACME_HTTP01,
        .storage = cfg->acme_storage,
        .account_key_pem = cfg->acme_account_key_pem,
        .account_key_pem_len = cfg->acme_account_key_pem_len,
        .account_key_name = cfg->acme_account_key_path,
    };
    if (cfg->acme_name_count) {
        for (size_t i = 0; i < cfg->acme_name_count && i < ACME_MAX_NAMES; i++)
            acme.names[acme.name_count++] = cfg->acme_names[i];
    } else {
        acme.name_count = default_acme_names(content, names_text, acme.names);
    }
    return acme_service_start(&acme);
}

/* Syslog's HOSTNAME when --syslog-hostname gives none: unihost's own
 * address of the receiver's family, the second choice of RFC 5424 6.2.4
 * (unihost knows no name of its own); "-" without one. */
static const char *syslog_hostname(const struct unihost_config *cfg, char *buf, size_t size)
{
    if (cfg->syslog_hostname)
        return cfg->syslog_hostname;
    if (IP_IS_V4(&cfg->syslog_addr) && cfg->has_ipv4)
        return ip4addr_ntoa_r(&cfg->ipv4, buf, (int)size);
    if (IP_IS_V6(&cfg->syslog_addr) && cfg->has_ipv6)
        return ip6addr_ntoa_r(&cfg->ipv6, buf, (int)size);
    return NULL;
}

/* Says why unihost stopped, and what the log lost, then lets the sinks
 * have the last lines (the console waited for, boundedly). */
static int finish(int status)
{
    report_drops(true);
    log_line("stopped%s", status == 0 ? "" : " after an error");
    log_batching(false);
    for (int turn = 0; turn < 8 && syslog_sink_pending(); turn++)
        syslog_sink_flush();
    log_drain();
    return status;
}

int unihost_run(const struct unihost_config *cfg, const void *blob, size_t blob_size, bool blob_owned)
{
    if (cfg->has_syslog)
        log_syslog_enable();    /* from the first line: the sink sends them once the network is up */
    log_line("unihost %s starting", UNIHOST_VERSION);
    const char *error;
    if (content_start(blob, blob_size, blob_owned, &error) != 0) {
        log_line("refusing the content blob: %s", error);
        return 1;
    }
    const struct blob *content = content_current();
    char hash[65];
    content_hash_hex(content, hash);
    log_line("content: %zu bytes, %u files, %u zones, SHA-256 verified", blob_size,
             content->http_file_count, content->zone_count);
    log_line("content: blob %.12s (its payload's SHA-256, as swaps name blobs)", hash);

    struct http_service_options http = {
        .https_redirect = cfg->https_redirect,
        .hsts_max_age = cfg->hsts_max_age,
        .request_timeout_ms = cfg->http_request_timeout * 1000u,
        .idle_timeout_ms = cfg->http_idle_timeout * 1000u,
        .access_log = cfg->access_log,
        .challenges = cfg->acme_directory ? acme_service_http_challenges() : NULL,
    };
    if (cfg->tls_cert_pem && !plat_random_is_cryptographic()) {
        /* Keys from a weak generator are worse than no HTTPS: serve plain
         * HTTP (without the redirect) and DNS, and say why. */
        log_line("tls: NOT serving HTTPS: this platform has no random source fit for keys "
                 "(on Xen: the CPU offers neither RDSEED nor RDRAND)");
    } else if (cfg->tls_cert_pem) {
        char err[256];
        if (tls_credentials_load(&the_credentials, cfg->tls_cert_pem, cfg->tls_cert_pem_len,
                                 cfg->tls_cert_path ? cfg->tls_cert_path : "the certificate",
                                 cfg->tls_key_pem, cfg->tls_key_pem_len,
                                 cfg->tls_key_path ? cfg->tls_key_path : "the key", err, sizeof err) != 0) {
            log_line("refusing the TLS credentials: %s", err);
            return 1;
        }
        http.tls = &the_credentials;
        log_line("tls: %s key, %zu certificate%s in the chain", the_credentials.key_type == BR_KEYTYPE_EC ?
                 "EC P-256" : "RSA", the_credentials.chain_len, the_credentials.chain_len == 1 ? "" : "s");
    }
    lwip_init();
    log_line("lwIP %s started", LWIP_VERSION_STRING);
    struct netif *netif = netif_platform_start(cfg);
    if (!netif) {
        log_line("could not bring up the network interface");
        return 1;
    }
    log_addresses(netif);
    if (cfg->has_ipv4_gateway)
        log_line("interface: ipv4 gateway %s", ip4addr_ntoa(&cfg->ipv4_gateway));
    net_stats_register(add_log_stats);
    if (cfg->has_syslog) {
        char name[IPADDR_STRLEN_MAX], to[IPADDR_STRLEN_MAX];
        ipaddr_ntoa_r(&cfg->syslog_addr, to, sizeof to);
        if (syslog_sink_start(&cfg->syslog_addr, cfg->syslog_port, syslog_hostname(cfg, name, sizeof name),
                              cfg->syslog_rate) != 0) {
            log_line("could not open a UDP socket for syslog");
            return 1;
        }
        log_line("log: to syslog at %s port %u over UDP (RFC 5424, facility daemon), at most %u messages a second",
                 to, cfg->syslog_port, (unsigned)cfg->syslog_rate);
    }
    log_line("log: access lines %s, DNS query lines %s", cfg->access_log ? "on" : "off (--no-access-log)",
             cfg->dns_log ? "on (--dns-log; SIGUSR2 turns them off on tap)" : "off (--dns-log, or SIGUSR2 on tap)");

    if (cfg->acme_directory)
        dns_service_set_challenges(acme_service_dns_challenges());
    if (dns_service_start(content, cfg->dns_log) != 0) {
        log_line("could not bind DNS port 53");
        return 1;
    }
    log_line("dns: serving %u zones on UDP and TCP port 53", content->zone_count);
    if (http_service_start(&http) != 0) {
        log_line("could not bind HTTP port 80%s", http.tls ? " or HTTPS port 443" : "");
        return 1;
    }
    if (!http.tls && cfg->acme_directory)
        log_line("http: serving %u files on TCP port 80; HTTPS (port 443) waits for the ACME CA's certificate, "
                 "and port 80 redirects to it only then", content->http_file_count);
    else if (!http.tls)
        log_line("http: serving %u files on TCP port 80", content->http_file_count);
    else if (http.https_redirect)
        log_line("http: serving %u files on TCP port 443 (HTTPS); port 80 redirects to it",
                 content->http_file_count);
    else
        log_line("http: serving %u files on TCP ports 80 and 443 (HTTPS)", content->http_file_count);
    if (cfg->has_metrics && metrics_service_start(&cfg->metrics_addr, cfg->metrics_port) != 0) {
        log_line("could not listen for metrics on port %u", (unsigned)cfg->metrics_port);
        return 1;
    }
    if (cfg->has_manage && manage_service_start(cfg, http.tls) != 0)
        return 1;               /* it said why */
    if (cfg->acme_directory && start_acme(cfg, content) != 0)
        return 1;               /* it said why */
    if (dns_notify_service_start(NULL, content) != 0)
        log_line("dns: no UDP socket for NOTIFY; secondaries learn of serials at their refresh");
    log_line("ready");

    return finish(serve(netif));
}
