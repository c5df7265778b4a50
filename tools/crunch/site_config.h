/*
 * The site's settings, site/_config.toml (optional, not published), in the
 * TOML subset of front matter:
 *   base_url = "https://example.org/"   the site's address: absolute URLs of
 *                                        the sitemap and feeds
 *   title    = "Example"                 the site's name (feeds' author
 *                                        when no author is given)
 *   author   = "The Example team"        the feeds' author
 *   feeds    = ["/news/"]                sections that get an Atom feed
 */
#ifndef CRUNCH_SITE_CONFIG_H
#define CRUNCH_SITE_CONFIG_H

#include <stddef.h>

struct site_feed_request {
    char *section;      /* URL path of a directory, "/" first and last: "/news/" */
    unsigned line;
};

struct site_config {
    char *path;         /* the file, for diagnostics */
    char *base_url;     /* without its trailing '/'; NULL: none */
    char *title;
    char *author;
    struct site_feed_request *feeds;
    size_t feed_count;
    unsigned feeds_line;
};

/* Reads dir/_config.toml (a missing file: no settings). Reports with diag;
 * returns the number of errors. */
unsigned site_config_load(const char *dir, struct site_config *cfg);

void site_config_free(struct site_config *cfg);

#endif
