/*
 * Reading a content blob (see blob_format.h). blob_open() checks the whole
 * blob once -- magic, version, size, SHA-256, and that every offset and index
 * stays inside it -- so the servers can then read it without further checks.
 */
#ifndef UNIHOST_BLOB_H
#define UNIHOST_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob_format.h"

struct blob {
    const uint8_t *base;
    size_t size;
    const struct blob_directory *dir;
    const struct blob_http_file *http_files;
    uint32_t http_file_count;
    const struct blob_http_file_heads *http_heads;  /* one per file, http_file_count of them */
    const struct blob_dns_zone *zones;
    uint32_t zone_count;
    const struct blob_dns_node *nodes;
    uint32_t node_count;
    const struct blob_dns_rrset *rrsets;
    uint32_t rrset_count;
    const struct blob_ref *rdatas;
    uint32_t rdata_count;
    const uint32_t *nsec3;              /* node indexes, per zone in hash order */
    uint32_t nsec3_count;
    const struct blob_dns_acl *acls;
    uint32_t acl_count;
    const struct blob_http_redirect *redirects;
    uint32_t redirect_count;
    const uint32_t *targets;            /* per RDATA: its target's node, or BLOB_DNS_NO_TARGET */
    uint32_t target_count;
    const struct blob_dns_server *dns_server;   /* the blob's, or the defaults */
    const struct blob_dns_tsig_key *tsig_keys;
    uint32_t tsig_key_count;
    const struct blob_dns_notify *notifies;
    uint32_t notify_count;
    const struct blob_dns_acl *rrl_exempt;
    uint32_t rrl_exempt_count;
};

/*
 * Validates `data` (which must stay mapped and unchanged while in use, and
 * be 8-byte aligned) and fills `b`. Returns 0, or -1 with *error set to a
 * static sentence saying what is wrong.
 */
int blob_open(struct blob *b, const void *data, size_t size, const char **error);

static inline const uint8_t *blob_bytes(const struct blob *b, struct blob_ref r)
{
    return b->base + r.off;
}

/* Made by `crunch --dev`: the live-reload stream is served (blob_format.h). */
static inline bool blob_is_development(const struct blob *b)
{
    return (b->dir->flags & BLOB_DEVELOPMENT) != 0;
}

/* The header lines of `f`, a file of `b`. */
static inline const struct blob_http_file_heads *blob_http_heads(const struct blob *b, const struct blob_http_file *f)
{
    return &b->http_heads[f - b->http_files];
}

/* The content codings a file may be stored in, identity always among
 * them (format 6 added brotli). */
enum blob_http_coding {
    BLOB_HTTP_IDENTITY = 0,
    BLOB_HTTP_GZIP,
    BLOB_HTTP_BR,
    BLOB_HTTP_CODINGS
};

/* One representation of a file: its body, strong ETag and header lines. */
struct blob_http_representation {
    struct blob_ref body;
    struct blob_ref etag;
    const struct blob_http_head *head;
    bool present;                   /* identity always; a coding when its body is stored */
};

/* `f`'s representation in `coding` (present or not) of blob `b`. */
static inline struct blob_http_representation blob_http_representation(const struct blob *b,
                                                                        const struct blob_http_file *f,
                                                                        enum blob_http_coding coding)
{
    const struct blob_http_file_heads *h = blob_http_heads(b, f);
    struct blob_http_representation r;
    switch (coding) {
    case BLOB_HTTP_GZIP:
        r = (struct blob_http_representation){f->gzip_body, f->gzip_etag, &h->gzip, f->gzip_body.len > 0};
        break;
    case BLOB_HTTP_BR:
        r = (struct blob_http_representation){f->br_body, f->br_etag, &h->br, f->br_body.len > 0};
        break;
    default:
        r = (struct blob_http_representation){f->body, f->etag, &h->identity, true};
        break;
    }
    return r;
}

/* The file whose path is exactly `path` (no decoding), or NULL. */
const struct blob_http_file *blob_http_find(const struct blob *b, const char *path, size_t len);

/* The redirect whose source is exactly `path`, or NULL. */
const struct blob_http_redirect *blob_http_find_redirect(const struct blob *b, const char *path, size_t len);

#endif
