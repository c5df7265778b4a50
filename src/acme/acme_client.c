/*
 * The ACME client's state machine (acme_client.h). acme_client_next()
 * turns the current step into an action; acme_client_response() reads the
 * answer to the step's request and moves on, or arranges a retry, or
 * fails the run. Retries and polls set wait_until; next() hands out
 * ACME_WAIT until then.
 *
 * The authorisations go through the steps together: AUTHORIZATION and
 * PUBLISH take them one by one (fetch, choose, publish), CHALLENGE tells
 * the CA of each pending one, AUTHORIZATION_POLL polls each until valid,
 * UNPUBLISH withdraws all; authorization_index is the one at hand. A
 * failure with anything published goes through UNPUBLISH too, then ends.
 */
#include "acme/acme_client.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "acme/acme_problem.h"
#include "acme/acme_schedule.h"
#include "acme/ari_cert_id.h"
#include "acme/base64url.h"
#include "acme/cert_validity.h"
#include "acme/csr.h"
#include "acme/dns_identifier.h"
#include "acme/json_write.h"
#include "acme/jws.h"
#include "acme/key_authorization.h"
#include "acme/renewal_info.h"
#include "http/http_date.h"

static const char *const step_names[] = {
    [ACME_STEP_DIRECTORY] = "directory",
    [ACME_STEP_ACCOUNT] = "newAccount",
    [ACME_STEP_ORDER] = "newOrder",
    [ACME_STEP_AUTHORIZATION] = "authorization",
    [ACME_STEP_PUBLISH] = "publish",
    [ACME_STEP_CHALLENGE] = "challenge",
    [ACME_STEP_AUTHORIZATION_POLL] = "authorization poll",
    [ACME_STEP_UNPUBLISH] = "unpublish",
    [ACME_STEP_FINALIZE] = "finalize",
    [ACME_STEP_ORDER_POLL] = "order poll",
    [ACME_STEP_CERTIFICATE] = "certificate",
    [ACME_STEP_RENEWAL_INFO] = "renewalInfo",
    [ACME_STEP_DONE] = "done",
    [ACME_STEP_FAILED] = "failed",
};

static void say(struct acme_client *c, const char *fmt, ...)
{
    if (!c->config.log)
        return;
    char line[ACME_ERROR_MAX + 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    c->config.log(c->config.log_ctx, line);
}

static bool any_published(const struct acme_client *c)
{
    for (size_t i = 0; i < c->authorization_count; i++)
        if (c->authorizations[i].published)
            return true;
    return false;
}

/* Ends the run saying why; what it published is withdrawn first (next()
 * hands out the withdrawals, then ACME_FAILED): nothing is left for the
 * CA or anyone else to find after the run. `fmt` must not read c->error. */
static void fail(struct acme_client *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    c->failed = true;
    c->step = any_published(c) ? ACME_STEP_UNPUBLISH : ACME_STEP_FAILED;
    /* a check that fails is only a check without an answer */
    say(c, c->check_only ? "acme: renewal information ignored: %s" : "acme: failed: %s", c->error);
}

/* Moves to `step` with fresh retry and poll counts. */
static void go(struct acme_client *c, enum acme_step step)
{
    c->step = step;
    c->retries = 0;
    c->polls = 0;
}

/* Copies a value the CA sent (a URL, a nonce, a token) if it fits and
 * holds only printable ASCII without spaces; returns false otherwise. */
static bool copy_field(char *out, size_t cap, const char *value, size_t len)
{
    if (len == 0 || len >= cap)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)value[i] <= 0x20 || (unsigned char)value[i] >= 0x7f)
            return false;
    memcpy(out, value, len);
    out[len] = '\0';
    return true;
}

static bool copy_header(char *out, size_t cap, const char *value)
{
    return value && copy_field(out, cap, value, strlen(value));
}

/* A URL member of a JSON object: https only (RFC 8555 section 6.1). */
static bool json_url(const struct json_doc *doc, long obj, const char *name, char *out, size_t cap)
{
    char text[ACME_URL_MAX];
    long i = json_member_typed(doc, (size_t)obj, name, JSON_STRING);
    if (i < 0)
        return false;
    long n = json_string(doc, (size_t)i, text, sizeof text);
    return n > 8 && strncmp(text, "https://", 8) == 0 && copy_field(out, cap, text, (size_t)n);
}

/* The "status" member, compared. */
static bool status_is(const struct json_doc *doc, long obj, const char *status)
{
    long i = json_member_typed(doc, (size_t)obj, "status", JSON_STRING);
    return i >= 0 && json_string_equals(doc, (size_t)i, status);
}

/* The "status" member for a log line: "(none)" if absent, too long or
 * not printable. */
static void status_text(const struct json_doc *doc, long obj, char *out, size_t cap)
{
    char text[32];
    long i = json_member_typed(doc, (size_t)obj, "status", JSON_STRING);
    long n = i >= 0 ? json_string(doc, (size_t)i, text, sizeof text) : -1;
    if (n < 0 || !copy_field(out, cap, text, (size_t)n))
        snprintf(out, cap, "(none)");
}

/* Takes a configuration for a run or a check, if it can work. */
static bool configure(struct acme_client *c, const struct acme_config *config)
{
    memset(c, 0, sizeof *c);
    c->config = *config;
    c->step = ACME_STEP_DIRECTORY;
    if (!config->directory_url || strncmp(config->directory_url, "https://", 8) != 0 ||
        strlen(config->directory_url) >= ACME_URL_MAX) {
        fail(c, "the directory URL must be an https:// URL shorter than %d bytes", ACME_URL_MAX);
        return false;
    }
    if (!config->account_key || !config->certificate_key) {
        fail(c, "no account key or certificate key");
        return false;
    }
    if (config->name_count == 0 || config->name_count > ACME_MAX_NAMES) {
        fail(c, "between 1 and %d names are needed, not %zu", ACME_MAX_NAMES, config->name_count);
        return false;
    }
    for (size_t i = 0; i < config->name_count; i++)
        if (!dns_identifier_valid(config->names[i])) {
            fail(c, "not a name a certificate can be issued for: %.253s", config->names[i]);
            return false;
        }
    if (config->contact && strlen(config->contact) > 256) {
        fail(c, "contact longer than 256 bytes");
        return false;
    }
    if (config->replaces && !ari_cert_id_valid(config->replaces)) {
        fail(c, "the certificate to replace is not named by an ARI CertID");
        return false;
    }
    return true;
}

bool acme_client_init(struct acme_client *c, const struct acme_config *config)
{
    if (!configure(c, config))
        return false;
    say(c, "acme: directory %s, %zu names, %s", config->directory_url, config->name_count,
        config->challenge == ACME_DNS01 ? "dns-01" : "http-01 (dns-01 for wildcards)");
    return true;
}

bool acme_client_init_check(struct acme_client *c, const struct acme_config *config, const char *cert_id)
{
    if (!configure(c, config))
        return false;
    c->check_only = true;
    c->ari.outcome = ACME_ARI_FAILED;       /* until a check says otherwise */
    if (!cert_id || !ari_cert_id_valid(cert_id)) {
        fail(c, "no ARI CertID to ask renewal information for");
        return false;
    }
    memcpy(c->cert_id, cert_id, strlen(cert_id) + 1);
    say(c, "acme: asking %s for renewal information on certificate %s", config->directory_url, cert_id);
    return true;
}

/* ---- requests ---- */

static void send_get(struct acme_action *a, const char *method, const char *url)
{
    a->kind = ACME_SEND;
    a->request = (struct acme_request){ .method = method, .url = url };
}

/* A POST of `payload` (NULL: POST-as-GET, an empty payload) to url, signed
 * with the account's URL as kid, or with the key itself before there is
 * an account. */
static bool send_post(struct acme_client *c, struct acme_action *a, const char *url, const char *payload)
{
    struct json_out out;
    json_out_init(&out, c->request, sizeof c->request);
    const char *kid = c->account_url[0] ? c->account_url : NULL;
    if (!jws_write(&out, c->config.account_key, kid, c->nonce, url, payload ? payload : "",
                   payload ? strlen(payload) : 0)) {
        fail(c, "%s: request too large", step_names[c->step]);
        return false;
    }
    c->request_len = out.len;
    a->kind = ACME_SEND;
    a->request = (struct acme_request){ .method = "POST", .url = url, .body = c->request,
                                        .body_len = c->request_len, .content_type = "application/jose+json" };
    /* A nonce is good for one request: the response brings the next. */
    c->nonce[0] = '\0';
    return true;
}

static bool account_payload(struct acme_client *c, char *buf, size_t cap)
{
    struct json_out o;
    json_out_init(&o, buf, cap);
    json_out_raw(&o, "{\"termsOfServiceAgreed\":true");
    if (c->config.contact) {
        json_out_raw(&o, ",\"contact\":[");
        json_out_string(&o, c->config.contact);
        json_out_raw(&o, "]");
    }
    json_out_raw(&o, "}");
    return !o.overflow;
}

static bool order_payload(struct acme_client *c, char *buf, size_t cap)
{
    struct json_out o;
    json_out_init(&o, buf, cap);
    json_out_raw(&o, "{\"identifiers\":[");
    for (size_t i = 0; i < c->config.name_count; i++) {
        json_out_raw(&o, i ? ",{\"type\":\"dns\",\"value\":" : "{\"type\":\"dns\",\"value\":");
        json_out_string(&o, c->config.names[i]);
        json_out_raw(&o, "}");
    }
    json_out_raw(&o, "]");
    /* RFC 9773 section 5: only to a CA that offers renewal information */
    c->order_names_replaced = c->config.replaces && c->renewal_info_url[0] && !c->replaces_refused;
    if (c->order_names_replaced) {
        json_out_raw(&o, ",\"replaces\":");
        json_out_string(&o, c->config.replaces);
    }
    json_out_raw(&o, "}");
    return !o.overflow;
}

static bool finalize_payload(struct acme_client *c, char *buf, size_t cap)
{
    uint8_t *der = c->csr;
    size_t n = csr_write(der, sizeof c->csr, c->config.certificate_key, c->config.names, c->config.name_count);
    if (n == 0)
        return false;
    struct json_out o;
    json_out_init(&o, buf, cap);
    json_out_raw(&o, "{\"csr\":");
    json_out_base64url(&o, der, n);
    json_out_raw(&o, "}");
    return !o.overflow;
}

/* The first authorisation from `from` on that is answered and not yet
 * valid; authorization_count if none is left. */
static size_t next_unvalidated(const struct acme_client *c, size_t from)
{
    size_t i = from;
    while (i < c->authorization_count && !(c->authorizations[i].answering && !c->authorizations[i].valid))
        i++;
    return i;
}

/* After an authorisation is fetched (and its response published): the
 * next one; once all are, the CA is told of every challenge, every
 * response being out by then. */
static void next_authorization(struct acme_client *c)
{
    if (++c->authorization_index < c->authorization_count) {
        go(c, ACME_STEP_AUTHORIZATION);
        return;
    }
    size_t answering = 0;
    for (size_t i = 0; i < c->authorization_count; i++)
        answering += c->authorizations[i].answering;
    if (answering == 0) {
        say(c, "acme: every authorization already valid");
        go(c, ACME_STEP_FINALIZE);
        return;
    }
    say(c, "acme: %zu challenge response%s published; telling the CA", answering, answering == 1 ? "" : "s");
    c->authorization_index = next_unvalidated(c, 0);
    go(c, ACME_STEP_CHALLENGE);
}

static void publication(struct acme_authorization *z, struct acme_action *a, enum acme_action_kind kind)
{
    a->kind = kind;
    a->publication = (struct acme_publication){
        .kind = z->kind,
        .domain = z->domain,
        .dns_name = z->kind == ACME_DNS01 ? z->dns_name : NULL,
        .token = z->token,
        .value = z->value,
    };
}

/* The next response to withdraw, if one is left; marked withdrawn as it
 * is handed out. */
static bool withdrawal(struct acme_client *c, struct acme_action *a)
{
    for (size_t i = 0; i < c->authorization_count; i++) {
        struct acme_authorization *z = &c->authorizations[i];
        if (z->published) {
            z->published = false;
            publication(z, a, ACME_UNPUBLISH);
            return true;
        }
    }
    return false;
}

void acme_client_next(struct acme_client *c, int64_t now, struct acme_action *a)
{
    memset(a, 0, sizeof *a);
    if (c->step == ACME_STEP_UNPUBLISH) {
        if (withdrawal(c, a))
            return;
        if (c->failed) {
            c->step = ACME_STEP_FAILED;     /* logged when it was decided */
        } else {
            say(c, "acme: challenge responses withdrawn; finalizing");
            go(c, ACME_STEP_FINALIZE);
        }
    }
    if (c->check_only && (c->step == ACME_STEP_DONE || c->step == ACME_STEP_FAILED)) {
        a->kind = ACME_CHECKED;
        return;
    }
    if (c->step == ACME_STEP_DONE) {
        a->kind = ACME_DONE;
        return;
    }
    if (c->step == ACME_STEP_FAILED) {
        a->kind = ACME_FAILED;
        return;
    }
    if (c->in_flight) {     /* asked again before the answer: the same request, nonce and all */
        *a = c->sent;
        return;
    }
    if (now < c->wait_until) {
        a->kind = ACME_WAIT;
        a->until = c->wait_until;
        return;
    }
    if (c->step == ACME_STEP_PUBLISH) {
        publication(&c->authorizations[c->authorization_index], a, ACME_PUBLISH);
        return;
    }
    c->in_flight = true;
    if (c->step == ACME_STEP_DIRECTORY || c->step == ACME_STEP_RENEWAL_INFO) {
        /* unauthenticated GETs (RFC 9773 section 4.1 for renewalInfo): no nonce */
        c->need_nonce = false;
        send_get(a, "GET", c->step == ACME_STEP_DIRECTORY ? c->config.directory_url : c->check_url);
        if (c->step == ACME_STEP_RENEWAL_INFO)
            a->request.accept = "application/json";
        c->sent = *a;
        return;
    }
    /* Every other step POSTs, and needs a fresh nonce for it. */
    if (!c->nonce[0]) {
        c->need_nonce = true;
        send_get(a, "HEAD", c->new_nonce_url);
        c->sent = *a;
        return;
    }
    c->need_nonce = false;
    char *payload = c->payload;
    size_t payload_cap = sizeof c->payload;
    switch (c->step) {
    case ACME_STEP_ACCOUNT:
        if (!account_payload(c, payload, payload_cap))
            fail(c, "newAccount: payload too large");
        else
            send_post(c, a, c->new_account_url, payload);
        break;
    case ACME_STEP_ORDER:
        if (!order_payload(c, payload, payload_cap))
            fail(c, "newOrder: payload too large");
        else
            send_post(c, a, c->new_order_url, payload);
        break;
    case ACME_STEP_AUTHORIZATION:
    case ACME_STEP_AUTHORIZATION_POLL:
        send_post(c, a, c->authorizations[c->authorization_index].url, NULL);
        break;
    case ACME_STEP_CHALLENGE:
        send_post(c, a, c->authorizations[c->authorization_index].challenge_url, "{}");
        break;
    case ACME_STEP_FINALIZE:
        if (!finalize_payload(c, payload, payload_cap))
            fail(c, "finalize: the CSR could not be built");
        else
            send_post(c, a, c->finalize_url, payload);
        break;
    case ACME_STEP_ORDER_POLL:
        send_post(c, a, c->order_url, NULL);
        break;
    case ACME_STEP_CERTIFICATE:
        if (send_post(c, a, c->certificate_url, NULL))
            a->request.accept = "application/pem-certificate-chain";
        break;
    default:
        fail(c, "internal: no request for step %d", (int)c->step);
        break;
    }
    if (c->failed) {     /* no request could be made: the withdrawals, then the failure */
        c->in_flight = false;
        acme_client_next(c, now, a);
        return;
    }
    c->sent = *a;
}

void acme_client_published(struct acme_client *c)
{
    if (c->step != ACME_STEP_PUBLISH)
        return;
    struct acme_authorization *z = &c->authorizations[c->authorization_index];
    z->published = true;     /* (the caller logs what it published) */
    next_authorization(c);
}

/* ---- responses ---- */

/* Seconds a Retry-After asks for (delta-seconds or an HTTP date), at
 * most `cap`, or -1. */
static int64_t retry_after_seconds(const char *value, int64_t now, int64_t cap)
{
    if (!value || !*value)
        return -1;
    int64_t v = 0;
    const char *p = value;
    while (*p >= '0' && *p <= '9' && v <= cap)
        v = v * 10 + (*p++ - '0');
    if (p != value && (*p == '\0' || v > cap))
        return v > cap ? cap : v;
    uint64_t when;
    if (http_date_parse(value, strlen(value), &when) != 0 || when > (uint64_t)INT64_MAX)
        return -1;
    int64_t delta = (int64_t)when - now;
    return delta < 0 ? 0 : delta > cap ? cap : delta;
}

/* Waits before polling again: what Retry-After says, else back-off. */
static bool poll_later(struct acme_client *c, int64_t now, const struct acme_response *r)
{
    if (++c->polls > ACME_MAX_POLLS) {
        fail(c, "%s: still not done after %d polls", step_names[c->step], ACME_MAX_POLLS);
        return false;
    }
    int64_t delay = retry_after_seconds(r->retry_after, now, ACME_MAX_WAIT);
    if (delay < 1)
        delay = acme_backoff(c->polls - 1, 1, 60);
    c->wait_until = now + delay;
    return true;
}

/* A failure worth trying again: no response, 5xx, or rateLimited. */
static void retry_later(struct acme_client *c, int64_t now, const struct acme_response *r, const char *why)
{
    if (++c->retries > ACME_MAX_RETRIES) {
        fail(c, "%s (gave up after %d attempts)", why, ACME_MAX_RETRIES + 1);     /* the first and its retries */
        return;
    }
    int64_t delay = acme_backoff(c->retries - 1, 2, 300);
    int64_t asked = retry_after_seconds(r->retry_after, now, ACME_MAX_WAIT);
    if (asked > delay)
        delay = asked;
    c->wait_until = now + delay;
    say(c, "acme: %s; retrying in %lld s", why, (long long)delay);
}

/* The body as a JSON object; when it is not one and `report`, fails the
 * run saying why. */
static bool parse_json(struct acme_client *c, const struct acme_response *r, struct json_doc *doc, bool report)
{
    struct json_error err = { "not an object", 0 };
    bool parsed = json_read(doc, r->body ? r->body : "", r->body ? r->body_len : 0, c->tokens,
                             sizeof c->tokens / sizeof c->tokens[0], &err);
    if (parsed && json_at(doc, 0)->type == JSON_OBJECT)
        return true;
    if (report)
        fail(c, "%s: malformed JSON from the CA (HTTP %d): %s at byte %zu", step_names[c->step], r->status,
             err.why, err.offset);
    return false;
}

/* A check with the directory read: renewalInfo/<CertID> next, or the
 * end if the CA offers none. */
static void check_renewal_info(struct acme_client *c)
{
    if (!c->renewal_info_url[0]) {
        c->ari.outcome = ACME_ARI_ABSENT;
        say(c, "acme: the CA offers no renewal information (RFC 9773)");
        go(c, ACME_STEP_DONE);
        return;
    }
    /* RFC 9773 section 4.1: renewalInfo "/" CertID (a URL ending in a
     * slash already has it) */
    size_t n = strlen(c->renewal_info_url);
    snprintf(c->check_url, sizeof c->check_url, "%s%s%s", c->renewal_info_url,
             c->renewal_info_url[n - 1] == '/' ? "" : "/", c->cert_id);
    go(c, ACME_STEP_RENEWAL_INFO);
}

static void on_renewal_info(struct acme_client *c, int64_t now, const struct acme_response *r)
{
    struct renewal_info info;
    char why[128];
    if (!renewal_info_parse(r->body, r->body_len, c->tokens, sizeof c->tokens / sizeof c->tokens[0], &info, why,
                            sizeof why)) {
        fail(c, "renewalInfo: malformed answer (HTTP %d): %s", r->status, why);
        return;
    }
    c->ari = (struct acme_ari_result){
        .outcome = ACME_ARI_WINDOW,
        .start = info.start,
        .end = info.end,
        .retry_after = retry_after_seconds(r->retry_after, now, ACME_ARI_CHECK_MAX),
    };
    say(c, "acme: renewal information: suggested window %lld to %lld%s%s", (long long)info.start, (long long)info.end,
        info.explanation_url[0] ? "; explanation: " : "", info.explanation_url);
    go(c, ACME_STEP_DONE);
}

static void on_directory(struct acme_client *c, const struct json_doc *doc)
{
    if (!json_url(doc, 0, "newNonce", c->new_nonce_url, sizeof c->new_nonce_url) ||
        !json_url(doc, 0, "newAccount", c->new_account_url, sizeof c->new_account_url) ||
        !json_url(doc, 0, "newOrder", c->new_order_url, sizeof c->new_order_url)) {
        fail(c, "directory: malformed, newNonce, newAccount or newOrder missing or not an https URL");
        return;
    }
    long meta = json_member_typed(doc, 0, "meta", JSON_OBJECT);
    if (meta >= 0) {
        long ext = json_member(doc, (size_t)meta, "externalAccountRequired");
        if (ext >= 0 && json_at(doc, (size_t)ext)->type == JSON_TRUE) {
            fail(c, "directory: the CA requires external account binding, which is not supported");
            return;
        }
    }
    c->renewal_info_url[0] = '\0';
    if (json_member(doc, 0, "renewalInfo") >= 0 &&
        !json_url(doc, 0, "renewalInfo", c->renewal_info_url, sizeof c->renewal_info_url))
        say(c, "acme: directory: renewalInfo is not an https URL; renewal information is not used");
    if (c->check_only) {
        check_renewal_info(c);
        return;
    }
    say(c, "acme: directory read%s", c->renewal_info_url[0] ? " (the CA offers renewal information)" : "");
    go(c, ACME_STEP_ACCOUNT);
}

static void on_account(struct acme_client *c, const struct acme_response *r, const struct json_doc *doc)
{
    if (!copy_header(c->account_url, sizeof c->account_url, r->location) ||
        strncmp(c->account_url, "https://", 8) != 0) {
        c->account_url[0] = '\0';
        fail(c, "newAccount: no account URL (Location) in the response");
        return;
    }
    if (!status_is(doc, 0, "valid")) {
        char s[32];
        status_text(doc, 0, s, sizeof s);
        c->account_url[0] = '\0';
        fail(c, "newAccount: account status is %s, not valid", s);
        return;
    }
    say(c, "acme: %s account %s", r->status == 201 ? "created" : "using the existing", c->account_url);
    go(c, ACME_STEP_ORDER);
}

/* An order object (newOrder, finalize and poll answers): its URLs, and the
 * step its status leads to. */
static void on_order(struct acme_client *c, int64_t now, const struct acme_response *r, const struct json_doc *doc)
{
    if (status_is(doc, 0, "invalid")) {
        char why[ACME_ERROR_MAX];
        long err = json_member_typed(doc, 0, "error", JSON_OBJECT);
        acme_problem_describe(doc, err, r->status, "order invalid", why, sizeof why);
        fail(c, "%s", why);
        return;
    }
    if (c->step == ACME_STEP_ORDER) {
        if (!copy_header(c->order_url, sizeof c->order_url, r->location) || strncmp(c->order_url, "https://", 8)) {
            fail(c, "newOrder: no order URL (Location) in the response");
            return;
        }
        long authzs = json_member_typed(doc, 0, "authorizations", JSON_ARRAY);
        size_t count = authzs >= 0 ? json_at(doc, (size_t)authzs)->count : 0;
        if (count == 0 || count > ACME_MAX_NAMES) {
            fail(c, "newOrder: malformed order, %zu authorizations", count);
            return;
        }
        for (size_t k = 0; k < count; k++) {
            long u = json_element(doc, (size_t)authzs, k);
            char url[ACME_URL_MAX];
            long n = json_at(doc, (size_t)u)->type == JSON_STRING ? json_string(doc, (size_t)u, url, sizeof url) : -1;
            c->authorizations[k] = (struct acme_authorization){ .answering = false };
            if (n <= 8 || strncmp(url, "https://", 8) != 0 ||
                !copy_field(c->authorizations[k].url, ACME_URL_MAX, url, (size_t)n)) {
                fail(c, "newOrder: malformed order, authorization %zu is not an https URL", k);
                return;
            }
        }
        c->authorization_count = count;
        if (!json_url(doc, 0, "finalize", c->finalize_url, sizeof c->finalize_url)) {
            fail(c, "newOrder: malformed order, no finalize URL");
            return;
        }
        say(c, "acme: order %s, %zu authorizations", c->order_url, count);
    }
    if (status_is(doc, 0, "valid")) {
        if (!json_url(doc, 0, "certificate", c->certificate_url, sizeof c->certificate_url)) {
            fail(c, "%s: order valid without a certificate URL", step_names[c->step]);
            return;
        }
        say(c, "acme: order valid; downloading the certificate");
        go(c, ACME_STEP_CERTIFICATE);
    } else if (c->step == ACME_STEP_ORDER && status_is(doc, 0, "pending")) {
        c->authorization_index = 0;
        go(c, ACME_STEP_AUTHORIZATION);
    } else if (c->step == ACME_STEP_ORDER && status_is(doc, 0, "ready")) {
        say(c, "acme: order ready (authorizations already valid)");
        go(c, ACME_STEP_FINALIZE);
    } else if (c->step != ACME_STEP_ORDER &&
               (status_is(doc, 0, "processing") || status_is(doc, 0, "ready") || status_is(doc, 0, "pending"))) {
        /* finalize was taken; the CA is issuing */
        if (c->step == ACME_STEP_FINALIZE) {
            say(c, "acme: finalize accepted; polling the order");
            go(c, ACME_STEP_ORDER_POLL);
        }
        poll_later(c, now, r);
    } else {
        char s[32];
        status_text(doc, 0, s, sizeof s);
        fail(c, "%s: unexpected order status %s", step_names[c->step], s);
    }
}

/* Is `domain` one of the configured names (or the base of a configured
 * wildcard, when `wildcard`)? A CA's word is not enough to publish. */
static bool configured(const struct acme_client *c, const char *domain, bool wildcard)
{
    for (size_t i = 0; i < c->config.name_count; i++) {
        const char *name = c->config.names[i];
        bool is_wildcard = name[0] == '*';
        if (is_wildcard == wildcard && strcmp(name + (is_wildcard ? 2 : 0), domain) == 0)
            return true;
    }
    return false;
}

/* The identifier an authorization is for, into z (domain "" if there is
 * none that is valid). */
static void read_identifier(const struct json_doc *doc, struct acme_authorization *z)
{
    long identifier = json_member_typed(doc, 0, "identifier", JSON_OBJECT);
    long value = identifier >= 0 ? json_member_typed(doc, (size_t)identifier, "value", JSON_STRING) : -1;
    long wildcard_flag = json_member(doc, 0, "wildcard");
    z->wildcard = wildcard_flag >= 0 && json_at(doc, (size_t)wildcard_flag)->type == JSON_TRUE;
    if (value < 0 || json_string(doc, (size_t)value, z->domain, sizeof z->domain) < 0 ||
        !dns_identifier_valid(z->domain) || z->domain[0] == '*')
        z->domain[0] = '\0';
}

/* The challenge of the kind wanted, from a pending authorization: sets up
 * its publication, or fails the run. */
static void choose_challenge(struct acme_client *c, struct acme_authorization *z, const struct json_doc *doc)
{
    if (!z->domain[0]) {
        fail(c, "authorization: malformed, no valid identifier");
        return;
    }
    const char *star = z->wildcard ? "*." : "";
    if (!configured(c, z->domain, z->wildcard)) {
        fail(c, "authorization: for %s%s, which was not asked for", star, z->domain);
        return;
    }
    z->kind = z->wildcard ? ACME_DNS01 : c->config.challenge;
    const char *type = z->kind == ACME_DNS01 ? "dns-01" : "http-01";
    long challenges = json_member_typed(doc, 0, "challenges", JSON_ARRAY);
    for (size_t k = 0; challenges >= 0 && k < json_at(doc, (size_t)challenges)->count; k++) {
        long ch = json_element(doc, (size_t)challenges, k);
        long t = json_member_typed(doc, (size_t)ch, "type", JSON_STRING);
        if (t < 0 || !json_string_equals(doc, (size_t)t, type))
            continue;
        long token = json_member_typed(doc, (size_t)ch, "token", JSON_STRING);
        uint8_t raw[ACME_TOKEN_MAX];
        long n = token >= 0 ? json_string(doc, (size_t)token, z->token, sizeof z->token) : -1;
        /* a token is base64url of at least 128 bits (RFC 8555 section 8.1):
         * nothing else may reach a file name or a DNS record */
        if (n < 22 || base64url_decode(z->token, (size_t)n, raw, sizeof raw) < 16) {
            fail(c, "authorization: %s challenge for %s%s has a malformed token", type, star, z->domain);
            return;
        }
        if (!json_url(doc, ch, "url", z->challenge_url, sizeof z->challenge_url)) {
            fail(c, "authorization: %s challenge for %s%s has no https URL", type, star, z->domain);
            return;
        }
        char key_auth[sizeof z->value];
        key_authorization(z->token, c->config.account_key, key_auth, sizeof key_auth);
        if (z->kind == ACME_DNS01) {
            dns01_txt_value(key_auth, z->value);
            /* (memcpy: GCC's -Wrestrict takes two fields of one struct for an overlap) */
            static const char label[] = "_acme-challenge.";
            memcpy(z->dns_name, label, sizeof label - 1);
            memcpy(z->dns_name + sizeof label - 1, z->domain, strlen(z->domain) + 1);
        } else {
            memcpy(z->value, key_auth, sizeof z->value);
        }
        z->answering = true;
        say(c, "acme: authorization for %s%s: answering %s", star, z->domain, type);
        go(c, ACME_STEP_PUBLISH);
        return;
    }
    fail(c, "authorization: the CA offers no %s challenge for %s%s", type, star, z->domain);
}

/* Why an authorization is invalid: its challenge's error, quoted. */
static void authorization_failed(struct acme_client *c, const struct acme_authorization *z,
                                 const struct json_doc *doc, int status)
{
    long challenges = json_member_typed(doc, 0, "challenges", JSON_ARRAY);
    long err = -1;
    for (size_t k = 0; challenges >= 0 && k < json_at(doc, (size_t)challenges)->count && err < 0; k++)
        err = json_member_typed(doc, (size_t)json_element(doc, (size_t)challenges, k), "error", JSON_OBJECT);
    char what[320], why[ACME_ERROR_MAX];
    snprintf(what, sizeof what, "authorization for %s%s invalid", z->wildcard ? "*." : "",
             z->domain[0] ? z->domain : "?");
    acme_problem_describe(doc, err, status, what, why, sizeof why);
    fail(c, "%s", why);
}

static void on_authorization(struct acme_client *c, int64_t now, const struct acme_response *r,
                             const struct json_doc *doc)
{
    struct acme_authorization *z = &c->authorizations[c->authorization_index];
    bool fetch = c->step == ACME_STEP_AUTHORIZATION;
    if (fetch)
        read_identifier(doc, z);
    if (status_is(doc, 0, "valid")) {
        z->valid = true;
        if (fetch) {
            say(c, "acme: authorization for %s%s already valid", z->wildcard ? "*." : "",
                z->domain[0] ? z->domain : z->url);
            next_authorization(c);
            return;
        }
        say(c, "acme: authorization for %s%s valid", z->wildcard ? "*." : "", z->domain);
        size_t next = next_unvalidated(c, 0);
        if (next < c->authorization_count) {
            /* the CA checks the challenges together: the next is polled
             * at once, it is likely done too */
            c->authorization_index = next;
            go(c, ACME_STEP_AUTHORIZATION_POLL);
        } else {
            say(c, "acme: every authorization valid; withdrawing the challenge responses");
            go(c, ACME_STEP_UNPUBLISH);
        }
        return;
    }
    if (status_is(doc, 0, "pending") && fetch) {
        choose_challenge(c, z, doc);
        return;
    }
    if (status_is(doc, 0, "pending")) {     /* the CA has not looked yet */
        poll_later(c, now, r);
        return;
    }
    if (status_is(doc, 0, "invalid")) {
        authorization_failed(c, z, doc, r->status);
        return;
    }
    char s[32];
    status_text(doc, 0, s, sizeof s);
    fail(c, "authorization: status %s", s);
}

/* The CA took a challenge: the next one, or, all told, the polls. */
static void on_challenge(struct acme_client *c, int64_t now, const struct acme_response *r)
{
    size_t next = next_unvalidated(c, c->authorization_index + 1);
    if (next < c->authorization_count) {
        c->authorization_index = next;
        go(c, ACME_STEP_CHALLENGE);
        return;
    }
    /* the CA has the go-ahead; its verdicts come with the authorizations */
    c->authorization_index = next_unvalidated(c, 0);
    go(c, ACME_STEP_AUTHORIZATION_POLL);
    poll_later(c, now, r);
}

static void on_certificate(struct acme_client *c, const struct acme_response *r)
{
    if (!r->body || r->body_len == 0 || r->body_len >= sizeof c->chain) {
        fail(c, "certificate: chain empty or larger than %d bytes", ACME_CHAIN_MAX);
        return;
    }
    memcpy(c->chain, r->body, r->body_len);
    c->chain[r->body_len] = '\0';
    c->chain_len = r->body_len;
    if (!cert_validity_pem(c->chain, c->chain_len, &c->not_before, &c->not_after)) {
        fail(c, "certificate: the chain's first certificate cannot be read");
        return;
    }
    c->cert_id[0] = '\0';
    if (c->renewal_info_url[0] && !ari_cert_id_pem(c->chain, c->chain_len, c->cert_id, sizeof c->cert_id)) {
        c->cert_id[0] = '\0';
        say(c, "acme: the certificate has no Authority Key Identifier: no renewal information can be asked for it");
    }
    say(c, "acme: certificate issued, valid %lld to %lld; renewal at %lld%s", (long long)c->not_before,
        (long long)c->not_after, (long long)acme_client_renew_at(c),
        c->cert_id[0] ? " unless the CA's renewal information says otherwise" : "");
    go(c, ACME_STEP_DONE);
}

void acme_client_response(struct acme_client *c, int64_t now, const struct acme_response *r)
{
    if (!c->in_flight || c->step == ACME_STEP_FAILED || c->step == ACME_STEP_DONE)
        return;
    c->in_flight = false;
    if (r->replay_nonce && !copy_header(c->nonce, sizeof c->nonce, r->replay_nonce))
        c->nonce[0] = '\0';
    const char *what = c->need_nonce ? "newNonce" : step_names[c->step];

    if (r->status == 0) {
        retry_later(c, now, r, c->need_nonce ? "newNonce: no response" : "no response from the CA");
        return;
    }
    if (c->need_nonce) {
        if (r->status >= 500)
            retry_later(c, now, r, "newNonce: server error");
        else if (!c->nonce[0])
            fail(c, "newNonce: HTTP %d without a usable Replay-Nonce", r->status);
        return;     /* with the nonce, next() sends the step's request */
    }

    struct json_doc doc;
    bool is_json = parse_json(c, r, &doc, false);   /* the chain is not JSON, but a problem about it is */
    if (r->status >= 400) {
        if (is_json && r->status == 400 && acme_problem_is(&doc, 0, "badNonce")) {
            if (++c->bad_nonces > ACME_MAX_BAD_NONCES) {
                fail(c, "%s: %d badNonce rejections in a row", what, ACME_MAX_BAD_NONCES);
                return;
            }
            say(c, "acme: %s: badNonce; retrying with the new nonce", what);
            return;
        }
        char line[ACME_ERROR_MAX];
        acme_problem_describe(is_json ? &doc : NULL, is_json ? 0 : -1, r->status, what, line, sizeof line);
        bool rate_limited = is_json && acme_problem_is(&doc, 0, "rateLimited");
        if (c->step == ACME_STEP_ORDER && c->order_names_replaced && !rate_limited) {
            /* "replaces" is a courtesy (RFC 9773 section 5: SHOULD): a CA
             * that refuses it (alreadyReplaced, a certificate of another
             * account, or a server error over one it does not know) must
             * not stop the renewal itself */
            char why[ACME_ERROR_MAX + 48];
            snprintf(why, sizeof why, "%s; ordering again without \"replaces\"", line);
            c->replaces_refused = true;
            if (r->status >= 500)
                retry_later(c, now, r, why);
            else
                say(c, "acme: %s", why);
            return;
        }
        if (r->status >= 500 || rate_limited)
            retry_later(c, now, r, line);
        else
            fail(c, "%s", line);
        return;
    }
    c->bad_nonces = 0;
    if (r->status < 200 || r->status > 299) {
        fail(c, "%s: unexpected HTTP %d", what, r->status);
        return;
    }
    if (c->step == ACME_STEP_CERTIFICATE) {
        on_certificate(c, r);
        return;
    }
    if (c->step == ACME_STEP_RENEWAL_INFO) {
        on_renewal_info(c, now, r);
        return;
    }
    if (!is_json) {
        parse_json(c, r, &doc, true);
        return;
    }
    switch (c->step) {
    case ACME_STEP_DIRECTORY:
        on_directory(c, &doc);
        break;
    case ACME_STEP_ACCOUNT:
        on_account(c, r, &doc);
        break;
    case ACME_STEP_ORDER:
    case ACME_STEP_FINALIZE:
    case ACME_STEP_ORDER_POLL:
        on_order(c, now, r, &doc);
        break;
    case ACME_STEP_AUTHORIZATION:
    case ACME_STEP_AUTHORIZATION_POLL:
        on_authorization(c, now, r, &doc);
        break;
    case ACME_STEP_CHALLENGE:
        on_challenge(c, now, r);
        break;
    default:
        break;
    }
}

const char *acme_client_chain(const struct acme_client *c, size_t *len)
{
    bool done = c->step == ACME_STEP_DONE && !c->check_only;
    *len = done ? c->chain_len : 0;
    return done ? c->chain : NULL;
}

void acme_client_validity(const struct acme_client *c, int64_t *not_before, int64_t *not_after)
{
    *not_before = c->not_before;
    *not_after = c->not_after;
}

int64_t acme_client_renew_at(const struct acme_client *c)
{
    return acme_renewal_time(c->not_before, c->not_after);
}

const char *acme_client_cert_id(const struct acme_client *c)
{
    return c->step == ACME_STEP_DONE && !c->check_only ? c->cert_id : "";
}

void acme_client_renewal_info(const struct acme_client *c, struct acme_ari_result *result)
{
    *result = c->ari;
}

const char *acme_client_error(const struct acme_client *c)
{
    return c->error;
}
