/*
 * The content being served, and its replacement while serving.
 *
 * One blob is current: every new request, query and connection is answered
 * from it. content_swap() checks a new blob whole (blob_open) and, only if
 * it is sound, makes it current in one step between two turns of the event
 * loop; a refused blob changes nothing. What had begun on the old blob
 * finishes on it: an HTTP response under way, a zone transfer, bytes of it
 * still queued unacknowledged in lwIP. The old blob's memory is freed once
 * none of those refer to it any more (content_collect(), every turn).
 *
 * The services learn of a swap through their *_service_swap() functions
 * (called from here) and tell whether they still use an old blob through
 * their *_service_uses() functions.
 */
#ifndef UNIHOST_CONTENT_H
#define UNIHOST_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"

/* Blobs held at once: the current one and up to 7 old ones still in use
 * (each can be a large site). A swap that needs another place resets the
 * connections on the oldest. */
#define CONTENT_VERSIONS 8

/* The blob at start-up: checked, made current. `owned`: its memory came
 * from plat_blob_alloc() and is freed when a later blob replaced it and
 * nothing refers to it any more (the embedded blob is not). Returns 0, or
 * -1 with blob_open()'s reason in *error. */
int content_start(const void *memory, size_t size, bool owned, const char **error);

/* The blob every new request, query and connection is answered from. */
const struct blob *content_current(void);

/* Which of the CONTENT_VERSIONS places blob b (content_current()'s, or an
 * old one) is held in: for a service's state derived per blob. */
unsigned content_slot(const struct blob *b);

/*
 * Replaces the current blob with the one in `memory` (from plat_blob_alloc(),
 * whose ownership passes here in every case). `origin` says where it came
 * from, for the log ("SIGHUP: /path/site.blob", "push from 192.0.2.1").
 * Returns 0 once it is current; -1 if it was refused (not a sound blob of
 * this format version), with the reason in err, the memory freed and
 * nothing else changed. When CONTENT_VERSIONS blobs are all in use, the
 * connections still on the oldest are reset to make room: no client can
 * hold off an update.
 */
int content_swap(void *memory, size_t size, const char *origin, char *err, size_t err_size);

/* Frees old blobs nothing refers to any more. Called once per turn of the
 * event loop; does nothing when there are none, and looks at most ten
 * times a second otherwise. */
void content_collect(void);

/* For the metrics and the tests: swaps done and refused since start, and
 * old blobs still held (waiting for what uses them to end). */
struct content_counters {
    uint64_t swapped, refused;
    unsigned retired_held;
    uint64_t evicted_connections;   /* reset because their blob was the oldest of too many */
};
const struct content_counters *content_counters(void);

/* The SHA-256 of the current blob's payload (its preamble holds it), as
 * 64 hex digits: what tells one version from another in the log. */
void content_hash_hex(const struct blob *b, char out[65]);

#endif
