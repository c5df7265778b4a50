/* Writing the published files into the blob's HTTP tables. */
#ifndef CRUNCH_HTTP_EMIT_H
#define CRUNCH_HTTP_EMIT_H

#include <stdbool.h>

#include "content/blob_writer.h"
#include "http_file.h"

/*
 * Adds every file (already sorted by path, as the format requires) with its
 * strong ETag and, when they pay, gzip and brotli variants with their own
 * ETags, and the header lines of each representation's responses. Returns
 * 0, or -1 if compression fails or header lines would not fit (said on
 * stderr).
 *
 * `brotli` false leaves brotli out: crunch --dev recrunches the site on
 * every save, and brotli at its highest quality costs tens of
 * milliseconds per page where gzip costs one; a production blob has it.
 */
int http_emit(struct blob_writer *w, const struct http_files *files, bool brotli);

#endif
