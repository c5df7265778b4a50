/* Start-up of the unix platform (what main() does before unihost_run()). */
#ifndef UNIHOST_PLATFORM_UNIX_H
#define UNIHOST_PLATFORM_UNIX_H

/* Installs the SIGINT/SIGTERM stop handlers and readies the console. */
void unix_platform_init(void);

#endif
