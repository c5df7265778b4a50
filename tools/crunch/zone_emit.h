/* Writing checked zones into the blob's DNS tables. */
#ifndef CRUNCH_ZONE_EMIT_H
#define CRUNCH_ZONE_EMIT_H

#include "content/blob_writer.h"
#include "zone.h"

/*
 * Adds every zone of the set (sorted by apex), each with one node per owner
 * name plus an empty non-terminal node for every missing ancestor between
 * the apex and an owner, in canonical order, with their RRsets sorted by
 * type. Returns the number of records written.
 */
unsigned zone_emit(struct blob_writer *w, const struct zone_set *set);

#endif
