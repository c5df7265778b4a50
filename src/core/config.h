/*
 * unihost's run-time configuration, parsed from an argument vector. The same
 * parser serves argv on unix and the kernel command line on Xen (which the
 * Xen platform splits into words), so the flags are the same everywhere;
 * they follow MirageOS's names.
 */
#ifndef UNIHOST_CONFIG_H
#define UNIHOST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/ip_addr.h"

struct acme_storage;

struct unihost_config {
    const char *tap;            /* --tap NAME: the tap device (unix only) */
    const char *blob_path;      /* --blob FILE: serve this blob, not the embedded one */
    bool has_ipv4, has_ipv4_gateway, has_ipv6;
    ip4_addr_t ipv4;            /* --ipv4 ADDR/PREFIX */
    uint8_t ipv4_prefix;
    ip4_addr_t ipv4_gateway;    /* --ipv4-gateway ADDR */
    ip6_addr_t ipv6;            /* --ipv6 ADDR/PREFIX */
    uint8_t ipv6_prefix;
    bool help;                  /* --help: print usage and stop */

    /* HTTPS. On unix, --tls-cert/--tls-key name PEM files that main() reads
     * into the *_pem bytes; another platform (Xen) sets the bytes itself,
     * e.g. to credentials embedded at build time. No bytes: no HTTPS. */
    const char *tls_cert_path, *tls_key_path;
    const char *tls_cert_pem, *tls_key_pem;
    size_t tls_cert_pem_len, tls_key_pem_len;
    bool https_redirect;        /* with HTTPS: port 80 answers 301 (--no-https-redirect: off) */
    uint32_t hsts_max_age;      /* --hsts-max-age SECONDS; 0: no Strict-Transport-Security */

    /* Connection time limits, in seconds. */
    uint32_t http_request_timeout;  /* --http-request-timeout: a request (and TLS handshake) must arrive within it */
    uint32_t http_idle_timeout;     /* --http-idle-timeout: a connection without progress is closed */

    /* The log (src/core/log.h, docs/logs.md). */
    bool access_log;                /* a line per HTTP(S) response (--no-access-log: off) */
    bool dns_log;                   /* --dns-log: a line per DNS message */
    bool has_syslog;                /* --syslog ADDR[:PORT]: lines to this syslog receiver too */
    ip_addr_t syslog_addr;
    uint16_t syslog_port;
    const char *syslog_hostname;    /* --syslog-hostname NAME; NULL: our address */
    uint32_t syslog_rate;           /* --syslog-rate N: messages a second, at most */

    /* --metrics ADDR:PORT: the metrics listener (docs/metrics.md), on that address only. */
    bool has_metrics;
    ip_addr_t metrics_addr;
    uint16_t metrics_port;

    /* --manage ADDR:PORT: the management listener (content pushed over TLS,
     * docs/xen.md), on that address only. The public key that signs pushed
     * blobs: on unix --manage-key names a PEM file that main() reads into
     * the *_pem bytes; on Xen it is built into the image. */
    bool has_manage;
    ip_addr_t manage_addr;
    uint16_t manage_port;
    const char *manage_key_path;
    const char *manage_key_pem;
    size_t manage_key_pem_len;

    /* ACME (docs/acme.md): --acme-directory URL turns it on; the CA's
     * roots (on unix --acme-ca, read by main() into the *_pem bytes; on
     * Xen built into the image: each platform checks it has them), the resolver
     * that finds the CA's host, the names (--acme-names, comma-separated;
     * default: each zone's apex and its www) and the challenge. */
    const char *acme_directory;
    const char *acme_contact;
    const char *acme_ca_path;
    const char *acme_ca_pem;
    size_t acme_ca_pem_len;
    bool has_resolver;
    ip_addr_t resolver_addr;
    uint16_t resolver_port;
    char acme_names_text[1024];
    const char *acme_names[16];
    size_t acme_name_count;
    bool acme_dns01;
    /* What ACME keeps across restarts (acme/acme_state.h): on unix
     * --state-dir names a directory that main() readies and makes
     * acme_storage of; NULL storage: nothing is kept. The account key
     * may instead be given (--acme-account-key, read by main() into the
     * *_pem bytes; another platform may embed it). */
    const char *acme_state_dir;
    const struct acme_storage *acme_storage;
    const char *acme_account_key_path;
    const char *acme_account_key_pem;
    size_t acme_account_key_pem_len;
};

#define CONFIG_SYSLOG_PORT_DEFAULT 514u     /* RFC 5426 3.3 */
/* Each syslog message is a datagram through lwIP and the interface, about
 * what a DNS answer costs: without a budget per second, a busy server
 * would spend as much on logging to syslog as on serving. Lines past it
 * wait in the ring, and are dropped (counted) when it is full. */
#define CONFIG_SYSLOG_RATE_DEFAULT 1000u
#define CONFIG_SYSLOG_RATE_MAX 1000000u

#define CONFIG_HSTS_MAX_AGE_DEFAULT 31536000u     /* one year */
#define CONFIG_REQUEST_TIMEOUT_DEFAULT 60u        /* nginx's client_header_timeout */
#define CONFIG_IDLE_TIMEOUT_DEFAULT 75u           /* nginx's keepalive_timeout */

/*
 * Parses argv[1..argc-1]; flags take "--flag VALUE" or "--flag=VALUE".
 * Returns 0, or -1 with a sentence naming the bad word in err.
 * The strings in cfg point into argv.
 */
int config_parse(int argc, char **argv, struct unihost_config *cfg, char *err, size_t err_size);

/* The usage text, one flag per line. */
extern const char config_usage[];

#endif
