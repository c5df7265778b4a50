/*
 * The one rule for which published file a URL path names. The HTTP engine
 * serves by it and crunch checks the site's links by it, so a link crunch
 * accepts is a link unihost serves.
 *
 * For a normalised path P (starts with '/', no dot segments, decoded):
 *   1. a file at P                         -> that file
 *   2. a file at P + ".html"               -> that file (clean URLs)
 *   3. P ends in '/', a file at P + "index.html" -> that file
 *   4. P does not end in '/', a file at P + "/index.html"
 *                                          -> redirect to P + "/"
 */
#ifndef UNIHOST_SITE_PATH_H
#define UNIHOST_SITE_PATH_H

#include <stdbool.h>
#include <stddef.h>

enum site_path_match {
    SITE_PATH_NONE,             /* nothing published there */
    SITE_PATH_FILE,             /* *found names the file */
    SITE_PATH_ADD_SLASH,        /* redirect to the path + "/" */
};

/* Does a file exist at exactly path[0..len)? Returns its handle or NULL. */
typedef const void *(*site_path_lookup_fn)(void *ctx, const char *path, size_t len);

enum site_path_match site_path_resolve(const char *path, size_t len, site_path_lookup_fn lookup,
                                       void *ctx, const void **found);

#endif
