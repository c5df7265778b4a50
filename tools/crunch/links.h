/*
 * Which URL paths the website answers, and where a link in a page points.
 */
#ifndef CRUNCH_LINKS_H
#define CRUNCH_LINKS_H

#include <stddef.h>

/* How a URL path maps onto the published files (see url_path_resolve). */
enum url_resolution {
    URL_NOT_PUBLISHED = 0,
    URL_EXACT,              /* a file is at P */
    URL_HTML,               /* a file is at P + ".html" (clean URLs) */
    URL_INDEX,              /* P ends with '/', a file is at P + "index.html" */
    URL_REDIRECT_TO_DIR,    /* a file is at P + "/index.html": the server redirects to P + "/" */
};

/* Is a file published at exactly this path? */
typedef int (*url_path_exists_fn)(const void *ctx, const char *path, size_t len);

/*
 * THE resolution rule of unihost, in one place: the HTTP server answers a
 * request for the URL path P with the first of
 *   1. the file at P exactly;
 *   2. if P does not end with '/', the file at P + ".html";
 *   3. if P ends with '/', the file at P + "index.html";
 *   4. if P does not end with '/' and a file is at P + "/index.html",
 *      a redirect to P + "/".
 * crunch checks links with this function; the server (src/http) must apply
 * the same rule, so change both together.
 */
enum url_resolution url_path_resolve(const char *path, size_t len,
                                     url_path_exists_fn exists, const void *ctx);

/*
 * The URL path a link in the page at page_path (e.g. "/docs/crunch.html")
 * points to, resolved against the page's directory, with "." and ".."
 * segments removed and any ?query or #fragment stripped; malloc'ed.
 * NULL when the link is not the site's to check: it has a scheme
 * ("https:", "mailto:"), starts with "//" or "#", or is empty.
 */
char *link_target_path(const char *page_path, const char *url);

#endif
