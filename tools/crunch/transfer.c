/* The zone transfer ACL file: see transfer.h. */
#include "transfer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ldns/ldns.h>

#include "content/blob_format.h"
#include "diag.h"
#include "util.h"

const char *transfer_parse_prefix(const char *word, struct zone_acl *acl)
{
    char text[64];
    const char *slash = strchr(word, '/');
    size_t addr_len = slash ? (size_t)(slash - word) : strlen(word);
    if (addr_len == 0 || addr_len >= sizeof text)
        return "is not an IPv4 or IPv6 address";
    memcpy(text, word, addr_len);
    text[addr_len] = '\0';
    memset(acl, 0, sizeof *acl);
    acl->key = BLOB_DNS_NO_KEY;
    unsigned max_len;
    if (inet_pton(AF_INET, text, acl->addr) == 1) {
        acl->family = 4;
        max_len = 32;
    } else if (inet_pton(AF_INET6, text, acl->addr) == 1) {
        acl->family = 6;
        max_len = 128;
    } else {
        return "is not an IPv4 or IPv6 address";
    }
    acl->prefix_len = (uint8_t)max_len;
    if (slash) {
        char *end;
        errno = 0;
        unsigned long len = strtoul(slash + 1, &end, 10);
        if (slash[1] < '0' || slash[1] > '9' || *end != '\0' || errno || len > max_len)
            return acl->family == 4 ? "has a prefix length that is not 0 to 32"
                                    : "has a prefix length that is not 0 to 128";
        acl->prefix_len = (uint8_t)len;
    }
    /* Bits past the prefix would be ignored: they are a mistake (which of
     * the two was meant, the address or the length?), so say so. */
    for (unsigned bit = acl->prefix_len; bit < max_len; bit++)
        if (acl->addr[bit / 8] & (0x80u >> (bit % 8)))
            return "has bits set past its prefix length";
    return NULL;
}

struct zone *transfer_find_zone(struct zone_set *zones, const char *name, const char **why)
{
    ldns_rdf *rdf = NULL;
    size_t len = strlen(name);
    if (len == 0 || name[len - 1] != '.') {
        *why = "is not an absolute zone name (it must end with a dot)";
        return NULL;
    }
    if (ldns_str2rdf_dname(&rdf, name) != LDNS_STATUS_OK) {
        *why = "is not a valid zone name";
        return NULL;
    }
    uint8_t wire[DNS_NAME_MAX], key[DNS_NAME_MAX];
    size_t wire_len = ldns_rdf_size(rdf);
    dns_name_lower(wire, ldns_rdf_data(rdf), wire_len);
    ldns_rdf_deep_free(rdf);
    size_t key_len = dns_name_to_key(wire, wire_len, key);
    for (size_t i = 0; i < zones->count; i++) {
        struct zone *z = &zones->items[i];
        if (z->apex_key_len == key_len && memcmp(z->apex_key, key, key_len) == 0)
            return z;
    }
    *why = "is not one of the zones in this directory";
    return NULL;
}

/* Handles one non-empty line (words separated by blanks, comment removed). */
static unsigned parse_line(const char *path, unsigned line, char *text, struct zone_set *zones)
{
    char *save = NULL;
    char *name = strtok_r(text, " \t\r", &save);
    if (!name)
        return 0;
    const char *why = NULL;
    struct zone *z = transfer_find_zone(zones, name, &why);
    if (!z) {
        diag_error(path, line, "\"%s\" %s", name, why);
        return 1;
    }
    if (z->acl_line) {
        diag_error(path, line, "the zone %s already has its clients at line %u; give each zone one line",
                   name, z->acl_line);
        return 1;
    }
    unsigned errors = 0;
    size_t first = z->acl_count;
    for (char *word; (word = strtok_r(NULL, " \t\r", &save)) != NULL;) {
        struct zone_acl acl;
        const char *wrong = transfer_parse_prefix(word, &acl);
        if (wrong) {
            diag_error(path, line, "the client \"%s\" %s", word, wrong);
            errors++;
            continue;
        }
        z->acl = xrealloc(z->acl, (z->acl_count + 1) * sizeof *z->acl);
        z->acl[z->acl_count++] = acl;
    }
    if (z->acl_count == first && errors == 0) {
        diag_error(path, line, "the zone %s has no clients; name at least one address, or leave the zone out so nobody may transfer it",
                   name);
        errors++;
    }
    z->acl_line = line;
    z->acl_file = TRANSFER_FILE_NAME;
    return errors;
}

unsigned transfers_load(const char *dir, struct zone_set *zones)
{
    char *path = path_join(dir, TRANSFER_FILE_NAME);
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        free(path);
        return 0;       /* optional: without it nobody may transfer */
    }
    uint8_t *data;
    size_t len;
    int err = read_file(path, &data, &len);
    if (err) {
        diag_error(path, 0, "cannot read the transfer ACL file: %s", strerror(err));
        free(path);
        return 1;
    }
    unsigned errors = 0, line = 0;
    char *text = (char *)data;
    for (char *next; text && *text; text = next) {
        line++;
        next = strchr(text, '\n');
        if (next)
            *next++ = '\0';
        char *comment = strchr(text, '#');
        if (comment)
            *comment = '\0';
        errors += parse_line(path, line, text, zones);
    }
    free(data);
    free(path);
    return errors;
}
