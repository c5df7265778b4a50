/* Reading the site's rule files: see rules_file.h. */
#include "rules_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void split(char *line, struct rules_line *out)
{
    out->field_count = 0;
    char *p = line;
    while (*p) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        char *start = p;
        while (*p && !is_space(*p))
            p++;
        int last = *p == '\0';
        *p = '\0';
        if (out->field_count < RULES_MAX_FIELDS)
            out->field[out->field_count] = start;
        out->field_count++;
        if (!last)
            p++;
    }
}

unsigned rules_file_each(const char *path, void (*fn)(void *ctx, const char *path, struct rules_line *line),
                         void *ctx)
{
    uint8_t *text;
    size_t len;
    int err = read_file(path, &text, &len);
    if (err == ENOENT)
        return 0;
    if (err) {
        diag_error(path, 0, "cannot read: %s", strerror(err));
        return 1;
    }
    unsigned errors = 0, number = 0;
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        number++;
        size_t line_end = end;
        if (line_end > i && text[line_end - 1] == '\r')
            line_end--;
        int bad = 0;
        for (size_t k = i; k < line_end; k++)
            if ((text[k] < 0x20 && text[k] != '\t') || text[k] > 0x7e)
                bad = 1;
        if (bad) {
            diag_error(path, number, "only printable ASCII is allowed in this file (found a control or non-ASCII byte)");
            errors++;
        } else {
            char *line = xstrndup((const char *)text + i, line_end - i);
            /* A trailing run of spaces is not part of the last field's rest. */
            size_t n = strlen(line);
            while (n > 0 && is_space(line[n - 1]))
                line[--n] = '\0';
            const char *first = line + strspn(line, " \t");
            if (*first != '\0' && *first != '#') {
                /* The text after the first field, before split() cuts it up. */
                const char *after = first + strcspn(first, " \t");
                char *rest = xstrdup(after + strspn(after, " \t"));
                struct rules_line rl;
                rl.number = number;
                rl.rest_after_first = rest;
                split(line, &rl);
                fn(ctx, path, &rl);
                free(rest);
            }
            free(line);
        }
        i = end + 1;
    }
    free(text);
    return errors;
}
