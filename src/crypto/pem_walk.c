/* PEM objects to DER: see pem_walk.h. */
#include "crypto/pem_walk.h"

#include <stdbool.h>
#include <string.h>

#include <bearssl.h>

int pem_walk(const char *pem, size_t len, pem_der_dest (*object)(void *arg, const char *name, void **dest_ctx),
             int (*done)(void *arg), void *arg)
{
    br_pem_decoder_context pc;
    br_pem_decoder_init(&pc);
    bool in_object = false;
    /* A final newline lets the decoder see the end of a last line that
     * lacks one. */
    for (int pass = 0; pass < 2; pass++) {
        const char *p = pass == 0 ? pem : "\n";
        size_t left = pass == 0 ? len : 1;
        while (left > 0) {
            size_t n = br_pem_decoder_push(&pc, p, left);
            p += n;
            left -= n;
            switch (br_pem_decoder_event(&pc)) {
            case BR_PEM_BEGIN_OBJ: {
                void *dest_ctx = NULL;
                pem_der_dest dest = object(arg, br_pem_decoder_name(&pc), &dest_ctx);
                br_pem_decoder_setdest(&pc, dest, dest_ctx);
                in_object = true;
                break;
            }
            case BR_PEM_END_OBJ: {
                in_object = false;
                int verdict = done(arg);
                if (verdict != 0)
                    return verdict > 0 ? 0 : -1;
                break;
            }
            case BR_PEM_ERROR:
                return -1;
            default:
                break;
            }
        }
    }
    return in_object ? -1 : 0;
}

/* ---- the first object of a name ---- */

struct first_object {
    const char *name;
    uint8_t *der;
    size_t cap, len;
    bool overflow, in_it, seen;
};

static void collect(void *ctx, const void *data, size_t len)
{
    struct first_object *f = ctx;
    if (f->overflow || f->cap - f->len < len) {
        f->overflow = true;
        return;
    }
    memcpy(f->der + f->len, data, len);
    f->len += len;
}

static pem_der_dest first_object_begins(void *arg, const char *name, void **dest_ctx)
{
    struct first_object *f = arg;
    f->in_it = strcmp(name, f->name) == 0;
    if (!f->in_it)
        return NULL;
    *dest_ctx = f;
    return collect;
}

static int first_object_ends(void *arg)
{
    struct first_object *f = arg;
    if (!f->in_it)
        return 0;       /* another object: go on */
    f->seen = true;
    return 1;
}

size_t pem_first_der(const char *pem, size_t len, const char *name, uint8_t *der, size_t cap)
{
    struct first_object f = { .name = name, .der = der, .cap = cap };
    if (pem_walk(pem, len, first_object_begins, first_object_ends, &f) != 0 || !f.seen || f.overflow)
        return 0;
    return f.len;
}
