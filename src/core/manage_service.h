/*
 * The management listener (--manage ADDR:PORT, docs/xen.md "Pushing
 * content"): content blobs pushed over TLS, each signed by the key whose
 * public half unihost was given (--manage-key on unix, built into the image
 * on Xen), made current with content_swap() (content.h).
 *
 * It listens on that one address and port only, never on every address,
 * with a pool of MANAGE_SLOTS connections of its own in the TCP service
 * (tcp_service.h), each with its own TLS state on HTTPS's credentials and
 * a session cache not shared with the public port. The request is
 * blob_push.h's; one push holds blob memory at a time, a second is
 * answered 503. A push must be whole within --http-request-timeout.
 */
#ifndef UNIHOST_MANAGE_SERVICE_H
#define UNIHOST_MANAGE_SERVICE_H

#include "core/config.h"
#include "http/tls_server.h"

/* The largest blob a push may carry: a Content-Length over it is answered
 * 413 before any of the body is read. On Xen the guest's free memory is
 * the tighter bound (507 when there is not enough). */
#define MANAGE_BLOB_MAX ((size_t)64 << 20)

/*
 * Listens at cfg->manage_addr:manage_port with TLS on `tls` (HTTPS's
 * credentials) for blobs signed by cfg->manage_key_pem. Returns 0, or -1
 * after logging why (no credentials, no key, a key that is not an EC
 * P-256 public key, the port taken).
 */
int manage_service_start(const struct unihost_config *cfg, const struct tls_credentials *tls);

#endif
