/* Command-line parsing: see config.h. */
#include "core/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/syslog_format.h"

const char config_usage[] =
    "usage: unihost --tap NAME (--ipv4 ADDR/PREFIX | --ipv6 ADDR/PREFIX) [options]\n"
    "  --tap NAME            tap device to use (unix platform)\n"
    "  --ipv4 ADDR/PREFIX    IPv4 address and prefix length, e.g. 192.0.2.2/24\n"
    "  --ipv4-gateway ADDR   IPv4 default gateway\n"
    "  --ipv6 ADDR/PREFIX    IPv6 address and prefix length, e.g. 2001:db8::2/64\n"
    "  --blob FILE           serve this content blob instead of the embedded one\n"
    "  --tls-cert FILE       serve HTTPS on port 443 with this PEM certificate chain (leaf first)\n"
    "  --tls-key FILE        ... and this PEM private key (EC P-256 or RSA)\n"
    "  --no-https-redirect   with HTTPS, still serve plain HTTP on port 80 (default: 301 to https://)\n"
    "  --hsts-max-age SECS   Strict-Transport-Security max-age on HTTPS (default 31536000; 0: none)\n"
    "  --http-request-timeout SECS  time for a request (and TLS handshake) to arrive (default 60)\n"
    "  --http-idle-timeout SECS     time an idle keep-alive connection stays open (default 75)\n"
    "  --no-access-log       no line per HTTP(S) response in the log (default: one each)\n"
    "  --dns-log             a line per DNS query in the log (default: none)\n"
    "  --syslog ADDR[:PORT]  send the log to this syslog receiver too, over UDP (port 514 by default;\n"
    "                        an IPv6 address with a port in brackets: [2001:db8::9]:514)\n"
    "  --syslog-hostname NAME  HOSTNAME in syslog messages (default: unihost's address)\n"
    "  --syslog-rate N       syslog messages a second, at most (default 1000; lines past it are dropped, counted)\n"
    "  --metrics ADDR:PORT   serve Prometheus metrics at http://ADDR:PORT/metrics, on that address only\n"
    "                        (one of unihost's own; IPv6 in brackets: [2001:db8::2]:9100)\n"
    "  --manage ADDR:PORT    take content blobs pushed over HTTPS (PUT /blob) at ADDR:PORT, on that\n"
    "                        address only; needs HTTPS's credentials and the signers' public key\n"
    "  --manage-key FILE     PEM EC P-256 public key whose private half signs pushed blobs (unix;\n"
    "                        on Xen the key is built into the image: make xen MANAGE_PUBKEY=FILE)\n"
    "  --acme-directory URL  get HTTPS's certificate from this ACME CA (RFC 8555) and renew it\n"
    "  --acme-ca FILE        ... trusting only the CA roots of this PEM file for the CA's HTTPS (unix;\n"
    "                        on Xen the roots are built into the image: make xen XEN_ACME_CA=FILE)\n"
    "  --resolver ADDR[:PORT]  ... finding the CA's host through this recursive resolver\n"
    "  --acme-contact mailto:ADDRESS  ... the account's contact (default: none)\n"
    "  --acme-names NAME,...  ... for these names (default: each zone's apex and its www)\n"
    "  --acme-challenge http-01|dns-01  ... answered on port 80 or by unihost's own DNS\n"
    "                        (default http-01; wildcard names always use dns-01)\n"
    "  --state-dir DIR       ... keeping the account key and the certificate in DIR (made 0700 if missing),\n"
    "                        so a restart serves the kept certificate and orders nothing before renewal (unix)\n"
    "  --acme-account-key FILE  ... as the account whose PEM P-256 private key FILE holds\n"
    "                        (default: the one in --state-dir, or a new one at each start)\n"
    "  -h, --help            print this text\n"
    "Flags also take the --flag=VALUE form.\n";

/* Splits "ADDR/PREFIX" (PREFIX required, at most max_prefix). */
static int parse_prefixed(const char *value, char *addr, size_t addr_size, uint8_t *prefix,
                          unsigned max_prefix)
{
    const char *slash = strchr(value, '/');
    if (!slash || (size_t)(slash - value) >= addr_size || slash[1] == '\0')
        return -1;
    memcpy(addr, value, (size_t)(slash - value));
    addr[slash - value] = '\0';
    char *end;
    unsigned long p = strtoul(slash + 1, &end, 10);
    if (*end != '\0' || p > max_prefix || slash[1] < '0' || slash[1] > '9')
        return -1;
    *prefix = (uint8_t)p;
    return 0;
}

/* "ADDR", "ADDR:PORT", "[ADDR6]", "[ADDR6]:PORT", or a bare IPv6 address
 * (two colons or more, no port). Without a port: default_port, or an error
 * if that is 0 (the port is required). */
static int parse_host_port(const char *value, ip_addr_t *addr, uint16_t *port, uint16_t default_port)
{
    char host[64];
    const char *port_text = NULL;
    size_t host_len;
    if (value[0] == '[') {
        const char *close = strchr(value, ']');
        if (!close)
            return -1;
        host_len = (size_t)(close - value - 1);
        value++;
        if (close[1] == ':')
            port_text = close + 2;
        else if (close[1] != '\0')
            return -1;
    } else {
        const char *colon = strchr(value, ':');
        bool one_colon = colon && !strchr(colon + 1, ':');
        host_len = one_colon ? (size_t)(colon - value) : strlen(value);
        if (one_colon)
            port_text = colon + 1;
    }
    if (host_len == 0 || host_len >= sizeof host)
        return -1;
    memcpy(host, value, host_len);
    host[host_len] = '\0';
    if (!ipaddr_aton(host, addr) || ip_addr_isany(addr) || ip_addr_ismulticast(addr))
        return -1;
    *port = default_port;
    if (!port_text && default_port == 0)
        return -1;
    if (port_text) {
        char *end;
        unsigned long p = strtoul(port_text, &end, 10);
        if (port_text[0] < '0' || port_text[0] > '9' || *end != '\0' || p == 0 || p > 65535)
            return -1;
        *port = (uint16_t)p;
    }
    return 0;
}

int config_parse(int argc, char **argv, struct unihost_config *cfg, char *err, size_t err_size)
{
    enum { TAP, BLOB, IPV4, IPV4_GATEWAY, IPV6, TLS_CERT, TLS_KEY, NO_HTTPS_REDIRECT, HSTS_MAX_AGE,
           REQUEST_TIMEOUT, IDLE_TIMEOUT, NO_ACCESS_LOG, DNS_LOG, SYSLOG, SYSLOG_HOSTNAME, SYSLOG_RATE, METRICS,
           MANAGE, MANAGE_KEY, ACME_DIRECTORY, ACME_CONTACT, ACME_CA, ACME_NAMES, ACME_CHALLENGE, RESOLVER,
           STATE_DIR, ACME_ACCOUNT_KEY };
    static const char *const flags[] = {
        [TAP] = "--tap", [BLOB] = "--blob", [IPV4] = "--ipv4",
        [IPV4_GATEWAY] = "--ipv4-gateway", [IPV6] = "--ipv6",
        [TLS_CERT] = "--tls-cert", [TLS_KEY] = "--tls-key",
        [NO_HTTPS_REDIRECT] = "--no-https-redirect", [HSTS_MAX_AGE] = "--hsts-max-age",
        [REQUEST_TIMEOUT] = "--http-request-timeout", [IDLE_TIMEOUT] = "--http-idle-timeout",
        [NO_ACCESS_LOG] = "--no-access-log", [DNS_LOG] = "--dns-log", [SYSLOG] = "--syslog",
        [SYSLOG_HOSTNAME] = "--syslog-hostname", [SYSLOG_RATE] = "--syslog-rate", [METRICS] = "--metrics",
        [MANAGE] = "--manage", [MANAGE_KEY] = "--manage-key",
        [ACME_DIRECTORY] = "--acme-directory", [ACME_CONTACT] = "--acme-contact", [ACME_CA] = "--acme-ca",
        [ACME_NAMES] = "--acme-names", [ACME_CHALLENGE] = "--acme-challenge", [RESOLVER] = "--resolver",
        [STATE_DIR] = "--state-dir", [ACME_ACCOUNT_KEY] = "--acme-account-key",
    };
    /* flags that take no value */
    const unsigned switches = 1u << NO_HTTPS_REDIRECT | 1u << NO_ACCESS_LOG | 1u << DNS_LOG;
    unsigned seen = 0;
    memset(cfg, 0, sizeof *cfg);
    cfg->https_redirect = true;
    cfg->hsts_max_age = CONFIG_HSTS_MAX_AGE_DEFAULT;
    cfg->http_request_timeout = CONFIG_REQUEST_TIMEOUT_DEFAULT;
    cfg->http_idle_timeout = CONFIG_IDLE_TIMEOUT_DEFAULT;
    cfg->access_log = true;
    cfg->syslog_rate = CONFIG_SYSLOG_RATE_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
            cfg->help = true;
            continue;
        }
        if (strncmp(word, "--", 2) != 0) {
            snprintf(err, err_size, "unexpected argument '%s' (flags start with --)", word);
            return -1;
        }
        /* "--flag=value" or "--flag value" */
        char flag[32];
        const char *value;
        const char *eq = strchr(word, '=');
        size_t flag_len = eq ? (size_t)(eq - word) : strlen(word);
        if (flag_len >= sizeof flag) {
            snprintf(err, err_size, "unknown flag '%s'", word);
            return -1;
        }
        memcpy(flag, word, flag_len);
        flag[flag_len] = '\0';
        int known = -1;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
            if (strcmp(flag, flags[k]) == 0)
                known = (int)k;
        if (known < 0) {
            snprintf(err, err_size, "unknown flag '%s'", flag);
            return -1;
        }
        if (seen & (1u << known)) {
            snprintf(err, err_size, "flag %s given twice", flag);
            return -1;
        }
        seen |= 1u << known;
        if (switches & (1u << known)) {
            if (eq) {
                snprintf(err, err_size, "flag %s takes no value", flag);
                return -1;
            }
            value = NULL;
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            snprintf(err, err_size, "flag %s needs a value", flag);
            return -1;
        }

        char addr[64];
        uint32_t *seconds = NULL;
        uint32_t max_seconds = 0;
        switch (known) {
        case TAP:
            cfg->tap = value;
            break;
        case BLOB:
            cfg->blob_path = value;
            break;
        case IPV4:
            if (parse_prefixed(value, addr, sizeof addr, &cfg->ipv4_prefix, 32) != 0 ||
                !ip4addr_aton(addr, &cfg->ipv4)) {
                snprintf(err, err_size, "--ipv4 wants ADDR/PREFIX like 192.0.2.2/24, not '%s'", value);
                return -1;
            }
            cfg->has_ipv4 = true;
            break;
        case IPV4_GATEWAY:
            if (!ip4addr_aton(value, &cfg->ipv4_gateway)) {
                snprintf(err, err_size, "--ipv4-gateway wants an IPv4 address, not '%s'", value);
                return -1;
            }
            cfg->has_ipv4_gateway = true;
            break;
        case IPV6:
            if (parse_prefixed(value, addr, sizeof addr, &cfg->ipv6_prefix, 128) != 0 ||
                !ip6addr_aton(addr, &cfg->ipv6)) {
                snprintf(err, err_size, "--ipv6 wants ADDR/PREFIX like 2001:db8::2/64, not '%s'", value);
                return -1;
            }
            cfg->has_ipv6 = true;
            break;
        case TLS_CERT:
            cfg->tls_cert_path = value;
            break;
        case TLS_KEY:
            cfg->tls_key_path = value;
            break;
        case NO_HTTPS_REDIRECT:
            cfg->https_redirect = false;
            break;
        case NO_ACCESS_LOG:
            cfg->access_log = false;
            break;
        case DNS_LOG:
            cfg->dns_log = true;
            break;
        case SYSLOG:
            if (parse_host_port(value, &cfg->syslog_addr, &cfg->syslog_port, CONFIG_SYSLOG_PORT_DEFAULT) != 0) {
                snprintf(err, err_size, "--syslog wants ADDR[:PORT] like 192.0.2.9, 192.0.2.9:514 or "
                         "[2001:db8::9]:514, not '%s'", value);
                return -1;
            }
            cfg->has_syslog = true;
            break;
        case SYSLOG_HOSTNAME:
            if (!syslog_token_valid(value, strlen(value), SYSLOG_HOSTNAME_MAX)) {
                snprintf(err, err_size, "--syslog-hostname wants 1 to 64 printable ASCII characters "
                         "without spaces, not '%s'", value);
                return -1;
            }
            cfg->syslog_hostname = value;
            break;
        case SYSLOG_RATE: {
            char *end;
            unsigned long v = strtoul(value, &end, 10);
            if (value[0] < '0' || value[0] > '9' || *end != '\0' || v == 0 || v > CONFIG_SYSLOG_RATE_MAX) {
                snprintf(err, err_size, "--syslog-rate wants messages a second from 1 to %u, not '%s'",
                         CONFIG_SYSLOG_RATE_MAX, value);
                return -1;
            }
            cfg->syslog_rate = (uint32_t)v;
            break;
        }
        case METRICS:
            if (parse_host_port(value, &cfg->metrics_addr, &cfg->metrics_port, 0) != 0) {
                snprintf(err, err_size, "--metrics wants ADDR:PORT like 192.0.2.2:9100 or [2001:db8::2]:9100, "
                         "not '%s'", value);
                return -1;
            }
            if (cfg->metrics_port == 53 || cfg->metrics_port == 80 || cfg->metrics_port == 443) {
                snprintf(err, err_size, "--metrics wants a port of its own, not %u (DNS, HTTP and HTTPS are "
                         "served there on every address)", (unsigned)cfg->metrics_port);
                return -1;
            }
            cfg->has_metrics = true;
            break;
        case MANAGE:
            if (parse_host_port(value, &cfg->manage_addr, &cfg->manage_port, 0) != 0) {
                snprintf(err, err_size, "--manage wants ADDR:PORT like 192.0.2.2:8443 or [2001:db8::2]:8443, "
                         "not '%s'", value);
                return -1;
            }
            if (cfg->manage_port == 53 || cfg->manage_port == 80 || cfg->manage_port == 443) {
                snprintf(err, err_size, "--manage wants a port of its own, not %u (DNS, HTTP and HTTPS are "
                         "served there on every address)", (unsigned)cfg->manage_port);
                return -1;
            }
            cfg->has_manage = true;
            break;
        case MANAGE_KEY:
            cfg->manage_key_path = value;
            break;
        case ACME_DIRECTORY:
            if (strncmp(value, "https://", 8) != 0 || strlen(value) >= 512) {
                snprintf(err, err_size, "--acme-directory wants the CA's https:// directory URL, not '%s'", value);
                return -1;
            }
            cfg->acme_directory = value;
            break;
        case ACME_CONTACT:
            if (strncmp(value, "mailto:", 7) != 0 || strlen(value) > 200) {
                snprintf(err, err_size, "--acme-contact wants mailto:ADDRESS, not '%s'", value);
                return -1;
            }
            cfg->acme_contact = value;
            break;
        case ACME_CA:
            cfg->acme_ca_path = value;
            break;
        case ACME_NAMES: {
            size_t list_len = strlen(value);
            if (list_len >= sizeof cfg->acme_names_text) {
                snprintf(err, err_size, "--acme-names: too long a list");
                return -1;
            }
            memcpy(cfg->acme_names_text, value, list_len + 1);
            for (char *name = cfg->acme_names_text; name;) {
                char *comma = strchr(name, ',');
                if (comma)
                    *comma = '\0';
                if (cfg->acme_name_count == sizeof cfg->acme_names / sizeof cfg->acme_names[0] || name[0] == '\0') {
                    snprintf(err, err_size, "--acme-names wants 1 to 16 names separated by commas, not '%s'", value);
                    return -1;
                }
                cfg->acme_names[cfg->acme_name_count++] = name;
                name = comma ? comma + 1 : NULL;
            }
            break;
        }
        case ACME_CHALLENGE:
            if (strcmp(value, "http-01") != 0 && strcmp(value, "dns-01") != 0) {
                snprintf(err, err_size, "--acme-challenge wants http-01 or dns-01, not '%s'", value);
                return -1;
            }
            cfg->acme_dns01 = strcmp(value, "dns-01") == 0;
            break;
        case STATE_DIR:
            if (value[0] == '\0') {
                snprintf(err, err_size, "--state-dir wants a directory");
                return -1;
            }
            cfg->acme_state_dir = value;
            break;
        case ACME_ACCOUNT_KEY:
            cfg->acme_account_key_path = value;
            break;
        case RESOLVER:
            if (parse_host_port(value, &cfg->resolver_addr, &cfg->resolver_port, 53) != 0) {
                snprintf(err, err_size, "--resolver wants ADDR[:PORT] like 192.0.2.53 or [2001:db8::53]:53, not '%s'",
                         value);
                return -1;
            }
            cfg->has_resolver = true;
            break;
        case HSTS_MAX_AGE:
            seconds = &cfg->hsts_max_age;
            max_seconds = 63072000;     /* two years, what the preload list asks */
            break;
        case REQUEST_TIMEOUT:
            seconds = &cfg->http_request_timeout;
            max_seconds = 3600;
            break;
        case IDLE_TIMEOUT:
            seconds = &cfg->http_idle_timeout;
            max_seconds = 3600;
            break;
        }
        if (seconds) {
            char *end;
            unsigned long v = strtoul(value, &end, 10);
            bool zero_ok = known == HSTS_MAX_AGE;
            if (value[0] < '0' || value[0] > '9' || *end != '\0' || v > max_seconds || (v == 0 && !zero_ok)) {
                snprintf(err, err_size, "%s wants whole seconds from %d to %lu, not '%s'", flag,
                         zero_ok ? 0 : 1, (unsigned long)max_seconds, value);
                return -1;
            }
            *seconds = (uint32_t)v;
        }
    }
    if (!cfg->tls_cert_path != !cfg->tls_key_path) {
        snprintf(err, err_size, "give --tls-cert and --tls-key together");
        return -1;
    }
    if ((cfg->syslog_hostname || (seen & 1u << SYSLOG_RATE)) && !cfg->has_syslog) {
        snprintf(err, err_size, "--syslog-hostname and --syslog-rate go with --syslog");
        return -1;
    }
    if (!cfg->help && !cfg->has_ipv4 && !cfg->has_ipv6) {
        snprintf(err, err_size, "give an address with --ipv4 ADDR/PREFIX (and/or --ipv6)");
        return -1;
    }
    /* The listener is bound to the address given: one unihost does not
     * have would never be reached. */
    if (cfg->has_metrics &&
        !(IP_IS_V4(&cfg->metrics_addr) ? cfg->has_ipv4 && ip4_addr_cmp(ip_2_ip4(&cfg->metrics_addr), &cfg->ipv4)
                                       : cfg->has_ipv6 && ip6_addr_cmp_zoneless(ip_2_ip6(&cfg->metrics_addr), &cfg->ipv6))) {
        snprintf(err, err_size, "--metrics wants one of unihost's own addresses (--ipv4, --ipv6)");
        return -1;
    }
    if (cfg->has_manage &&
        !(IP_IS_V4(&cfg->manage_addr) ? cfg->has_ipv4 && ip4_addr_cmp(ip_2_ip4(&cfg->manage_addr), &cfg->ipv4)
                                      : cfg->has_ipv6 && ip6_addr_cmp_zoneless(ip_2_ip6(&cfg->manage_addr), &cfg->ipv6))) {
        snprintf(err, err_size, "--manage wants one of unihost's own addresses (--ipv4, --ipv6)");
        return -1;
    }
    if (cfg->has_manage && cfg->has_metrics && cfg->manage_port == cfg->metrics_port &&
        ip_addr_cmp(&cfg->manage_addr, &cfg->metrics_addr)) {
        snprintf(err, err_size, "--manage and --metrics want different ports");
        return -1;
    }
    if ((cfg->acme_contact || cfg->acme_ca_path || cfg->acme_name_count || (seen & 1u << ACME_CHALLENGE) ||
         cfg->acme_state_dir || cfg->acme_account_key_path) &&
        !cfg->acme_directory) {
        snprintf(err, err_size, "--acme-contact, --acme-ca, --acme-names, --acme-challenge, --state-dir and "
                 "--acme-account-key go with --acme-directory");
        return -1;
    }
    /* (The CA's roots come from --acme-ca on unix and from the image on
     * Xen: each platform checks it has them.) */
    if (cfg->acme_directory && !cfg->has_resolver) {
        snprintf(err, err_size, "--acme-directory wants --resolver (to find the CA's host)");
        return -1;
    }
    if (cfg->acme_directory && cfg->tls_cert_path) {
        snprintf(err, err_size, "give --tls-cert or --acme-directory, not both");
        return -1;
    }
    if (cfg->manage_key_path && !cfg->has_manage) {
        snprintf(err, err_size, "--manage-key goes with --manage");
        return -1;
    }
    return 0;
}
