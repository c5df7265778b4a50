/*
 * The unihost content blob, format version 3: the one description shared by
 * the writer (tools/crunch) and the reader (src/content/blob.c).
 *
 * The blob is read-only and position-independent: every reference is a byte
 * offset from the start of the blob, never a pointer, so the same bytes work
 * when embedded in the binary, mmap'ed from a file or loaded by Xen.
 * All integers are little-endian. Every table starts on an 8-byte boundary
 * and the blob itself is loaded 8-byte aligned, so a little-endian reader
 * can use the structures below in place. Sizes and offsets are 32-bit: a
 * blob is at most 4 GiB.
 *
 *   offset 0   struct blob_preamble   magic, version, size, SHA-256
 *   offset 56  struct blob_directory  where each table starts and its count
 *   ...        tables and the byte pool, in any order, 8-byte aligned
 *
 * The SHA-256 covers every byte after the preamble (directory included),
 * so the reader checks the hash once at start-up and then trusts the
 * structure after validating every offset against the blob size.
 *
 * HTTP: struct blob_http_file[], sorted by path (memcmp, shorter first),
 *       and beside it struct blob_http_file_heads[], the fixed header
 *       lines of each file's responses;
 *       struct blob_http_redirect[], sorted by `from` the same way.
 * DNS:  zones -> nodes (one per owner name, empty non-terminals included,
 *       in DNSSEC canonical order within each zone) -> RRsets (sorted by
 *       type) -> rdatas (uncompressed wire-format RDATA). RRSIGs form one
 *       RRset per covered type (their TTLs follow the RRset they sign), in
 *       order of covered type. Per zone, the transfer ACL and, for NSEC3
 *       zones, the NSEC3 owners in hash order.
 */
#ifndef UNIHOST_BLOB_FORMAT_H
#define UNIHOST_BLOB_FORMAT_H

#include <stdint.h>

#define BLOB_MAGIC "UNIHBLOB"       /* 8 bytes, no terminator stored */
#define BLOB_MAGIC_LEN 8
/* 2: Cache-Control per file, redirects, NSEC3 index, transfer ACLs;
 * 3: each file representation's fixed response header lines (struct
 *    blob_http_head), and the additional-section targets of DNS records. */
#define BLOB_VERSION 3u
#define BLOB_ALIGN 8u

struct blob_preamble {
    uint8_t magic[BLOB_MAGIC_LEN];
    uint32_t version;               /* BLOB_VERSION */
    uint32_t preamble_size;         /* sizeof(struct blob_preamble) */
    uint32_t total_size;            /* whole blob, preamble included */
    uint32_t reserved;              /* zero */
    uint8_t payload_sha256[32];     /* of bytes [preamble_size, total_size) */
};

/* A run of bytes inside the blob. len may be 0 (then off is ignored). */
struct blob_ref {
    uint32_t off;
    uint32_t len;
};

/* A table: `count` fixed-size records starting at `off`. */
struct blob_table {
    uint32_t off;
    uint32_t count;
};

enum blob_table_id {
    BLOB_TABLE_HTTP_FILES = 0,      /* struct blob_http_file */
    BLOB_TABLE_DNS_ZONES,           /* struct blob_dns_zone */
    BLOB_TABLE_DNS_NODES,           /* struct blob_dns_node */
    BLOB_TABLE_DNS_RRSETS,          /* struct blob_dns_rrset */
    BLOB_TABLE_DNS_RDATAS,          /* struct blob_ref: one RDATA each */
    BLOB_TABLE_DNS_NSEC3,           /* uint32_t node index: a zone's NSEC3 owners by hash */
    BLOB_TABLE_DNS_TRANSFER_ACL,    /* struct blob_dns_acl */
    BLOB_TABLE_HTTP_REDIRECTS,      /* struct blob_http_redirect */
    BLOB_TABLE_HTTP_HEADS,          /* struct blob_http_file_heads: one per file, in the same order */
    BLOB_TABLE_DNS_TARGETS,         /* uint32_t per RDATA: its target's node */
    BLOB_TABLE_COUNT
};

struct blob_directory {
    struct blob_table tables[BLOB_TABLE_COUNT];
    uint64_t created;               /* seconds since the epoch (SOURCE_DATE_EPOCH if set) */
};

/* ---- HTTP ---------------------------------------------------------------- */

enum blob_http_flags {
    BLOB_HTTP_COMPRESSIBLE = 1u << 0,   /* text-like: a gzip variant may exist */
};

/*
 * The fixed header lines of one representation of a file: everything its
 * responses say that does not depend on the request, composed by crunch
 * (src/http/http_file_head.c) so that the engine copies them instead of
 * formatting them for every request. `lines` holds "Name: value\r\n" lines
 * in the order the engine sends them, after its status, Date, Server and
 * Connection lines. Four cuts (offsets into `lines`, each at the start of
 * a line, in this order) split them into the runs each status takes:
 *
 *   [0, not_modified_end)       ETag, Last-Modified, Cache-Control, Vary:
 *                               every response, 304 included (RFC 9110
 *                               15.4.5: a 304 repeats them)
 *   [not_modified_end, content_end)  Content-Type, Content-Encoding:
 *                               200, 206 and a 404 page
 *   [content_end, ranges_end)   Accept-Ranges: 200 and 206
 *   [ranges_end, length_end)    exactly "Content-Length: N\r\n", N the
 *                               representation's size: 200 and a 404 page
 *                               (206 states its range's length instead)
 *   [length_end, lines.len)     X-Content-Type-Options: every response
 *
 * A 200 (GET or HEAD) is therefore the whole of `lines`, a 304 the first
 * and last runs. The reader checks the lines' syntax, the cuts, the
 * Content-Length against the body, and that no line claims a name the
 * engine writes itself (framing, Date, Server, Connection).
 */
struct blob_http_head {
    struct blob_ref lines;
    uint16_t not_modified_end;
    uint16_t content_end;
    uint16_t ranges_end;
    uint16_t length_end;
};

struct blob_http_file {
    struct blob_ref path;           /* URL path, starts with '/', e.g. "/docs/crunch.html" */
    struct blob_ref content_type;   /* full header value, e.g. "text/html; charset=utf-8" */
    struct blob_ref body;           /* identity representation */
    struct blob_ref etag;           /* strong ETag with its quotes, of `body` */
    struct blob_ref gzip_body;      /* gzip representation; len 0 when none pays */
    struct blob_ref gzip_etag;      /* strong ETag with its quotes, of `gzip_body` */
    uint64_t mtime;                 /* Last-Modified, seconds since the epoch */
    uint32_t flags;                 /* enum blob_http_flags */
    uint32_t reserved;
    struct blob_ref cache_control;  /* Cache-Control value; len 0: send none */
};

/* The header lines of both representations of the file at the same index
 * of BLOB_TABLE_HTTP_FILES: the file's values above, as the engine sends
 * them. A table of its own keeps the file records as they were. */
struct blob_http_file_heads {
    struct blob_http_head identity; /* of `body` */
    struct blob_http_head gzip;     /* of `gzip_body`; all zero when there is none */
};

/* Bounds that keep every response's header block within the engine's
 * fixed buffer (HTTP_HEAD_MAX; http_engine.c asserts that they do). */
#define BLOB_HTTP_CACHE_CONTROL_MAX 256u
#define BLOB_HTTP_HEAD_MAX 560u         /* a blob_http_head's lines */

/*
 * A redirect declared in the site's _redirects file: a request whose
 * normalised path is exactly `from` (and names no published file) is
 * answered `status` with `Location: to`. Header values from the blob go
 * out verbatim, so the reader checks they hold no control bytes.
 */
#define BLOB_HTTP_REDIRECT_TARGET_MAX 512u

struct blob_http_redirect {
    struct blob_ref from;           /* normalised URL path, starts with '/' */
    struct blob_ref to;             /* Location value: a path or an http(s) URL */
    uint32_t status;                /* 301, 302, 307 or 308 */
    uint32_t reserved;              /* zero */
};

/* ---- DNS ----------------------------------------------------------------- */

/*
 * Names are stored twice:
 *  - `name`: uncompressed wire format, lower-cased, ending in the root label;
 *  - `key`:  the same labels in reverse order (root side first), each with its
 *            length byte, without the root label; so "www.example.org." has the
 *            key "\3org\7example\3www". Comparing keys label by label (bytes,
 *            then the shorter label first, then the shorter key first) is the
 *            DNSSEC canonical order of RFC 4034 section 6.1, and the key of an
 *            ancestor is a prefix of the key of its descendants.
 */

enum blob_dns_node_flags {
    BLOB_DNS_NODE_APEX = 1u << 0,       /* the zone's apex (has SOA and NS) */
    BLOB_DNS_NODE_DELEGATION = 1u << 1, /* NS below the apex: a zone cut */
    BLOB_DNS_NODE_BELOW_CUT = 1u << 2,  /* strictly below a zone cut: glue only */
    BLOB_DNS_NODE_WILDCARD = 1u << 3,   /* first label is "*" */
};

enum blob_dns_zone_flags {
    BLOB_DNS_ZONE_NSEC = 1u << 0,       /* signed, denial of existence by NSEC */
    BLOB_DNS_ZONE_NSEC3 = 1u << 1,      /* signed, denial of existence by NSEC3 */
};

struct blob_dns_zone {
    struct blob_ref apex;           /* wire name */
    struct blob_ref apex_key;       /* key, as for nodes */
    uint32_t node_first;            /* index of the apex node; nodes of a zone are contiguous */
    uint32_t node_count;
    uint32_t soa_rrset;             /* index of the apex SOA RRset */
    uint32_t flags;                 /* enum blob_dns_zone_flags */
    uint32_t nsec3_first;           /* into BLOB_TABLE_DNS_NSEC3: this zone's NSEC3 */
    uint32_t nsec3_count;           /*   owner nodes in hash order (0 unless NSEC3-signed) */
    uint32_t acl_first;             /* into BLOB_TABLE_DNS_TRANSFER_ACL: who may AXFR */
    uint32_t acl_count;             /*   this zone (0: nobody) */
};

/* Clients allowed to transfer a zone: an address prefix. */
struct blob_dns_acl {
    uint8_t family;                 /* 4 or 6 */
    uint8_t prefix_len;             /* bits of `addr` that must match (<= 32 or 128) */
    uint8_t reserved[2];
    uint8_t addr[16];               /* network byte order; IPv4 in the first 4 bytes, rest zero */
};

struct blob_dns_node {
    struct blob_ref name;           /* wire name */
    struct blob_ref key;            /* reversed-label key */
    uint32_t rrset_first;           /* RRsets of this name, sorted by type (RRSIG: then covered type) */
    uint32_t rrset_count;           /* 0 for an empty non-terminal */
    uint32_t flags;                 /* enum blob_dns_node_flags */
    uint32_t nsec_node;             /* NSEC-signed zones: index of the node whose NSEC
                                       covers the names after this one; else UINT32_MAX */
};

/*
 * Additional-section processing, done once at build time as NSD does it at
 * load: BLOB_TABLE_DNS_TARGETS holds one uint32_t per RDATA, in the same
 * order. For the RDATA of an NS, MX or SRV RRset it is the index of the
 * node, in the RRset's own zone, whose name is the record's target (the
 * name whose A and AAAA records go in the additional section), or
 * UINT32_MAX when the zone has no such name; for every other RDATA,
 * UINT32_MAX.
 */
#define BLOB_DNS_NO_TARGET UINT32_MAX

struct blob_dns_rrset {
    uint16_t type;
    uint16_t rclass;                /* always 1 (IN) */
    uint32_t ttl;
    uint32_t rdata_first;           /* index into BLOB_TABLE_DNS_RDATAS */
    uint32_t rdata_count;           /* at least 1 */
};

/* Size of one record of each table: part of the format, shared by the
 * writer and the reader. */
static const uint32_t blob_record_size[BLOB_TABLE_COUNT] = {
    [BLOB_TABLE_HTTP_FILES] = sizeof(struct blob_http_file),
    [BLOB_TABLE_DNS_ZONES] = sizeof(struct blob_dns_zone),
    [BLOB_TABLE_DNS_NODES] = sizeof(struct blob_dns_node),
    [BLOB_TABLE_DNS_RRSETS] = sizeof(struct blob_dns_rrset),
    [BLOB_TABLE_DNS_RDATAS] = sizeof(struct blob_ref),
    [BLOB_TABLE_DNS_NSEC3] = sizeof(uint32_t),
    [BLOB_TABLE_DNS_TRANSFER_ACL] = sizeof(struct blob_dns_acl),
    [BLOB_TABLE_HTTP_REDIRECTS] = sizeof(struct blob_http_redirect),
    [BLOB_TABLE_HTTP_HEADS] = sizeof(struct blob_http_file_heads),
    [BLOB_TABLE_DNS_TARGETS] = sizeof(uint32_t),
};

#endif
