/*
 * unihost as a Linux process on a tap device: parse the flags, pick the blob
 * (embedded, or --blob FILE read into memory: unix/blob_file.c), ready
 * --state-dir (unix/state_dir.c), open the tap, run the core.
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
#include "unix/blob_file.h"
#include "unix/platform_unix.h"
#include "unix/state_dir.h"
#include "unix/tap.h"
#include "core/unihost.h"

/* Reads a whole PEM file (they are small: at most 64 KB) into `buf` for
 * the TLS code, which takes bytes, not file names. */
enum { PEM_MAX = 64 * 1024 };
static char cert_pem[PEM_MAX], key_pem[PEM_MAX], manage_key_pem[PEM_MAX], acme_ca_pem[PEM_MAX];
static char acme_account_key_pem[PEM_MAX];
static struct acme_storage acme_state_dir;

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
    if (cfg.acme_directory && !cfg.acme_ca_path) {
        fprintf(stderr, "unihost: --acme-directory wants --acme-ca FILE (the roots the CA's HTTPS must chain to)\n");
        return 2;
    }
    unix_platform_init();
    atexit(log_drain);      /* what the console did not take yet, on every way out */

    const void *blob = unihost_embedded_blob;
    size_t blob_size = (size_t)(unihost_embedded_blob_end - unihost_embedded_blob);
    if (cfg.blob_path) {
        blob = blob_file_read(cfg.blob_path, &blob_size, err, sizeof err);
        if (!blob) {
            log_line("%s", err);
            return 1;
        }
        unix_platform_reload_from(cfg.blob_path);
        log_line("content: using blob file %s (SIGHUP reads it again)", cfg.blob_path);
    } else {
        log_line("content: using the embedded blob");
    }

    if (cfg.tls_cert_path) {
        cfg.tls_cert_pem = read_pem("--tls-cert", cfg.tls_cert_path, cert_pem, &cfg.tls_cert_pem_len);
        cfg.tls_key_pem = read_pem("--tls-key", cfg.tls_key_path, key_pem, &cfg.tls_key_pem_len);
        if (!cfg.tls_cert_pem || !cfg.tls_key_pem)
            return 1;
    }
    if (cfg.acme_ca_path &&
        !(cfg.acme_ca_pem = read_pem("--acme-ca", cfg.acme_ca_path, acme_ca_pem, &cfg.acme_ca_pem_len)))
        return 1;
    if (cfg.acme_account_key_path &&
        !(cfg.acme_account_key_pem = read_pem("--acme-account-key", cfg.acme_account_key_path, acme_account_key_pem,
                                              &cfg.acme_account_key_pem_len)))
        return 1;
    if (cfg.acme_state_dir) {
        if (state_dir_open(cfg.acme_state_dir, &acme_state_dir, err, sizeof err) != 0) {
            log_line("acme: %s", err);
            return 1;
        }
        cfg.acme_storage = &acme_state_dir;
        log_line("acme: state kept in %s", cfg.acme_state_dir);
    }
    if (cfg.manage_key_path &&
        !(cfg.manage_key_pem = read_pem("--manage-key", cfg.manage_key_path, manage_key_pem, &cfg.manage_key_pem_len)))
        return 1;

    if (tap_open(cfg.tap, err, sizeof err) != 0) {
        log_line("%s", err);
        return 1;
    }
    log_line("tap %s attached; frames read with %s", cfg.tap, tap_reads());
    int status = unihost_run(&cfg, blob, blob_size, cfg.blob_path != NULL);
    tap_close();
    return status;
}
