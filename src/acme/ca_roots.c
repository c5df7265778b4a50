/* PEM certificates to BearSSL trust anchors (ca_roots.h). */
#include "acme/ca_roots.h"

#include <string.h>

#include "crypto/pem_walk.h"

static void collect(void *ctx, const void *data, size_t len)
{
    struct ca_roots *r = ctx;
    if (r->error || sizeof r->der - r->der_len < len) {
        r->error = 1;
        return;
    }
    memcpy(r->der + r->der_len, data, len);
    r->der_len += len;
}

static pem_der_dest on_object(void *arg, const char *name, void **dest_ctx)
{
    struct ca_roots *r = arg;
    r->der_len = 0;
    if (strcmp(name, "CERTIFICATE") != 0)
        return NULL;
    *dest_ctx = r;
    return collect;
}

/* Copies len bytes into the storage; NULL if it is full. */
static uint8_t *keep(struct ca_roots *r, const void *data, size_t len)
{
    if (sizeof r->storage - r->used < len)
        return NULL;
    uint8_t *p = r->storage + r->used;
    memcpy(p, data, len);
    r->used += len;
    return p;
}

static void dn_append(void *ctx, const void *data, size_t len)
{
    struct ca_roots *r = ctx;
    if (!keep(r, data, len))
        r->error = 1;
}

static int on_done(void *arg)
{
    struct ca_roots *r = arg;
    if (r->der_len == 0)
        return 0;       /* not a certificate */
    if (r->error || r->count == CA_ROOTS_MAX)
        return -1;
    br_x509_trust_anchor *ta = &r->anchors[r->count];
    size_t dn_start = r->used;
    br_x509_decoder_context dc;
    br_x509_decoder_init(&dc, dn_append, r);
    br_x509_decoder_push(&dc, r->der, r->der_len);
    const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
    if (r->error || !pk || br_x509_decoder_last_error(&dc) != 0)
        return -1;
    ta->dn.data = r->storage + dn_start;
    ta->dn.len = r->used - dn_start;
    ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
    ta->pkey.key_type = pk->key_type;
    if (pk->key_type == BR_KEYTYPE_EC) {
        ta->pkey.key.ec.curve = pk->key.ec.curve;
        ta->pkey.key.ec.q = keep(r, pk->key.ec.q, pk->key.ec.qlen);
        ta->pkey.key.ec.qlen = pk->key.ec.qlen;
        if (!ta->pkey.key.ec.q)
            return -1;
    } else if (pk->key_type == BR_KEYTYPE_RSA) {
        ta->pkey.key.rsa.n = keep(r, pk->key.rsa.n, pk->key.rsa.nlen);
        ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
        ta->pkey.key.rsa.e = keep(r, pk->key.rsa.e, pk->key.rsa.elen);
        ta->pkey.key.rsa.elen = pk->key.rsa.elen;
        if (!ta->pkey.key.rsa.n || !ta->pkey.key.rsa.e)
            return -1;
    } else {
        return -1;
    }
    r->count++;
    r->der_len = 0;
    return 0;
}

int ca_roots_load(struct ca_roots *roots, const char *pem, size_t len)
{
    memset(roots, 0, sizeof *roots);
    if (pem_walk(pem, len, on_object, on_done, roots) != 0)
        return -1;
    return (int)roots->count;
}
