/* The site's settings: see site_config.h. */
#include "site_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fm_syntax.h"
#include "util.h"

#define CONFIG_NAME "_config.toml"

/* An absolute http(s) URL without query, fragment, spaces or quotes: it is
 * written into XML and robots.txt as is. */
static const char *base_url_problem(const char *url)
{
    const char *rest = strncmp(url, "https://", 8) == 0 ? url + 8 : strncmp(url, "http://", 7) == 0 ? url + 7 : NULL;
    if (!rest || rest[0] == '\0' || rest[0] == '/')
        return "must be an absolute http:// or https:// URL, such as \"https://example.org/\"";
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("\"'<>\\?#`{}|^", *p))
            return "must be a plain URL: no spaces, quotes, query or fragment, and percent-encoded non-ASCII";
    return NULL;
}

static const char *set_text(const struct fm_value *v, char **out)
{
    if (v->kind != FM_QUOTED || v->text[0] == '\0')
        return "must be a non-empty quoted string";
    free(*out);
    *out = xstrdup(v->text);
    return NULL;
}

static const char *set_feeds(const struct fm_value *v, unsigned line, struct site_config *cfg)
{
    if (v->kind != FM_LIST)
        return "must be a list of section paths, such as [\"/news/\"]";
    for (size_t i = 0; i < v->count; i++) {
        const char *s = v->items[i].text;
        size_t n = s ? strlen(s) : 0;
        if (v->items[i].kind != FM_QUOTED || n < 1 || s[0] != '/' || s[n - 1] != '/')
            return "must list directory paths that start and end with /, such as \"/news/\"";
        cfg->feeds = xrealloc(cfg->feeds, (cfg->feed_count + 1) * sizeof *cfg->feeds);
        cfg->feeds[cfg->feed_count++] = (struct site_feed_request){xstrdup(s), line};
    }
    cfg->feeds_line = line;
    return NULL;
}

unsigned site_config_load(const char *dir, struct site_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->path = path_join(dir, CONFIG_NAME);
    uint8_t *text;
    size_t len;
    int err = read_file(cfg->path, &text, &len);
    if (err == ENOENT)
        return 0;
    if (err) {
        diag_error(cfg->path, 0, "cannot read: %s", strerror(err));
        return 1;
    }
    struct fm_entries entries = {0};
    unsigned errors = fm_toml_parse(cfg->path, 1, (const char *)text, len, &entries);
    for (size_t i = 0; i < entries.count && errors == 0; i++) {
        const struct fm_entry *e = &entries.items[i];
        const char *why;
        if (strcmp(e->key, "base_url") == 0) {
            why = set_text(&e->value, &cfg->base_url);
            if (!why && (why = base_url_problem(cfg->base_url)) == NULL) {
                size_t n = strlen(cfg->base_url);
                while (n > 0 && cfg->base_url[n - 1] == '/')
                    cfg->base_url[--n] = '\0';      /* joined with paths that start with / */
            }
        } else if (strcmp(e->key, "title") == 0) {
            why = set_text(&e->value, &cfg->title);
        } else if (strcmp(e->key, "author") == 0) {
            why = set_text(&e->value, &cfg->author);
        } else if (strcmp(e->key, "feeds") == 0) {
            why = set_feeds(&e->value, e->line, cfg);
        } else {
            diag_error(cfg->path, e->line, "%s is not a setting; crunch knows base_url, title, author and feeds", e->key);
            errors++;
            continue;
        }
        if (why) {
            diag_error(cfg->path, e->line, "%s %s", e->key, why);
            errors++;
        }
    }
    fm_entries_free(&entries);
    free(text);
    return errors;
}

void site_config_free(struct site_config *cfg)
{
    free(cfg->path);
    free(cfg->base_url);
    free(cfg->title);
    free(cfg->author);
    for (size_t i = 0; i < cfg->feed_count; i++)
        free(cfg->feeds[i].section);
    free(cfg->feeds);
    memset(cfg, 0, sizeof *cfg);
}
