/*
 * unihost's run-time configuration, parsed from an argument vector. The same
 * parser serves argv on unix and the kernel command line on Xen (which the
 * Xen platform splits into words), so the flags are the same everywhere;
 * they follow MirageOS's names.
 */
#ifndef UNIHOST_CONFIG_H
#define UNIHOST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/ip_addr.h"

struct unihost_config {
    const char *tap;            /* --tap NAME: the tap device (unix only) */
    const char *blob_path;      /* --blob FILE: serve this blob, not the embedded one */
    bool has_ipv4, has_ipv4_gateway, has_ipv6;
    ip4_addr_t ipv4;            /* --ipv4 ADDR/PREFIX */
    uint8_t ipv4_prefix;
    ip4_addr_t ipv4_gateway;    /* --ipv4-gateway ADDR */
    ip6_addr_t ipv6;            /* --ipv6 ADDR/PREFIX */
    uint8_t ipv6_prefix;
    bool help;                  /* --help: print usage and stop */
};

/*
 * Parses argv[1..argc-1]; flags take "--flag VALUE" or "--flag=VALUE".
 * Returns 0, or -1 with a sentence naming the bad word in err.
 * The strings in cfg point into argv.
 */
int config_parse(int argc, char **argv, struct unihost_config *cfg, char *err, size_t err_size);

/* The usage text, one flag per line. */
extern const char config_usage[];

#endif
