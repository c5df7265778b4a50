/* Markdown pages through cmark-gfm: see markdown.h. */
#include "markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "util.h"

/* Pages are rendered one after the other, never on threads: cmark-gfm
 * 0.29 keeps the characters that start an extension's inline syntax (~
 * for strikethrough, w and : for autolinks) in one table for the whole
 * process, which every parser edits, so parsers on two threads lose each
 * other's extensions now and then (seen on a 10,000-page site). */

/* The GFM extensions pages may use; tagfilter and tasklists are left out:
 * safe mode drops raw HTML anyway, and a checkbox would need a form. */
static const char *const extension_names[] = {"table", "strikethrough", "autolink"};

/* Text of a heading: its literal text, code spans included, breaks as spaces. */
static char *heading_text(cmark_node *heading)
{
    struct buf b = {0};
    cmark_iter *it = cmark_iter_new(heading);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            buf_append_str(&b, cmark_node_get_literal(n));
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            buf_append_str(&b, " ");
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
    buf_append(&b, "", 0);
    /* Trim, so "#  Title " gives "Title". */
    char *s = (char *)b.data;
    size_t start = strspn(s, " \t");
    size_t len = strlen(s + start);
    while (len > 0 && (s[start + len - 1] == ' ' || s[start + len - 1] == '\t'))
        len--;
    char *title = xstrndup(s + start, len);
    free(b.data);
    return title;
}

/* The line of a node; inline nodes may have none, then their block's. */
static unsigned line_of(cmark_node *n)
{
    for (; n; n = cmark_node_parent(n))
        if (cmark_node_get_start_line(n) > 0)
            return (unsigned)cmark_node_get_start_line(n);
    return 1;
}

static void add_link(struct page *page, const char *url, unsigned line, int is_image)
{
    page->links = xrealloc(page->links, (page->link_count + 1) * sizeof *page->links);
    page->links[page->link_count++] = (struct page_link){xstrdup(url ? url : ""), line, is_image};
}

int markdown_render(const char *text, size_t len, struct page *page, char **h1, unsigned *h1_line)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    for (size_t i = 0; i < sizeof extension_names / sizeof extension_names[0]; i++) {
        cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);
        if (!ext || !cmark_parser_attach_syntax_extension(parser, ext)) {
            fprintf(stderr, "crunch: internal error: cmark-gfm has no %s extension\n", extension_names[i]);
            cmark_parser_free(parser);
            return -1;
        }
    }
    cmark_parser_feed(parser, text, len);
    cmark_node *doc = cmark_parser_finish(parser);
    *h1 = NULL;
    *h1_line = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(n);
        if (type == CMARK_NODE_HEADING) {
            char *heading = heading_text(n);
            int level = cmark_node_get_heading_level(n);
            headings_add(&page->headings, level, heading);
            if (level == 1 && !*h1) {
                *h1 = heading;
                *h1_line = (unsigned)cmark_node_get_start_line(n);
            } else {
                free(heading);
            }
        } else if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) {
            add_link(page, cmark_node_get_url(n), line_of(n), type == CMARK_NODE_IMAGE);
        }
    }
    cmark_iter_free(it);
    /* Default options: raw HTML and javascript: URLs are left out (safe mode). */
    char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
    struct buf out = {0};
    buf_reserve(&out, strlen(html) + 16 * page->headings.count);
    int rc = headings_add_ids(&page->headings, html, &out);
    buf_append(&out, "", 1);
    if (rc != 0)
        fprintf(stderr, "crunch: internal error: %s: the headings rendered do not match the parsed ones\n",
                page->source);
    page->html = (char *)out.data;
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    return rc;
}
