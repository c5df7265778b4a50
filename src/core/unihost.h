/*
 * The platform-independent core: the boot sequence and the event loop.
 * A platform's entry code opens its network interface, finds the blob
 * (embedded or given), parses the configuration with config_parse() and
 * calls unihost_run().
 */
#ifndef UNIHOST_UNIHOST_H
#define UNIHOST_UNIHOST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

#define UNIHOST_VERSION "0.1.0"

/* The blob linked into the image by the build (see blob_embed.S). */
extern const unsigned char unihost_embedded_blob[];
extern const unsigned char unihost_embedded_blob_end[];

/*
 * Checks the blob (`blob_owned`: its memory is plat_blob_alloc()'s, freed
 * once new content replaced it; the embedded blob is not), starts lwIP, the interface and the services, and serves
 * until plat_stop_requested(). Returns the exit status: 0 after a requested
 * stop, non-zero if start-up failed or the network device broke.
 */
int unihost_run(const struct unihost_config *cfg, const void *blob, size_t blob_size, bool blob_owned);

#endif
