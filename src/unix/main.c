/*
 * unihost as a Linux process on a tap device: parse the flags, pick the blob
 * (embedded, or --blob FILE mapped read-only), open the tap, run the core.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "platform_unix.h"
#include "tap.h"
#include "unihost.h"

/* Maps a blob file read-only (page-aligned, so the reader's 8-byte
 * alignment holds). */
static const void *map_blob(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_line("cannot open blob %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        log_line("blob %s is empty or unreadable", path);
        close(fd);
        return NULL;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        log_line("cannot map blob %s: %s", path, strerror(errno));
        return NULL;
    }
    *size = (size_t)st.st_size;
    return p;
}

int main(int argc, char **argv)
{
    struct unihost_config cfg;
    char err[256];
    if (config_parse(argc, argv, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "unihost: %s\n%s", err, config_usage);
        return 2;
    }
    if (cfg.help) {
        fputs(config_usage, stdout);
        return 0;
    }
    if (!cfg.tap) {
        fprintf(stderr, "unihost: give the tap device with --tap NAME\n%s", config_usage);
        return 2;
    }
    unix_platform_init();

    const void *blob = unihost_embedded_blob;
    size_t blob_size = (size_t)(unihost_embedded_blob_end - unihost_embedded_blob);
    if (cfg.blob_path) {
        blob = map_blob(cfg.blob_path, &blob_size);
        if (!blob)
            return 1;
        log_line("content: using blob file %s", cfg.blob_path);
    } else {
        log_line("content: using the embedded blob");
    }

    if (tap_open(cfg.tap, err, sizeof err) != 0) {
        log_line("%s", err);
        return 1;
    }
    log_line("tap %s attached", cfg.tap);
    int status = unihost_run(&cfg, blob, blob_size);
    tap_close();
    return status;
}
