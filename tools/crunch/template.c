/* Parsing and filling the page template: see template.h. */
#include "template.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "utf8.h"

enum segment_kind {
    SEGMENT_LITERAL,
    SEGMENT_TITLE,
    SEGMENT_CONTENT,
    SEGMENT_PATH,
    SEGMENT_META,
    SEGMENT_TOC,
    SEGMENT_PAGES,
};

struct segment {
    enum segment_kind kind;
    size_t off, len;        /* into text, for literals */
};

struct template {
    uint8_t *text;
    size_t len;
    uint64_t mtime;
    int uses_pages;             /* has {{pages}}: worth listing a section's pages */
    struct segment *segments;
    size_t segment_count;
};

static const struct {
    const char *name;
    enum segment_kind kind;
} placeholders[] = {
    {"title", SEGMENT_TITLE},
    {"content", SEGMENT_CONTENT},
    {"path", SEGMENT_PATH},
    {"meta", SEGMENT_META},
    {"toc", SEGMENT_TOC},
    {"pages", SEGMENT_PAGES},
};

static void add_segment(struct template *t, enum segment_kind kind, size_t off, size_t len)
{
    if (kind == SEGMENT_LITERAL && len == 0)
        return;
    t->segments = xrealloc(t->segments, (t->segment_count + 1) * sizeof *t->segments);
    t->segments[t->segment_count++] = (struct segment){kind, off, len};
}

static unsigned line_at(const uint8_t *text, size_t off)
{
    unsigned line = 1;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

/* Splits the text into literals and placeholders; returns the number of errors. */
static unsigned parse(struct template *t, const char *path)
{
    const char *s = (const char *)t->text;
    unsigned errors = 0;
    int has_content = 0;
    size_t literal_start = 0, i = 0;
    while (i + 1 < t->len) {
        if (s[i] != '{' || s[i + 1] != '{') {
            i++;
            continue;
        }
        const char *close = strstr(s + i + 2, "}}");
        const char *newline = strchr(s + i + 2, '\n');
        if (!close || (newline && newline < close)) {
            diag_error(path, line_at(t->text, i),
                       "'{{' opens a placeholder that is not closed by '}}' on the same line");
            errors++;
            i += 2;
            continue;
        }
        /* Allow {{ title }} as well as {{title}}. */
        const char *name = s + i + 2;
        size_t name_len = (size_t)(close - name);
        while (name_len > 0 && *name == ' ')
            name++, name_len--;
        while (name_len > 0 && name[name_len - 1] == ' ')
            name_len--;
        int found = 0;
        for (size_t p = 0; p < sizeof placeholders / sizeof placeholders[0]; p++) {
            if (strlen(placeholders[p].name) == name_len &&
                memcmp(placeholders[p].name, name, name_len) == 0) {
                add_segment(t, SEGMENT_LITERAL, literal_start, i - literal_start);
                add_segment(t, placeholders[p].kind, 0, 0);
                has_content |= placeholders[p].kind == SEGMENT_CONTENT;
                t->uses_pages |= placeholders[p].kind == SEGMENT_PAGES;
                found = 1;
            }
        }
        if (!found) {
            diag_error(path, line_at(t->text, i),
                       "unknown placeholder {{%.*s}}; the template knows {{title}}, {{content}}, {{path}}, {{meta}}, {{toc}} and {{pages}}",
                       (int)(close - (s + i + 2)), s + i + 2);
            errors++;
        }
        i = (size_t)(close - s) + 2;
        literal_start = i;
    }
    add_segment(t, SEGMENT_LITERAL, literal_start, t->len - literal_start);
    if (!has_content && errors == 0) {
        diag_error(path, 1, "the template has no {{content}} placeholder, so pages would render without their text");
        errors++;
    }
    return errors;
}

struct template *template_load(const char *path)
{
    struct template *t = xcalloc(1, sizeof *t);
    struct stat st;
    int err = read_file(path, &t->text, &t->len);
    if (err || stat(path, &st) != 0) {
        if (!err)
            err = errno;
        if (err == ENOENT)
            diag_error(path, 1, "missing page template: the site has Markdown pages, and each is rendered into _template.html");
        else
            diag_error(path, 1, "cannot read the page template: %s", strerror(err));
        template_free(t);
        return NULL;
    }
    t->mtime = (uint64_t)st.st_mtime;
    unsigned errors = utf8_report_invalid(path, t->text, t->len);
    errors += parse(t, path);
    if (errors) {
        template_free(t);
        return NULL;
    }
    return t;
}

int template_uses_pages(const struct template *t)
{
    return t->uses_pages;
}

uint64_t template_mtime(const struct template *t)
{
    return t->mtime;
}

void template_render(const struct template *t, struct buf *out, const struct template_fields *v)
{
    for (size_t i = 0; i < t->segment_count; i++) {
        const struct segment *s = &t->segments[i];
        switch (s->kind) {
        case SEGMENT_LITERAL:
            buf_append(out, t->text + s->off, s->len);
            break;
        case SEGMENT_TITLE:
            buf_append_html_escaped(out, v->title, strlen(v->title));
            break;
        case SEGMENT_CONTENT:
            buf_append_str(out, v->content_html);
            break;
        case SEGMENT_PATH:
            buf_append_html_escaped(out, v->path, strlen(v->path));
            break;
        case SEGMENT_META:
            buf_append_str(out, v->meta_html);
            break;
        case SEGMENT_TOC:
            buf_append_str(out, v->toc_html);
            break;
        case SEGMENT_PAGES:
            buf_append_str(out, v->pages_html);
            break;
        }
    }
}

void template_free(struct template *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->segments);
    free(t);
}

const uint8_t *template_text(const struct template *t, size_t *len)
{
    *len = t->len;
    return t->text;
}
