/*
 * Unit tests of --state-dir's files (src/unix/state_dir.c) in a temporary
 * directory: a missing directory is made 0700, a regular file is refused,
 * items are written 0600 and read back whole, a replacement leaves no
 * temporary file behind, and what cannot be read is said, not crashed on.
 */
#define _POSIX_C_SOURCE 200809L     /* mkdtemp */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "unix/state_dir.h"

static char root[64];
static char path_buf[512];

static const char *in_root(const char *name)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", root, name);
    return path_buf;
}

static void remove_root(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", root);
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 07777 : 0;
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/uh-unit-state.XXXXXX");
    if (!mkdtemp(root)) {
        printf("not ok - mkdtemp\n");
        return 1;
    }
    atexit(remove_root);
    umask(022);     /* what a shell usually has: mkdir alone would not make 0700 */

    struct acme_storage s;
    char err[256] = "";
    static char dir[256];
    snprintf(dir, sizeof dir, "%s", in_root("state"));
    CHECK("a missing directory is made", state_dir_open(dir, &s, err, sizeof err) == 0);
    CHECK("... with mode 0700", mode_of(dir) == 0700);
    CHECK("... and the probe that tests it is writable is gone", entries(dir) == 0);
    CHECK("storage names the directory for log lines", s.where && strcmp(s.where, dir) == 0);

    char buf[128];
    CHECK("an item not kept yet loads as 0 bytes", s.load(s.ctx, "account-key.pem", buf, sizeof buf, err,
                                                            sizeof err) == 0);
    static const char first[] = "first version\n", second[] = "the second, longer version\n";
    CHECK("an item is saved", s.save(s.ctx, "account-key.pem", first, strlen(first), err, sizeof err) == 0);
    static char item[512];
    snprintf(item, sizeof item, "%s/account-key.pem", dir);
    CHECK("... with mode 0600", mode_of(item) == 0600);
    long n = s.load(s.ctx, "account-key.pem", buf, sizeof buf, err, sizeof err);
    CHECK("... and loads back whole", n == (long)strlen(first) && memcmp(buf, first, (size_t)n) == 0);
    chmod(item, 0644);
    CHECK("a replacement is saved", s.save(s.ctx, "account-key.pem", second, strlen(second), err, sizeof err) == 0);
    n = s.load(s.ctx, "account-key.pem", buf, sizeof buf, err, sizeof err);
    CHECK("... loads as the new bytes, 0600 again, and no temporary file is left",
          n == (long)strlen(second) && memcmp(buf, second, (size_t)n) == 0 && mode_of(item) == 0600 &&
              entries(dir) == 1);

    err[0] = '\0';
    CHECK("an item larger than the room is an error, said",
          s.load(s.ctx, "account-key.pem", buf, 8, err, sizeof err) == -1 && strstr(err, "larger than"));
    snprintf(path_buf, sizeof path_buf, "%s/certificate.pem", dir);
    mkdir(path_buf, 0700);
    err[0] = '\0';
    CHECK("an item that is a directory is an error, said",
          s.load(s.ctx, "certificate.pem", buf, sizeof buf, err, sizeof err) == -1 && strstr(err, "regular file"));
    err[0] = '\0';
    CHECK("saving over a directory fails, said, and leaves no temporary file",
          s.save(s.ctx, "certificate.pem", first, strlen(first), err, sizeof err) == -1 && strstr(err, "rename") &&
              entries(dir) == 2);
    snprintf(path_buf, sizeof path_buf, "%s/certificate-key.pem", dir);
    if (symlink(item, path_buf) != 0)
        printf("# symlink failed\n");
    err[0] = '\0';
    CHECK("an item that is a symbolic link is not followed",
          s.load(s.ctx, "certificate-key.pem", buf, sizeof buf, err, sizeof err) == -1);

    /* the directory is opened again: what is there is kept */
    struct acme_storage again;
    CHECK("an existing directory opens, its items as they were",
          state_dir_open(dir, &again, err, sizeof err) == 0 &&
              again.load(again.ctx, "account-key.pem", buf, sizeof buf, err, sizeof err) == (long)strlen(second));

    FILE *f = fopen(in_root("plain"), "w");
    if (f)
        fclose(f);
    err[0] = '\0';
    CHECK("a regular file is refused, saying it is not a directory",
          state_dir_open(in_root("plain"), &s, err, sizeof err) == -1 && strstr(err, "is not a directory"));
    err[0] = '\0';
    CHECK("a directory whose parent is missing is refused, saying why",
          state_dir_open(in_root("no/such"), &s, err, sizeof err) == -1 && strstr(err, "cannot create"));
    return CHECK_DONE();
}
