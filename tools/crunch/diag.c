/* Collecting and printing "FILE:LINE: message" diagnostics: see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct diag_message {
    char *file;
    unsigned line;
    unsigned file_rank;     /* order in which the file first reported */
    unsigned seq;           /* order of reporting, to keep the sort stable */
    char *text;             /* warnings: with their "warning: " prefix */
};

static struct diag_message *pending;
static size_t pending_count, pending_cap;
static unsigned total_errors, total_warnings;
static unsigned next_seq;

static unsigned rank_of(const char *file)
{
    /* Errors come in runs from one file: try the last one first. */
    if (pending_count > 0 && strcmp(pending[pending_count - 1].file, file) == 0)
        return pending[pending_count - 1].file_rank;
    /* Few files report, so a linear search over pending messages is enough. */
    unsigned max_rank = 0;
    for (size_t i = 0; i < pending_count; i++) {
        if (strcmp(pending[i].file, file) == 0)
            return pending[i].file_rank;
        if (pending[i].file_rank + 1 > max_rank)
            max_rank = pending[i].file_rank + 1;
    }
    return max_rank;
}

static void record(const char *file, unsigned line, char *text)
{
    if (pending_count == pending_cap) {
        pending_cap = pending_cap ? pending_cap * 2 : 16;
        pending = xrealloc(pending, pending_cap * sizeof *pending);
    }
    struct diag_message *m = &pending[pending_count];
    m->file_rank = rank_of(file);
    m->file = xstrdup(file);
    m->line = line;
    m->seq = next_seq++;
    m->text = text;
    pending_count++;
}

void diag_error(const char *file, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = xvasprintf(fmt, ap);
    va_end(ap);
    record(file, line, text);
    total_errors++;
}

void diag_warning(const char *file, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = xvasprintf(fmt, ap);
    va_end(ap);
    char *prefixed = xasprintf("warning: %s", text);
    free(text);
    record(file, line, prefixed);
    total_warnings++;
}

unsigned diag_error_count(void)
{
    return total_errors;
}

unsigned diag_warning_count(void)
{
    return total_warnings;
}

static int by_file_then_line(const void *a, const void *b)
{
    const struct diag_message *x = a, *y = b;
    if (x->file_rank != y->file_rank)
        return x->file_rank < y->file_rank ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* Prints the pending messages to stderr and, if copy is not NULL, to it too. */
static void flush_to(struct buf *copy)
{
    qsort(pending, pending_count, sizeof *pending, by_file_then_line);
    for (size_t i = 0; i < pending_count; i++) {
        struct diag_message *m = &pending[i];
        char *line = m->line ? xasprintf("%s:%u: %s\n", m->file, m->line, m->text)
                             : xasprintf("%s: %s\n", m->file, m->text);
        fputs(line, stderr);
        if (copy)
            buf_append_str(copy, line);
        free(line);
        free(m->file);
        free(m->text);
    }
    free(pending);
    pending = NULL;
    pending_count = pending_cap = 0;
    fflush(stderr);
}

void diag_flush(void)
{
    flush_to(NULL);
}

char *diag_flush_copy(void)
{
    struct buf copy = {0};
    flush_to(&copy);
    buf_append(&copy, "", 1);
    return (char *)copy.data;
}
