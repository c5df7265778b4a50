/*
 * /sitemap.xml (sitemaps.org protocol 0.9) and the Sitemap line of
 * /robots.txt, which crunch generates when the site has a base URL
 * (site_config.h), and the absolute URLs they and the feeds use.
 */
#ifndef CRUNCH_SITEMAP_H
#define CRUNCH_SITEMAP_H

#include "page.h"
#include "util.h"

/* The protocol's limit per sitemap file (crunch writes no sitemap index). */
#define SITEMAP_MAX_URLS 50000

/* Appends base URL + path, percent-encoding every byte of path but
 * unreserved characters and '/' (RFC 3986), as the protocol asks. */
void site_url_append(struct buf *out, const char *base_url, const char *path);

/* The sitemap of every page but /404.html, by path; lastmod from the
 * page's updated, else its date, when it has one. */
void sitemap_write(const struct pages *pages, const char *base_url, struct buf *out);

/* robots.txt: the site's own text (own NULL: one allowing everything) with
 * "Sitemap: BASE/sitemap.xml" added unless a line already says so. */
void robots_write(const uint8_t *own, size_t own_len, const char *base_url, struct buf *out);

#endif
