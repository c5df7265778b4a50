/* brotli via libbrotlienc: see brotli.h. */
#include "brotli.h"

#include <stdlib.h>

#include <brotli/encode.h>

#include "util.h"

static int quality = BROTLI_MAX_QUALITY;

void brotli_set_quality(int q)
{
    quality = q;
}

int brotli_compress(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len)
{
    size_t cap = BrotliEncoderMaxCompressedSize(len);
    if (cap == 0)               /* the bound overflows: no such body fits a blob */
        return -1;
    uint8_t *buf = xmalloc(cap);
    size_t produced = cap;
    if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, len, in, &produced,
                               buf)) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = produced;
    return 0;
}
