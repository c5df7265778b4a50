/* The --blob file, read into plat_blob_alloc() memory. */
#ifndef UNIHOST_BLOB_FILE_H
#define UNIHOST_BLOB_FILE_H

#include <stddef.h>

/* The whole file at `path` in memory the caller frees with
 * plat_blob_free(), its length in *size; NULL with a sentence in err. */
void *blob_file_read(const char *path, size_t *size, char *err, size_t err_size);

#endif
