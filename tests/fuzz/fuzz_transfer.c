/*
 * libFuzzer target: zone transfers (dns_transfer.h) over the fixture blob,
 * whose transfers.conf allows 192.0.2.54 and 2001:db8::54. The input's
 * first byte picks the client (allowed or not, IPv4 or IPv6) and the
 * transport; the rest is the query. When a transfer begins, every message
 * is drawn into a buffer of exactly the room offered (sometimes the least
 * the transport may offer) and must be a well-formed answer to the query;
 * the transfer must end, and an IXFR over UDP is one message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_transfer.h"
#include "fuzz_common.h"

static struct blob blob;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    size_t size;
    (void)fuzz_load_blob(&blob, &size);
    return 0;
}

static const struct dns_peer peers[4] = {
    {4, {192, 0, 2, 54}},                                       /* allowed */
    {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 0x54}},                 /* allowed */
    {4, {192, 0, 2, 1}},                                        /* not listed */
    {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 0x55}},                 /* not listed */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    const struct dns_peer *peer = &peers[data[0] & 3];
    enum dns_transport transport = (data[0] & 4) ? DNS_OVER_UDP : DNS_OVER_TCP;
    size_t room = (data[0] & 8) ? DNS_TRANSFER_MESSAGE_MAX : 65535;
    size_t qlen = size - 1;
    uint8_t *msg = malloc(qlen ? qlen : 1);
    uint8_t *out = malloc(room);
    if (!msg || !out)
        abort();
    memcpy(msg, data + 1, qlen);

    struct dns_transfer *t = malloc(sizeof *t);
    if (!t)
        abort();
    size_t n;
    enum dns_action action = dns_engine_handle(&blob, NULL, msg, qlen, transport, peer, t, out, room, &n);
    if (action == DNS_ACTION_TRANSFER) {
        FUZZ_CHECK(transport == DNS_OVER_TCP, "a transfer object only over TCP");
        FUZZ_CHECK(peer->addr[15] == 0x54 || peer->addr[3] == 54, "only listed clients transfer");
        unsigned messages = 0;
        while ((n = dns_transfer_next(t, out, room)) > 0) {
            fuzz_check_dns_answer(msg, qlen, out, n, DNS_OVER_TCP, room, true);
            FUZZ_CHECK(++messages < 10000, "a transfer ends");
            if (messages >= 10000)
                break;
        }
        FUZZ_CHECK(dns_transfer_done(t), "a transfer with room for every record completes");
    } else if (action == DNS_ACTION_ANSWER) {
        fuzz_check_dns_answer(msg, qlen, out, n, transport, room, true);
    }
    free(t);
    free(out);
    free(msg);
    return 0;
}
