/* Walking the site directory and rendering pages: see site.h. */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cache_policy.h"
#include "content/site_path.h"
#include "diag.h"
#include "feed.h"
#include "front_matter.h"
#include "links.h"
#include "markdown.h"
#include "mime.h"
#include "page.h"
#include "redirects.h"
#include "site_config.h"
#include "sitemap.h"
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

/* site_path_resolve()'s lookup over the files crunch publishes: the file. */
static const void *published_exactly(void *ctx, const char *path, size_t len)
{
    const struct http_files *files = ctx;
    long i = http_files_find(files, path, len);
    return i >= 0 ? &files->items[i] : NULL;
}

/* Decodes %XX escapes of a URL fragment (ids are compared as text). */
static char *percent_decoded(const char *s)
{
    size_t n = strlen(s), len = 0;
    char *out = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned hi, lo;
        if (s[i] == '%' && i + 2 < n + 1 && sscanf(s + i + 1, "%1x%1x", &hi, &lo) == 2) {
            out[len++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[len++] = s[i];
        }
    }
    out[len] = '\0';
    return out;
}

/* Reports a fragment naming no heading of the page it points into. An
 * empty fragment and "top" are the document's top (HTML's rule). */
static void check_fragment(const char *source, unsigned line, const char *url, const char *fragment,
                           const struct page *target, unsigned *errors)
{
    char *id = percent_decoded(fragment);
    if (id[0] && strcasecmp(id, "top") != 0 && !headings_has_id(&target->headings, id, strlen(id))) {
        diag_error(source, line, "link to %s: %s has no heading with the id \"%s\"", url, target->clean, id);
        (*errors)++;
    }
    free(id);
}

/* Reports a link (or image) of the page at url_path whose target the site
 * does not publish, by the rule the server answers with, or whose
 * #fragment names no heading of the page it leads to. */
static void check_link(const char *source, unsigned line, const char *url_path, const char *url,
                       const char *what, const struct http_files *published, const struct pages *pages,
                       const struct page *self, unsigned *errors)
{
    const char *hash = strchr(url, '#');
    if (url[0] == '#') {
        if (self)
            check_fragment(source, line, url, url + 1, self, errors);
        return;
    }
    char *target = link_target_path(url_path, url);
    if (!target)
        return;
    const void *found = NULL;
    enum site_path_match match = site_path_resolve(target, strlen(target), published_exactly, (void *)published, &found);
    if (match == SITE_PATH_NONE && !redirects_has_source(published, target, strlen(target))) {
        if (strcmp(target, url) == 0)
            diag_error(source, line, "%s %s, which the site does not publish", what, target);
        else
            diag_error(source, line, "%s %s (resolves to %s), which the site does not publish", what,
                       url, target);
        (*errors)++;
    } else if (hash && match == SITE_PATH_FILE && pages) {
        const struct http_file *f = found;
        const struct page *p = pages_find(pages, f->path, strlen(f->path));
        if (p)
            check_fragment(source, line, url, hash + 1, p, errors);
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
            check_link(source, line, "/index.html", url, "link to", published, NULL, NULL, errors);
        }
        free(url);
        i = (size_t)(end - text);
    }
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

/* The section a page is listed in: "/news/" for "/news/first" and for
 * "/news/sub/" (a subsection's index), "" for the home page. */
static char *dir_of(const char *clean)
{
    size_t n = strlen(clean);
    if (n > 0 && clean[n - 1] == '/')
        n--;
    while (n > 0 && clean[n - 1] != '/')
        n--;
    return xstrndup(clean, n);
}

static int is_index(const struct page *p)
{
    return ends_with(p->path, "/index.html");
}

/* Reads a page's Markdown and front matter; a draft comes back with
 * meta.draft set for the caller to leave out. */
static void read_page(struct page *p)
{
    uint8_t *text;
    int err = read_file(p->source, &text, &p->text_len);
    if (err) {
        diag_error(p->source, 0, "cannot read: %s", strerror(err));
        return;
    }
    if (utf8_report_invalid(p->source, text, p->text_len)) {
        free(text);
        return;
    }
    p->text = (char *)text;
    front_matter_read(p->source, p->text, p->text_len, &p->meta);
}

/* The templates pages use, each loaded (and its links checked) once. */
struct templates {
    const char *dir;
    char **names;
    struct template **items;    /* NULL: could not be used (reported) */
    size_t count;
};

static struct template *template_for(struct templates *t, const struct page *p, const struct http_files *published)
{
    const char *name = p->meta.template_name ? p->meta.template_name : TEMPLATE_NAME;
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->names[i], name) == 0)
            return t->items[i];
    char *path = path_join(t->dir, name);
    struct template *tmpl = NULL;
    struct stat st;
    if (p->meta.template_name && stat(path, &st) != 0) {
        diag_error(p->source, p->meta.template_line, "front matter field template names %s, which does not exist",
                   path);
    } else {
        tmpl = template_load(path);
        unsigned ignored = 0;
        if (tmpl)
            check_template_links(path, tmpl, published, &ignored);
    }
    free(path);
    t->names = xrealloc(t->names, (t->count + 1) * sizeof *t->names);
    t->items = xrealloc(t->items, (t->count + 1) * sizeof *t->items);
    t->names[t->count] = xstrdup(name);
    t->items[t->count++] = tmpl;
    return tmpl;
}

static void templates_free(struct templates *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->names[i]);
        template_free(t->items[i]);
    }
    free(t->names);
    free(t->items);
}

/* A file crunch writes itself (sitemap, robots.txt, a feed): its body
 * comes after the pages are rendered; it is published from the start so
 * that links to it and _cache patterns see it. */
static void add_generated(struct http_files *files, const char *path, const char *config_path)
{
    long existing = http_files_find(files, path, strlen(path));
    if (existing >= 0) {
        diag_error(files->items[existing].source, 0, "crunch generates %s (%s sets base_url); remove this file",
                   path, config_path);
        return;
    }
    struct http_file *f = http_files_add(files);
    f->path = xstrdup(path);
    f->source = xstrdup(config_path);
    f->content_type = mime_type_for(f->path, &f->compressible);
    http_files_sort(files);
}

static int is_generated(const struct http_file *f, const struct site_config *cfg)
{
    return cfg->path && strcmp(f->source, cfg->path) == 0;
}

/* The sitemap, the robots.txt line and the feeds _config.toml asks for. */
static void plan_generated(struct http_files *files, struct pages *pages, const struct site_config *cfg)
{
    for (size_t i = 0; i < cfg->feed_count; i++) {
        const struct site_feed_request *req = &cfg->feeds[i];
        if (!cfg->base_url) {
            diag_error(cfg->path, req->line, "feed of %s: a feed needs absolute URLs, so _config.toml must set "
                       "base_url (such as base_url = \"https://example.org/\")", req->section);
            continue;
        }
        unsigned in_section = 0;
        for (size_t j = 0; j < pages->count; j++) {
            struct page *p = &pages->items[j];
            if (strcmp(p->clean, req->section) == 0) {
                p->feed = (long)i;      /* the section's index links to it too */
            } else if (strcmp(p->dir, req->section) == 0) {
                p->feed = (long)i;
                in_section++;
                if (!p->meta.has_date && p->text)
                    diag_error(p->source, 1, "this page is in %s, which has a feed (%s:%u), but its front "
                               "matter gives no date", req->section, cfg->path, req->line);
            }
        }
        if (in_section == 0) {
            diag_error(cfg->path, req->line, "feed of %s: the site has no pages there", req->section);
            continue;
        }
        char *feed_path = xasprintf("%satom.xml", req->section);
        add_generated(files, feed_path, cfg->path);
        free(feed_path);
    }
    if (!cfg->base_url)
        return;
    add_generated(files, "/sitemap.xml", cfg->path);
    if (http_files_find(files, "/robots.txt", strlen("/robots.txt")) < 0)
        add_generated(files, "/robots.txt", cfg->path);
    size_t urls = 0;
    for (size_t i = 0; i < pages->count; i++)
        urls += strcmp(pages->items[i].path, "/404.html") != 0;
    if (urls > SITEMAP_MAX_URLS)
        diag_error(cfg->path, 0, "the site has %zu pages, more than the %u URLs a sitemap may list", urls,
                   SITEMAP_MAX_URLS);
}

/* Each alias in a page's front matter becomes a 301 to the page. */
static void add_aliases(struct http_files *files, const struct pages *pages)
{
    for (size_t i = 0; i < pages->count; i++) {
        const struct page *p = &pages->items[i];
        for (size_t a = 0; a < p->meta.alias_count; a++) {
            const struct page_alias *alias = &p->meta.aliases[a];
            int taken = 0;
            for (size_t r = 0; r < files->redirect_count && !taken; r++)
                taken = strcmp(files->redirects[r].from, alias->path) == 0;
            if (taken)
                diag_error(p->source, alias->line, "alias %s is already a redirect source (in _redirects or "
                           "another page's aliases)", alias->path);
            else
                redirects_add(files, p->source, alias->line, alias->path, p->clean, 301);
        }
    }
    redirects_sort(files);
}

/* Parses a page: its title, headings, links and body HTML. */
static void parse_page(struct page *p)
{
    char *h1;
    unsigned h1_line;
    if (markdown_render(p->text, p->text_len, p, &h1, &h1_line) != 0)
        diag_error(p->source, 0, "internal error while rendering");
    free(p->text);
    p->text = NULL;
    if (p->meta.title) {
        p->title = xstrdup(p->meta.title);
        free(h1);
    } else if (!h1) {
        diag_error(p->source, 1, "page has no level-1 heading (# Title) to use as its title, and no title in "
                   "its front matter");
    } else if (h1[0] == '\0') {
        diag_error(p->source, h1_line, "the level-1 heading is empty, but it is the page title");
        free(h1);
    } else {
        p->title = h1;
    }
}

/* {{meta}}: the description, and the feed of the page's section. */
static void meta_html(const struct page *p, const struct site_config *cfg, const struct pages *pages,
                      struct buf *out)
{
    if (p->meta.description) {
        buf_append_str(out, "<meta name=\"description\" content=\"");
        buf_append_html_escaped(out, p->meta.description, strlen(p->meta.description));
        buf_append_str(out, "\">");
    }
    if (p->feed >= 0) {
        const char *section = cfg->feeds[p->feed].section;
        char *index_path = xasprintf("%sindex.html", section);
        const struct page *index = pages_find(pages, index_path, strlen(index_path));
        const char *title = index && index->title ? index->title : section;
        buf_append_str(out, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
        buf_append_html_escaped(out, title, strlen(title));
        buf_append_str(out, "\" href=\"");
        buf_append_html_escaped(out, section, strlen(section));
        buf_append_str(out, "atom.xml\">");
        free(index_path);
    }
}

/* Checks a parsed page's links and renders it into its template. */
static void render_page(struct page *p, struct http_file *f, struct templates *templates,
                        const struct http_files *published, const struct pages *pages, const struct site_config *cfg)
{
    unsigned errors = 0;
    for (size_t i = 0; i < p->link_count; i++)
        check_link(p->source, p->links[i].line, p->path, p->links[i].url,
                   p->links[i].is_image ? "image" : "link to", published, pages, p, &errors);
    struct template *tmpl = template_for(templates, p, published);
    if (!tmpl || !p->title || errors)
        return;
    struct buf meta = {0}, toc = {0}, list = {0};
    meta_html(p, cfg, pages, &meta);
    headings_toc(&p->headings, &toc);
    if (is_index(p) && template_uses_pages(tmpl)) {
        struct page **members;
        size_t count = pages_in_dir(pages, p->clean, &members);
        pages_list_html(members, count, &list);
        free(members);
    }
    buf_append(&meta, "", 1);
    buf_append(&toc, "", 1);
    buf_append(&list, "", 1);
    struct template_fields fields = {p->title, p->html, p->clean, (char *)meta.data, (char *)toc.data,
                                     (char *)list.data};
    struct buf out = {0};
    size_t template_len;
    template_text(tmpl, &template_len);
    buf_reserve(&out, template_len + strlen(p->html) + meta.len + toc.len + list.len + 2 * strlen(p->title) + 256);
    template_render(tmpl, &out, &fields);
    f->body = out.data;
    f->body_len = out.len;
    if (template_mtime(tmpl) > f->mtime)
        f->mtime = template_mtime(tmpl);
    free(meta.data);
    free(toc.data);
    free(list.data);
}

static void load_asset(struct http_file *f)
{
    int err = read_file(f->source, &f->body, &f->body_len);
    if (err)
        diag_error(f->source, 0, "cannot read: %s", strerror(err));
}

/* Fills the bodies of the generated files, once every page is rendered. */
static void write_generated(struct http_files *files, const struct pages *pages, const struct site_config *cfg,
                            uint64_t mtime)
{
    for (size_t i = 0; i < files->count; i++) {
        struct http_file *f = &files->items[i];
        struct buf out = {0};
        if (strcmp(f->path, "/robots.txt") == 0 && cfg->base_url) {
            /* The site's own robots.txt, or none, with the sitemap's line. */
            int own = !is_generated(f, cfg);
            robots_write(own ? f->body : NULL, own ? f->body_len : 0, cfg->base_url, &out);
            free(f->body);
        } else if (!is_generated(f, cfg)) {
            continue;
        } else if (strcmp(f->path, "/sitemap.xml") == 0) {
            sitemap_write(pages, cfg->base_url, &out);
        } else {
            for (size_t r = 0; r < cfg->feed_count; r++) {
                size_t n = strlen(cfg->feeds[r].section);
                if (strncmp(f->path, cfg->feeds[r].section, n) != 0 || strcmp(f->path + n, "atom.xml") != 0)
                    continue;
                struct page **entries;
                size_t count = pages_in_dir(pages, cfg->feeds[r].section, &entries);
                char *index_path = xasprintf("%sindex.html", cfg->feeds[r].section);
                const struct page *index = pages_find(pages, index_path, strlen(index_path));
                const char *title = index && index->title ? index->title : cfg->title ? cfg->title : cfg->feeds[r].section;
                const char *author = cfg->author ? cfg->author : cfg->title ? cfg->title : cfg->base_url;
                feed_write(entries, count, cfg->feeds[r].section, title, author, cfg->base_url, &out);
                free(index_path);
                free(entries);
            }
        }
        f->body = out.data;
        f->body_len = out.len;
        if (is_generated(f, cfg) || mtime > f->mtime)
            f->mtime = mtime;
    }
}

unsigned site_load(const char *dir, const struct site_options *opt, struct http_files *out,
                   struct site_summary *summary)
{
    unsigned errors_before = diag_error_count();
    struct source_list sources = {0};
    walk(dir, "", 0, &sources);
    memset(summary, 0, sizeof *summary);
    struct site_config cfg;
    site_config_load(dir, &cfg);
    struct pages pages = {0};

    for (size_t i = 0; i < sources.count; i++) {
        struct source_file *s = &sources.items[i];
        int is_page = ends_with(s->rel, ".md");
        if (is_page) {
            struct page p = {0};
            p.source = s->full;
            p.feed = -1;
            read_page(&p);
            if (p.meta.draft && !opt->drafts) {
                free(p.text);
                page_meta_free(&p.meta);
                free(s->full);
                free(s->rel);
                summary->drafts++;
                continue;
            }
            p.path = xasprintf("/%.*s.html", (int)(strlen(s->rel) - 3), s->rel);
            p.clean = clean_path(p.path);
            p.dir = dir_of(p.clean);
            pages.items = xrealloc(pages.items, (pages.count + 1) * sizeof *pages.items);
            pages.items[pages.count++] = p;
        }
        struct http_file *f = http_files_add(out);
        f->is_page = is_page;
        f->path = is_page ? xstrdup(pages.items[pages.count - 1].path) : xasprintf("/%s", s->rel);
        f->source = s->full;
        f->mtime = s->mtime;
        f->content_type = mime_type_for(f->path, &f->compressible);
        free(s->rel);
        summary->pages += is_page;
        summary->assets += !is_page;
    }
    free(sources.items);
    http_files_sort(out);
    pages_sort(&pages);
    for (size_t i = 1; i < out->count; i++) {
        if (strcmp(out->items[i - 1].path, out->items[i].path) == 0)
            diag_error(out->items[i].source, 1, "%s would also publish %s, already published from %s",
                       out->items[i].is_page ? "this page" : "this file", out->items[i].path,
                       out->items[i - 1].source);
    }
    if (out->count == 0 && diag_error_count() == errors_before)
        diag_error(dir, 0, "the site directory has nothing to publish");

    size_t before_generated = out->count;
    plan_generated(out, &pages, &cfg);
    summary->assets += (unsigned)(out->count - before_generated);

    /* Before the pages: their links may point at redirect sources. */
    char *rules_path = path_join(dir, REDIRECTS_NAME);
    redirects_load(rules_path, out);
    free(rules_path);
    add_aliases(out, &pages);
    rules_path = path_join(dir, CACHE_NAME);
    cache_policy_apply(rules_path, out);
    free(rules_path);

    /* Every page parsed before any is checked: a link may name a heading
     * of a page further on. */
    for (size_t i = 0; i < pages.count; i++)
        if (pages.items[i].text)
            parse_page(&pages.items[i]);
    struct templates templates = {dir, NULL, NULL, 0};
    if (pages.count > 0) {
        struct page none = {0};
        template_for(&templates, &none, out);   /* the default one is required, used or not */
    }
    uint64_t newest = 0;
    struct stat st;
    if (cfg.path && stat(cfg.path, &st) == 0)
        newest = (uint64_t)st.st_mtime;
    for (size_t i = 0; i < out->count; i++) {
        struct http_file *f = &out->items[i];
        if (f->is_page) {
            struct page *p = pages_find(&pages, f->path, strlen(f->path));
            if (p && p->html)
                render_page(p, f, &templates, out, &pages, &cfg);
        } else if (!is_generated(f, &cfg)) {
            load_asset(f);
        }
        if (opt->mtime_limit && f->mtime > *opt->mtime_limit)
            f->mtime = *opt->mtime_limit;
        if (f->mtime > newest)
            newest = f->mtime;
    }
    if (diag_error_count() == errors_before)
        write_generated(out, &pages, &cfg, newest);
    templates_free(&templates);
    pages_free(&pages);
    site_config_free(&cfg);
    return diag_error_count() - errors_before;
}
