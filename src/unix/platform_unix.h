/* Start-up of the unix platform (what main() does before unihost_run()). */
#ifndef UNIHOST_PLATFORM_UNIX_H
#define UNIHOST_PLATFORM_UNIX_H

/* Installs the SIGINT/SIGTERM stop handlers (SIGUSR1: stats, SIGHUP:
 * reload) and readies the console. */
void unix_platform_init(void);

/* SIGHUP reads the blob at `path` again (plat_reload_take()); without
 * this call, SIGHUP is answered with a line saying there is nothing to
 * read. */
void unix_platform_reload_from(const char *path);

#endif
