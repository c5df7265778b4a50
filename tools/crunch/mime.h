/* Content-Type of a published file, chosen by its extension. */
#ifndef CRUNCH_MIME_H
#define CRUNCH_MIME_H

/*
 * Returns the full Content-Type header value for path (a static string;
 * application/octet-stream when the extension is unknown) and sets
 * *compressible when gzip is worth trying on such content.
 */
const char *mime_type_for(const char *path, int *compressible);

#endif
