/* Writing the published files into the blob's HTTP tables. */
#ifndef CRUNCH_HTTP_EMIT_H
#define CRUNCH_HTTP_EMIT_H

#include "content/blob_writer.h"
#include "http_file.h"

/*
 * Adds every file (already sorted by path, as the format requires) with its
 * strong ETag and, when it pays, a gzip variant with its own ETag, and the
 * header lines of each representation's responses. Returns 0, or -1 if
 * compression fails or header lines would not fit (said on stderr).
 */
int http_emit(struct blob_writer *w, const struct http_files *files);

#endif
