/*
 * --state-dir DIR on unix: the ACME client's kept items (acme/acme_state.h)
 * as files in a directory of unihost's own. Each file is written whole
 * or not at all (a temporary file in DIR, fsync, rename over the old one,
 * fsync of DIR), mode 0600, so a crash or a full disk leaves the old file
 * or the new one, never half of one.
 */
#ifndef UNIHOST_STATE_DIR_H
#define UNIHOST_STATE_DIR_H

#include <stddef.h>

#include "acme/acme_state.h"

/* The largest item read back (a chain is at most ACME_CHAIN_MAX). */
#define STATE_DIR_ITEM_MAX 65536

/*
 * Readies `path` (creating it, mode 0700, if it does not exist; its
 * parent must) and fills *storage to use it. Refuses, with a sentence in
 * err, a path that is not a directory or where a file cannot be created.
 * `path` must stay. Returns 0 or -1.
 */
int state_dir_open(const char *path, struct acme_storage *storage, char *err, size_t err_size);

#endif
