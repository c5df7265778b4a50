/* The boot sequence and the event loop: see unihost.h. */
#include "core/unihost.h"

#include "content/blob.h"
#include "core/dns_notify_service.h"
#include "core/dns_service.h"
#include "core/http_service.h"
#include "lwip/init.h"
#include "lwip/timeouts.h"
#include "core/log.h"
#include "net/net_stats.h"
#include "net/netif_platform.h"
#include "core/platform.h"
#include "http/tls_server.h"

#define FRAMES_PER_ROUND 64     /* input handled before timers get a turn */

static struct blob the_blob;
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

static int serve(struct netif *netif)
{
    while (!plat_stop_requested()) {
        int handled = netif_platform_poll(netif, FRAMES_PER_ROUND);
        if (handled < 0) {
            log_line("network device failed; stopping");
            return 1;
        }
        sys_check_timeouts();
        if (plat_stats_requested()) {
            net_stats_log();
            dns_service_log_stats();
        }
        if (handled == FRAMES_PER_ROUND)
            continue;           /* more is waiting: no need to ask the platform */
        u32_t sleep_ms = sys_timeouts_sleeptime();
        if (sleep_ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE || sleep_ms > 1000)
            sleep_ms = 1000;
        plat_wait(plat_monotonic_ns() + (uint64_t)sleep_ms * 1000000u);
    }
    return 0;
}

int unihost_run(const struct unihost_config *cfg, const void *blob, size_t blob_size)
{
    log_line("unihost %s starting", UNIHOST_VERSION);
    const char *error;
    if (blob_open(&the_blob, blob, blob_size, &error) != 0) {
        log_line("refusing the content blob: %s", error);
        return 1;
    }
    log_line("content: %zu bytes, %u files, %u zones, SHA-256 verified", blob_size,
             the_blob.http_file_count, the_blob.zone_count);

    struct http_service_options http = {
        .https_redirect = cfg->https_redirect,
        .hsts_max_age = cfg->hsts_max_age,
        .request_timeout_ms = cfg->http_request_timeout * 1000u,
        .idle_timeout_ms = cfg->http_idle_timeout * 1000u,
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

    if (dns_service_start(&the_blob) != 0) {
        log_line("could not bind DNS port 53");
        return 1;
    }
    log_line("dns: serving %u zones on UDP and TCP port 53", the_blob.zone_count);
    if (http_service_start(&the_blob, &http) != 0) {
        log_line("could not bind HTTP port 80%s", http.tls ? " or HTTPS port 443" : "");
        return 1;
    }
    if (!http.tls)
        log_line("http: serving %u files on TCP port 80", the_blob.http_file_count);
    else if (http.https_redirect)
        log_line("http: serving %u files on TCP port 443 (HTTPS); port 80 redirects to it",
                 the_blob.http_file_count);
    else
        log_line("http: serving %u files on TCP ports 80 and 443 (HTTPS)", the_blob.http_file_count);
    if (dns_notify_service_start(NULL, &the_blob) != 0)
        log_line("dns: no UDP socket for NOTIFY; secondaries learn of serials at their refresh");
    log_line("ready");

    int status = serve(netif);
    log_line("stopped%s", status == 0 ? "" : " after an error");
    return status;
}
