/*
 * Where a link in a page points. Whether that target is published is decided
 * by site_path_resolve() (src/content/site_path.h), the rule the server uses.
 */
#ifndef CRUNCH_LINKS_H
#define CRUNCH_LINKS_H

#include <stddef.h>

/*
 * The URL path a link in the page at page_path (e.g. "/docs/crunch.html")
 * points to, resolved against the page's directory, with "." and ".."
 * segments removed and any ?query or #fragment stripped; malloc'ed.
 * NULL when the link is not the site's to check: it has a scheme
 * ("https:", "mailto:"), starts with "//" or "#", or is empty.
 */
char *link_target_path(const char *page_path, const char *url);

#endif
