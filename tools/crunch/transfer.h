/*
 * Who may transfer which zone (AXFR/IXFR, RFC 5936): the optional file
 * `transfers.conf` in the zones directory, one line per zone:
 *
 *     # zone           clients allowed to transfer it
 *     example.org.     192.0.2.53 2001:db8::53 198.51.100.0/24
 *
 * A zone without a line may be transferred by nobody. Each client is an
 * IPv4 or IPv6 address, optionally with a prefix length.
 */
#ifndef CRUNCH_TRANSFER_H
#define CRUNCH_TRANSFER_H

#include "zone.h"

#define TRANSFER_FILE_NAME "transfers.conf"

/*
 * Reads DIR/transfers.conf, if present, into the zones' ACLs. Reports every
 * problem (with file:line) through diag and returns the number of errors.
 */
unsigned transfers_load(const char *dir, struct zone_set *zones);

/* Parses "ADDR" or "ADDR/LEN" into acl (with no key); returns NULL, or
 * what is wrong with it, to follow the word in a message. */
const char *transfer_parse_prefix(const char *word, struct zone_acl *acl);

/* The zone whose apex is `name` (absolute, any case), or NULL with *why
 * saying what is wrong, to follow the name in a message. */
struct zone *transfer_find_zone(struct zone_set *zones, const char *name, const char **why);

#endif
