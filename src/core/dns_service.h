/* DNS on UDP and TCP port 53: moves messages between lwIP and the engine. */
#ifndef UNIHOST_DNS_SERVICE_H
#define UNIHOST_DNS_SERVICE_H

#include "content/blob.h"

/* Binds UDP and TCP port 53 on every address; returns 0 or -1. */
int dns_service_start(const struct blob *blob);

#endif
