/* Command-line parsing: see config.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char config_usage[] =
    "usage: unihost --tap NAME (--ipv4 ADDR/PREFIX | --ipv6 ADDR/PREFIX) [options]\n"
    "  --tap NAME            tap device to use (unix platform)\n"
    "  --ipv4 ADDR/PREFIX    IPv4 address and prefix length, e.g. 192.0.2.2/24\n"
    "  --ipv4-gateway ADDR   IPv4 default gateway\n"
    "  --ipv6 ADDR/PREFIX    IPv6 address and prefix length, e.g. 2001:db8::2/64\n"
    "  --blob FILE           serve this content blob instead of the embedded one\n"
    "  -h, --help            print this text\n"
    "Flags also take the --flag=VALUE form.\n";

/* Splits "ADDR/PREFIX" (PREFIX required, at most max_prefix). */
static int parse_prefixed(const char *value, char *addr, size_t addr_size, uint8_t *prefix,
                          unsigned max_prefix)
{
    const char *slash = strchr(value, '/');
    if (!slash || (size_t)(slash - value) >= addr_size || slash[1] == '\0')
        return -1;
    memcpy(addr, value, (size_t)(slash - value));
    addr[slash - value] = '\0';
    char *end;
    unsigned long p = strtoul(slash + 1, &end, 10);
    if (*end != '\0' || p > max_prefix || slash[1] < '0' || slash[1] > '9')
        return -1;
    *prefix = (uint8_t)p;
    return 0;
}

int config_parse(int argc, char **argv, struct unihost_config *cfg, char *err, size_t err_size)
{
    enum { TAP, BLOB, IPV4, IPV4_GATEWAY, IPV6 };
    static const char *const flags[] = {
        [TAP] = "--tap", [BLOB] = "--blob", [IPV4] = "--ipv4",
        [IPV4_GATEWAY] = "--ipv4-gateway", [IPV6] = "--ipv6",
    };
    unsigned seen = 0;
    memset(cfg, 0, sizeof *cfg);
    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
            cfg->help = true;
            continue;
        }
        if (strncmp(word, "--", 2) != 0) {
            snprintf(err, err_size, "unexpected argument '%s' (flags start with --)", word);
            return -1;
        }
        /* "--flag=value" or "--flag value" */
        char flag[32];
        const char *value;
        const char *eq = strchr(word, '=');
        size_t flag_len = eq ? (size_t)(eq - word) : strlen(word);
        if (flag_len >= sizeof flag) {
            snprintf(err, err_size, "unknown flag '%s'", word);
            return -1;
        }
        memcpy(flag, word, flag_len);
        flag[flag_len] = '\0';
        int known = -1;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
            if (strcmp(flag, flags[k]) == 0)
                known = (int)k;
        if (known < 0) {
            snprintf(err, err_size, "unknown flag '%s'", flag);
            return -1;
        }
        if (seen & (1u << known)) {
            snprintf(err, err_size, "flag %s given twice", flag);
            return -1;
        }
        seen |= 1u << known;
        if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            snprintf(err, err_size, "flag %s needs a value", flag);
            return -1;
        }

        char addr[64];
        switch (known) {
        case TAP:
            cfg->tap = value;
            break;
        case BLOB:
            cfg->blob_path = value;
            break;
        case IPV4:
            if (parse_prefixed(value, addr, sizeof addr, &cfg->ipv4_prefix, 32) != 0 ||
                !ip4addr_aton(addr, &cfg->ipv4)) {
                snprintf(err, err_size, "--ipv4 wants ADDR/PREFIX like 192.0.2.2/24, not '%s'", value);
                return -1;
            }
            cfg->has_ipv4 = true;
            break;
        case IPV4_GATEWAY:
            if (!ip4addr_aton(value, &cfg->ipv4_gateway)) {
                snprintf(err, err_size, "--ipv4-gateway wants an IPv4 address, not '%s'", value);
                return -1;
            }
            cfg->has_ipv4_gateway = true;
            break;
        case IPV6:
            if (parse_prefixed(value, addr, sizeof addr, &cfg->ipv6_prefix, 128) != 0 ||
                !ip6addr_aton(addr, &cfg->ipv6)) {
                snprintf(err, err_size, "--ipv6 wants ADDR/PREFIX like 2001:db8::2/64, not '%s'", value);
                return -1;
            }
            cfg->has_ipv6 = true;
            break;
        }
    }
    if (!cfg->help && !cfg->has_ipv4 && !cfg->has_ipv6) {
        snprintf(err, err_size, "give an address with --ipv4 ADDR/PREFIX (and/or --ipv6)");
        return -1;
    }
    return 0;
}
