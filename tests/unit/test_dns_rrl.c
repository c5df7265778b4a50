/*
 * Response-rate limiting (src/dns/dns_rrl.c): a flood held to the rate
 * with the slip ratio exact, buckets by prefix (IPv4 /24, IPv6 /56, or as
 * configured), by name and type for answers and by zone for NXDOMAIN,
 * NODATA and referrals, one per prefix for errors; exempt prefixes, rate 0,
 * slip 0 and 1, a clock going back or jumping forward, a colliding entry
 * taken over, and the counters adding up to the verdicts seen.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dns/dns_rrl.h"

static struct dns_rrl rrl;     /* 384 KiB: not on the stack */

static const uint8_t key_one[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t key_two[16] = {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

enum { A = 1, MX = 15, AAAA = 28 };

/* The verdicts seen since the last setup(), to check the counters against. */
static struct { uint64_t calls, sent, slipped, dropped; } seen;

static void setup_with(uint32_t rate, uint32_t slip, uint8_t ipv4_prefix, uint8_t ipv6_prefix,
                       const struct blob_dns_acl *exempt, size_t exempt_count, const uint8_t key[16])
{
    struct dns_rrl_config cfg = {
        .rate = rate, .slip = slip, .ipv4_prefix = ipv4_prefix, .ipv6_prefix = ipv6_prefix,
        .exempt = exempt, .exempt_count = exempt_count,
    };
    dns_rrl_init(&rrl, &cfg, key);
    memset(&seen, 0, sizeof seen);
}

static void setup(uint32_t rate, uint32_t slip)
{
    setup_with(rate, slip, BLOB_DNS_RRL_IPV4_PREFIX_DEFAULT, BLOB_DNS_RRL_IPV6_PREFIX_DEFAULT, NULL, 0, key_one);
}

static bool counters_agree(void)
{
    const struct dns_rrl_counters *c = &rrl.counters;
    return c->checked == seen.calls && c->limited == seen.slipped + seen.dropped && c->slipped == seen.slipped &&
           c->dropped == seen.dropped && c->checked - c->limited == seen.sent;
}

static struct dns_peer peer(const char *text)
{
    struct dns_peer p;
    memset(&p, 0, sizeof p);
    if (inet_pton(AF_INET, text, p.addr) == 1)
        p.family = 4;
    else if (inet_pton(AF_INET6, text, p.addr) == 1)
        p.family = 6;
    return p;
}

/* "www.example." in wire format (no escapes: the tests' names are plain). */
static size_t wire_name(const char *text, uint8_t out[DNS_NAME_MAX])
{
    size_t n = 0;
    while (*text != '\0' && strcmp(text, ".") != 0) {
        const char *dot = strchr(text, '.');
        size_t label = dot ? (size_t)(dot - text) : strlen(text);
        out[n++] = (uint8_t)label;
        memcpy(out + n, text, label);
        n += label;
        text += label + (dot ? 1 : 0);
    }
    out[n++] = 0;
    return n;
}

static enum dns_rrl_verdict ask(const char *client, enum dns_rrl_kind kind, const char *name, uint16_t qtype,
                                uint64_t now_ms)
{
    struct dns_peer p = peer(client);
    uint8_t wire[DNS_NAME_MAX];
    size_t len = name ? wire_name(name, wire) : 0;
    enum dns_rrl_verdict v = dns_rrl_account(&rrl, &p, kind, name ? wire : NULL, len, qtype, now_ms);
    seen.calls++;
    if (v == DNS_RRL_SEND)
        seen.sent++;
    else if (v == DNS_RRL_SLIP)
        seen.slipped++;
    else
        seen.dropped++;
    return v;
}

/* How many of n identical responses at one instant are sent. */
static unsigned sends(const char *client, enum dns_rrl_kind kind, const char *name, uint16_t qtype, uint64_t now_ms,
                      unsigned n)
{
    unsigned sent = 0;
    for (unsigned i = 0; i < n; i++)
        sent += ask(client, kind, name, qtype, now_ms) == DNS_RRL_SEND;
    return sent;
}

static bool sent_once(const char *client, enum dns_rrl_kind kind, const char *name, uint16_t qtype, uint64_t now_ms)
{
    return ask(client, kind, name, qtype, now_ms) == DNS_RRL_SEND;
}

/* 10 x rate a second from one address for 5 simulated seconds. */
static void test_flood(void)
{
    const uint32_t rate = BLOB_DNS_RRL_RATE_DEFAULT;
    setup(rate, BLOB_DNS_RRL_SLIP_DEFAULT);
    unsigned per_second[5] = {0}, limited = 0, off_pattern = 0;
    for (uint64_t ms = 0; ms < 5000; ms++) {
        for (unsigned i = 0; i < 10 * rate / 1000; i++) {   /* 10 x rate a second, a share each ms */
            enum dns_rrl_verdict v = ask("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, ms);
            if (v == DNS_RRL_SEND) {
                per_second[ms / 1000]++;
                continue;
            }
            /* Slip 2: the 1st, 3rd, 5th... limited response slips. */
            enum dns_rrl_verdict want = limited % 2 == 0 ? DNS_RRL_SLIP : DNS_RRL_DROP;
            off_pattern += v != want;
            limited++;
        }
    }
    unsigned total = 0;
    bool steady = true;
    for (unsigned s = 0; s < 5; s++) {
        total += per_second[s];
        if (s > 0 && (per_second[s] + 1 < rate || per_second[s] > rate + 1))
            steady = false;
    }
    printf("# flood: sent %u %u %u %u %u a second, %u limited\n", per_second[0], per_second[1], per_second[2],
           per_second[3], per_second[4], limited);
    CHECK("flood: the first second sends the burst and its refill, at most 2 x rate",
          per_second[0] >= rate && per_second[0] <= 2 * rate);
    CHECK("flood: every later second sends the rate (+-1)", steady);
    CHECK("flood: 5 seconds send at most 6 x rate (the rate and one second of burst)",
          total >= 5 * rate && total <= 6 * rate);
    CHECK("flood: everything else is limited", total + limited == 10 * rate * 5);
    CHECK("flood: slip 2 truncates exactly every other limited response, the first one first", off_pattern == 0);
    CHECK("flood: slipped = ceil(limited / 2)", rrl.counters.slipped == (limited + 1) / 2);
    CHECK("flood: counters add up", counters_agree() && rrl.counters.checked == 10 * rate * 5);

    /* The flood's bucket is empty at 4999 ms; other buckets are not. */
    CHECK("flood: a client in another /24 is unaffected (a whole burst)",
          sends("198.51.100.7", DNS_RRL_POSITIVE, "www.example.", A, 4999, rate) == rate);
    CHECK("flood: ... and its bucket holds exactly one second's worth",
          !sent_once("198.51.100.7", DNS_RRL_POSITIVE, "www.example.", A, 4999));
    CHECK("flood: another host in the same /24 shares the bucket",
          !sent_once("192.0.2.200", DNS_RRL_POSITIVE, "www.example.", A, 4999));
    CHECK("flood: the neighbouring /24 does not",
          sent_once("192.0.3.1", DNS_RRL_POSITIVE, "www.example.", A, 4999));
    CHECK("flood: counters still add up", counters_agree());
}

static void test_ipv6_prefix(void)
{
    const uint32_t rate = 50;
    setup(rate, 2);
    CHECK("ipv6: a whole burst",
          sends("2001:db8:0:1200::1", DNS_RRL_POSITIVE, "www.example.", AAAA, 0, rate) == rate);
    CHECK("ipv6: then limited", !sent_once("2001:db8:0:1200::1", DNS_RRL_POSITIVE, "www.example.", AAAA, 0));
    CHECK("ipv6: another address in the same /56 shares the bucket",
          !sent_once("2001:db8:0:12ff:ffff:ffff:ffff:ffff", DNS_RRL_POSITIVE, "www.example.", AAAA, 0));
    CHECK("ipv6: the next /56 does not",
          sent_once("2001:db8:0:1300::1", DNS_RRL_POSITIVE, "www.example.", AAAA, 0));
    /* The same 16 bytes as IPv4 192.0.2.1's bucket would hash, but IPv6. */
    setup(rate, 2);
    sends("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0, rate);
    CHECK("ipv6: the family is part of the bucket",
          sent_once("c000:201::", DNS_RRL_POSITIVE, "www.example.", A, 0) &&
              !sent_once("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("ipv6: counters add up", counters_agree());
}

static void test_configured_prefixes(void)
{
    const uint32_t rate = 10;
    setup_with(rate, 2, 32, 60, NULL, 0, key_one);
    sends("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0, rate);
    CHECK("prefix /32: the address itself is limited", !sent_once("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("prefix /32: its neighbour is not", sent_once("192.0.2.2", DNS_RRL_POSITIVE, "www.example.", A, 0));
    sends("2001:db8::1", DNS_RRL_POSITIVE, "www.example.", A, 0, rate);
    CHECK("prefix /60: within the /60 shared",
          !sent_once("2001:db8:0:f::1", DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("prefix /60: the next /60 separate", sent_once("2001:db8:0:10::1", DNS_RRL_POSITIVE, "www.example.", A, 0));

    setup_with(rate, 2, 0, 0, NULL, 0, key_one);
    sends("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0, rate);
    CHECK("prefix /0: all IPv4 clients share one bucket",
          !sent_once("203.0.113.9", DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("prefix /0: IPv6 clients have theirs", sent_once("2001:db8::1", DNS_RRL_POSITIVE, "www.example.", A, 0));

    /* Over-long prefixes are taken as the whole address (and read nothing past it). */
    setup_with(rate, 2, 200, 255, NULL, 0, key_one);
    sends("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0, rate);
    sends("2001:db8::1", DNS_RRL_POSITIVE, "www.example.", A, 0, rate);
    CHECK("prefix too long: taken as /32",
          !sent_once("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0) &&
              sent_once("192.0.2.2", DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("prefix too long: taken as /128",
          !sent_once("2001:db8::1", DNS_RRL_POSITIVE, "www.example.", A, 0) &&
              sent_once("2001:db8::2", DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("prefixes: counters add up", counters_agree());
}

static void test_kinds(void)
{
    const uint32_t rate = 20;
    const char *c = "192.0.2.1";
    setup(rate, 2);

    /* Positive answers: by name (case-insensitively) and type. */
    CHECK("positive: a whole burst", sends(c, DNS_RRL_POSITIVE, "www.example.", A, 0, rate) == rate);
    CHECK("positive: then limited", !sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("positive: the name in other case is the same bucket", !sent_once(c, DNS_RRL_POSITIVE, "WwW.ExAmPlE.", A, 0));
    CHECK("positive: another type is another bucket", sent_once(c, DNS_RRL_POSITIVE, "www.example.", AAAA, 0));
    CHECK("positive: another name is another bucket", sent_once(c, DNS_RRL_POSITIVE, "mail.example.", A, 0));
    CHECK("positive: a different label split is another name", sent_once(c, DNS_RRL_POSITIVE, "wwwe.xample.", A, 0));

    /* NXDOMAIN: the caller passes the zone's apex whatever the query
     * name; random subdomains of any type all land in the zone's bucket. */
    unsigned nx_sent = 0;
    for (unsigned i = 0; i < 3 * rate; i++)
        nx_sent += sent_once(c, DNS_RRL_NXDOMAIN, "example.", (uint16_t)(i * 7919u), 0);
    CHECK("nxdomain: random subdomains and types share the zone's bucket", nx_sent == rate);
    CHECK("nxdomain: the apex in other case is the same zone", !sent_once(c, DNS_RRL_NXDOMAIN, "EXAMPLE.", A, 0));
    CHECK("nxdomain: another zone has its own bucket", sent_once(c, DNS_RRL_NXDOMAIN, "example.org.", A, 0));
    CHECK("nxdomain: another /24 has its own bucket", sent_once("192.0.3.1", DNS_RRL_NXDOMAIN, "example.", A, 0));
    CHECK("nodata: separate from NXDOMAIN in the same zone",
          sends(c, DNS_RRL_NODATA, "example.", MX, 0, rate) == rate);
    CHECK("nodata: and limited in its own right, whatever the type",
          !sent_once(c, DNS_RRL_NODATA, "example.", AAAA, 0));
    CHECK("referral: separate from both", sends(c, DNS_RRL_REFERRAL, "example.", A, 0, rate) == rate);
    CHECK("referral: then limited", !sent_once(c, DNS_RRL_REFERRAL, "example.", MX, 0));
    CHECK("positive: the apex's own answers are not the zone's NXDOMAIN bucket",
          sent_once(c, DNS_RRL_POSITIVE, "example.", A, 0));

    /* Errors: one bucket per prefix, whatever the name and type. */
    CHECK("error: a whole burst", sends(c, DNS_RRL_ERROR, "a.example.", A, 0, rate) == rate);
    CHECK("error: another name and type share it", !sent_once(c, DNS_RRL_ERROR, "b.example.org.", MX, 0));
    CHECK("error: no name at all shares it", !sent_once(c, DNS_RRL_ERROR, NULL, 0, 0));
    CHECK("error: another host of the /24 shares it", !sent_once("192.0.2.99", DNS_RRL_ERROR, NULL, 0, 0));
    CHECK("error: another /24 does not", sent_once("192.0.3.1", DNS_RRL_ERROR, NULL, 0, 0));
    CHECK("error: positives are not errors", sent_once(c, DNS_RRL_POSITIVE, "a.example.", A, 0));

    /* A name longer than a wire name can be: hashed up to 255 bytes, read no further. */
    uint8_t huge[300];
    memset(huge, 'a', sizeof huge);
    struct dns_peer p = peer(c);
    CHECK("overlong name: counted like any other",
          dns_rrl_account(&rrl, &p, DNS_RRL_POSITIVE, huge, sizeof huge, A, 0) == DNS_RRL_SEND);
    seen.calls++;
    seen.sent++;
    CHECK("kinds: counters add up", counters_agree());
}

static void test_exempt(void)
{
    const uint32_t rate = 10;
    struct blob_dns_acl exempt[3];
    memset(exempt, 0, sizeof exempt);
    exempt[0] = (struct blob_dns_acl){.family = 4, .prefix_len = 24};
    inet_pton(AF_INET, "192.0.2.0", exempt[0].addr);
    exempt[1] = (struct blob_dns_acl){.family = 4, .prefix_len = 12};
    inet_pton(AF_INET, "10.16.0.0", exempt[1].addr);
    exempt[2] = (struct blob_dns_acl){.family = 6, .prefix_len = 40};
    inet_pton(AF_INET6, "2001:db8:ff00::", exempt[2].addr);
    setup_with(rate, 2, BLOB_DNS_RRL_IPV4_PREFIX_DEFAULT, BLOB_DNS_RRL_IPV6_PREFIX_DEFAULT, exempt, 3, key_one);

    CHECK("exempt /24: never limited", sends("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0, 100 * rate) == 100 * rate);
    CHECK("exempt /24: errors neither", sends("192.0.2.77", DNS_RRL_ERROR, NULL, 0, 0, 100 * rate) == 100 * rate);
    CHECK("exempt /12: its last address never limited",
          sends("10.31.255.255", DNS_RRL_NXDOMAIN, "example.", A, 0, 100 * rate) == 100 * rate);
    CHECK("exempt /12: the address after it is", sends("10.32.0.0", DNS_RRL_NXDOMAIN, "example.", A, 0, 100 * rate) == rate);
    CHECK("exempt /40: never limited",
          sends("2001:db8:ffab::1", DNS_RRL_POSITIVE, "www.example.", AAAA, 0, 100 * rate) == 100 * rate);
    CHECK("exempt /40: outside it limited",
          sends("2001:db8:fe00::1", DNS_RRL_POSITIVE, "www.example.", AAAA, 0, 100 * rate) == rate);
    CHECK("exempt: an IPv6 entry does not exempt IPv4 clients whose bytes begin the same",
          sends("32.1.13.184", DNS_RRL_POSITIVE, "www.example.", A, 0, 100 * rate) == rate);
    CHECK("exempt: counted as checked, never as limited", counters_agree());
}

static void test_rate_zero(void)
{
    setup(0, 2);
    CHECK("rate 0: nothing limited, whatever the load",
          sends("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0, 100000) == 100000 &&
              sends("192.0.2.1", DNS_RRL_ERROR, NULL, 0, 0, 1000) == 1000);
    CHECK("rate 0: checked, never limited", counters_agree() && rrl.counters.checked == 101000 && rrl.counters.limited == 0);
}

static void test_rate_one_and_max(void)
{
    setup(1, 1);
    const char *c = "192.0.2.1";
    CHECK("rate 1: one at once", sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("rate 1: not a second one", !sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("rate 1: nor 999 ms later", !sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 999));
    CHECK("rate 1: one after exactly a second", sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 1000));
    CHECK("rate 1: and only one", !sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 1000));

    setup(UINT32_MAX, 2);
    CHECK("rate above the maximum: taken as DNS_RRL_RATE_MAX",
          sends(c, DNS_RRL_POSITIVE, "www.example.", A, 0, DNS_RRL_RATE_MAX + 1) == DNS_RRL_RATE_MAX);
    CHECK("rate: counters add up", counters_agree());
}

/* The verdicts of n limited responses as a string: S slip, D drop. */
static void limited_pattern(uint32_t slip, unsigned n, char *out)
{
    setup(5, slip);
    sends("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0, 5);
    for (unsigned i = 0; i < n; i++) {
        enum dns_rrl_verdict v = ask("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0);
        out[i] = v == DNS_RRL_SLIP ? 'S' : v == DNS_RRL_DROP ? 'D' : '!';
    }
    out[n] = '\0';
}

static void test_slip(void)
{
    char pattern[32];
    limited_pattern(0, 10, pattern);
    CHECK("slip 0: every limited response dropped", strcmp(pattern, "DDDDDDDDDD") == 0 && counters_agree());
    limited_pattern(1, 10, pattern);
    CHECK("slip 1: every limited response truncated", strcmp(pattern, "SSSSSSSSSS") == 0 && counters_agree());
    limited_pattern(2, 10, pattern);
    CHECK("slip 2: every other, the first first", strcmp(pattern, "SDSDSDSDSD") == 0 && counters_agree());
    limited_pattern(3, 10, pattern);
    CHECK("slip 3: every third", strcmp(pattern, "SDDSDDSDDS") == 0 && counters_agree());

    /* Each bucket keeps its own count. */
    setup(1, 2);
    sent_once("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0);
    sent_once("198.51.100.1", DNS_RRL_POSITIVE, "www.example.", A, 0);
    enum dns_rrl_verdict first = ask("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0);
    enum dns_rrl_verdict other = ask("198.51.100.1", DNS_RRL_POSITIVE, "www.example.", A, 0);
    enum dns_rrl_verdict second = ask("192.0.2.1", DNS_RRL_POSITIVE, "www.example.", A, 0);
    CHECK("slip: counted per bucket", first == DNS_RRL_SLIP && other == DNS_RRL_SLIP && second == DNS_RRL_DROP);
}

static void test_clock(void)
{
    const uint32_t rate = 200;
    const char *c = "192.0.2.1";
    setup(rate, 2);
    CHECK("clock: a fresh bucket at time 0 is full", sends(c, DNS_RRL_POSITIVE, "www.example.", A, 0, 2 * rate) == rate);
    CHECK("clock: full again a second later", sends(c, DNS_RRL_POSITIVE, "www.example.", A, 1000, 2 * rate) == rate);
    CHECK("clock: half a second refills exactly half", sends(c, DNS_RRL_POSITIVE, "www.example.", A, 1500, 2 * rate) == rate / 2);

    /* Exhausted at 10 s, then the clock goes back a second. */
    sends(c, DNS_RRL_POSITIVE, "www.example.", A, 10000, 2 * rate);
    CHECK("clock back: refills nothing", !sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 9000));
    CHECK("clock back: counts on from the new time (half a second, half the rate)",
          sends(c, DNS_RRL_POSITIVE, "www.example.", A, 9500, 2 * rate) == rate / 2);

    const uint64_t far = 9500 + 1000000000000000ull;
    CHECK("clock far forward: a full bucket, no more",
          sends(c, DNS_RRL_POSITIVE, "www.example.", A, far, 2 * rate) == rate);
    CHECK("clock at its end: a full bucket, no more (no overflow)",
          sends(c, DNS_RRL_POSITIVE, "www.example.", A, UINT64_MAX, 2 * rate) == rate);
    CHECK("clock back to 0: refills nothing", !sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("clock back to 0: and runs on from there",
          sends(c, DNS_RRL_POSITIVE, "www.example.", A, 1000, 2 * rate) == rate);
    CHECK("clock: counters add up", counters_agree());
}

/*
 * Two identities on one entry: with rate 1, find a name whose bucket
 * takes over www.example.'s (www.example. is sent again right after it).
 * The key is known here, so the search is deterministic; a client without
 * it can only guess.
 */
static void test_collision(void)
{
    const char *c = "192.0.2.1";
    setup(1, 2);
    sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 0);
    char name[64];
    unsigned tries = 0;
    bool found = false, each_started_full = true;
    while (!found && tries < 20 * DNS_RRL_ENTRIES) {
        snprintf(name, sizeof name, "n%u.example.", tries++);
        each_started_full &= sent_once(c, DNS_RRL_POSITIVE, name, A, 0);
        found = sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 0);
    }
    printf("# collision: %s took www.example.'s entry after %u names\n", found ? name : "nothing", tries);
    CHECK("collision: every new name started with a full bucket", each_started_full);
    CHECK("collision: some name takes the entry over, and the evicted identity comes back full", found);
    CHECK("collision: ... of one response (rate 1)", !sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 0));
    CHECK("collision: the other, evicted in turn, comes back full", sent_once(c, DNS_RRL_POSITIVE, name, A, 0));
    CHECK("collision: counters add up", counters_agree());

    /* Under another key the two are (here) on different entries. */
    setup_with(1, 2, BLOB_DNS_RRL_IPV4_PREFIX_DEFAULT, BLOB_DNS_RRL_IPV6_PREFIX_DEFAULT, NULL, 0, key_two);
    sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 0);
    sent_once(c, DNS_RRL_POSITIVE, name, A, 0);
    CHECK("collision: another key, no collision", !sent_once(c, DNS_RRL_POSITIVE, "www.example.", A, 0));
}

/* More identities than entries: nothing breaks, and nobody is stricter
 * limited than its own traffic warrants. */
static void test_table_full(void)
{
    setup(2, 2);
    unsigned fresh_sent = 0;
    char name[64];
    for (unsigned i = 0; i < 4 * DNS_RRL_ENTRIES; i++) {
        snprintf(name, sizeof name, "h%u.example.", i);
        fresh_sent += sent_once("198.51.100.1", DNS_RRL_POSITIVE, name, A, i / 64);
    }
    CHECK("table full: every new identity gets a full bucket", fresh_sent == 4 * DNS_RRL_ENTRIES);
    CHECK("table full: counters add up", counters_agree());
}

int main(void)
{
    printf("# state: %zu bytes (%u entries of %zu)\n", sizeof(struct dns_rrl), DNS_RRL_ENTRIES,
           sizeof(struct dns_rrl_entry));
    test_flood();
    test_ipv6_prefix();
    test_configured_prefixes();
    test_kinds();
    test_exempt();
    test_rate_zero();
    test_rate_one_and_max();
    test_slip();
    test_clock();
    test_collision();
    test_table_full();
    return CHECK_DONE();
}
