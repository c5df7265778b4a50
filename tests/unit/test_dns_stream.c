/*
 * DNS over TCP as a stream engine (src/dns/dns_stream.c) over the fixture
 * blob, driven as the TCP service drives it but with the transport's
 * choices made hostile: bytes fed one at a time or all at once, output
 * taken in tiny parts (the engine makes the message again for each), the
 * client half-closing with queries and a transfer in flight, over-long and
 * unanswerable messages. Answers are decoded with ldns and compared with
 * what dns_engine_answer() gives for the same query.
 */
#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blob_file.h"
#include "check.h"
#include "dns_client.h"
#include "dns/dns_engine.h"
#include "dns/dns_stream.h"
#include "wire/dns_wire.h"

static uint8_t scratch[STREAM_SCRATCH_BYTES];
static uint8_t wire[1 << 22];       /* what the engine sent, in order */
static size_t wire_len;

static struct stream_peer peer_from(const char *text)
{
    struct stream_peer p;
    memset(&p, 0, sizeof p);
    if (inet_pton(AF_INET, text, p.addr) == 1)
        p.family = 4;
    else if (inet_pton(AF_INET6, text, p.addr) == 1)
        p.family = 6;
    return p;
}

/* Takes everything the engine has to send, `bite` bytes at a time. */
static void drain(struct dns_stream *s, size_t bite)
{
    struct stream_chunk c;
    for (int guard = 0; guard < 1000000 && dns_stream_output(s, scratch, &c); guard++) {
        size_t n = c.len < bite ? c.len : bite;
        if (wire_len + n > sizeof wire)
            return;
        memcpy(wire + wire_len, c.data, n);
        wire_len += n;
        dns_stream_output_taken(s, n);
    }
}

/* Feeds `len` bytes `step` at a time, draining between steps; returns how
 * many the engine took. */
static size_t feed(struct dns_stream *s, const uint8_t *data, size_t len, size_t step, size_t bite)
{
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < step ? len - done : step;
        size_t used = dns_stream_feed(s, data + done, n);
        done += used;
        drain(s, bite);
        if (used == 0)
            break;
    }
    return done;
}

/* Appends a length-prefixed query to buf. */
static size_t put_query(uint8_t *buf, const struct query *q)
{
    dns_put16(buf, (uint16_t)q->len);
    memcpy(buf + 2, q->b, q->len);
    return q->len + 2;
}

/* Splits the wire into messages; returns how many, or SIZE_MAX if a
 * length runs past the end. */
static size_t messages(const uint8_t **starts, size_t *lens, size_t max)
{
    size_t count = 0, at = 0;
    while (at < wire_len) {
        if (at + 2 > wire_len || count == max)
            return SIZE_MAX;
        size_t len = dns_get16(wire + at);
        if (at + 2 + len > wire_len)
            return SIZE_MAX;
        starts[count] = wire + at + 2;
        lens[count++] = len;
        at += 2 + len;
    }
    return count;
}

static const char *names[] = {"www.unihost.test", "unihost.test", "nope.unihost.test", "mail.unihost.test"};

/* Pipelined queries fed `step` bytes at a time, output taken `bite` at a
 * time: every answer comes, in order, equal to the engine's own. */
static bool pipelined(size_t step, size_t bite)
{
    struct dns_stream s;
    struct stream_peer p = peer_from("192.0.2.1");
    dns_stream_init(&s, &blob, &p);
    uint8_t in[4096];
    size_t len = 0;
    struct query qs[12];
    for (size_t i = 0; i < 12; i++) {
        q_simple(&qs[i], names[i % 4], i % 2 ? DNS_TYPE_AAAA : DNS_TYPE_A, i % 3 == 0);
        qs[i].b[0] = (uint8_t)i;   /* distinct ids */
        len += put_query(in + len, &qs[i]);
    }
    wire_len = 0;
    if (feed(&s, in, len, step, bite) != len)
        return false;
    const uint8_t *starts[16];
    size_t lens[16];
    if (messages(starts, lens, 16) != 12)
        return false;
    static uint8_t want[65535];
    for (size_t i = 0; i < 12; i++) {
        size_t n = dns_engine_answer(&blob, qs[i].b, qs[i].len, DNS_OVER_TCP, want, sizeof want);
        if (n != lens[i] || memcmp(want, starts[i], n) != 0)
            return false;
    }
    return dns_stream_state(&s) == 0;
}

static bool half_close_after_queries(void)
{
    struct dns_stream s;
    struct stream_peer p = peer_from("192.0.2.1");
    dns_stream_init(&s, &blob, &p);
    uint8_t in[512];
    size_t len = 0;
    struct query q;
    for (int i = 0; i < 3; i++) {
        q_simple(&q, names[i], DNS_TYPE_A, false);
        len += put_query(in + len, &q);
    }
    wire_len = 0;
    /* All bytes in, then FIN, before anything was taken. */
    if (dns_stream_feed(&s, in, len) != len)
        return false;
    dns_stream_input_closed(&s);
    if (dns_stream_state(&s) != STREAM_RESPONDING)
        return false;
    drain(&s, 7);
    const uint8_t *starts[4];
    size_t lens[4];
    return messages(starts, lens, 4) == 3 && dns_stream_state(&s) == STREAM_FINISHED;
}

/* An AXFR of bulk.test (several messages) by an allowed client that
 * half-closes at once: the whole transfer, then FINISHED; a query behind
 * it is answered after it. */
static bool transfer_then_query(size_t bite)
{
    struct dns_stream s;
    struct stream_peer p = peer_from("192.0.2.54");     /* allowed in tests/fixtures/zones/transfers.conf */
    dns_stream_init(&s, &blob, &p);
    uint8_t in[512];
    struct query q;
    q_simple(&q, "bulk.test", DNS_TYPE_AXFR, false);
    size_t len = put_query(in, &q);
    q_simple(&q, "www.unihost.test", DNS_TYPE_A, false);
    len += put_query(in + len, &q);
    wire_len = 0;
    if (dns_stream_feed(&s, in, len) != len)
        return false;
    dns_stream_input_closed(&s);
    drain(&s, bite);
    if (!dns_stream_transfer_started(&s) || dns_stream_state(&s) != STREAM_FINISHED)
        return false;
    static const uint8_t *starts[4096];
    static size_t lens[4096];
    size_t count = messages(starts, lens, 4096);
    if (count == SIZE_MAX || count < 3)
        return false;
    /* SOA first and last record of the transfer, then the query's answer. */
    size_t soas = 0;
    for (size_t i = 0; i + 1 < count; i++) {
        ldns_pkt *pkt = NULL;
        if (ldns_wire2pkt(&pkt, starts[i], lens[i]) != LDNS_STATUS_OK)
            return false;
        ldns_rr_list *an = ldns_pkt_answer(pkt);
        for (size_t r = 0; r < ldns_rr_list_rr_count(an); r++)
            soas += ldns_rr_get_type(ldns_rr_list_rr(an, r)) == LDNS_RR_TYPE_SOA;
        ldns_pkt_free(pkt);
    }
    static uint8_t want[65535];
    size_t n = dns_engine_answer(&blob, q.b, q.len, DNS_OVER_TCP, want, sizeof want);
    return soas == 2 && lens[count - 1] == n && memcmp(starts[count - 1], want, n) == 0;
}

static bool refused_transfer_is_answered(void)
{
    struct dns_stream s;
    struct stream_peer p = peer_from("203.0.113.9");
    dns_stream_init(&s, &blob, &p);
    uint8_t in[512];
    struct query q;
    q_simple(&q, "bulk.test", DNS_TYPE_AXFR, false);
    size_t len = put_query(in, &q);
    wire_len = 0;
    feed(&s, in, len, len, 65536);
    const uint8_t *starts[2];
    size_t lens[2];
    if (messages(starts, lens, 2) != 1 || dns_stream_transfer_started(&s))
        return false;
    return lens[0] >= DNS_HEADER_SIZE && (dns_get16(starts[0] + 2) & 0xf) == 5;     /* REFUSED */
}

/* A length prefix past DNS_STREAM_QUERY_MAX after two good queries: both
 * answered, then FINISHED; nothing read past it. */
static bool over_long(void)
{
    struct dns_stream s;
    struct stream_peer p = peer_from("192.0.2.1");
    dns_stream_init(&s, &blob, &p);
    uint8_t in[6000];
    memset(in, 0, sizeof in);
    size_t len = 0;
    struct query q;
    for (int i = 0; i < 2; i++) {
        q_simple(&q, names[i], DNS_TYPE_A, false);
        len += put_query(in + len, &q);
    }
    dns_put16(in + len, DNS_STREAM_QUERY_MAX + 1);
    len += 2 + DNS_STREAM_QUERY_MAX + 1;
    wire_len = 0;
    feed(&s, in, len, 100, 65536);
    const uint8_t *starts[4];
    size_t lens[4];
    return messages(starts, lens, 4) == 2 && dns_stream_state(&s) == STREAM_FINISHED;
}

/* A response (QR set) where a query belongs: FINISHED after the answers
 * before it, as NSD closes. */
static bool unanswerable(void)
{
    struct dns_stream s;
    struct stream_peer p = peer_from("192.0.2.1");
    dns_stream_init(&s, &blob, &p);
    uint8_t in[512];
    struct query q;
    q_simple(&q, names[0], DNS_TYPE_A, false);
    size_t len = put_query(in, &q);
    q.b[2] |= 0x80;     /* QR */
    len += put_query(in + len, &q);
    wire_len = 0;
    feed(&s, in, len, len, 65536);
    const uint8_t *starts[4];
    size_t lens[4];
    return messages(starts, lens, 4) == 1 && dns_stream_state(&s) == STREAM_FINISHED;
}

static bool states(void)
{
    struct dns_stream s;
    struct stream_peer p = peer_from("192.0.2.1");
    dns_stream_init(&s, &blob, &p);
    if (dns_stream_state(&s) != 0)
        return false;
    uint8_t in[512];
    struct query q;
    q_simple(&q, names[0], DNS_TYPE_A, false);
    size_t len = put_query(in, &q);
    dns_stream_feed(&s, in, 5);
    if (dns_stream_state(&s) != STREAM_MID_REQUEST)
        return false;
    dns_stream_feed(&s, in + 5, len - 5);
    if (dns_stream_state(&s) != STREAM_RESPONDING)
        return false;
    wire_len = 0;
    drain(&s, 3);
    return dns_stream_state(&s) == 0;
}

/* A buffer full of complete queries waiting for their answers to be taken
 * takes no more bytes: TCP's window slows the client. */
static bool back_pressure(void)
{
    struct dns_stream s;
    struct stream_peer p = peer_from("192.0.2.1");
    dns_stream_init(&s, &blob, &p);
    static uint8_t in[20000];
    size_t len = 0;
    struct query q;
    q_simple(&q, names[0], DNS_TYPE_A, false);
    while (len + q.len + 2 < sizeof in)
        len += put_query(in + len, &q);
    size_t took = dns_stream_feed(&s, in, len);
    return took == sizeof s.buf && dns_stream_feed(&s, in + took, len - took) == 0 &&
           dns_stream_state(&s) == STREAM_RESPONDING;
}

int main(void)
{
    size_t size;
    load_fixture_blob(&blob, &size);
    CHECK("12 pipelined queries fed whole, answers taken whole: all answered in order", pipelined(4096, 65536));
    CHECK("the same fed one byte at a time", pipelined(1, 65536));
    CHECK("the same with answers taken 1 byte at a time (made again for each part)", pipelined(4096, 1));
    CHECK("the same with 3-byte feeds and 5-byte takes", pipelined(3, 5));
    CHECK("queries then a half-close: all answered, then finished (RFC 7766 6.2.4)", half_close_after_queries());
    CHECK("AXFR then a query then a half-close: the whole transfer, the answer, then finished",
          transfer_then_query(65536));
    CHECK("the same taken 1000 bytes at a time", transfer_then_query(1000));
    CHECK("an AXFR from a client the ACL refuses: one REFUSED answer, no transfer", refused_transfer_is_answered());
    CHECK("a length past the query limit after two queries: both answered, then finished", over_long());
    CHECK("a response where a query belongs: the answers before it, then finished", unanswerable());
    CHECK("states: idle, mid-request with a partial query, responding, idle", states());
    CHECK("a full buffer of waiting queries takes nothing more (back-pressure)", back_pressure());
    return CHECK_DONE();
}
