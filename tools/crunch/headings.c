/* Heading anchors and the table of contents: see headings.h. */
#include "headings.h"

#include <stdlib.h>
#include <string.h>

/* The id before numbering: ASCII letters lowered, letters, digits, '-',
 * '_' and every non-ASCII byte (UTF-8 letters) kept, spaces as '-', the
 * rest dropped; "section" if nothing is left. */
static char *slug_of(const char *text)
{
    size_t n = strlen(text);
    char *out = xmalloc(n + sizeof "section");
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            out[len++] = (char)(*p - 'A' + 'a');
        else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p >= 0x80)
            out[len++] = (char)*p;
        else if (*p == ' ')
            out[len++] = '-';
    }
    if (len == 0) {
        strcpy(out, "section");
        return out;
    }
    out[len] = '\0';
    return out;
}

int headings_has_id(const struct headings *h, const char *id, size_t len)
{
    for (size_t i = 0; i < h->count; i++)
        if (strlen(h->items[i].id) == len && memcmp(h->items[i].id, id, len) == 0)
            return 1;
    return 0;
}

void headings_add(struct headings *h, int level, const char *text)
{
    char *slug = slug_of(text);
    char *id = xstrdup(slug);
    for (unsigned n = 1; headings_has_id(h, id, strlen(id)); n++) {
        free(id);
        id = xasprintf("%s-%u", slug, n);
    }
    free(slug);
    h->items = xrealloc(h->items, (h->count + 1) * sizeof *h->items);
    h->items[h->count++] = (struct heading){level, xstrdup(text), id};
}

int headings_add_ids(const struct headings *h, const char *html, struct buf *out)
{
    size_t next = 0;
    const char *p = html;
    for (;;) {
        const char *tag = strstr(p, "<h");
        while (tag && !(tag[2] >= '1' && tag[2] <= '6' && tag[3] == '>'))
            tag = strstr(tag + 2, "<h");
        if (!tag)
            break;
        if (next == h->count || h->items[next].level != tag[2] - '0')
            return -1;
        buf_append(out, p, (size_t)(tag - p) + 3);
        buf_append_str(out, " id=\"");
        buf_append_html_escaped(out, h->items[next].id, strlen(h->items[next].id));
        buf_append_str(out, "\"");
        next++;
        p = tag + 3;
    }
    buf_append_str(out, p);
    return next == h->count ? 0 : -1;
}

static void toc_link(struct buf *out, const struct heading *hd)
{
    buf_append_str(out, "<li><a href=\"#");
    buf_append_html_escaped(out, hd->id, strlen(hd->id));
    buf_append_str(out, "\">");
    buf_append_html_escaped(out, hd->text, strlen(hd->text));
    buf_append_str(out, "</a>");
}

void headings_toc(const struct headings *h, struct buf *out)
{
    int open = 0;       /* 0: nothing yet, 2: an item of level 2 open, 3: of level 3 inside one */
    for (size_t i = 0; i < h->count; i++) {
        const struct heading *hd = &h->items[i];
        if (hd->level != 2 && hd->level != 3)
            continue;
        if (open == 0) {
            buf_append_str(out, "<nav class=\"toc\" aria-label=\"Contents\"><ul>");
        } else if (hd->level == 3 && open == 2) {
            buf_append_str(out, "<ul>");
        } else if (hd->level == 2 && open == 3) {
            buf_append_str(out, "</li></ul></li>");
        } else {
            buf_append_str(out, "</li>");
        }
        toc_link(out, hd);
        /* A level 3 before any level 2 stands at the top level. */
        open = hd->level == 3 && open != 0 ? 3 : 2;
    }
    if (open == 3)
        buf_append_str(out, "</li></ul>");
    if (open)
        buf_append_str(out, "</li></ul></nav>");
}

void headings_free(struct headings *h)
{
    for (size_t i = 0; i < h->count; i++) {
        free(h->items[i].text);
        free(h->items[i].id);
    }
    free(h->items);
    h->items = NULL;
    h->count = 0;
}
