/* TEMPORARY stub of content.h until content.c lands on main: delete before merging. */
#include "core/content.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/platform.h"

static struct blob current;
static struct content_counters counters;

int content_start(const void *memory, size_t size, bool owned, const char **error)
{
    (void)owned;
    return blob_open(&current, memory, size, error);
}

const struct blob *content_current(void)
{
    return &current;
}

int content_swap(void *memory, size_t size, const char *origin, char *err, size_t err_size)
{
    (void)origin;
    struct blob b;
    const char *why;
    if (blob_open(&b, memory, size, &why) != 0) {
        snprintf(err, err_size, "%s", why);
        plat_blob_free(memory);
        counters.refused++;
        return -1;
    }
    current = b;
    counters.swapped++;
    return 0;
}

void content_collect(void)
{
}

const struct content_counters *content_counters(void)
{
    return &counters;
}

void content_hash_hex(const struct blob *b, char out[65])
{
    (void)b;
    snprintf(out, 65, "%064d", 0);
}
