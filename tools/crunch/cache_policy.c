/* The site's _cache file: see cache_policy.h. */
#include "cache_policy.h"

#include <stdlib.h>
#include <string.h>

#include "content/blob_format.h"
#include "diag.h"
#include "rules_file.h"
#include "util.h"

struct cache_rule {
    char *pattern;
    char *value;
    unsigned line;
    int used;
};

struct load_state {
    struct cache_rule *rules;
    size_t count;
    unsigned errors;
};

int cache_pattern_matches(const char *pattern, const char *path)
{
    /* Iterative glob with one backtrack point: linear enough for URL paths. */
    const char *star = NULL, *resume = NULL;
    while (*path) {
        if (*pattern == '*') {
            star = pattern++;
            resume = path;
        } else if (*pattern == *path) {
            pattern++;
            path++;
        } else if (star) {
            pattern = star + 1;
            path = ++resume;
        } else {
            return 0;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

/* Cache-Control is a list of directives: tokens, '=', quoted strings, commas. */
static int value_ok(const char *v)
{
    for (; *v; v++)
        if (!(*v == ' ' || *v == ',' || *v == '=' || *v == '"' || *v == '-' || *v == '_' || *v == '.' ||
              (*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z')))
            return 0;
    return 1;
}

static void parse_rule(void *ctx, const char *path, struct rules_line *l)
{
    struct load_state *st = ctx;
    const char *pattern = l->field[0];
    if (l->field_count < 2) {
        diag_error(path, l->number, "a rule needs a URL pattern and a Cache-Control value: PATTERN VALUE");
        st->errors++;
        return;
    }
    if (pattern[0] != '/' && pattern[0] != '*') {
        diag_error(path, l->number, "pattern %s must start with / or *", pattern);
        st->errors++;
        return;
    }
    if (strlen(l->rest_after_first) > BLOB_HTTP_CACHE_CONTROL_MAX) {
        diag_error(path, l->number, "Cache-Control value is longer than %u bytes", BLOB_HTTP_CACHE_CONTROL_MAX);
        st->errors++;
        return;
    }
    if (!value_ok(l->rest_after_first)) {
        diag_error(path, l->number, "Cache-Control value \"%s\" holds characters other than letters, "
                   "digits, spaces and , = \" - _ .", l->rest_after_first);
        st->errors++;
        return;
    }
    for (size_t i = 0; i < st->count; i++) {
        if (strcmp(st->rules[i].pattern, pattern) == 0) {
            diag_error(path, l->number, "duplicate pattern %s (first at line %u)", pattern, st->rules[i].line);
            st->errors++;
            return;
        }
    }
    st->rules = xrealloc(st->rules, (st->count + 1) * sizeof *st->rules);
    st->rules[st->count++] = (struct cache_rule){xstrdup(pattern), xstrdup(l->rest_after_first), l->number, 0};
}

unsigned cache_policy_apply(const char *path, struct http_files *files)
{
    struct load_state st = {NULL, 0, 0};
    st.errors += rules_file_each(path, parse_rule, &st);
    for (size_t i = 0; i < files->count; i++) {
        struct http_file *f = &files->items[i];
        f->cache_control = strncmp(f->content_type, "text/html", 9) == 0 ? CACHE_DEFAULT_HTML : CACHE_DEFAULT_OTHER;
        for (size_t r = 0; r < st.count; r++) {
            if (cache_pattern_matches(st.rules[r].pattern, f->path)) {
                free(f->cache_control_owned);
                f->cache_control_owned = xstrdup(st.rules[r].value);
                f->cache_control = f->cache_control_owned;
                st.rules[r].used = 1;
                break;
            }
        }
    }
    for (size_t r = 0; r < st.count; r++) {
        /* A rule that matches nothing is almost always a typo in its pattern. */
        if (!st.rules[r].used) {
            diag_error(path, st.rules[r].line, "pattern %s matches no published file (or only files an "
                       "earlier rule matches); pages match by their .html path", st.rules[r].pattern);
            st.errors++;
        }
        free(st.rules[r].pattern);
        free(st.rules[r].value);
    }
    free(st.rules);
    return st.errors;
}
