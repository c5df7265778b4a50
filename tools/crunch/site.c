/* Walking the site directory and rendering pages: see site.h. */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cmark.h>

#include "cache_policy.h"
#include "diag.h"
#include "links.h"
#include "content/site_path.h"
#include "mime.h"
#include "redirects.h"
#include "template.h"
#include "utf8.h"
#include "util.h"

#define TEMPLATE_NAME "_template.html"
#define REDIRECTS_NAME "_redirects"
#define CACHE_NAME "_cache"
/* Deeper than any real site; reached only through a symbolic link loop. */
#define MAX_DEPTH 32

struct source_file {
    char *rel;          /* relative to the site directory, e.g. "docs/crunch.md" */
    char *full;         /* as given on the command line joined with rel */
    uint64_t mtime;
};

struct source_list {
    struct source_file *items;
    size_t count, cap;
};

/* Names starting with '_' or '.' hold layout and configuration, not content. */
static int is_unpublished_name(const char *name)
{
    return name[0] == '_' || name[0] == '.';
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *root, const char *rel, unsigned depth, struct source_list *list)
{
    char *dir_path = rel[0] ? path_join(root, rel) : xstrdup(root);
    if (depth > MAX_DEPTH) {
        diag_error(dir_path, 0, "directories nested more than %d deep (a symbolic link loop?)", MAX_DEPTH);
        free(dir_path);
        return;
    }
    DIR *d = opendir(dir_path);
    if (!d) {
        diag_error(dir_path, 0, "cannot read the site directory: %s", strerror(errno));
        free(dir_path);
        return;
    }
    /* Names sorted, so diagnostics come in a stable order. */
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (is_unpublished_name(e->d_name))
            continue;
        names = xrealloc(names, (count + 1) * sizeof *names);
        names[count++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (count > 1)
        qsort(names, count, sizeof *names, by_name);
    for (size_t i = 0; i < count; i++) {
        char *child_rel = rel[0] ? path_join(rel, names[i]) : xstrdup(names[i]);
        char *full = path_join(root, child_rel);
        struct stat st;
        if (stat(full, &st) != 0) {
            diag_error(full, 0, "cannot read: %s", strerror(errno));
            free(full);
            free(child_rel);
        } else if (S_ISDIR(st.st_mode)) {
            walk(root, child_rel, depth + 1, list);
            free(full);
            free(child_rel);
        } else if (S_ISREG(st.st_mode)) {
            if (list->count == list->cap) {
                list->cap = list->cap ? list->cap * 2 : 32;
                list->items = xrealloc(list->items, list->cap * sizeof *list->items);
            }
            list->items[list->count++] = (struct source_file){child_rel, full, (uint64_t)st.st_mtime};
        } else {
            diag_error(full, 0, "neither a regular file nor a directory, so it cannot be published");
            free(full);
            free(child_rel);
        }
        free(names[i]);
    }
    free(names);
    free(dir_path);
}

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

/* site_path_resolve()'s lookup over the files crunch publishes. */
static const void *published_exactly(void *ctx, const char *path, size_t len)
{
    return http_files_find(ctx, path, len) >= 0 ? ctx : NULL;
}

/* Reports a link (or image) of the page at url_path whose target the site
 * does not publish, by the rule the server answers with. */
static void check_link(const char *source, unsigned line, const char *url_path, const char *url,
                       const char *what, const struct http_files *published, unsigned *errors)
{
    char *target = link_target_path(url_path, url);
    if (!target)
        return;
    const void *found;
    if (site_path_resolve(target, strlen(target), published_exactly, (void *)published, &found) ==
            SITE_PATH_NONE &&
        !redirects_has_source(published, target, strlen(target))) {
        if (strcmp(target, url) == 0)
            diag_error(source, line, "%s %s, which the site does not publish", what, target);
        else
            diag_error(source, line, "%s %s (resolves to %s), which the site does not publish", what,
                       url, target);
        (*errors)++;
    }
    free(target);
}

/*
 * The template's own links (navigation, stylesheet, icons) appear on every
 * page, so a broken one is broken everywhere: check every href="..." and
 * src="..." in it, resolved as on the home page.
 */
static void check_template_links(const char *source, const struct template *tmpl,
                                  const struct http_files *published, unsigned *errors)
{
    size_t len;
    const char *text = (const char *)template_text(tmpl, &len);
    unsigned line = 1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            line++;
            continue;
        }
        size_t name_len = 0;
        if (i + 6 <= len && strncasecmp(text + i, "href=", 5) == 0)
            name_len = 5;
        else if (i + 5 <= len && strncasecmp(text + i, "src=", 4) == 0)
            name_len = 4;
        if (name_len == 0 || (i > 0 && text[i - 1] != ' ' && text[i - 1] != '\t' && text[i - 1] != '\n'))
            continue;
        char quote = text[i + name_len];
        if (quote != '"' && quote != '\'')
            continue;
        const char *start = text + i + name_len + 1;
        const char *end = memchr(start, quote, len - (size_t)(start - text));
        if (!end)
            continue;
        char *url = xstrndup(start, (size_t)(end - start));
        if (strstr(url, "{{")) {
            /* filled in per page: nothing to check here */
        } else if (url[0] != '/' && link_target_path("/index.html", url) != NULL) {
            /* A relative link would point elsewhere on every directory level. */
            diag_error(source, line, "relative link %s in the template; the template is shared by "
                       "every page, so its links must start with /", url);
            (*errors)++;
        } else {
            check_link(source, line, "/index.html", url, "link to", published, errors);
        }
        free(url);
        i = (size_t)(end - text);
    }
}

/*
 * Finds the title and checks every link and image of a parsed page.
 * Returns the title (malloc'ed) or NULL, with errors reported.
 */
static char *check_page(const char *source, const char *url_path, cmark_node *doc,
                        const struct http_files *published, unsigned *errors)
{
    char *title = NULL;
    unsigned title_line = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(n);
        if (type == CMARK_NODE_HEADING && !title && cmark_node_get_heading_level(n) == 1) {
            title = heading_text(n);
            title_line = (unsigned)cmark_node_get_start_line(n);
        }
        if (type != CMARK_NODE_LINK && type != CMARK_NODE_IMAGE)
            continue;
        const char *url = cmark_node_get_url(n);
        check_link(source, (unsigned)cmark_node_get_start_line(n), url_path, url ? url : "",
                   type == CMARK_NODE_IMAGE ? "image" : "link to", published, errors);
    }
    cmark_iter_free(it);
    if (!title) {
        diag_error(source, 1, "page has no level-1 heading (# Title) to use as its title");
        (*errors)++;
    } else if (title[0] == '\0') {
        diag_error(source, title_line, "the level-1 heading is empty, but it is the page title");
        (*errors)++;
        free(title);
        title = NULL;
    }
    return title;
}

/* "/docs/crunch.html" -> "/docs/crunch", "/index.html" -> "/", "/docs/index.html" -> "/docs/" */
static char *clean_path(const char *url_path)
{
    size_t n = strlen(url_path) - strlen(".html");
    char *p = xstrndup(url_path, n);
    if (ends_with(p, "/index"))
        p[n - strlen("index")] = '\0';
    return p;
}

static unsigned render_page(struct http_file *f, const struct template *tmpl,
                            const struct http_files *published)
{
    uint8_t *text;
    size_t len;
    int err = read_file(f->source, &text, &len);
    if (err) {
        diag_error(f->source, 0, "cannot read: %s", strerror(err));
        return 1;
    }
    unsigned errors = utf8_report_invalid(f->source, text, len);
    if (errors) {
        free(text);
        return errors;
    }
    cmark_node *doc = cmark_parse_document((const char *)text, len, CMARK_OPT_DEFAULT);
    free(text);
    char *title = check_page(f->source, f->path, doc, published, &errors);
    if (title && errors == 0 && tmpl) {
        /* Default options: raw HTML and javascript: URLs are left out (safe mode). */
        char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
        char *path = clean_path(f->path);
        struct buf out = {0};
        template_render(tmpl, &out, title, html, path);
        f->body = out.data;
        f->body_len = out.len;
        free(path);
        free(html);
    }
    free(title);
    cmark_node_free(doc);
    return errors;
}

static unsigned load_asset(struct http_file *f)
{
    int err = read_file(f->source, &f->body, &f->body_len);
    if (err) {
        diag_error(f->source, 0, "cannot read: %s", strerror(err));
        return 1;
    }
    return 0;
}

unsigned site_load(const char *dir, const uint64_t *mtime_limit,
                   struct http_files *out, struct site_summary *summary)
{
    unsigned errors_before = diag_error_count();
    struct source_list sources = {0};
    walk(dir, "", 0, &sources);
    summary->pages = summary->assets = 0;

    for (size_t i = 0; i < sources.count; i++) {
        struct source_file *s = &sources.items[i];
        struct http_file *f = http_files_add(out);
        f->is_page = ends_with(s->rel, ".md");
        if (f->is_page)
            f->path = xasprintf("/%.*s.html", (int)(strlen(s->rel) - 3), s->rel);
        else
            f->path = xasprintf("/%s", s->rel);
        f->source = s->full;
        f->mtime = s->mtime;
        f->content_type = mime_type_for(f->path, &f->compressible);
        free(s->rel);
        summary->pages += f->is_page;
        summary->assets += !f->is_page;
    }
    free(sources.items);
    http_files_sort(out);
    for (size_t i = 1; i < out->count; i++) {
        if (strcmp(out->items[i - 1].path, out->items[i].path) == 0)
            diag_error(out->items[i].source, 1, "%s would also publish %s, already published from %s",
                       out->items[i].is_page ? "this page" : "this file", out->items[i].path,
                       out->items[i - 1].source);
    }
    if (out->count == 0 && diag_error_count() == errors_before)
        diag_error(dir, 0, "the site directory has nothing to publish");

    /* Before the pages: their links may point at redirect sources. */
    char *rules_path = path_join(dir, REDIRECTS_NAME);
    redirects_load(rules_path, out);
    free(rules_path);
    rules_path = path_join(dir, CACHE_NAME);
    cache_policy_apply(rules_path, out);
    free(rules_path);

    struct template *tmpl = NULL;
    if (summary->pages > 0) {
        char *template_path = path_join(dir, TEMPLATE_NAME);
        tmpl = template_load(template_path);
        unsigned template_errors = 0;
        if (tmpl)
            check_template_links(template_path, tmpl, out, &template_errors);
        free(template_path);
    }
    for (size_t i = 0; i < out->count; i++) {
        struct http_file *f = &out->items[i];
        if (f->is_page) {
            /* Without a usable template the pages are still checked, not rendered. */
            render_page(f, tmpl, out);
            if (tmpl && template_mtime(tmpl) > f->mtime)
                f->mtime = template_mtime(tmpl);
        } else {
            load_asset(f);
        }
        if (mtime_limit && f->mtime > *mtime_limit)
            f->mtime = *mtime_limit;
    }
    template_free(tmpl);
    return diag_error_count() - errors_before;
}
