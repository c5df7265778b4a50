/* gzip via zlib: see gzip.h. */
#include "gzip.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util.h"

int gzip_compress(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* windowBits 15 + 16 asks zlib for the gzip wrapper instead of zlib's own. */
    if (deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    /* An explicit header: mtime 0 and a fixed OS byte keep the output reproducible. */
    gz_header header;
    memset(&header, 0, sizeof header);
    header.os = 3;  /* Unix, as gzip(1) writes it */
    if (deflateSetHeader(&zs, &header) != Z_OK) {
        deflateEnd(&zs);
        return -1;
    }
    if (len > UINT32_MAX) {     /* zlib counts in uInt; blobs are < 4 GiB anyway */
        deflateEnd(&zs);
        return -1;
    }
    size_t cap = deflateBound(&zs, (uLong)len) + 32;
    uint8_t *buf = xmalloc(cap);
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, Z_FINISH);
    size_t produced = cap - zs.avail_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = produced;
    return 0;
}
