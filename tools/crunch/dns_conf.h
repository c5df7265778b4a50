/*
 * The DNS server's options: the optional file `dns.conf` in the zones
 * directory, in the syntax of NSD's nsd.conf (clauses `server:`, `key:`
 * and `zone:`, each followed by indented `option: value` lines), so that
 * an NSD operator reads it at sight and a key clause can be pasted
 * between the two. Only the options below exist; anything else is an
 * error with its file:line. site/docs/dns.md documents every option.
 *
 *     server:
 *         rrl-ratelimit: 200          # responses/s per client prefix and kind; 0: off
 *         rrl-slip: 2                 # every 2nd limited response truncated, others dropped
 *         rrl-ipv4-prefix-length: 24
 *         rrl-ipv6-prefix-length: 56
 *         rrl-exempt: 192.0.2.0/24    # never limited (repeatable)
 *         answer-cookie: yes          # DNS cookies (RFC 7873, RFC 9018)
 *         cookie-secret: "<32 hex digits>"          # else random at start-up
 *         cookie-staging-secret: "<32 hex digits>"  # accepted, never made
 *         nsid: "ascii_ns1"           # or hex digits (RFC 5001)
 *         hide-version: yes           # version.bind/version.server: REFUSED
 *         version: "unihost"          # with hide-version: no
 *         minimal-responses: no       # yes: no NS or glue beside positive answers
 *
 *     key:
 *         name: "xfr.example.org."
 *         algorithm: hmac-sha256      # or hmac-sha384, hmac-sha512
 *         secret: "<base64>"          # at least as long as the digest
 *
 *     zone:
 *         name: "example.org."
 *         provide-xfr: 192.0.2.53 xfr.example.org.   # ADDR[/LEN] KEY|NOKEY
 *         notify: 192.0.2.53 xfr.example.org.        # ADDR[@PORT] KEY|NOKEY
 *
 * A zone's transfer clients are given here or in transfers.conf, not both.
 */
#ifndef CRUNCH_DNS_CONF_H
#define CRUNCH_DNS_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "content/blob_format.h"
#include "content/blob_writer.h"
#include "zone.h"

#define DNS_CONF_FILE_NAME "dns.conf"

struct dns_conf_key {
    uint8_t name[DNS_NAME_MAX];     /* wire, lower case */
    size_t name_len;
    uint32_t algorithm;             /* enum blob_dns_tsig_algorithm */
    uint8_t secret[BLOB_DNS_TSIG_SECRET_MAX];
    size_t secret_len;
};

struct dns_conf {
    struct blob_dns_server server;  /* refs unset: nsid and version below */
    uint8_t nsid[BLOB_DNS_NSID_MAX];
    size_t nsid_len;
    char version[BLOB_DNS_VERSION_MAX + 1];
    struct dns_conf_key *keys;
    size_t key_count;
    struct zone_acl *exempt;
    size_t exempt_count;
};

/* Reads DIR/dns.conf if present (the defaults if not) into conf, and the
 * zones' ACL entries and NOTIFY targets into zones. Reports every problem
 * with diag and returns the number of errors. */
unsigned dns_conf_load(const char *dir, struct zone_set *zones, struct dns_conf *conf);

/* The defaults alone (no zones directory, or its zones had errors). */
void dns_conf_load_defaults(struct dns_conf *conf);

/* Writes the server record, the keys and the exempt prefixes. */
void dns_conf_emit(struct blob_writer *w, const struct dns_conf *conf);

void dns_conf_free(struct dns_conf *conf);

#endif
