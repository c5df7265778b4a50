/* netfront (src/xen/netfront.c) against a simulated netback and xenstored:
 * the handshake, tx and rx, full rings, the backend closing and coming
 * back, and bad device nodes. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "xen/netfront.h"
#include "xen_sim.h"

static struct sim sim;
static struct xs_client xs;
static struct netfront nf;
static char err[160];

static int connect_fresh(void (*tweak)(void))
{
    sim_free(&sim);
    sim_init(&sim);
    if (tweak)
        tweak();
    struct xs_transport t = sim_xs_transport(&sim);
    xs_init(&xs, &t);
    struct netfront_port port = sim_netfront_port(&sim);
    err[0] = '\0';
    return netfront_connect(&nf, &xs, &port, "device/vif/0", err, sizeof err);
}

/* What the platform does after a wake-up: hand backend events to netfront. */
static void dispatch_events(void)
{
    const char *path, *token;
    bool backend = false;
    while (xs_next_watch_event(&xs, &path, &token))
        if (strcmp(token, NETFRONT_WATCH_TOKEN) == 0)
            backend = true;
    if (backend)
        netfront_backend_changed(&nf);
}

static void make_frame(uint8_t *f, size_t len, unsigned seq)
{
    for (size_t i = 0; i < len; i++)
        f[i] = (uint8_t)(seq * 31 + i);
    f[0] = (uint8_t)seq;
    f[1] = (uint8_t)(seq >> 8);
}

static bool store_is(const char *path, const char *want)
{
    const char *v = sim_store_read(&sim, path);
    return v && strcmp(v, want) == 0;
}

static bool tx_works(unsigned seq)
{
    uint8_t f[200];
    make_frame(f, sizeof f, seq);
    unsigned before = sim.sent_count;
    return netfront_transmit(&nf, f, sizeof f) == 0 && sim.sent_count == before + 1 &&
           sim.sent[before].len == sizeof f && memcmp(sim.sent[before].data, f, sizeof f) == 0;
}

static bool rx_works(unsigned seq)
{
    uint8_t f[300], got[1600];
    make_frame(f, sizeof f, seq);
    return sim_netback_inject(&sim, f, sizeof f) == 0 &&
           netfront_receive(&nf, got, sizeof got) == (long)sizeof f && memcmp(got, f, sizeof f) == 0 &&
           netfront_receive(&nf, got, sizeof got) == 0;
}

static void no_mac(void) { sim_store_write(&sim, "device/vif/0/mac", "00:16:3e:zz:00:01"); }
static void no_backend_yet(void) { sim_backend_set_state(&sim, XenbusStateInitialising); }
static void conflict_once(void) { sim.fail_next_commit = true; }
static void connect_after_read(void) { sim.connect_after_read = true; }

int main(void)
{
    /* ---- the handshake */
    CHECK("handshake: connects", connect_fresh(NULL) == 0 && nf.link == NETFRONT_CONNECTED);
    if (err[0])
        printf("# %s\n", err);
    static const uint8_t mac[6] = {0x00, 0x16, 0x3e, 0x12, 0x34, 0x56};
    CHECK("handshake: MAC from xenstore", memcmp(nf.mac, mac, 6) == 0);
    CHECK("handshake: backend id and path", nf.backend_id == 0 && strcmp(nf.backend, "backend/vif/1/0") == 0);
    CHECK("handshake: request-rx-copy=1, feature-rx-notify=1, feature-no-csum-offload=1",
          store_is("device/vif/0/request-rx-copy", "1") && store_is("device/vif/0/feature-rx-notify", "1") &&
              store_is("device/vif/0/feature-no-csum-offload", "1"));
    CHECK("handshake: our state Connected, the backend's too",
          store_is("device/vif/0/state", "4") && store_is("backend/vif/1/0/state", "4") && sim.backend_connected);
    CHECK("handshake: the keys were written in one committed transaction", sim.commits == 1);
    CHECK("handshake: the event channel published is ours",
          sim.evtchn == nf.evtchn && nf.evtchn != 0);
    CHECK("handshake: every rx slot has a buffer posted", sim_netback_rx_posted(&sim) == NETFRONT_RX_SLOTS);
    CHECK("handshake: 256 rx and 256 tx slots", NETFRONT_RX_SLOTS == 256 && NETFRONT_TX_SLOTS == 256);
    CHECK("grants: tx pages read-only, rx pages writable, to the backend only",
          (sim.entries[nf.tx_refs[0]].flags & GTF_readonly) &&
              !(sim.entries[nf.rx_refs[0]].flags & GTF_readonly) &&
              sim.entries[nf.rx_refs[5]].domid == SIM_BACKEND_DOMID);
    CHECK("grants: the backend never met a bad ref", sim.grant_violations == 0);
    CHECK("handshake: no stall", sim.waits == 0);

    /* ---- tx and rx */
    CHECK("tx: one frame arrives whole at the backend", tx_works(1));
    bool all = true;
    for (unsigned i = 2; i < 600; i++)      /* more than a ring's worth: slots are recycled */
        all &= tx_works(i);
    CHECK("tx: 600 frames in a row (slots recycled)", all && nf.tx_frames == 599);
    CHECK("rx: one frame arrives whole", rx_works(1));
    all = true;
    for (unsigned i = 2; i < 600; i++)
        all &= rx_works(i);
    CHECK("rx: 600 frames in a row (buffers re-posted)", all && sim_netback_rx_posted(&sim) == NETFRONT_RX_SLOTS);
    {
        uint8_t f[1000], small[500];
        make_frame(f, sizeof f, 7);
        unsigned errors = (unsigned)nf.rx_errors;
        CHECK("rx: a frame larger than the caller's buffer is dropped",
              sim_netback_inject(&sim, f, sizeof f) == 0 && netfront_receive(&nf, small, sizeof small) == 0 &&
                  nf.rx_errors == errors + 1u);
        CHECK("rx: its buffer is posted again", sim_netback_rx_posted(&sim) == NETFRONT_RX_SLOTS);
    }
    CHECK("tx: an empty or oversized frame is refused", netfront_transmit(&nf, "", 0) == -1);

    /* ---- full rings */
    sim.tx_paused = true;
    unsigned queued = 0;
    uint8_t f[100];
    for (unsigned i = 0; i < 300; i++) {
        make_frame(f, sizeof f, 1000 + i);
        if (netfront_transmit(&nf, f, sizeof f) != 0)
            break;
        queued++;
    }
    CHECK("tx ring full: 256 frames queue, the next is refused", queued == NETFRONT_TX_SLOTS && nf.tx_ring_full == 1);
    unsigned sent_before = sim.sent_count;
    sim.tx_paused = false;
    sim_netback_process_tx(&sim);
    CHECK("tx ring full: the backend drains all 256, in order",
          sim.sent_count == sent_before + 256 && sim.sent[sent_before].data[0] == (uint8_t)1000 &&
              sim.sent[sim.sent_count - 1].data[0] == (uint8_t)(1000 + 255));
    CHECK("tx ring full: sending works again", tx_works(2000));

    unsigned injected = 0;
    for (unsigned i = 0; i < 300; i++) {
        make_frame(f, sizeof f, 3000 + i);
        if (sim_netback_inject(&sim, f, sizeof f) != 0)
            break;
        injected++;
    }
    CHECK("rx ring full: 256 frames fit the posted buffers, the next is dropped by the backend",
          injected == NETFRONT_RX_SLOTS);
    unsigned got_frames = 0, in_order = 1;
    uint8_t buf[1600];
    for (long n; (n = netfront_receive(&nf, buf, sizeof buf)) > 0; got_frames++) {
        make_frame(f, sizeof f, 3000 + got_frames);
        in_order &= n == (long)sizeof f && memcmp(buf, f, sizeof f) == 0;
    }
    CHECK("rx ring full: the guest takes all 256 in order", got_frames == 256 && in_order);
    CHECK("rx ring full: all buffers posted again", sim_netback_rx_posted(&sim) == NETFRONT_RX_SLOTS);
    CHECK("rx ring full: receiving works again", rx_works(4000));
    CHECK("grants: still no bad ref after all that", sim.grant_violations == 0);

    /* ---- the backend closing, then coming back */
    int32_t old_tx_ring_ref = nf.tx_ring_ref;
    sim_backend_set_state(&sim, XenbusStateClosing);
    dispatch_events();
    CHECK("backend closing: the link goes down", nf.link == NETFRONT_DOWN);
    CHECK("backend closing: our state goes to Closed", store_is("device/vif/0/state", "6"));
    CHECK("backend closing: the ring grants are revoked",
          sim.entries[old_tx_ring_ref].flags == 0 && nf.tx_ring_ref == -1);
    CHECK("backend closing: tx refused, rx empty, no crash",
          netfront_transmit(&nf, f, sizeof f) == -1 && netfront_receive(&nf, buf, sizeof buf) == 0);
    sim_backend_set_state(&sim, XenbusStateClosed);
    dispatch_events();
    CHECK("backend closed: still down", nf.link == NETFRONT_DOWN);
    sim_backend_set_state(&sim, XenbusStateInitWait);
    dispatch_events();
    CHECK("backend back: reconnected with fresh rings", nf.link == NETFRONT_CONNECTED && nf.reconnects == 1 &&
                                                            sim.backend_connected && store_is("device/vif/0/state", "4"));
    CHECK("backend back: tx works", tx_works(5000));
    CHECK("backend back: rx works", rx_works(5001));
    CHECK("backend back: every rx slot posted", sim_netback_rx_posted(&sim) == NETFRONT_RX_SLOTS);
    CHECK("backend back: no bad ref", sim.grant_violations == 0);

    /* ---- transactions and bad device nodes */
    CHECK("handshake: a conflicting commit is retried", connect_fresh(conflict_once) == 0 &&
                                                           sim.conflicts == 1 && sim.commits == 1 &&
                                                           nf.link == NETFRONT_CONNECTED);
    /* The backend's Connected watch event arrives while netfront's read of
     * the state is still waiting for its reply (the reply says InitWait):
     * netfront must read again, not block until its patience runs out. */
    CHECK("handshake: a state change announced during the state read is seen",
          connect_fresh(connect_after_read) == 0 && nf.link == NETFRONT_CONNECTED && sim.waits == 0);
    if (err[0])
        printf("# %s\n", err);
    CHECK("bad node: a malformed mac is refused with a reason",
          connect_fresh(no_mac) == -1 && strstr(err, "mac") != NULL);
    printf("# %s\n", err);
    CHECK("bad node: a backend that never reaches InitWait times out with a reason",
          connect_fresh(no_backend_yet) == -1 && strstr(err, "InitWait") != NULL && sim.waits > 0);
    printf("# %s\n", err);
    sim_free(&sim);
    return CHECK_DONE();
}
