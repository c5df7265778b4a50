/* HTTP/1.1 requests to an ACME server and their responses (http_exchange.h). */
#include "acme/http_exchange.h"

#include <stdio.h>
#include <string.h>

bool http_url_split(const char *url, struct http_url *out)
{
    if (strncmp(url, "https://", 8) != 0)
        return false;
    const char *host = url + 8;
    size_t n = strcspn(host, ":/?#@[");
    if (n == 0 || n >= sizeof out->host || host[n] == '@' || host[n] == '[' || host[n] == '?' || host[n] == '#')
        return false;
    memcpy(out->host, host, n);
    out->host[n] = '\0';
    const char *p = host + n;
    out->port = 443;
    if (*p == ':') {
        unsigned port = 0;
        size_t digits = 0;
        for (p++; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
            port = port * 10 + (unsigned)(*p - '0');
        if (digits == 0 || port == 0 || port > 65535)
            return false;
        out->port = port;
    }
    if (*p != '\0' && *p != '/')
        return false;
    out->path = *p ? p : "/";
    return true;
}

size_t http_request_head(const struct acme_request *req, char *out, size_t cap)
{
    struct http_url u;
    if (!http_url_split(req->url, &u))
        return 0;
    char host[sizeof u.host + 8];
    if (u.port == 443)
        snprintf(host, sizeof host, "%s", u.host);
    else
        snprintf(host, sizeof host, "%s:%u", u.host, u.port);
    int n = snprintf(out, cap,
                     "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: unihost-acme\r\nConnection: close\r\n"
                     "%s%s%s%s%s%sContent-Length: %zu\r\n\r\n",
                     req->method, u.path, host, req->content_type ? "Content-Type: " : "",
                     req->content_type ? req->content_type : "", req->content_type ? "\r\n" : "",
                     req->accept ? "Accept: " : "", req->accept ? req->accept : "", req->accept ? "\r\n" : "",
                     req->body ? req->body_len : 0);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* ---- llhttp's callbacks ---- */

static struct http_exchange *of(llhttp_t *p)
{
    return p->data;
}

static int fail(struct http_exchange *x, const char *why)
{
    x->error = why;
    return -1;
}

static int on_header_field(llhttp_t *p, const char *at, size_t len)
{
    struct http_exchange *x = of(p);
    if (x->value) {     /* a new field: the previous value is done */
        x->value = NULL;
        x->field_len = 0;
    }
    for (size_t i = 0; i < len; i++) {
        char c = at[i];
        if (x->field_len + 1 < sizeof x->field)
            x->field[x->field_len] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        x->field_len++;     /* longer names than we keep match none of ours */
    }
    return 0;
}

static int on_header_value(llhttp_t *p, const char *at, size_t len)
{
    struct http_exchange *x = of(p);
    if (!x->value) {
        size_t n = x->field_len < sizeof x->field ? x->field_len : 0;
        x->field[n < sizeof x->field ? n : 0] = '\0';
        x->value_len = 0;
        x->value_cap = 0;
        if (strcmp(x->field, "replay-nonce") == 0)
            x->value = x->nonce, x->value_cap = sizeof x->nonce;
        else if (strcmp(x->field, "location") == 0)
            x->value = x->location, x->value_cap = sizeof x->location;
        else if (strcmp(x->field, "retry-after") == 0)
            x->value = x->retry_after, x->value_cap = sizeof x->retry_after;
        else
            x->value = x->field;    /* a header we do not keep: marks "in a value" */
    }
    if (x->value_cap == 0)
        return 0;
    if (x->value_len + len >= x->value_cap)
        return fail(x, "a header value is too long");
    memcpy(x->value + x->value_len, at, len);
    x->value_len += len;
    x->value[x->value_len] = '\0';
    return 0;
}

static int on_headers_complete(llhttp_t *p)
{
    struct http_exchange *x = of(p);
    x->value = NULL;
    /* llhttp takes a status of fewer than three digits ("00"); RFC 9110
     * section 15 has three, 1xx to 5xx */
    if (p->status_code < 100 || p->status_code > 599)
        return fail(x, "invalid status code");
    return x->head_request ? 1 : 0;     /* 1: no body follows */
}

static int on_body(llhttp_t *p, const char *at, size_t len)
{
    struct http_exchange *x = of(p);
    if (x->body_cap - x->body_len <= len)
        return fail(x, "the body is too large");
    memcpy(x->body + x->body_len, at, len);
    x->body_len += len;
    x->body[x->body_len] = '\0';
    return 0;
}

static int on_message_complete(llhttp_t *p)
{
    of(p)->complete = true;
    return HPE_PAUSED;      /* one response: whatever follows is not ours */
}

void http_exchange_init(struct http_exchange *x, const struct acme_request *req, char *body, size_t body_cap)
{
    memset(x, 0, sizeof *x);
    llhttp_settings_init(&x->settings);
    x->settings.on_header_field = on_header_field;
    x->settings.on_header_value = on_header_value;
    x->settings.on_headers_complete = on_headers_complete;
    x->settings.on_body = on_body;
    x->settings.on_message_complete = on_message_complete;
    llhttp_init(&x->parser, HTTP_RESPONSE, &x->settings);
    x->parser.data = x;
    x->head_request = strcmp(req->method, "HEAD") == 0;
    x->body = body;
    x->body_cap = body_cap;
    if (body_cap)
        body[0] = '\0';
}

int http_exchange_feed(struct http_exchange *x, const char *data, size_t len)
{
    if (x->complete)
        return 1;
    if (x->error)
        return -1;
    llhttp_errno_t e = llhttp_execute(&x->parser, data, len);
    if (x->complete)
        return 1;
    if (e != HPE_OK) {
        if (!x->error)
            x->error = llhttp_get_error_reason(&x->parser);
        return -1;
    }
    return 0;
}

int http_exchange_eof(struct http_exchange *x)
{
    if (x->complete)
        return 1;
    if (!x->error)
        (void)llhttp_finish(&x->parser);   /* HPE_PAUSED when our callback completed it */
    if (x->complete)
        return 1;
    if (!x->error)
        x->error = "the connection closed before the response ended";
    return -1;
}

void http_exchange_response(const struct http_exchange *x, struct acme_response *out)
{
    *out = (struct acme_response){
        .status = x->complete ? x->parser.status_code : 0,
        .replay_nonce = x->nonce[0] ? x->nonce : NULL,
        .location = x->location[0] ? x->location : NULL,
        .retry_after = x->retry_after[0] ? x->retry_after : NULL,
        .body = x->body,
        .body_len = x->body_len,
    };
}
