/* The ACME client's kept items as files in --state-dir (state_dir.h). */
#define _POSIX_C_SOURCE 200809L     /* mkstemp, fchmod, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW */
#include "unix/state_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool item_path(const char *dir, const char *name, char *path, size_t size)
{
    int n = snprintf(path, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

static long load(void *ctx, const char *name, char *buf, size_t cap, char *err, size_t err_size)
{
    const char *dir = ctx;
    char path[PATH_MAX];
    if (!item_path(dir, name, path, sizeof path)) {
        snprintf(err, err_size, "%s/%s: the path is too long", dir, name);
        return -1;
    }
    /* (a link in unihost's own directory is not something it made) */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_size, "%s is not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > cap || (uint64_t)st.st_size > LONG_MAX) {
        snprintf(err, err_size, "%s is larger than the %zu bytes it may have", path, cap);
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, err_size, "cannot read %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    return (long)got;
}

static bool write_all(int fd, const void *bytes, size_t len)
{
    const char *p = bytes;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* The directory's own entry made durable: a rename is only there after a
 * crash once the directory is synced. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

static int save(void *ctx, const char *name, const void *bytes, size_t len, char *err, size_t err_size)
{
    const char *dir = ctx;
    char path[PATH_MAX], temp[PATH_MAX];
    if (!item_path(dir, name, path, sizeof path) || snprintf(temp, sizeof temp, "%s/.%s.XXXXXX", dir, name) >=
                                                        (int)sizeof temp) {
        snprintf(err, err_size, "%s/%s: the path is too long", dir, name);
        return -1;
    }
    int fd = mkstemp(temp);     /* mode 0600, whatever the umask */
    if (fd < 0) {
        snprintf(err, err_size, "cannot create a file in %s: %s", dir, strerror(errno));
        return -1;
    }
    const char *failed = NULL;
    int saved_errno = 0;
    if (fchmod(fd, S_IRUSR | S_IWUSR) != 0)
        failed = "set the mode of";
    else if (!write_all(fd, bytes, len))
        failed = "write";
    else if (fsync(fd) != 0)
        failed = "sync";
    saved_errno = errno;
    if (close(fd) != 0 && !failed) {
        failed = "close";
        saved_errno = errno;
    }
    if (!failed && rename(temp, path) != 0) {
        failed = "rename";
        saved_errno = errno;
    }
    if (failed) {
        unlink(temp);
        snprintf(err, err_size, "cannot %s %s: %s; the old %s stays", failed, temp, strerror(saved_errno), name);
        return -1;
    }
    if (sync_dir(dir) != 0) {
        snprintf(err, err_size, "%s written, but syncing %s failed: %s", path, dir, strerror(errno));
        return -1;
    }
    return 0;
}

int state_dir_open(const char *path, struct acme_storage *storage, char *err, size_t err_size)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT) {
            snprintf(err, err_size, "--state-dir %s: %s", path, strerror(errno));
            return -1;
        }
        /* (chmod after: mkdir's mode is cut by the umask) */
        if (mkdir(path, S_IRWXU) != 0 || chmod(path, S_IRWXU) != 0) {
            snprintf(err, err_size, "--state-dir %s: cannot create it: %s", path, strerror(errno));
            return -1;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        snprintf(err, err_size, "--state-dir %s is not a directory", path);
        return -1;
    }
    /* Writable is learnt by writing: access() says yes to root on a
     * directory of mode 0500, and knows nothing of a read-only mount. */
    char probe[PATH_MAX];
    if (snprintf(probe, sizeof probe, "%s/.probe.XXXXXX", path) >= (int)sizeof probe) {
        snprintf(err, err_size, "--state-dir %s: the path is too long", path);
        return -1;
    }
    int fd = mkstemp(probe);
    if (fd < 0) {
        snprintf(err, err_size, "--state-dir %s is not writable: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    unlink(probe);
    *storage = (struct acme_storage){ .load = load, .save = save, .ctx = (void *)path, .where = path };
    return 0;
}
