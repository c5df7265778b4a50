/*
 * An ACME client (RFC 8555) as a state machine that does no I/O, like the
 * DNS and HTTP engines: it says what to do next (send this request, wait
 * until then, publish or withdraw this challenge response, done, failed)
 * and is told what happened (the response, the time). One run gets one
 * certificate:
 *
 *   directory -> newNonce -> newAccount (new or existing) -> newOrder
 *   -> every authorisation fetched; for each pending one, the challenge
 *      chosen (DNS-01 for wildcards and when configured, else HTTP-01)
 *      and its response published
 *   -> each challenge told to the CA; each authorisation polled until valid
 *   -> every response withdrawn
 *   -> finalize with the CSR -> poll the order -> download the chain.
 *
 * Every response is out before the CA hears of any challenge, and all stay
 * out until every authorisation is valid. A name and its wildcard share
 * one TXT name (_acme-challenge.example.org): a CA that looks through a
 * caching resolver caches the RRset at its first look, and must find every
 * value in it, not only the first one published. A run that fails after
 * publishing withdraws everything it published before it reports the
 * failure. An authorisation already valid needs nothing.
 *
 * Every request but the directory and the nonce is a JWS (jws.h) with the
 * latest Replay-Nonce; a badNonce rejection is retried with the nonce
 * that came with it. Waits follow Retry-After, or capped exponential
 * back-off. Transport failures, 5xx and rateLimited are retried a few
 * times; any other problem document fails the run, with a log line that
 * quotes it. Nothing the CA sends is trusted beyond its limits: URLs,
 * nonces, tokens and the chain have fixed maximum sizes, and a challenge
 * is only published for a name of the configuration.
 *
 * A run that fails leaves the caller's current certificate alone; the
 * caller starts a new run later (acme_schedule.h's back-off), or when the
 * renewal is due (acme_schedule.h) after a success.
 *
 * ACME Renewal Information (RFC 9773), when the directory offers
 * "renewalInfo": a run that renews a certificate names it in the order's
 * "replaces" (its CertID, ari_cert_id.h), and orders again without it if
 * the CA refuses that (e.g. alreadyReplaced: renewing matters more than
 * the link to the old certificate). A check (acme_client_init_check) is a
 * short run of its own: the directory, then an unauthenticated GET of
 * renewalInfo/<CertID>, ending in ACME_CHECKED with the suggested window,
 * or with no window and a log line saying why (none offered, an error,
 * a malformed answer), never in a failure of the certificate's renewal.
 */
#ifndef UNIHOST_ACME_CLIENT_H
#define UNIHOST_ACME_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acme/acme_schedule.h"
#include "acme/ari_cert_id.h"
#include "acme/json_read.h"
#include "acme/jwk.h"

#define ACME_MAX_NAMES 16
#define ACME_URL_MAX 512
#define ACME_NONCE_MAX 128
#define ACME_TOKEN_MAX 128
#define ACME_CHAIN_MAX 16384
#define ACME_ERROR_MAX 512
#define ACME_REQUEST_MAX 12288
/* Attempts of one request after transport failures, 5xx or rateLimited. */
#define ACME_MAX_RETRIES 5
/* Consecutive badNonce rejections tolerated. */
#define ACME_MAX_BAD_NONCES 5
/* Polls of one authorisation or of the order before giving up. */
#define ACME_MAX_POLLS 30
/* The longest wait a Retry-After may ask for; longer ones are cut. */
#define ACME_MAX_WAIT 3600

enum acme_challenge_kind { ACME_HTTP01, ACME_DNS01 };

struct acme_config {
    const char *directory_url;
    const char *contact;            /* "mailto:..." or NULL for none */
    const char *const *names;       /* dns_identifier.h's rules; "*.x" wildcards use DNS-01 */
    size_t name_count;              /* 1 .. ACME_MAX_NAMES */
    enum acme_challenge_kind challenge;
    const struct p256_key *account_key;
    const struct p256_key *certificate_key;
    /* The CertID of the certificate this run renews (ari_cert_id.h), or
     * NULL: the order's "replaces" when the CA offers renewal information. */
    const char *replaces;
    /* Each step and each failure, one line each; may be NULL. */
    void (*log)(void *log_ctx, const char *line);
    void *log_ctx;
};

enum acme_action_kind {
    ACME_SEND,          /* perform .request, then acme_client_response() */
    ACME_WAIT,          /* call acme_client_next() again at .until */
    ACME_PUBLISH,       /* publish .publication, then acme_client_published() */
    ACME_UNPUBLISH,     /* withdraw .publication; then acme_client_next() (one withdrawal each) */
    ACME_DONE,          /* acme_client_chain() holds the certificate chain */
    ACME_FAILED,        /* acme_client_error() says why */
    ACME_CHECKED,       /* a check's end: acme_client_renewal_info() says what it found */
};

struct acme_request {
    const char *method;             /* "GET", "HEAD" or "POST" */
    const char *url;
    const char *body;               /* POST: the JWS; else NULL */
    size_t body_len;
    const char *content_type;       /* POST: "application/jose+json"; else NULL */
    const char *accept;             /* the chain's download: "application/pem-certificate-chain"; renewalInfo: "application/json"; else NULL */
};

struct acme_publication {
    enum acme_challenge_kind kind;
    const char *domain;             /* the identifier, without "*." */
    const char *dns_name;           /* DNS-01: "_acme-challenge." domain, TXT .value */
    const char *token;              /* HTTP-01: GET /.well-known/acme-challenge/TOKEN answers .value */
    const char *value;
};

struct acme_action {
    enum acme_action_kind kind;
    int64_t until;                  /* ACME_WAIT */
    struct acme_request request;    /* ACME_SEND */
    struct acme_publication publication;    /* ACME_PUBLISH, ACME_UNPUBLISH */
};

/* What came back; status 0 means no response (connection refused, TLS
 * failure, timeout). Header values are NUL-terminated, NULL if absent. */
struct acme_response {
    int status;
    const char *replay_nonce;
    const char *location;
    const char *retry_after;
    const char *body;
    size_t body_len;
};

enum acme_step {
    ACME_STEP_DIRECTORY,
    ACME_STEP_ACCOUNT,
    ACME_STEP_ORDER,
    ACME_STEP_AUTHORIZATION,
    ACME_STEP_PUBLISH,
    ACME_STEP_CHALLENGE,
    ACME_STEP_AUTHORIZATION_POLL,
    ACME_STEP_UNPUBLISH,
    ACME_STEP_FINALIZE,
    ACME_STEP_ORDER_POLL,
    ACME_STEP_CERTIFICATE,
    ACME_STEP_RENEWAL_INFO,
    ACME_STEP_DONE,
    ACME_STEP_FAILED,
};

/* One authorisation of the order, and the challenge that answers it. */
struct acme_authorization {
    char url[ACME_URL_MAX];
    bool answering;                 /* pending when fetched: a challenge was chosen to answer it */
    bool published;                 /* its response is out (acme_client_published) and not yet withdrawn */
    bool valid;
    bool wildcard;
    enum acme_challenge_kind kind;
    char domain[256], dns_name[256 + 16];
    char token[ACME_TOKEN_MAX];
    char challenge_url[ACME_URL_MAX];
    char value[ACME_TOKEN_MAX + 48];    /* HTTP-01: the key authorisation; DNS-01: its TXT digest */
};

/* About 87 KiB, a third of it the authorisations (ACME_MAX_NAMES of
 * them, 1.8 KiB each with its challenge, all held at once): give it
 * static storage. Its fields are private. */
struct acme_client {
    struct acme_config config;
    enum acme_step step;
    bool need_nonce;                /* the request in flight is the HEAD to newNonce */
    bool in_flight;                 /* a SEND was handed out and not yet answered: it is `sent` */
    struct acme_action sent;
    bool failed;                    /* error says why; the end once everything published is withdrawn */
    int64_t wait_until;
    unsigned retries, bad_nonces, polls;

    char new_nonce_url[ACME_URL_MAX], new_account_url[ACME_URL_MAX], new_order_url[ACME_URL_MAX];
    char nonce[ACME_NONCE_MAX];
    char account_url[ACME_URL_MAX];
    char order_url[ACME_URL_MAX], finalize_url[ACME_URL_MAX], certificate_url[ACME_URL_MAX];
    struct acme_authorization authorizations[ACME_MAX_NAMES];
    size_t authorization_count, authorization_index;    /* index: the one fetched, published, told or polled */

    char payload[8192];             /* a request's JSON before it is signed */
    uint8_t csr[6144];
    char request[ACME_REQUEST_MAX];
    size_t request_len;
    char chain[ACME_CHAIN_MAX];
    size_t chain_len;
    int64_t not_before, not_after;
    char error[ACME_ERROR_MAX];

    /* Renewal information (RFC 9773) */
    bool check_only;                /* a check, not a run (acme_client_init_check) */
    char renewal_info_url[ACME_URL_MAX];    /* the directory's renewalInfo, "" if none */
    char cert_id[ARI_CERT_ID_MAX];  /* a check's certificate; after a run, the issued one's */
    char check_url[ACME_URL_MAX + ARI_CERT_ID_MAX];
    bool replaces_refused;          /* the CA refused "replaces": order without it */
    bool order_names_replaced;      /* the newOrder in flight carries "replaces" */
    struct acme_ari_result ari;

    struct json_token tokens[512];
};

/* Starts a run. Returns false (and acme_client_error() says why) if the
 * configuration cannot work: no names or too many, an invalid name, no
 * directory URL or keys. */
bool acme_client_init(struct acme_client *c, const struct acme_config *config);

/* What to do now. Call again after each response, publication, or wait.
 * Asking twice without answering hands out the same request again. */
void acme_client_next(struct acme_client *c, int64_t now, struct acme_action *action);

/* The response to the last ACME_SEND. */
void acme_client_response(struct acme_client *c, int64_t now, const struct acme_response *response);

/* The last ACME_PUBLISH is in place: the CA may look. */
void acme_client_published(struct acme_client *c);

/* After ACME_DONE: the PEM chain as the CA sent it, its validity, and
 * when to renew it without renewal information (two thirds of its
 * lifetime). */
const char *acme_client_chain(const struct acme_client *c, size_t *len);
void acme_client_validity(const struct acme_client *c, int64_t *not_before, int64_t *not_after);
int64_t acme_client_renew_at(const struct acme_client *c);

/* After ACME_DONE: the issued certificate's CertID, for its checks and
 * for the "replaces" of its renewal; "" if the CA offers no renewal
 * information or the certificate has no Authority Key Identifier. */
const char *acme_client_cert_id(const struct acme_client *c);

/* Starts a check of renewal information for the certificate `cert_id`
 * instead of a run (the configuration's keys and names are checked as
 * for a run, but not used). Returns false, and acme_client_error() says
 * why, if the configuration or the CertID cannot work. */
bool acme_client_init_check(struct acme_client *c, const struct acme_config *config, const char *cert_id);

/* After ACME_CHECKED: what the check found (acme_schedule.h takes it). */
void acme_client_renewal_info(const struct acme_client *c, struct acme_ari_result *result);

/* After ACME_FAILED (or a refused init): one line saying why. */
const char *acme_client_error(const struct acme_client *c);

#endif
