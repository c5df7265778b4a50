/* The DNS server's options file: see dns_conf.h. */
#include "dns_conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ldns/ldns.h>

#include "diag.h"
#include "transfer.h"
#include "util.h"

enum clause { CLAUSE_NONE, CLAUSE_SERVER, CLAUSE_KEY, CLAUSE_ZONE };

/* A key named by a zone option before every key is known: resolved once
 * the whole file is read, so keys may be defined in any order. */
struct key_use {
    char *name;
    unsigned line;
    struct zone *zone;      /* whose acl or notify entry names it... */
    size_t index;           /*   ...at this index (the arrays grow while reading) */
    bool notify;
};

struct reader {
    const char *path;
    struct zone_set *zones;
    struct dns_conf *conf;
    unsigned errors;
    enum clause clause;
    unsigned clause_line;
    /* the key clause being read */
    struct dns_conf_key key;
    bool key_name, key_algorithm, key_secret;
    unsigned key_secret_line;
    /* the zone clause being read */
    struct zone *zone;
    bool zone_named;
    /* which server options were given, to refuse a second one */
    bool hide_version_set, hide_version;
    unsigned cookie_staging_line;
    bool cookie_secret_set;
    struct key_use *uses;
    size_t use_count;
};

static void error(struct reader *r, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void error(struct reader *r, unsigned line, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    diag_error(r->path, line, "%s", text);
    r->errors++;
}

/* ---- values ---------------------------------------------------------------- */

/* Removes one pair of double quotes around the whole value. */
static char *unquote(char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v[n - 1] = '\0';
        return v + 1;
    }
    return v;
}

static bool parse_yes_no(struct reader *r, unsigned line, const char *opt, const char *v, bool *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
        *out = v[0] == 'y';
        return true;
    }
    error(r, line, "%s: \"%s\" is not yes or no", opt, v);
    return false;
}

static bool parse_number(struct reader *r, unsigned line, const char *opt, const char *v, unsigned long lo,
                         unsigned long hi, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (!isdigit((unsigned char)v[0]) || *end != '\0' || errno || n < lo || n > hi) {
        error(r, line, "%s: \"%s\" is not a whole number from %lu to %lu", opt, v, lo, hi);
        return false;
    }
    *out = (uint32_t)n;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex digits into at most `max` bytes; returns the byte count, or -1. */
static long parse_hex(const char *v, uint8_t *out, size_t max)
{
    size_t n = strlen(v);
    if (n == 0 || n % 2 || n / 2 > max)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_digit(v[i]), lo = hex_digit(v[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

/* Strict base64 (RFC 4648 section 4, padded) into at most `max` bytes;
 * returns the byte count, or -1. */
static long parse_base64(const char *v, uint8_t *out, size_t max)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(v), len = 0;
    if (n == 0 || n % 4)
        return -1;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t group = 0;
        unsigned pad = 0;
        for (size_t j = 0; j < 4; j++) {
            const char *at = v[i + j] ? strchr(alphabet, v[i + j]) : NULL;
            if (v[i + j] == '=' && i + 4 == n && j >= 2 && (j == 3 || v[i + 3] == '=')) {
                pad++;
                group <<= 6;
            } else if (at && pad == 0) {
                group = group << 6 | (uint32_t)(at - alphabet);
            } else {
                return -1;
            }
        }
        for (unsigned k = 0; k < 3 - pad; k++) {
            if (len == max)
                return -1;
            out[len++] = (uint8_t)(group >> (16 - 8 * k));
        }
    }
    return (long)len;
}

/* An absolute domain name into lower-case wire format; NULL or what is wrong. */
static const char *parse_name(const char *v, uint8_t *wire, size_t *len)
{
    size_t n = strlen(v);
    if (n == 0 || v[n - 1] != '.')
        return "is not an absolute name (it must end with a dot)";
    ldns_rdf *rdf = NULL;
    if (ldns_str2rdf_dname(&rdf, v) != LDNS_STATUS_OK)
        return "is not a valid domain name";
    *len = ldns_rdf_size(rdf);
    dns_name_lower(wire, ldns_rdf_data(rdf), *len);
    ldns_rdf_deep_free(rdf);
    return NULL;
}

/* ---- server: ----------------------------------------------------------------- */

static void server_option(struct reader *r, unsigned line, const char *opt, char *v)
{
    struct blob_dns_server *s = &r->conf->server;
    uint32_t n;
    bool yes;
    if (strcmp(opt, "rrl-ratelimit") == 0) {
        if (parse_number(r, line, opt, v, 0, 1000000, &n))
            s->rrl_rate = n;
    } else if (strcmp(opt, "rrl-slip") == 0) {
        if (parse_number(r, line, opt, v, 0, 100, &n))
            s->rrl_slip = n;
    } else if (strcmp(opt, "rrl-ipv4-prefix-length") == 0) {
        if (parse_number(r, line, opt, v, 1, 32, &n))
            s->rrl_ipv4_prefix = (uint8_t)n;
    } else if (strcmp(opt, "rrl-ipv6-prefix-length") == 0) {
        if (parse_number(r, line, opt, v, 1, 128, &n))
            s->rrl_ipv6_prefix = (uint8_t)n;
    } else if (strcmp(opt, "rrl-exempt") == 0) {
        struct zone_acl acl;
        const char *wrong = transfer_parse_prefix(v, &acl);
        if (wrong) {
            error(r, line, "%s: \"%s\" %s", opt, v, wrong);
            return;
        }
        struct dns_conf *c = r->conf;
        c->exempt = xrealloc(c->exempt, (c->exempt_count + 1) * sizeof *c->exempt);
        c->exempt[c->exempt_count++] = acl;
    } else if (strcmp(opt, "answer-cookie") == 0) {
        if (parse_yes_no(r, line, opt, v, &yes))
            s->flags = (uint16_t)(yes ? s->flags | BLOB_DNS_ANSWER_COOKIE : s->flags & ~BLOB_DNS_ANSWER_COOKIE);
    } else if (strcmp(opt, "cookie-secret") == 0 || strcmp(opt, "cookie-staging-secret") == 0) {
        bool staging = strcmp(opt, "cookie-staging-secret") == 0;
        uint8_t *out = staging ? s->cookie_staging : s->cookie_secret;
        if (parse_hex(v, out, BLOB_DNS_COOKIE_SECRET_LEN) != BLOB_DNS_COOKIE_SECRET_LEN) {
            error(r, line, "%s: give 32 hex digits (16 bytes, a SipHash-2-4 key); for example: "
                           "head -c 16 /dev/urandom | xxd -p", opt);
            return;
        }
        s->flags |= staging ? BLOB_DNS_COOKIE_STAGING : BLOB_DNS_COOKIE_SECRET;
        if (staging)
            r->cookie_staging_line = line;
        else
            r->cookie_secret_set = true;
    } else if (strcmp(opt, "nsid") == 0) {
        long len;
        if (strncmp(v, "ascii_", 6) == 0) {
            len = (long)strlen(v + 6);
            if (len == 0 || len > (long)BLOB_DNS_NSID_MAX) {
                error(r, line, "nsid: the text after ascii_ must be 1 to %u bytes", BLOB_DNS_NSID_MAX);
                return;
            }
            memcpy(r->conf->nsid, v + 6, (size_t)len);
        } else if ((len = parse_hex(v, r->conf->nsid, BLOB_DNS_NSID_MAX)) < 0) {
            error(r, line, "nsid: \"%s\" is neither ascii_TEXT nor 2 to %u hex digits", v, 2 * BLOB_DNS_NSID_MAX);
            return;
        }
        r->conf->nsid_len = (size_t)len;
    } else if (strcmp(opt, "hide-version") == 0) {
        if (parse_yes_no(r, line, opt, v, &yes)) {
            r->hide_version_set = true;
            r->hide_version = yes;
        }
    } else if (strcmp(opt, "version") == 0) {
        size_t len = strlen(v);
        bool printable = len > 0 && len <= BLOB_DNS_VERSION_MAX;
        for (size_t i = 0; i < len; i++)
            printable = printable && v[i] >= 0x20 && v[i] <= 0x7e;
        if (!printable) {
            error(r, line, "version: give 1 to %u printable ASCII characters", BLOB_DNS_VERSION_MAX);
            return;
        }
        memcpy(r->conf->version, v, len + 1);
    } else if (strcmp(opt, "minimal-responses") == 0) {
        if (parse_yes_no(r, line, opt, v, &yes))
            s->flags = (uint16_t)(yes ? s->flags | BLOB_DNS_MINIMAL_RESPONSES
                                      : s->flags & ~BLOB_DNS_MINIMAL_RESPONSES);
    } else {
        error(r, line, "\"%s\" is not a server option unihost knows (see site/docs/dns.md)", opt);
    }
}

/* ---- key: -------------------------------------------------------------------- */

static const struct {
    const char *name;
    uint32_t id;
    size_t digest_len;
} algorithms[] = {
    {"hmac-sha256", BLOB_DNS_TSIG_HMAC_SHA256, 32},
    {"hmac-sha384", BLOB_DNS_TSIG_HMAC_SHA384, 48},
    {"hmac-sha512", BLOB_DNS_TSIG_HMAC_SHA512, 64},
};

static size_t digest_len(uint32_t algorithm)
{
    for (size_t i = 0; i < sizeof algorithms / sizeof algorithms[0]; i++)
        if (algorithms[i].id == algorithm)
            return algorithms[i].digest_len;
    return 0;
}

static void key_option(struct reader *r, unsigned line, const char *opt, char *v)
{
    struct dns_conf_key *k = &r->key;
    if (strcmp(opt, "name") == 0) {
        const char *wrong = parse_name(v, k->name, &k->name_len);
        if (wrong) {
            error(r, line, "name: \"%s\" %s", v, wrong);
            return;
        }
        r->key_name = true;
    } else if (strcmp(opt, "algorithm") == 0) {
        for (size_t i = 0; i < sizeof algorithms / sizeof algorithms[0]; i++)
            if (strcasecmp(v, algorithms[i].name) == 0) {
                k->algorithm = algorithms[i].id;
                r->key_algorithm = true;
                return;
            }
        error(r, line, "algorithm: \"%s\" is not hmac-sha256, hmac-sha384 or hmac-sha512", v);
    } else if (strcmp(opt, "secret") == 0) {
        long n = parse_base64(v, k->secret, sizeof k->secret);
        if (n <= 0) {
            error(r, line, "secret: not base64 (padded) of 1 to %u bytes", BLOB_DNS_TSIG_SECRET_MAX);
            return;
        }
        k->secret_len = (size_t)n;
        r->key_secret = true;
        r->key_secret_line = line;
    } else {
        error(r, line, "\"%s\" is not a key option (name, algorithm, secret)", opt);
    }
}

static int find_key(const struct reader *r, const char *name)
{
    uint8_t wire[DNS_NAME_MAX];
    size_t len;
    if (parse_name(name, wire, &len))
        return -1;
    for (size_t i = 0; i < r->conf->key_count; i++)
        if (r->conf->keys[i].name_len == len && memcmp(r->conf->keys[i].name, wire, len) == 0)
            return (int)i;
    return -1;
}

/* ---- zone: ------------------------------------------------------------------- */

/* Notes the key named by a provide-xfr or notify line ("NOKEY": none). */
static bool use_key(struct reader *r, unsigned line, const char *opt, const char *key, bool notify, size_t index)
{
    if (!key) {
        error(r, line, "%s: give the key after the address, or NOKEY", opt);
        return false;
    }
    if (strcmp(key, "NOKEY") == 0)
        return true;
    if (strcmp(key, "BLOCKED") == 0) {
        error(r, line, "%s: BLOCKED is not supported; leave the address out", opt);
        return false;
    }
    r->uses = xrealloc(r->uses, (r->use_count + 1) * sizeof *r->uses);
    r->uses[r->use_count++] = (struct key_use){xstrdup(key), line, r->zone, index, notify};
    return true;
}

static bool parse_notify_target(const char *word, struct zone_notify *n, const char **why)
{
    char text[80];
    const char *at = strchr(word, '@');
    size_t len = at ? (size_t)(at - word) : strlen(word);
    memset(n, 0, sizeof *n);
    n->port = 53;
    n->key = BLOB_DNS_NO_KEY;
    *why = "is not an IPv4 or IPv6 address (with @PORT if not 53)";
    if (len == 0 || len >= sizeof text)
        return false;
    memcpy(text, word, len);
    text[len] = '\0';
    if (inet_pton(AF_INET, text, n->addr) == 1)
        n->family = 4;
    else if (inet_pton(AF_INET6, text, n->addr) == 1)
        n->family = 6;
    else
        return false;
    if (at) {
        char *end;
        errno = 0;
        unsigned long port = strtoul(at + 1, &end, 10);
        if (!isdigit((unsigned char)at[1]) || *end || errno || port == 0 || port > 65535) {
            *why = "has a port that is not 1 to 65535";
            return false;
        }
        n->port = (uint16_t)port;
    }
    return true;
}

static void zone_option(struct reader *r, unsigned line, const char *opt, char *v)
{
    if (strcmp(opt, "name") == 0) {
        if (r->zone_named) {
            error(r, line, "name: this zone clause already has a name");
            return;
        }
        r->zone_named = true;
        const char *why;
        r->zone = transfer_find_zone(r->zones, v, &why);
        if (!r->zone)
            error(r, line, "name: \"%s\" %s", v, why);
        return;
    }
    if (strcmp(opt, "provide-xfr") != 0 && strcmp(opt, "notify") != 0) {
        error(r, line, "\"%s\" is not a zone option (name, provide-xfr, notify)", opt);
        return;
    }
    if (!r->zone_named) {
        error(r, line, "%s: give the zone's name first", opt);
        return;
    }
    if (!r->zone)
        return;         /* its name was wrong: reported once */
    char *save = NULL;
    char *addr = strtok_r(v, " \t", &save);
    char *key = strtok_r(NULL, " \t", &save);
    if (!addr) {
        error(r, line, "%s: give an address and a key (or NOKEY)", opt);
        return;
    }
    if (strtok_r(NULL, " \t", &save)) {
        error(r, line, "%s: give one address and one key (or NOKEY) per line", opt);
        return;
    }
    struct zone *z = r->zone;
    if (opt[0] == 'p') {
        if (z->acl_line && z->acl_file && strcmp(z->acl_file, DNS_CONF_FILE_NAME) != 0) {
            error(r, line, "provide-xfr: the zone's clients are already in %s (line %u); give them in one file",
                  z->acl_file, z->acl_line);
            return;
        }
        struct zone_acl acl;
        const char *wrong = transfer_parse_prefix(addr, &acl);
        if (wrong) {
            error(r, line, "provide-xfr: \"%s\" %s", addr, wrong);
            return;
        }
        if (!use_key(r, line, opt, key, false, z->acl_count))
            return;
        z->acl = xrealloc(z->acl, (z->acl_count + 1) * sizeof *z->acl);
        z->acl[z->acl_count++] = acl;
        if (!z->acl_line) {
            z->acl_line = line;
            z->acl_file = DNS_CONF_FILE_NAME;
        }
    } else {
        struct zone_notify n;
        const char *why;
        if (!parse_notify_target(addr, &n, &why)) {
            error(r, line, "notify: \"%s\" %s", addr, why);
            return;
        }
        if (!use_key(r, line, opt, key, true, z->notify_count))
            return;
        z->notify = xrealloc(z->notify, (z->notify_count + 1) * sizeof *z->notify);
        z->notify[z->notify_count++] = n;
    }
}

/* ---- clauses ----------------------------------------------------------------- */

static void end_clause(struct reader *r)
{
    if (r->clause == CLAUSE_KEY) {
        struct dns_conf_key *k = &r->key;
        if (!r->key_name || !r->key_algorithm || !r->key_secret) {
            error(r, r->clause_line, "this key clause needs a name, an algorithm and a secret");
        } else if (k->secret_len < digest_len(k->algorithm)) {
            error(r, r->key_secret_line,
                  "secret: %zu bytes is shorter than the %zu of the algorithm's digest; RFC 8945 section 6 "
                  "asks for at least as long (make one with tsig-keygen -a ALGORITHM NAME)",
                  k->secret_len, digest_len(k->algorithm));
        } else {
            struct dns_conf *c = r->conf;
            for (size_t i = 0; i < c->key_count; i++)
                if (c->keys[i].name_len == k->name_len && memcmp(c->keys[i].name, k->name, k->name_len) == 0) {
                    error(r, r->clause_line, "a key of this name is already defined");
                    return;
                }
            if (c->key_count >= BLOB_DNS_TSIG_KEYS_MAX) {
                error(r, r->clause_line, "more than %u keys", BLOB_DNS_TSIG_KEYS_MAX);
                return;
            }
            c->keys = xrealloc(c->keys, (c->key_count + 1) * sizeof *c->keys);
            c->keys[c->key_count++] = *k;
        }
        memset(k, 0, sizeof *k);
    } else if (r->clause == CLAUSE_ZONE && !r->zone_named) {
        error(r, r->clause_line, "this zone clause has no name");
    }
}

static void begin_clause(struct reader *r, unsigned line, const char *name)
{
    end_clause(r);
    r->clause_line = line;
    r->key_name = r->key_algorithm = r->key_secret = false;
    r->zone = NULL;
    r->zone_named = false;
    if (strcmp(name, "server") == 0)
        r->clause = CLAUSE_SERVER;
    else if (strcmp(name, "key") == 0)
        r->clause = CLAUSE_KEY;
    else if (strcmp(name, "zone") == 0)
        r->clause = CLAUSE_ZONE;
    else {
        r->clause = CLAUSE_NONE;
        error(r, line, "\"%s:\" is not a clause unihost knows (server:, key:, zone:)", name);
    }
}

/* One line, comment removed. */
static void parse_line(struct reader *r, unsigned line, char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1]))
        text[--n] = '\0';
    if (n == 0)
        return;
    char *colon = strchr(text, ':');
    size_t name_len = colon ? (size_t)(colon - text) : 0;
    for (size_t i = 0; i < name_len; i++)
        if (!(islower((unsigned char)text[i]) || isdigit((unsigned char)text[i]) || text[i] == '-'))
            name_len = 0;
    if (name_len == 0) {
        error(r, line, "expected \"option: value\" or a clause (server:, key:, zone:)");
        return;
    }
    *colon = '\0';
    char *value = colon + 1;
    while (isspace((unsigned char)*value))
        value++;
    if (*value == '\0') {
        begin_clause(r, line, text);
        return;
    }
    value = unquote(value);
    switch (r->clause) {
    case CLAUSE_SERVER: server_option(r, line, text, value); break;
    case CLAUSE_KEY: key_option(r, line, text, value); break;
    case CLAUSE_ZONE: zone_option(r, line, text, value); break;
    case CLAUSE_NONE:
        if (r->clause_line == 0)
            error(r, line, "\"%s\" is outside any clause; begin with server:, key: or zone:", text);
        break;
    }
}

/* Strips a comment: from a '#' outside double quotes. */
static void strip_comment(char *text)
{
    bool quoted = false;
    for (char *p = text; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '#' && !quoted) {
            *p = '\0';
            return;
        }
    }
}

static void resolve_keys(struct reader *r)
{
    for (size_t i = 0; i < r->use_count; i++) {
        struct key_use *u = &r->uses[i];
        int k = find_key(r, u->name);
        if (k < 0)
            error(r, u->line, "the key \"%s\" is not defined in a key: clause", u->name);
        else if (u->notify)
            u->zone->notify[u->index].key = (uint16_t)k;
        else
            u->zone->acl[u->index].key = (uint16_t)k;
        free(u->name);
    }
    free(r->uses);
}

void dns_conf_load_defaults(struct dns_conf *conf)
{
    memset(conf, 0, sizeof *conf);
    conf->server.rrl_rate = BLOB_DNS_RRL_RATE_DEFAULT;
    conf->server.rrl_slip = BLOB_DNS_RRL_SLIP_DEFAULT;
    conf->server.rrl_ipv4_prefix = BLOB_DNS_RRL_IPV4_PREFIX_DEFAULT;
    conf->server.rrl_ipv6_prefix = BLOB_DNS_RRL_IPV6_PREFIX_DEFAULT;
    conf->server.flags = BLOB_DNS_SERVER_FLAGS_DEFAULT;
}

unsigned dns_conf_load(const char *dir, struct zone_set *zones, struct dns_conf *conf)
{
    dns_conf_load_defaults(conf);
    char *path = path_join(dir, DNS_CONF_FILE_NAME);
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        free(path);
        return 0;
    }
    uint8_t *data;
    size_t len;
    int err = read_file(path, &data, &len);
    if (err) {
        diag_error(path, 0, "cannot read the DNS options file: %s", strerror(err));
        free(path);
        return 1;
    }
    struct reader r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.zones = zones;
    r.conf = conf;
    const uint8_t *nul = memchr(data, '\0', len);
    if (nul) {
        unsigned nul_line = 1;
        for (const uint8_t *p = data; p < nul; p++)
            nul_line += *p == '\n';
        error(&r, nul_line, "the line holds a NUL byte: this is not a text file");
        free(data);
        free(path);
        return r.errors;
    }
    unsigned line = 0;
    char *text = (char *)data;
    for (char *next; text && *text; text = next) {
        line++;
        next = strchr(text, '\n');
        if (next)
            *next++ = '\0';
        strip_comment(text);
        parse_line(&r, line, text);
    }
    end_clause(&r);
    resolve_keys(&r);
    if (r.cookie_staging_line && !r.cookie_secret_set)
        error(&r, r.cookie_staging_line, "cookie-staging-secret: give cookie-secret too (the staging secret is "
                                         "the one being retired or introduced beside it)");
    /* The version string is shown when asked for (hide-version: no), or
     * when one is given and hiding was not asked for. */
    bool show = r.hide_version_set ? !r.hide_version : conf->version[0] != '\0';
    if (show) {
        conf->server.flags |= BLOB_DNS_SHOW_VERSION;
        if (conf->version[0] == '\0')
            strcpy(conf->version, "unihost");
    }
    free(data);
    free(path);
    return r.errors;
}

void dns_conf_emit(struct blob_writer *w, const struct dns_conf *conf)
{
    struct blob_dns_server s = conf->server;
    s.nsid = blob_writer_bytes(w, conf->nsid, conf->nsid_len);
    s.version = blob_writer_bytes(w, conf->version, (s.flags & BLOB_DNS_SHOW_VERSION) ? strlen(conf->version) : 0);
    blob_writer_add(w, BLOB_TABLE_DNS_SERVER, &s);
    for (size_t i = 0; i < conf->key_count; i++) {
        const struct dns_conf_key *k = &conf->keys[i];
        struct blob_dns_tsig_key rec;
        memset(&rec, 0, sizeof rec);
        rec.name = blob_writer_bytes(w, k->name, k->name_len);
        rec.secret = blob_writer_bytes(w, k->secret, k->secret_len);
        rec.algorithm = k->algorithm;
        blob_writer_add(w, BLOB_TABLE_DNS_TSIG_KEYS, &rec);
    }
    for (size_t i = 0; i < conf->exempt_count; i++) {
        struct blob_dns_acl acl;
        memset(&acl, 0, sizeof acl);
        acl.family = conf->exempt[i].family;
        acl.prefix_len = conf->exempt[i].prefix_len;
        acl.key = BLOB_DNS_NO_KEY;
        memcpy(acl.addr, conf->exempt[i].addr, sizeof acl.addr);
        blob_writer_add(w, BLOB_TABLE_DNS_RRL_EXEMPT, &acl);
    }
}

void dns_conf_free(struct dns_conf *conf)
{
    if (conf->keys)
        memset(conf->keys, 0, conf->key_count * sizeof *conf->keys);    /* secrets */
    free(conf->keys);
    free(conf->exempt);
    memset(conf, 0, sizeof *conf);
}
