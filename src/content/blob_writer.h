/*
 * Building a content blob (host side, used by tools/crunch and the tests).
 *
 * Bytes go into a pool placed right after the directory, so a blob_ref
 * returned by blob_writer_bytes() is already final; records are appended to
 * their tables, which blob_writer_finish() lays out after the pool, before
 * computing the SHA-256. Callers add records in the order the format requires
 * (HTTP files sorted by path, DNS nodes in canonical order).
 */
#ifndef UNIHOST_BLOB_WRITER_H
#define UNIHOST_BLOB_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "content/blob_format.h"

struct blob_writer;

struct blob_writer *blob_writer_new(void);
void blob_writer_free(struct blob_writer *w);

/* Appends bytes to the pool (identical runs are stored once). */
struct blob_ref blob_writer_bytes(struct blob_writer *w, const void *data, size_t len);

/* The bytes of a ref this writer returned, to build other records from
 * them (valid until the next blob_writer_bytes(), which may move them). */
const uint8_t *blob_writer_ref_bytes(const struct blob_writer *w, struct blob_ref r);

/* Appends one record to a table; returns its index. */
uint32_t blob_writer_add(struct blob_writer *w, enum blob_table_id table, const void *record);

/* Number of records added to a table so far. */
uint32_t blob_writer_count(const struct blob_writer *w, enum blob_table_id table);

/* Record `index` of `table`, for fixing up after adding (valid until the next add). */
void *blob_writer_record(struct blob_writer *w, enum blob_table_id table, uint32_t index);

/* The directory's flags (enum blob_flags); none unless set. */
void blob_writer_set_flags(struct blob_writer *w, uint32_t flags);

/* A development blob's build identity (blob_directory.build_id). */
void blob_writer_set_build_id(struct blob_writer *w, const uint8_t id[BLOB_BUILD_ID_LEN]);

/*
 * Lays out and hashes the blob. On success returns 0 and a malloc'ed buffer
 * in *out (the caller frees it); returns -1 if it would exceed 4 GiB or memory
 * runs out. `created` goes into the directory.
 */
int blob_writer_finish(struct blob_writer *w, uint64_t created, uint8_t **out, size_t *out_len);

#endif
