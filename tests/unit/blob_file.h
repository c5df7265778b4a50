/* Loads a blob file for the engine tests (8-byte aligned, as the reader needs). */
#ifndef UNIHOST_TEST_BLOB_FILE_H
#define UNIHOST_TEST_BLOB_FILE_H

#include <stdio.h>
#include <stdlib.h>

#include "content/blob.h"

/* Reads $BUILD/tests/fixture.blob (BUILD defaults to "build") into memory
 * and opens it; exits with a "not ok" line if that fails. */
static inline void *load_fixture_blob(struct blob *b, size_t *size_out)
{
    const char *build = getenv("BUILD");
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fixture.blob", build ? build : "build");
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("not ok - load fixture blob: cannot open %s (make build/tests/fixture.blob)\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = aligned_alloc(8, ((size_t)size + 7) / 8 * 8);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        printf("not ok - load fixture blob: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    const char *err;
    if (blob_open(b, data, (size_t)size, &err) != 0) {
        printf("not ok - load fixture blob: %s\n", err);
        exit(1);
    }
    *size_out = (size_t)size;
    return data;
}

#endif
