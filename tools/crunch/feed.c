/* A section's Atom feed: see feed.h. */
#include "feed.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "sitemap.h"

static void element(struct buf *out, const char *name, const char *text)
{
    buf_append_str(out, "<");
    buf_append_str(out, name);
    buf_append_str(out, ">");
    buf_append_html_escaped(out, text, strlen(text));
    buf_append_str(out, "</");
    buf_append_str(out, name);
    buf_append_str(out, ">");
}

static void date_element(struct buf *out, const char *name, int64_t when)
{
    char text[DATE_TEXT_LEN];
    date_format_utc(when, text);
    element(out, name, text);
}

static int64_t updated_of(const struct page *p)
{
    return p->meta.has_updated ? p->meta.updated : p->meta.date;
}

/* A URL inside an attribute: site_url_append's output needs no escaping. */
static void link(struct buf *out, const char *rel, const char *type, const char *base_url, const char *path)
{
    buf_append_str(out, "<link rel=\"");
    buf_append_str(out, rel);
    buf_append_str(out, "\"");
    if (type) {
        buf_append_str(out, " type=\"");
        buf_append_str(out, type);
        buf_append_str(out, "\"");
    }
    buf_append_str(out, " href=\"");
    site_url_append(out, base_url, path);
    buf_append_str(out, "\"/>");
}

/* Newest first; a tie by path, so the order never depends on the input's. */
static int newest_first(const void *a, const void *b)
{
    const struct page *x = *(struct page *const *)a, *y = *(struct page *const *)b;
    if (x->meta.date != y->meta.date)
        return x->meta.date > y->meta.date ? -1 : 1;
    return strcmp(x->path, y->path);
}

void feed_write(struct page *const *pages, size_t count, const char *section, const char *title,
                const char *author, const char *base_url, struct buf *out)
{
    struct page **entries = xmalloc((count ? count : 1) * sizeof *entries);
    memcpy(entries, pages, count * sizeof *entries);
    qsort(entries, count, sizeof *entries, newest_first);
    int64_t newest = 0;
    for (size_t i = 0; i < count; i++)
        if (updated_of(entries[i]) > newest)
            newest = updated_of(entries[i]);
    char *self = xasprintf("%satom.xml", section);
    buf_append_str(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    element(out, "title", title);
    buf_append_str(out, "\n<id>");
    site_url_append(out, base_url, section);
    buf_append_str(out, "</id>\n");
    link(out, "self", "application/atom+xml", base_url, self);
    link(out, "alternate", "text/html", base_url, section);
    buf_append_str(out, "\n");
    date_element(out, "updated", newest);
    buf_append_str(out, "\n<author>");
    element(out, "name", author);
    buf_append_str(out, "</author>\n<generator>crunch (unihost)</generator>\n");
    for (size_t i = 0; i < count; i++) {
        const struct page *p = entries[i];
        buf_append_str(out, "<entry>");
        element(out, "title", p->title);
        buf_append_str(out, "<id>");
        site_url_append(out, base_url, p->clean);
        buf_append_str(out, "</id>");
        link(out, "alternate", "text/html", base_url, p->clean);
        date_element(out, "published", p->meta.date);
        date_element(out, "updated", updated_of(p));
        if (p->meta.description)
            element(out, "summary", p->meta.description);
        /* The body's links are the site's own (/docs/...): xml:base makes
         * them resolve in a feed reader as on the page. */
        buf_append_str(out, "<content type=\"html\" xml:base=\"");
        site_url_append(out, base_url, p->clean);
        buf_append_str(out, "\">");
        buf_append_html_escaped(out, p->html, strlen(p->html));
        buf_append_str(out, "</content></entry>\n");
    }
    buf_append_str(out, "</feed>\n");
    free(self);
    free(entries);
}
