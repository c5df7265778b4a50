/*
 * The Xen guest has no ACME client yet (site/docs/acme.md): nothing can
 * give it --acme-ca's roots, and its memory is kept for serving. Asked
 * for ACME, it says so and does not start, rather than serving without
 * the HTTPS it was asked for.
 */
#include "core/acme_service.h"

#include "core/log.h"

int acme_service_start(const struct acme_service_options *opt)
{
    (void)opt;
    log_line("acme: not available on Xen yet; build the guest with a certificate (make xen XEN_TLS_CERT=... XEN_TLS_KEY=...)");
    return -1;
}

const struct dns_challenges *acme_service_dns_challenges(void)
{
    return NULL;
}

const struct http_challenges *acme_service_http_challenges(void)
{
    return NULL;
}
