/*
 * For the tests of pushed blobs' signatures: EC P-256 key pairs and
 * signatures made by the openssl command at test time (never kept in the
 * repository), in a temporary folder, read back as bytes.
 */
#ifndef UNIHOST_TEST_OPENSSL_KEYS_H
#define UNIHOST_TEST_OPENSSL_KEYS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char openssl_dir[64];

/* The temporary folder, made once; removed at exit. */
static void openssl_dir_remove(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", openssl_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", openssl_dir);
}

static const char *openssl_path(const char *name)
{
    static char path[8][160];
    static int next;
    if (!openssl_dir[0]) {
        snprintf(openssl_dir, sizeof openssl_dir, "/tmp/uh-unit-keys.XXXXXX");
        if (!mkdtemp(openssl_dir)) {
            printf("not ok - mkdtemp for openssl's keys\n");
            exit(1);
        }
        atexit(openssl_dir_remove);
    }
    char *p = path[next++ % 8];
    snprintf(p, sizeof path[0], "%s/%s", openssl_dir, name);
    return p;
}

/* Runs a shell command (printf-style) in the folder; exits the test if it fails. */
static void openssl_run(const char *fmt, ...)
{
    char cmd[1024];
    int n = snprintf(cmd, sizeof cmd, "cd '%s' && ", openssl_dir);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd + n, sizeof cmd - (size_t)n, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0) {
        printf("not ok - %s\n", cmd);
        exit(1);
    }
}

/* A file of the folder, whole (malloc'd, NUL-terminated; *len without the NUL). */
static char *openssl_read(const char *name, size_t *len)
{
    FILE *f = fopen(openssl_path(name), "rb");
    if (!f) {
        printf("not ok - read %s\n", name);
        exit(1);
    }
    char *buf = malloc(1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* key NAME: NAME.key (private) and NAME.pub (its public half). */
static inline void openssl_key_pair(const char *name)
{
    (void)openssl_path(name);
    openssl_run("openssl ecparam -name prime256v1 -genkey -noout -out %s.key 2>/dev/null && "
                "openssl ec -in %s.key -pubout -out %s.pub 2>/dev/null", name, name, name);
}

/* SIG = DER signature of the file DATA by KEY.key. */
static inline void openssl_sign(const char *key, const char *data, const char *sig)
{
    openssl_run("openssl dgst -sha256 -sign %s.key -out %s %s", key, sig, data);
}

#endif
