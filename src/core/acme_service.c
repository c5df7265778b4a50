/* ACME over lwIP: see acme_service.h. */
#include "core/acme_service.h"

#include <stdio.h>
#include <string.h>

#include "acme/acme_schedule.h"
#include "acme/ari_cert_id.h"
#include "acme/ca_roots.h"
#include "acme/http_exchange.h"
#include "acme/https_conn.h"
#include "acme/jwk.h"
#include "acme/key_pem.h"
#include "core/http_service.h"
#include "core/log.h"
#include "core/platform.h"
#include "crypto/secret_bytes.h"
#include "dns/dns_lookup.h"
#include "http/tls_server.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "wire/dns_wire.h"

/* A lookup is sent three times, a second apart; a request (connect,
 * handshake, response) has 30 s. */
#define LOOKUP_SENDS 3
#define LOOKUP_WAIT_MS 1000u
#define REQUEST_TIMEOUT_MS 30000u
#define BODY_MAX 65536
/* How often an issued certificate that HTTPS could not take yet (the
 * standby TLS server still serving old connections) is offered again. */
#define INSTALL_RETRY_MS 1000u

static struct acme_service_options options;
static struct acme_client client;
static struct p256_key account_key, certificate_key;
static struct ca_roots roots;
static struct dns_challenges dns_table;
static struct http_challenges http_table;
/* A run has every authorization's response out at once (acme_client.h). */
_Static_assert(DNS_CHALLENGE_CAPACITY >= ACME_MAX_NAMES && HTTP_CHALLENGE_CAPACITY >= ACME_MAX_NAMES,
               "the challenge tables hold a response for each of ACME_MAX_NAMES authorizations");
static struct acme_renewal_state renewal;

/* The request under way. */
static struct {
    bool active;
    struct acme_request request;
    struct http_url url;
    struct https_conn conn;
    char body[BODY_MAX];
    struct tcp_pcb *pcb;
    struct udp_pcb *lookup_pcb;
    struct dns_lookup lookup;
    unsigned lookup_sends;
    ip_addr_t address;
    bool connected;             /* the TCP handshake completed */
} req;

/* Two sets of credentials: the one HTTPS serves and the one being made. */
static struct tls_credentials credentials[2];
static char chain_pem[2][ACME_CHAIN_MAX + 1];
static char key_pem[2][512];
static unsigned next_credentials;

static void step(void *arg);
static void finish_request(bool ok);
static void send_lookup(void *arg);
/* Set when close_pcbs() had to abort the connection: a callback of that
 * connection must then return ERR_ABRT (lwIP has freed it). */
static struct tcp_pcb *aborted_pcb;

static int64_t now_s(void)
{
    return (int64_t)(plat_wallclock_ns() / 1000000000u);
}

static void log_client(void *ctx, const char *line)
{
    (void)ctx;
    log_line("%s", line);       /* the client's lines begin "acme: " */
}

const struct dns_challenges *acme_service_dns_challenges(void)
{
    return &dns_table;
}

const struct http_challenges *acme_service_http_challenges(void)
{
    return &http_table;
}

/* ---- a new run ------------------------------------------------------------- */

static bool new_key(struct p256_key *key)
{
    uint8_t secret[32];
    for (int tries = 0; tries < 8; tries++) {
        plat_random(secret, sizeof secret);
        if (p256_key_init(key, secret)) {
            secret_wipe(secret, sizeof secret);
            return true;
        }
    }
    secret_wipe(secret, sizeof secret);
    return false;
}

/* A run's configuration, or a check's; a run renewing a certificate
 * names it (RFC 9773's "replaces"). */
static struct acme_config client_config(void)
{
    return (struct acme_config){
        .directory_url = options.directory_url,
        .contact = options.contact,
        .names = options.names,
        .name_count = options.name_count,
        .challenge = options.challenge,
        .account_key = &account_key,
        .certificate_key = &certificate_key,
        .replaces = renewal.have_certificate && renewal.cert_id[0] ? renewal.cert_id : NULL,
        .log = log_client,
    };
}

static void start_run(void *arg)
{
    (void)arg;
    /* A fresh key for each certificate; the account key stays. */
    if (!new_key(&certificate_key)) {
        log_line("acme: no certificate key could be made; HTTPS keeps what it has");
        return;
    }
    struct acme_config config = client_config();
    if (!acme_client_init(&client, &config)) {
        log_line("acme: %s", acme_client_error(&client));
        return;
    }
    log_line("acme: run begins: %zu name%s, %s, directory %s", options.name_count, options.name_count == 1 ? "" : "s",
             options.challenge == ACME_DNS01 ? "DNS-01" : "HTTP-01", options.directory_url);
    step(NULL);
}

/* lwIP's timers take at most a quarter of 2^32 ms: a run weeks away is
 * waited for a day at a time. */
#define LONGEST_TIMER_MS (24u * 3600u * 1000u)

static void schedule_run(void);

/* A check of the CA's renewal information on the certificate in use. */
static void start_check(void)
{
    struct acme_config config = client_config();
    if (!acme_client_init_check(&client, &config, renewal.cert_id)) {
        renewal.next_check = 0;     /* (logged) nothing to ask with */
        schedule_run();
        return;
    }
    step(NULL);
}

static void run_if_due(void *arg)
{
    (void)arg;
    int64_t now = now_s();
    if (acme_next_run(&renewal, now) <= now)
        start_run(NULL);
    else if (acme_next_check(&renewal) <= now)
        start_check();
    else
        schedule_run();
}

static void schedule_run(void)
{
    int64_t now = now_s(), run = acme_next_run(&renewal, now), check = acme_next_check(&renewal);
    log_line("acme: next run in %lld s", (long long)(run > now ? run - now : 0));
    if (check != INT64_MAX)
        log_line("acme: renewal information asked for again in %lld s", (long long)(check > now ? check - now : 0));
    int64_t at = check < run ? check : run;
    uint64_t wait_ms = at > now ? (uint64_t)(at - now) * 1000u : 0;
    sys_untimeout(run_if_due, NULL);
    sys_timeout((u32_t)(wait_ms < LONGEST_TIMER_MS ? wait_ms : LONGEST_TIMER_MS), run_if_due, NULL);
}

/* ---- challenges --------------------------------------------------------------- */

static void publish(const struct acme_publication *p, bool add)
{
    if (p->kind == ACME_DNS01) {
        enum dns_challenge_result r =
            add ? dns_challenges_add(&dns_table, p->dns_name, (const uint8_t *)p->value, strlen(p->value))
                : dns_challenges_remove(&dns_table, p->dns_name, (const uint8_t *)p->value, strlen(p->value));
        log_line("acme: DNS-01 TXT at %s %s%s", p->dns_name, add ? "published" : "withdrawn",
                 r == DNS_CHALLENGE_OK ? "" : " (refused by the table)");
    } else {
        enum http_challenge_result r =
            add ? http_challenges_add(&http_table, p->token, strlen(p->token), p->value, strlen(p->value))
                : http_challenges_remove(&http_table, p->token, strlen(p->token));
        log_line("acme: HTTP-01 token for %s %s%s", p->domain, add ? "published" : "withdrawn",
                 r == HTTP_CHALLENGE_OK ? "" : " (refused by the table)");
    }
}

/* ---- the certificate -------------------------------------------------------------- */

static void install(void *arg)
{
    (void)arg;
    struct tls_credentials *c = &credentials[next_credentials];
    if (http_service_use_credentials(c) != 0) {
        sys_timeout(INSTALL_RETRY_MS, install, NULL);   /* the standby server still has connections */
        return;
    }
    next_credentials ^= 1u;
    log_line("acme: HTTPS now uses the new certificate for new connections");
}

static void keep_certificate(const char *chain, size_t chain_len, const char *key, size_t key_len);

static void issued(void *arg)
{
    (void)arg;
    /* A certificate still waiting for HTTPS to take it is superseded by
     * this one, in the same set: one wait at a time (lwipopts.h counts
     * the ACME service's timers). */
    sys_untimeout(issued, NULL);
    sys_untimeout(install, NULL);
    size_t len;
    const char *chain = acme_client_chain(&client, &len);
    unsigned i = next_credentials;
    /* The set two certificates back may still be in a handshake begun
     * on it: it is rewritten only once no connection holds it. */
    if (http_service_holds(&credentials[i])) {
        sys_timeout(INSTALL_RETRY_MS, issued, NULL);
        return;
    }
    memcpy(chain_pem[i], chain, len);
    chain_pem[i][len] = '\0';
    size_t key_len = p256_key_pem_write(&certificate_key, key_pem[i], sizeof key_pem[i]);
    char err[256];
    if (key_len == 0 || tls_credentials_load(&credentials[i], chain_pem[i], len, "the CA's chain", key_pem[i],
                                             key_len, "the certificate key", err, sizeof err) != 0) {
        log_line("acme: the issued certificate cannot be used: %s; HTTPS keeps what it has", key_len ? err : "key");
        acme_run_failed(&renewal, now_s());
        schedule_run();
        return;
    }
    int64_t not_before, not_after;
    acme_client_validity(&client, &not_before, &not_after);     /* (the client logged them) */
    acme_renewal_issued(&renewal, not_before, not_after, acme_client_cert_id(&client), now_s());
    keep_certificate(chain_pem[i], len, key_pem[i], key_len);
    install(NULL);
    schedule_run();
}

/* What a check of renewal information found: the renewal time it sets. */
static void checked(void)
{
    struct acme_ari_result result;
    uint64_t random;
    acme_client_renewal_info(&client, &result);
    plat_random(&random, sizeof random);
    acme_renewal_checked(&renewal, &result, now_s(), random);
    log_line("acme: renewal at %lld: %s", (long long)acme_renewal_due(&renewal), acme_renewal_due_why(&renewal));
    schedule_run();
}

/* ---- one request: lookup, connection, exchange ------------------------------------ */

static void request_timeout(void *arg)
{
    (void)arg;
    log_line("acme: %s: no answer within %u s", req.request.url, REQUEST_TIMEOUT_MS / 1000u);
    finish_request(false);
}

static void close_pcbs(void)
{
    if (req.lookup_pcb) {
        udp_remove(req.lookup_pcb);
        req.lookup_pcb = NULL;
    }
    if (req.pcb) {
        tcp_arg(req.pcb, NULL);
        tcp_recv(req.pcb, NULL);
        tcp_sent(req.pcb, NULL);
        tcp_err(req.pcb, NULL);
        if (tcp_close(req.pcb) != ERR_OK) {
            aborted_pcb = req.pcb;
            tcp_abort(req.pcb);
        }
        req.pcb = NULL;
    }
}

/* Ends the request: the response (or none) to the client, then its next step. */
static void finish_request(bool ok)
{
    if (!req.active)
        return;
    req.active = false;
    sys_untimeout(request_timeout, NULL);
    sys_untimeout(send_lookup, NULL);
    sys_untimeout(step, NULL);
    close_pcbs();
    struct acme_response response = {0};
    if (ok)
        https_conn_response(&req.conn, &response);
    acme_client_response(&client, now_s(), &response);
    sys_timeout(0, step, NULL);     /* outside lwIP's callbacks */
}

/* Sends what the TLS engine has, as far as the TCP send buffer takes. */
static void pump_out(void)
{
    size_t len;
    const uint8_t *out;
    while (req.pcb && (out = https_conn_output(&req.conn, &len)) != NULL) {
        size_t room = tcp_sndbuf(req.pcb);
        size_t n = len < room ? len : room;
        if (n == 0 || tcp_write(req.pcb, out, (u16_t)(n > 0xffff ? 0xffff : n), TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        https_conn_output_sent(&req.conn, n > 0xffff ? 0xffff : n);
    }
    if (req.pcb)
        tcp_output(req.pcb);
    int result = https_conn_result(&req.conn);
    if (result != 0) {
        if (result < 0)
            log_line("acme: %s: %s", req.request.url, https_conn_error(&req.conn));
        finish_request(result > 0);
    }
}

static err_t tcp_received(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (!req.active || pcb != req.pcb) {
        if (p) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    aborted_pcb = NULL;
    if (!p) {
        https_conn_peer_closed(&req.conn);
        pump_out();
        return aborted_pcb == pcb ? ERR_ABRT : ERR_OK;
    }
    u16_t total = p->tot_len;
    for (struct pbuf *q = p; q && req.active; q = q->next) {
        size_t at = 0;
        while (at < q->len && req.active) {
            size_t took = https_conn_received(&req.conn, (const uint8_t *)q->payload + at, q->len - at);
            at += took;
            pump_out();
            if (took == 0)
                break;          /* the engine takes nothing more: the exchange ends on its own */
        }
    }
    pbuf_free(p);
    if (aborted_pcb == pcb)
        return ERR_ABRT;
    if (req.pcb == pcb)
        tcp_recved(pcb, total);     /* (a closed connection reads no more) */
    return ERR_OK;
}

static err_t tcp_sent_some(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)arg;
    (void)len;
    aborted_pcb = NULL;
    if (req.active && pcb == req.pcb)
        pump_out();
    return aborted_pcb == pcb ? ERR_ABRT : ERR_OK;
}

static void tcp_failed(void *arg, err_t err)
{
    (void)arg;
    req.pcb = NULL;     /* lwIP has freed it */
    if (!req.active)
        return;
    /* What the operator can act on: a refusal means nothing listens at
     * that address and port (the CA is down, or the lookup found the
     * wrong host); silence means the host or the path to it is down. */
    char where[IPADDR_STRLEN_MAX + 16];
    char addr[IPADDR_STRLEN_MAX];
    ipaddr_ntoa_r(&req.address, addr, sizeof addr);
    snprintf(where, sizeof where, "%s port %u", addr, req.url.port);
    if (err == ERR_RST && !req.connected)
        log_line("acme: %s: connection refused by %s", req.request.url, where);
    else if (err == ERR_RST)
        log_line("acme: %s: the connection to %s was reset", req.request.url, where);
    else if (err == ERR_ABRT && !req.connected)
        log_line("acme: %s: no answer from %s to the connection attempt", req.request.url, where);
    else
        log_line("acme: %s: the connection to %s failed (lwIP error %d)", req.request.url, where, (int)err);
    finish_request(false);
}

static err_t tcp_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !req.active || pcb != req.pcb)
        return ERR_OK;
    req.connected = true;
    aborted_pcb = NULL;
    uint8_t seed[32];
    plat_random(seed, sizeof seed);
    bool started = https_conn_start(&req.conn, &roots, req.url.host, now_s(), seed, sizeof seed, &req.request,
                                    req.body, sizeof req.body);
    secret_wipe(seed, sizeof seed);
    if (!started) {
        log_line("acme: %s: %s", req.request.url, https_conn_error(&req.conn));
        finish_request(false);
        return aborted_pcb == pcb ? ERR_ABRT : ERR_OK;
    }
    pump_out();
    return aborted_pcb == pcb ? ERR_ABRT : ERR_OK;
}

static void connect_to_host(void)
{
    req.pcb = tcp_new_ip_type(IP_GET_TYPE(&req.address));
    if (!req.pcb) {
        log_line("acme: %s: no TCP connection could be made (lwIP's pools)", req.request.url);
        finish_request(false);
        return;
    }
    tcp_arg(req.pcb, NULL);
    tcp_recv(req.pcb, tcp_received);
    tcp_sent(req.pcb, tcp_sent_some);
    tcp_err(req.pcb, tcp_failed);
    if (tcp_connect(req.pcb, &req.address, (u16_t)req.url.port, tcp_connected) != ERR_OK) {
        tcp_abort(req.pcb);
        req.pcb = NULL;
        log_line("acme: %s: cannot connect", req.request.url);
        finish_request(false);
    }
}

static void send_lookup(void *arg)
{
    (void)arg;
    if (!req.active || !req.lookup_pcb)
        return;
    if (req.lookup_sends == LOOKUP_SENDS) {
        log_line("acme: %s: the resolver did not answer for %s", req.request.url, req.url.host);
        finish_request(false);
        return;
    }
    uint16_t id;
    plat_random(&id, sizeof id);
    uint8_t query[DNS_LOOKUP_QUERY_MAX];
    size_t len = dns_lookup_query(&req.lookup, req.url.host, IP_IS_V6(&options.resolver) ? DNS_TYPE_AAAA : DNS_TYPE_A,
                                  id, query);
    struct pbuf *p = len ? pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM) : NULL;
    if (p) {
        memcpy(p->payload, query, len);
        udp_sendto(req.lookup_pcb, p, &options.resolver, options.resolver_port);
        pbuf_free(p);
    }
    req.lookup_sends++;
    sys_timeout(LOOKUP_WAIT_MS, send_lookup, NULL);
}

static void lookup_answered(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from, u16_t port)
{
    (void)arg;
    (void)pcb;
    uint8_t msg[1232];
    size_t len = pbuf_copy_partial(p, msg, sizeof msg, 0);
    pbuf_free(p);
    if (!req.active || !ip_addr_cmp(from, &options.resolver) || port != options.resolver_port)
        return;
    uint8_t addrs[4][16];
    uint32_t ttl;
    char why[96];
    int n = dns_lookup_answer(&req.lookup, msg, len, addrs, 4, &ttl, why, sizeof why);
    if (n == DNS_LOOKUP_NOT_OURS)
        return;
    sys_untimeout(send_lookup, NULL);
    udp_remove(req.lookup_pcb);
    req.lookup_pcb = NULL;
    if (n <= 0) {
        log_line("acme: %s: %s has no address: %s", req.request.url, req.url.host,
                 n == DNS_LOOKUP_FAILED ? why : n == DNS_LOOKUP_TRUNCATED ? "the answer was truncated" : "none");
        finish_request(false);
        return;
    }
    if (IP_IS_V6(&options.resolver)) {
        ip_addr_t a;
        IP_ADDR6(&a, 0, 0, 0, 0);
        memcpy(&ip_2_ip6(&a)->addr, addrs[0], 16);
        ip_addr_copy(req.address, a);
    } else {
        ip_addr_t a;
        IP_ADDR4(&a, addrs[0][0], addrs[0][1], addrs[0][2], addrs[0][3]);
        ip_addr_copy(req.address, a);
    }
    connect_to_host();
}

static void begin_request(const struct acme_request *r)
{
    memset(&req.conn, 0, sizeof req.conn);
    req.request = *r;
    req.active = true;
    req.pcb = NULL;
    req.connected = false;
    sys_timeout(REQUEST_TIMEOUT_MS, request_timeout, NULL);
    if (!http_url_split(r->url, &req.url)) {
        log_line("acme: %s: not an https:// URL unihost can reach", r->url);
        finish_request(false);
        return;
    }
    /* An address in the URL is used as it is; a name goes to the resolver. */
    if (ipaddr_aton(req.url.host, &req.address)) {
        connect_to_host();
        return;
    }
    req.lookup_pcb = udp_new_ip_type(IP_GET_TYPE(&options.resolver));
    if (!req.lookup_pcb || udp_bind(req.lookup_pcb, IP_ANY_TYPE, 0) != ERR_OK) {
        log_line("acme: %s: no UDP socket for the lookup", r->url);
        finish_request(false);
        return;
    }
    udp_recv(req.lookup_pcb, lookup_answered, NULL);
    req.lookup_sends = 0;
    send_lookup(NULL);
}

/* ---- the client's steps ------------------------------------------------------------- */

static void step(void *arg)
{
    (void)arg;
    for (int guard = 0; guard < 64; guard++) {
        if (req.active)
            return;
        struct acme_action a;
        int64_t now = now_s();
        acme_client_next(&client, now, &a);
        switch (a.kind) {
        case ACME_SEND:
            begin_request(&a.request);
            return;
        case ACME_WAIT: {
            int64_t wait = a.until > now ? a.until - now : 0;
            sys_timeout((u32_t)(wait * 1000), step, NULL);
            return;
        }
        case ACME_PUBLISH:
            publish(&a.publication, true);
            acme_client_published(&client);
            continue;
        case ACME_UNPUBLISH:
            publish(&a.publication, false);
            continue;
        case ACME_DONE:
            issued(NULL);
            return;
        case ACME_CHECKED:
            checked();
            return;
        case ACME_FAILED:
            log_line("acme: run failed: %s; HTTPS keeps what it has", acme_client_error(&client));
            dns_challenges_clear(&dns_table);
            http_challenges_clear(&http_table);
            acme_run_failed(&renewal, now_s());
            schedule_run();
            return;
        }
    }
    sys_timeout(0, step, NULL);
}

/* ---- what is kept across restarts (acme/acme_state.h) ------------------------------ */

static bool keep(const char *name, const char *bytes, size_t len, const char *what)
{
    char err[256];
    if (options.storage->save(options.storage->ctx, name, bytes, len, err, sizeof err) == 0)
        return true;
    log_line("acme: state: cannot keep the %s: %s", what, err);
    return false;
}

static void keep_certificate(const char *chain, size_t chain_len, const char *key, size_t key_len)
{
    if (!options.storage)
        return;
    /* The key first: a chain kept without its key would not match the
     * key left from before, and is then ignored rather than misused. */
    if (keep(ACME_STATE_CERTIFICATE_KEY, key, key_len, "certificate key") &&
        keep(ACME_STATE_CHAIN, chain, chain_len, "certificate"))
        log_line("acme: state: certificate kept in %s", options.storage->where);
}

/* The account key: the one given, else the one kept, else a new one
 * (then kept). A kept one that cannot be read is replaced, and said so:
 * the CA then sees a new account. */
static bool account_key_ready(void)
{
    char err[256];
    if (options.account_key_pem) {
        if (!acme_state_account_key(&account_key, options.account_key_pem, options.account_key_pem_len, err,
                                    sizeof err)) {
            log_line("acme: --acme-account-key %s: %s", options.account_key_name, err);
            return false;
        }
        log_line("acme: account key from %s", options.account_key_name);
        return true;
    }
    const struct acme_storage *s = options.storage;
    if (s) {
        char pem[2048];
        long len = s->load(s->ctx, ACME_STATE_ACCOUNT_KEY, pem, sizeof pem, err, sizeof err);
        bool usable = len > 0 && acme_state_account_key(&account_key, pem, (size_t)len, err, sizeof err);
        secret_wipe(pem, sizeof pem);
        if (usable) {
            log_line("acme: state: using the account key kept in %s", s->where);
            return true;
        }
        if (len != 0)
            log_line("acme: state: ignoring %s/%s: %s; a new account key replaces it", s->where,
                     ACME_STATE_ACCOUNT_KEY, err);
    }
    if (!new_key(&account_key)) {
        log_line("acme: no account key could be made");
        return false;
    }
    if (s) {
        char pem[512];
        size_t len = p256_key_pem_write(&account_key, pem, sizeof pem);
        if (len && keep(ACME_STATE_ACCOUNT_KEY, pem, len, "account key"))
            log_line("acme: state: new account key kept in %s", s->where);
        secret_wipe(pem, sizeof pem);
    }
    return true;
}

/* Serves the kept certificate, if it is still good for the names, as
 * though it had just been issued: HTTPS at once, the next run at its
 * renewal point. Anything wrong with it is said, and a run orders anew. */
static void restore_certificate(void)
{
    const struct acme_storage *s = options.storage;
    if (!s)
        return;
    unsigned i = next_credentials;
    char err[256] = "";
    long chain_len = s->load(s->ctx, ACME_STATE_CHAIN, chain_pem[i], ACME_CHAIN_MAX, err, sizeof err);
    long key_len = chain_len < 0 ? 0 : s->load(s->ctx, ACME_STATE_CERTIFICATE_KEY, key_pem[i], sizeof key_pem[i] - 1,
                                                 err, sizeof err);
    int64_t now = now_s(), not_before, not_after;
    if (chain_len == 0 && key_len == 0) {
        log_line("acme: state: no certificate kept in %s yet", s->where);
        return;
    }
    if (chain_len > 0 && key_len == 0)
        snprintf(err, sizeof err, "%s is missing", ACME_STATE_CERTIFICATE_KEY);
    else if (chain_len == 0 && key_len > 0)
        snprintf(err, sizeof err, "%s is missing", ACME_STATE_CHAIN);
    bool usable = chain_len > 0 && key_len > 0 &&
                  acme_state_certificate_usable(chain_pem[i], (size_t)chain_len, key_pem[i], (size_t)key_len,
                                                options.names, options.name_count, now, &not_before, &not_after, err,
                                                sizeof err) &&
                  tls_credentials_load(&credentials[i], chain_pem[i], (size_t)chain_len, ACME_STATE_CHAIN, key_pem[i],
                                       (size_t)key_len, ACME_STATE_CERTIFICATE_KEY, err, sizeof err) == 0;
    if (!usable) {
        secret_wipe(key_pem[i], sizeof key_pem[i]);
        log_line("acme: state: ignoring the certificate kept in %s: %s; a new one is ordered", s->where, err);
        return;
    }
    /* its renewal information is asked for as after an issuance: what the
     * CA said before the restart is not kept */
    char cert_id[ARI_CERT_ID_MAX];
    if (!ari_cert_id_pem(chain_pem[i], (size_t)chain_len, cert_id, sizeof cert_id))
        cert_id[0] = '\0';
    acme_renewal_issued(&renewal, not_before, not_after, cert_id, now);
    log_line("acme: state: serving the certificate kept in %s, valid %lld to %lld; renewal at %lld", s->where,
             (long long)not_before, (long long)not_after, (long long)acme_renewal_time(not_before, not_after));
    install(NULL);
}

int acme_service_start(const struct acme_service_options *opt)
{
    options = *opt;
    dns_challenges_init(&dns_table);
    http_challenges_init(&http_table);
    if (options.name_count == 0) {
        log_line("acme: no names to get a certificate for");
        return -1;
    }
    if (ca_roots_load(&roots, options.ca_pem, options.ca_pem_len) <= 0) {
        log_line("acme: --acme-ca holds no usable CA certificate");
        return -1;
    }
    if (!plat_random_is_cryptographic()) {
        log_line("acme: this platform's randomness is not fit for keys; no certificates");
        return -1;
    }
    if (!account_key_ready())
        return -1;
    renewal = (struct acme_renewal_state){0};
    restore_certificate();
    sys_timeout(0, run_if_due, NULL);
    return 0;
}
