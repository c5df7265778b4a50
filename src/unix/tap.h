/* The Linux tap device behind the platform's network calls. */
#ifndef UNIHOST_UNIX_TAP_H
#define UNIHOST_UNIX_TAP_H

/*
 * Attaches to tap device `name` (creating it if it does not exist and we
 * may), non-blocking, with a random locally administered MAC for unihost's
 * side. Returns 0, or -1 with a sentence in err.
 */
int tap_open(const char *name, char *err, size_t err_size);
void tap_close(void);

/* How frames are read, for the start-up log. */
const char *tap_reads(void);

/* Waits at most TIMEOUT_MS for a frame; a signal ends it early. */
void tap_wait(int timeout_ms);

#endif
