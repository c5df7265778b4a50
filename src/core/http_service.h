/* HTTP on TCP port 80: moves bytes between lwIP and the HTTP engine. */
#ifndef UNIHOST_HTTP_SERVICE_H
#define UNIHOST_HTTP_SERVICE_H

#include "blob.h"

/* Listens on TCP port 80 on every address; returns 0 or -1. */
int http_service_start(const struct blob *blob);

#endif
