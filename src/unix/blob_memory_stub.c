/* TEMPORARY stub of the unix platform's blob memory until main has it: delete before merging. */
#include "core/platform.h"

#include <stdlib.h>

void *plat_blob_alloc(size_t size)
{
    return aligned_alloc(8, (size + 7) / 8 * 8);
}

void plat_blob_free(void *memory)
{
    free(memory);
}

int plat_reload_take(void **memory, size_t *size, char *origin, size_t origin_size, char *err, size_t err_size)
{
    (void)memory; (void)size; (void)origin; (void)origin_size; (void)err; (void)err_size;
    return 0;
}
