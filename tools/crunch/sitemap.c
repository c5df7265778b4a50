/* The sitemap and robots.txt: see sitemap.h. */
#include "sitemap.h"

#include <string.h>
#include <stdlib.h>

#include "date.h"

void site_url_append(struct buf *out, const char *base_url, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_append_str(out, base_url);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            buf_append(out, p, 1);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            buf_append(out, esc, 3);
        }
    }
}

void sitemap_write(const struct pages *pages, const char *base_url, struct buf *out)
{
    buf_append_str(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (size_t i = 0; i < pages->count; i++) {
        const struct page *p = &pages->items[i];
        if (strcmp(p->path, "/404.html") == 0)
            continue;
        /* The URL holds only unreserved characters, '/', '%' and the base
         * URL, which has no character XML would need escaped. */
        buf_append_str(out, "<url><loc>");
        site_url_append(out, base_url, p->clean);
        buf_append_str(out, "</loc>");
        if (p->meta.has_date || p->meta.has_updated) {
            char when[DATE_TEXT_LEN];
            date_format_utc(p->meta.has_updated ? p->meta.updated : p->meta.date, when);
            buf_append_str(out, "<lastmod>");
            buf_append_str(out, when);
            buf_append_str(out, "</lastmod>");
        }
        buf_append_str(out, "</url>\n");
    }
    buf_append_str(out, "</urlset>\n");
}

void robots_write(const uint8_t *own, size_t own_len, const char *base_url, struct buf *out)
{
    struct buf line = {0};
    buf_append_str(&line, "Sitemap: ");
    site_url_append(&line, base_url, "/sitemap.xml");
    if (!own) {
        buf_append_str(out, "User-agent: *\nDisallow:\n\n");
    } else {
        buf_append(out, own, own_len);
        /* Already there, on a line of its own? Then the file is right as is. */
        const char *s = (const char *)own, *end = s + own_len;
        while (s < end) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            size_t n = (size_t)((nl ? nl : end) - s);
            if (n && s[n - 1] == '\r')
                n--;
            if (n == line.len && memcmp(s, line.data, n) == 0) {
                free(line.data);
                return;
            }
            s = nl ? nl + 1 : end;
        }
        if (own_len && own[own_len - 1] != '\n')
            buf_append_str(out, "\n");
    }
    buf_append(out, line.data, line.len);
    buf_append_str(out, "\n");
    free(line.data);
}
