/*
 * The Strict-Transport-Security line for HTTPS responses. The transport
 * hands it to the HTTP engine as an extra header line
 * (http_conn_set_extra_headers()); the engine knows nothing of TLS.
 */
#ifndef UNIHOST_HTTP_HSTS_H
#define UNIHOST_HTTP_HSTS_H

#include <stddef.h>
#include <stdint.h>

#define HSTS_LINE_MAX 64

/* Writes "Strict-Transport-Security: max-age=N\r\n" into line (room for
 * HSTS_LINE_MAX bytes); returns its length. */
size_t hsts_line(char line[HSTS_LINE_MAX], uint32_t max_age);

#endif
