/*
 * Certificates from an ACME CA (RFC 8555), got and renewed by unihost
 * itself: drives the sans-I/O client (acme/acme_client.h) over lwIP. The
 * CA's host is looked up through --resolver (dns/dns_lookup.h), each
 * request is one HTTPS exchange on a TCP connection of its own
 * (acme/https_conn.h, trusting only --acme-ca's roots), HTTP-01 tokens are
 * answered on port 80 and DNS-01 records by unihost's own DNS engine from
 * the runtime tables here, and a certificate, once issued, becomes
 * HTTPS's for new connections (http_service_use_credentials()); the ones
 * open finish on the certificate they began with.
 *
 * Every step and every failure is logged. A failed run leaves HTTPS as it
 * was and is tried again with capped exponential back-off
 * (acme/acme_schedule.h); an issued certificate is renewed at two thirds of
 * its lifetime, or, when the CA offers ACME Renewal Information (RFC 9773),
 * within the window it suggests, asked for right after issuance (or after
 * a restart) and again as often as its Retry-After says. With storage, the
 * account key and each issued certificate are kept, so that a restart
 * serves the certificate it had and orders nothing before its renewal
 * point, as the same account.
 */
#ifndef UNIHOST_ACME_SERVICE_H
#define UNIHOST_ACME_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/ip_addr.h"

#include "acme/acme_client.h"
#include "acme/acme_state.h"
#include "dns/dns_challenge.h"
#include "http/http_challenge.h"

struct acme_service_options {
    const char *directory_url;          /* https://NAME[:PORT]/PATH */
    const char *contact;                /* "mailto:..." or NULL */
    const char *ca_pem;                 /* the CA roots (--acme-ca), PEM */
    size_t ca_pem_len;
    ip_addr_t resolver;                 /* --resolver: where names are looked up */
    uint16_t resolver_port;
    const char *names[ACME_MAX_NAMES];  /* what the certificate is for */
    size_t name_count;
    enum acme_challenge_kind challenge;
    /* Kept across restarts (acme/acme_state.h): the account key and the
     * certificate, read back at start-up. NULL: nothing is kept. */
    const struct acme_storage *storage;
    /* The account key as PEM (--acme-account-key), named for log lines;
     * NULL: the kept one, else a new one. */
    const char *account_key_pem;
    size_t account_key_pem_len;
    const char *account_key_name;
};

/* Serves the kept certificate at once if it is still good for the names
 * (acme_state.h), and plans the first run: at its renewal point, or at
 * once without one. Returns 0, or -1 (logged) if the options cannot work:
 * no names, roots that do not load, an account key given that is not
 * one, no randomness fit for keys. */
int acme_service_start(const struct acme_service_options *opt);

/* The runtime challenge tables the engines answer from (empty but for the
 * time a CA validates). */
const struct dns_challenges *acme_service_dns_challenges(void);
const struct http_challenges *acme_service_http_challenges(void);

#endif
