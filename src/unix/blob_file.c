/*
 * Content blobs on unix: the memory they live in (the C heap), the --blob
 * file read into it, at start-up and again on SIGHUP (platform.h's
 * plat_reload_take()).
 */
#define _POSIX_C_SOURCE 200809L     /* posix_memalign, O_CLOEXEC */
#include "unix/blob_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/platform.h"

void *plat_blob_alloc(size_t size)
{
    void *memory = NULL;
    if (size == 0 || size > SIZE_MAX - 8 || posix_memalign(&memory, 8, (size + 7) / 8 * 8) != 0)
        return NULL;
    return memory;
}

void plat_blob_free(void *memory)
{
    free(memory);
}

/*
 * Reads the file whole into memory of our own. Not mapped: a mapping shows
 * whatever the file holds later, so a file rewritten in place while
 * unihost runs would serve bytes never checked, and one truncated would
 * kill it with SIGBUS. What blob_open() checks is what is served, whatever
 * happens to the file. A file that changes size while being read is
 * refused (it was being written: write a new file and rename it over the
 * old one, as tools/run-tap.sh --watch does).
 */
void *blob_file_read(const char *path, size_t *size, char *err, size_t err_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_size, "cannot open blob %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > SIZE_MAX - 8) {
        snprintf(err, err_size, "blob %s is not a readable, non-empty file", path);
        close(fd);
        return NULL;
    }
    size_t want = (size_t)st.st_size;
    void *buf = plat_blob_alloc(want);
    if (!buf) {
        snprintf(err, err_size, "no memory for blob %s (%zu bytes)", path, want);
        close(fd);
        return NULL;
    }
    /* The expected bytes, then one more read that must find the end. */
    size_t got = 0;
    ssize_t n = 0;
    while (got < want) {
        n = read(fd, (uint8_t *)buf + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got == want) {
        uint8_t more;
        do
            n = read(fd, &more, 1);
        while (n < 0 && errno == EINTR);
    }
    int read_errno = errno;
    close(fd);
    if (n < 0 || got != want || n != 0) {
        if (n < 0)
            snprintf(err, err_size, "cannot read blob %s: %s", path, strerror(read_errno));
        else
            snprintf(err, err_size, "blob %s changed size while being read (%zu bytes when opened)", path, want);
        plat_blob_free(buf);
        return NULL;
    }
    *size = want;
    return buf;
}
