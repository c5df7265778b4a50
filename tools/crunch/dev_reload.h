/*
 * crunch --dev: the development blob of the live-reload loop
 * (tools/run-tap.sh --watch). Beside the site, it holds the script every
 * page loads (BLOB_LIVE_SCRIPT_PATH), which listens to unihost's event
 * stream (BLOB_LIVE_PATH, served only for a blob with BLOB_DEVELOPMENT)
 * and reloads the page when the blob served changes. Every file is
 * revalidated on each load (Cache-Control: no-cache), so a reload shows
 * a changed stylesheet too. When the site does not build, the blob is the
 * error page instead: crunch's messages, at every path, with the same
 * script, until a good build replaces it. Nothing of this is in a blob
 * crunched without --dev.
 */
#ifndef CRUNCH_DEV_RELOAD_H
#define CRUNCH_DEV_RELOAD_H

#include <stdint.h>

#include "content/blob_format.h"
#include "http_file.h"

/*
 * Turns a built site into the development one: the script's tag in every
 * page, naming the build (`id`, for the blob's directory: a digest of the
 * published files' paths and bodies, so rebuilding an unchanged site
 * reloads nothing), the script itself, no-cache everywhere. `files` stays
 * sorted.
 */
void dev_reload_apply(struct http_files *files, uint8_t id[BLOB_BUILD_ID_LEN]);

/*
 * Replaces whatever `files` holds with the error site: BLOB_LIVE_SCRIPT_PATH
 * and /404.html, the page unihost answers every other path with, showing
 * `messages` (crunch's "FILE:LINE: what is wrong" lines) and how many
 * errors there were; `id` gets its build identity (of the messages).
 */
void dev_reload_error_site(struct http_files *files, const char *messages, unsigned errors,
                           uint8_t id[BLOB_BUILD_ID_LEN]);

#endif
