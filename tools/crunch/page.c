/* Pages between the site pass's stages, and section lists: see page.h. */
#include "page.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"

static int by_path(const void *a, const void *b)
{
    const struct page *x = a, *y = b;
    return path_order(x->path, strlen(x->path), y->path, strlen(y->path));
}

void pages_sort(struct pages *pages)
{
    if (pages->count > 1)
        qsort(pages->items, pages->count, sizeof *pages->items, by_path);
}

void pages_free(struct pages *pages)
{
    for (size_t i = 0; i < pages->count; i++) {
        struct page *p = &pages->items[i];
        free(p->path);
        free(p->clean);
        free(p->dir);
        free(p->text);
        page_meta_free(&p->meta);
        free(p->title);
        headings_free(&p->headings);
        free(p->html);
        for (size_t j = 0; j < p->link_count; j++)
            free(p->links[j].url);
        free(p->links);
    }
    free(pages->items);
    pages->items = NULL;
    pages->count = 0;
}

struct page *pages_find(const struct pages *pages, const char *path, size_t len)
{
    size_t lo = 0, hi = pages->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *p = pages->items[mid].path;
        int c = path_order(p, strlen(p), path, len);
        if (c == 0)
            return &pages->items[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int navigation_order(const void *a, const void *b)
{
    const struct page *x = *(struct page *const *)a, *y = *(struct page *const *)b;
    if (x->meta.has_weight != y->meta.has_weight)
        return x->meta.has_weight ? -1 : 1;
    if (x->meta.has_weight && x->meta.weight != y->meta.weight)
        return x->meta.weight < y->meta.weight ? -1 : 1;
    if (x->meta.has_date != y->meta.has_date)
        return x->meta.has_date ? -1 : 1;
    if (x->meta.has_date && x->meta.date != y->meta.date)
        return x->meta.date > y->meta.date ? -1 : 1;
    int c = strcmp(x->title ? x->title : "", y->title ? y->title : "");
    return c ? c : strcmp(x->path, y->path);
}

size_t pages_in_dir(const struct pages *pages, const char *dir, struct page ***out)
{
    size_t count = 0;
    *out = NULL;
    for (size_t i = 0; i < pages->count; i++) {
        if (strcmp(pages->items[i].dir, dir) != 0)
            continue;
        *out = xrealloc(*out, (count + 1) * sizeof **out);
        (*out)[count++] = &pages->items[i];
    }
    if (count > 1)
        qsort(*out, count, sizeof **out, navigation_order);
    return count;
}

void pages_list_html(struct page *const *list, size_t count, struct buf *out)
{
    if (count == 0)
        return;
    buf_append_str(out, "<ul class=\"pages\">\n");
    for (size_t i = 0; i < count; i++) {
        const struct page *p = list[i];
        buf_append_str(out, "<li><a href=\"");
        buf_append_html_escaped(out, p->clean, strlen(p->clean));
        buf_append_str(out, "\">");
        buf_append_html_escaped(out, p->title ? p->title : "", p->title ? strlen(p->title) : 0);
        buf_append_str(out, "</a>");
        if (p->meta.has_date) {
            char when[DATE_TEXT_LEN];
            date_format_utc(p->meta.date, when);
            buf_append_str(out, " <time datetime=\"");
            buf_append_str(out, when);
            buf_append_str(out, "\">");
            buf_append(out, when, 10);      /* the day is enough to read */
            buf_append_str(out, "</time>");
        }
        if (p->meta.description) {
            buf_append_str(out, " <span class=\"description\">");
            buf_append_html_escaped(out, p->meta.description, strlen(p->meta.description));
            buf_append_str(out, "</span>");
        }
        buf_append_str(out, "</li>\n");
    }
    buf_append_str(out, "</ul>");
}
