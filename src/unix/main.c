/*
 * unihost as a Linux process on a tap device: parse the flags, pick the blob
 * (embedded, or --blob FILE read into memory), open the tap, run the core.
 */
#define _POSIX_C_SOURCE 200809L     /* posix_memalign, O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "unix/platform_unix.h"
#include "unix/tap.h"
#include "core/unihost.h"

/*
 * Reads a blob file whole into memory of our own, 8-byte aligned as the
 * reader needs. Not mapped: a mapping shows whatever the file holds later,
 * so a file rewritten in place while unihost runs would serve bytes never
 * checked, and one truncated would kill it with SIGBUS. What blob_open()
 * checks is what is served, whatever happens to the file. A file that
 * changes size while being read is refused (it was being written).
 */
static const void *read_blob(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_line("cannot open blob %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > SIZE_MAX - 8) {
        log_line("blob %s is not a readable, non-empty file", path);
        close(fd);
        return NULL;
    }
    size_t want = (size_t)st.st_size;
    void *buf = NULL;
    if (posix_memalign(&buf, 8, (want + 7) / 8 * 8) != 0) {
        log_line("no memory for blob %s (%zu bytes)", path, want);
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
            log_line("cannot read blob %s: %s", path, strerror(read_errno));
        else
            log_line("blob %s changed size while being read (%zu bytes when opened)", path, want);
        free(buf);
        return NULL;
    }
    *size = want;
    return buf;
}

/* Reads a whole PEM file (they are small: at most 64 KB) into `buf` for
 * the TLS code, which takes bytes, not file names. */
enum { PEM_MAX = 64 * 1024 };
static char cert_pem[PEM_MAX], key_pem[PEM_MAX], manage_key_pem[PEM_MAX];

static const char *read_pem(const char *flag, const char *path, char *buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        log_line("cannot open %s %s: %s", flag, path, strerror(errno));
        return NULL;
    }
    size_t n = fread(buf, 1, PEM_MAX, f);
    int too_big = n == PEM_MAX;
    int failed = ferror(f);
    fclose(f);
    if (failed || too_big || n == 0) {
        log_line("cannot use %s %s: %s", flag, path,
                 failed ? "read error" : too_big ? "larger than 64 KB" : "empty file");
        return NULL;
    }
    *len = n;
    return buf;
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
    /* Pushes are signed, and come over TLS only: both before anything starts. */
    if (cfg.has_manage && (!cfg.manage_key_path || !cfg.tls_cert_path)) {
        fprintf(stderr, "unihost: --manage needs %s: pushed blobs are taken over TLS only, signed by that key\n",
                !cfg.manage_key_path ? "--manage-key FILE (the PEM public key whose private half signs blobs)"
                                     : "--tls-cert and --tls-key (HTTPS's credentials)");
        return 2;
    }
    unix_platform_init();
    atexit(log_drain);      /* what the console did not take yet, on every way out */

    const void *blob = unihost_embedded_blob;
    size_t blob_size = (size_t)(unihost_embedded_blob_end - unihost_embedded_blob);
    if (cfg.blob_path) {
        blob = read_blob(cfg.blob_path, &blob_size);
        if (!blob)
            return 1;
        log_line("content: using blob file %s", cfg.blob_path);
    } else {
        log_line("content: using the embedded blob");
    }

    if (cfg.tls_cert_path) {
        cfg.tls_cert_pem = read_pem("--tls-cert", cfg.tls_cert_path, cert_pem, &cfg.tls_cert_pem_len);
        cfg.tls_key_pem = read_pem("--tls-key", cfg.tls_key_path, key_pem, &cfg.tls_key_pem_len);
        if (!cfg.tls_cert_pem || !cfg.tls_key_pem)
            return 1;
    }
    if (cfg.manage_key_path &&
        !(cfg.manage_key_pem = read_pem("--manage-key", cfg.manage_key_path, manage_key_pem, &cfg.manage_key_pem_len)))
        return 1;

    if (tap_open(cfg.tap, err, sizeof err) != 0) {
        log_line("%s", err);
        return 1;
    }
    log_line("tap %s attached", cfg.tap);
    int status = unihost_run(&cfg, blob, blob_size);
    tap_close();
    return status;
}
