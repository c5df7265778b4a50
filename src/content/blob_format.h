/*
 * The unihost content blob, format version 5: the one description shared by
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
 *       order of covered type. Per zone, the transfer ACL, the NOTIFY
 *       targets and, for NSEC3 zones, the NSEC3 owners in hash order.
 *       Server-wide: the DNS options (rate limiting, cookies, NSID,
 *       version) and the TSIG keys the ACLs and NOTIFY targets name.
 */
#ifndef UNIHOST_BLOB_FORMAT_H
#define UNIHOST_BLOB_FORMAT_H

#include <stdint.h>

#define BLOB_MAGIC "UNIHBLOB"       /* 8 bytes, no terminator stored */
#define BLOB_MAGIC_LEN 8
/* 2: Cache-Control per file, redirects, NSEC3 index, transfer ACLs;
 * 3: each file representation's fixed response header lines (struct
 *    blob_http_head), and the additional-section targets of DNS records;
 * 4: the DNS server options, TSIG keys (named by ACL entries), NOTIFY
 *    targets per zone, and the rate limiter's exempt prefixes;
 * 5: the directory's flags (BLOB_DEVELOPMENT: crunch --dev's live reload)
 *    and the build identity its pages name;
 * 6: a brotli representation beside gzip (struct blob_http_file's br_body
 *    and br_etag, struct blob_http_file_heads' br). */
#define BLOB_VERSION 6u
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
    BLOB_TABLE_DNS_SERVER,          /* struct blob_dns_server: none (defaults) or one */
    BLOB_TABLE_DNS_TSIG_KEYS,       /* struct blob_dns_tsig_key */
    BLOB_TABLE_DNS_NOTIFY,          /* struct blob_dns_notify */
    BLOB_TABLE_DNS_RRL_EXEMPT,      /* struct blob_dns_acl (key BLOB_DNS_NO_KEY) */
    BLOB_TABLE_COUNT
};

/*
 * What the whole blob is. In the directory, so the SHA-256 covers it: a
 * production blob cannot be turned into a development one without
 * rehashing it, and the reader refuses bits it does not know.
 */
enum blob_flags {
    /* Made by `crunch --dev` for the development loop: the HTTP engine
     * serves the live-reload event stream (BLOB_LIVE_PATH) and every page
     * loads its script. Never set without --dev. */
    BLOB_DEVELOPMENT = 1u << 0,
};
#define BLOB_FLAGS_KNOWN BLOB_DEVELOPMENT

/* The development blob's event stream and the script every page of it
 * loads. The '.' keeps them apart from the site: crunch publishes no name
 * starting with '.' from the site directory. */
#define BLOB_LIVE_PATH "/.unihost/live"
#define BLOB_LIVE_SCRIPT_PATH "/.unihost/live.js"
#define BLOB_BUILD_ID_LEN 16

struct blob_directory {
    struct blob_table tables[BLOB_TABLE_COUNT];
    uint64_t created;               /* seconds since the epoch (SOURCE_DATE_EPOCH if set) */
    uint32_t flags;                 /* enum blob_flags */
    uint32_t reserved;              /* zero */
    /* BLOB_DEVELOPMENT: what the site's pages are, as crunch --dev names
     * it in each page (a digest of the published files' paths and bodies,
     * so an unchanged site keeps it); the event stream sends it, and a
     * page that names another reloads. All zero in other blobs. */
    uint8_t build_id[BLOB_BUILD_ID_LEN];
};

/* ---- HTTP ---------------------------------------------------------------- */

enum blob_http_flags {
    BLOB_HTTP_COMPRESSIBLE = 1u << 0,   /* text-like: gzip and brotli variants may exist */
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
    /* Format 6. Only for a BLOB_HTTP_COMPRESSIBLE file, and only when
     * smaller than every other representation stored: a client that takes
     * both codings equally gets brotli for saving bytes, never for less. */
    struct blob_ref br_body;        /* brotli representation; len 0 when none pays */
    struct blob_ref br_etag;        /* strong ETag with its quotes, of `br_body` */
};

/* The header lines of each representation of the file at the same index
 * of BLOB_TABLE_HTTP_FILES: the file's values above, as the engine sends
 * them. A table of its own keeps the file records as they were. */
struct blob_http_file_heads {
    struct blob_http_head identity; /* of `body` */
    struct blob_http_head gzip;     /* of `gzip_body`; all zero when there is none */
    struct blob_http_head br;       /* of `br_body`; all zero when there is none (format 6) */
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
    uint32_t notify_first;          /* into BLOB_TABLE_DNS_NOTIFY: the servers told */
    uint32_t notify_count;          /*   of this zone's serial (RFC 1996) */
};

/*
 * Clients allowed to transfer a zone: an address prefix and, unless `key`
 * is BLOB_DNS_NO_KEY, the TSIG key (an index into BLOB_TABLE_DNS_TSIG_KEYS)
 * the request must be signed with. A zone allowed to a key from anywhere
 * lists the prefixes 0.0.0.0/0 and ::/0 with that key.
 */
#define BLOB_DNS_NO_KEY 0xffffu

struct blob_dns_acl {
    uint8_t family;                 /* 4 or 6 */
    uint8_t prefix_len;             /* bits of `addr` that must match (<= 32 or 128) */
    uint16_t key;                   /* TSIG key index, or BLOB_DNS_NO_KEY */
    uint8_t addr[16];               /* network byte order; IPv4 in the first 4 bytes, rest zero */
};

/* A server sent NOTIFY for a zone: an address, a UDP port and, unless
 * BLOB_DNS_NO_KEY, the TSIG key the NOTIFY is signed with. */
struct blob_dns_notify {
    uint8_t family;                 /* 4 or 6 */
    uint8_t reserved;               /* zero */
    uint16_t port;                  /* host byte order (little-endian, as every integer here) */
    uint16_t key;                   /* TSIG key index, or BLOB_DNS_NO_KEY */
    uint16_t reserved2;             /* zero */
    uint8_t addr[16];
};

/* A TSIG key (RFC 8945): its name (wire, lower case), algorithm and
 * secret. The secret is at least the algorithm's digest long (crunch
 * refuses shorter ones, as RFC 8945 6 advises) and at most 128 bytes. */
enum blob_dns_tsig_algorithm {
    BLOB_DNS_TSIG_HMAC_SHA256 = 1,
    BLOB_DNS_TSIG_HMAC_SHA384 = 2,
    BLOB_DNS_TSIG_HMAC_SHA512 = 3,
};
#define BLOB_DNS_TSIG_SECRET_MAX 128u
#define BLOB_DNS_TSIG_KEYS_MAX 64u      /* keys in a blob */

struct blob_dns_tsig_key {
    struct blob_ref name;
    struct blob_ref secret;
    uint32_t algorithm;             /* enum blob_dns_tsig_algorithm */
    uint32_t reserved;              /* zero */
};

/*
 * The server-wide DNS options, from the zones directory's dns.conf
 * (crunch's dns_conf.h). A blob without this record (count 0) gets the
 * defaults below, the same ones crunch writes for a missing option.
 */
enum blob_dns_server_flags {
    BLOB_DNS_ANSWER_COOKIE = 1u << 0,   /* answer DNS cookies (RFC 7873) */
    BLOB_DNS_COOKIE_SECRET = 1u << 1,   /* cookie_secret is set (else random at start-up) */
    BLOB_DNS_COOKIE_STAGING = 1u << 2,  /* cookie_staging is set */
    BLOB_DNS_MINIMAL_RESPONSES = 1u << 3, /* no NS or glue beside positive answers */
    BLOB_DNS_SHOW_VERSION = 1u << 4,    /* version.bind/version.server answer `version` */
};
#define BLOB_DNS_RRL_RATE_DEFAULT 200u  /* responses per second per prefix and kind (NSD's) */
#define BLOB_DNS_RRL_SLIP_DEFAULT 2u    /* every 2nd limited response goes out truncated */
#define BLOB_DNS_RRL_IPV4_PREFIX_DEFAULT 24u
#define BLOB_DNS_RRL_IPV6_PREFIX_DEFAULT 56u
#define BLOB_DNS_SERVER_FLAGS_DEFAULT BLOB_DNS_ANSWER_COOKIE
#define BLOB_DNS_NSID_MAX 128u          /* bytes of NSID payload */
#define BLOB_DNS_VERSION_MAX 255u       /* one TXT string */
#define BLOB_DNS_COOKIE_SECRET_LEN 16u  /* a SipHash-2-4 key (RFC 9018) */

struct blob_dns_server {
    uint32_t rrl_rate;              /* 0: no rate limiting */
    uint32_t rrl_slip;              /* 0: drop every limited response; N: truncate every Nth */
    uint8_t rrl_ipv4_prefix;        /* 1..32 */
    uint8_t rrl_ipv6_prefix;        /* 1..128 */
    uint16_t flags;                 /* enum blob_dns_server_flags */
    uint32_t reserved;              /* zero */
    uint8_t cookie_secret[BLOB_DNS_COOKIE_SECRET_LEN];
    uint8_t cookie_staging[BLOB_DNS_COOKIE_SECRET_LEN];
    struct blob_ref nsid;           /* NSID payload (RFC 5001); len 0: none */
    struct blob_ref version;        /* with BLOB_DNS_SHOW_VERSION: the version string */
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
    [BLOB_TABLE_DNS_SERVER] = sizeof(struct blob_dns_server),
    [BLOB_TABLE_DNS_TSIG_KEYS] = sizeof(struct blob_dns_tsig_key),
    [BLOB_TABLE_DNS_NOTIFY] = sizeof(struct blob_dns_notify),
    [BLOB_TABLE_DNS_RRL_EXEMPT] = sizeof(struct blob_dns_acl),
};

#endif
