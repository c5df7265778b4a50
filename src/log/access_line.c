/* The access log's line: see access_line.h. */
#include "log/access_line.h"

#include "log/log_escape.h"

void access_line_format(struct log_line *l, const struct access_context *ctx, const struct http_access *a)
{
    log_line_start(l);
    log_line_puts(l, "access:");
    log_line_time(l, "time", ctx->wall_ns);
    log_line_puts(l, " client=");
    log_line_put(l, ctx->client, ctx->client_len);
    log_line_puts(l, " port=");
    log_line_putu(l, ctx->port);
    log_line_puts(l, " tls=");
    log_line_puts(l, ctx->tls ? ctx->tls : "-");
    log_line_quoted(l, "sni", ctx->sni, ctx->sni_len, false, ACCESS_SNI_MAX);
    /* A method is a token, unquoted; a client's unknown one is escaped
     * all the same (the redirect keeps whatever came). */
    log_line_puts(l, " method=");
    if (a->method && a->method_len) {
        char m[ACCESS_METHOD_MAX];
        log_line_put(l, m, log_escape(m, sizeof m, a->method, a->method_len, false));
    } else {
        log_line_puts(l, "-");
    }
    log_line_quoted(l, "path", a->target_len || a->target_cut ? a->target : NULL, a->target_len, a->target_cut,
                    ACCESS_PATH_MAX);
    log_line_puts(l, " status=");
    log_line_putu(l, (uint64_t)(a->status > 0 ? a->status : 0));
    log_line_puts(l, " bytes=");
    log_line_putu(l, a->bytes);
    log_line_puts(l, " duration_us=");
    log_line_putu(l, ctx->duration_us);
    log_line_quoted(l, "ua", a->user_agent, a->user_agent_len, a->user_agent_cut, ACCESS_UA_MAX);
    log_line_puts(l, a->complete ? " complete=yes" : " complete=no");
}
