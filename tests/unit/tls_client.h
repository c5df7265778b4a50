/*
 * A BearSSL client that trusts exactly the server's leaf key, for the
 * in-process TLS tests (test_tls_server.c) and bench/tls_handshake.c:
 * records move between it and src/http/tls_server.c in memory. Also the
 * PEM file reading these and test_https_conn.c do before
 * tls_credentials_load().
 */
#ifndef UNIHOST_TEST_TLS_CLIENT_H
#define UNIHOST_TEST_TLS_CLIENT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/tls_server.h"

/* The whole of a (small) PEM file at `path`, or NULL if it cannot be
 * opened. Each call gets its own buffer from a ring of eight, so a
 * certificate and its key can be held at once. */
static inline const char *tls_read_pem(const char *path, size_t *len)
{
    static char bufs[8][16384];
    static unsigned next;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = bufs[next++ % 8];
    *len = fread(buf, 1, sizeof bufs[0], f);
    fclose(f);
    return buf;
}

/* A file of tests/fixtures/tls/ as tls_read_pem() reads it; prints a
 * "not ok" line and exits if it cannot be read (the tests run from the
 * repository's top directory). */
static inline const char *tls_read_fixture(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/tls/%s", name);
    const char *pem = tls_read_pem(path, len);
    if (!pem) {
        printf("not ok - read %s (run from the repository's top directory)\n", path);
        exit(1);
    }
    return pem;
}

struct tls_client {
    br_ssl_client_context cc;
    br_x509_minimal_context minimal;   /* init_full wants one; knownkey replaces it */
    br_x509_knownkey_context knownkey;
    br_x509_pkey pub;                  /* knownkey keeps pointers into these */
    unsigned char pub_bytes[1024];
    unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
};

/*
 * Sets up `cl` with BearSSL's full client profile, trusting the leaf key of
 * `creds`, and seeds it with `seed` (BearSSL is built without seeders of
 * its own). Versions, suites, curves and ALPN are the caller's to set.
 * Returns the leaf key's type (BR_KEYTYPE_EC or BR_KEYTYPE_RSA).
 */
static inline int tls_client_init(struct tls_client *cl, const struct tls_credentials *creds,
                                  const void *seed, size_t seed_len)
{
    memset(cl, 0, sizeof *cl);
    br_ssl_client_init_full(&cl->cc, &cl->minimal, NULL, 0);
    br_x509_decoder_context xd;
    br_x509_decoder_init(&xd, NULL, NULL);
    br_x509_decoder_push(&xd, creds->chain[0].data, creds->chain[0].data_len);
    const br_x509_pkey *p = br_x509_decoder_get_pkey(&xd);
    cl->pub = *p;
    if (p->key_type == BR_KEYTYPE_EC) {
        memcpy(cl->pub_bytes, p->key.ec.q, p->key.ec.qlen);
        cl->pub.key.ec.q = cl->pub_bytes;
        br_x509_knownkey_init_ec(&cl->knownkey, &cl->pub.key.ec, BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN);
    } else {
        memcpy(cl->pub_bytes, p->key.rsa.n, p->key.rsa.nlen);
        memcpy(cl->pub_bytes + 768, p->key.rsa.e, p->key.rsa.elen);
        cl->pub.key.rsa.n = cl->pub_bytes;
        cl->pub.key.rsa.e = cl->pub_bytes + 768;
        br_x509_knownkey_init_rsa(&cl->knownkey, &cl->pub.key.rsa, BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN);
    }
    br_ssl_engine_set_x509(&cl->cc.eng, &cl->knownkey.vtable);
    br_ssl_engine_set_buffer(&cl->cc.eng, cl->iobuf, sizeof cl->iobuf, 1);
    br_ssl_engine_inject_entropy(&cl->cc.eng, seed, seed_len);
    return p->key_type;
}

#endif
