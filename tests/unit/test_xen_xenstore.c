/* The xenstore client (src/xen/xenstore.c) against a simulated xenstored. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "xen_sim.h"
#include "xen/xenstore.h"

static struct sim sim;
static struct xs_client xs;

static void setup(void)
{
    sim_free(&sim);
    sim_init(&sim);
    struct xs_transport t = sim_xs_transport(&sim);
    xs_init(&xs, &t);
}

int main(void)
{
    char buf[256];
    setup();

    CHECK("read: an existing key", xs_read(&xs, 0, "device/vif/0/mac", buf, sizeof buf) == 17 &&
                                       strcmp(buf, "00:16:3e:12:34:56") == 0);
    CHECK("read: a missing key is ENOENT", xs_read(&xs, 0, "no/such/key", buf, sizeof buf) == XS_ERR_NOENT);
    CHECK("write then read", xs_write(&xs, 0, "data/x", "hello") == XS_OK &&
                                 xs_read(&xs, 0, "data/x", buf, sizeof buf) == 5 && strcmp(buf, "hello") == 0);
    CHECK("write reaches the store", sim_store_read(&sim, "data/x") && strcmp(sim_store_read(&sim, "data/x"), "hello") == 0);
    CHECK("read: a value longer than the buffer is TOOBIG, not cut",
          xs_read(&xs, 0, "data/x", buf, 4) == XS_ERR_TOOBIG);
    unsigned long u = 0;
    CHECK("read_uint: a number", xs_read_uint(&xs, 0, "device/vif/0/backend-id", &u) == XS_OK && u == 0);
    CHECK("read_uint: not a number is a protocol error",
          xs_read_uint(&xs, 0, "device/vif/0/mac", &u) == XS_ERR_PROTO);

    /* Watches: xenstored fires a new watch once, then on every change under it. */
    const char *path, *token;
    CHECK("watch: registered", xs_watch(&xs, "data", "tok1") == XS_OK);
    CHECK("watch: the initial event", xs_next_watch_event(&xs, &path, &token) &&
                                          strcmp(path, "data") == 0 && strcmp(token, "tok1") == 0);
    CHECK("watch: no more events yet", !xs_next_watch_event(&xs, &path, &token));
    CHECK("watch: a write below the path", xs_write(&xs, 0, "data/y/z", "1") == XS_OK);
    CHECK("watch: its event names the written path", xs_next_watch_event(&xs, &path, &token) &&
                                                          strcmp(path, "data/y/z") == 0 && strcmp(token, "tok1") == 0);
    sim_store_write(&sim, "datax", "1");    /* a sibling with the same prefix: no event */
    sim_store_write(&sim, "data", "2");
    CHECK("watch: a toolstack write is seen, a same-prefix sibling is not",
          xs_next_watch_event(&xs, &path, &token) && strcmp(path, "data") == 0 &&
              !xs_next_watch_event(&xs, &path, &token));
    /* Events arriving while a reply is awaited are queued, not lost. */
    sim_store_write(&sim, "data/q", "1");
    CHECK("watch: a request with an event in front of its reply", xs_read(&xs, 0, "data/q", buf, sizeof buf) == 1);
    CHECK("watch: that event was kept", xs_next_watch_event(&xs, &path, &token) && strcmp(path, "data/q") == 0);
    CHECK("unwatch", xs_unwatch(&xs, "data", "tok1") == XS_OK);
    sim_store_write(&sim, "data/after", "1");
    CHECK("unwatch: no more events", !xs_next_watch_event(&xs, &path, &token));
    CHECK("unwatch: an unknown watch is ENOENT", xs_unwatch(&xs, "data", "tok1") == XS_ERR_NOENT);

    /* Transactions. */
    uint32_t tx = 0;
    CHECK("transaction: start", xs_transaction_start(&xs, &tx) == XS_OK && tx != 0);
    CHECK("transaction: write inside", xs_write(&xs, tx, "t/a", "1") == XS_OK);
    CHECK("transaction: visible inside", xs_read(&xs, tx, "t/a", buf, sizeof buf) == 1);
    CHECK("transaction: invisible outside before commit", xs_read(&xs, 0, "t/a", buf, sizeof buf) == XS_ERR_NOENT);
    CHECK("transaction: commit", xs_transaction_end(&xs, tx, true) == XS_OK);
    CHECK("transaction: visible after commit", xs_read(&xs, 0, "t/a", buf, sizeof buf) == 1);
    CHECK("transaction: start again", xs_transaction_start(&xs, &tx) == XS_OK);
    CHECK("transaction: write then abort", xs_write(&xs, tx, "t/b", "1") == XS_OK &&
                                               xs_transaction_end(&xs, tx, false) == XS_OK);
    CHECK("transaction: aborted writes are gone", xs_read(&xs, 0, "t/b", buf, sizeof buf) == XS_ERR_NOENT);
    sim.fail_next_commit = true;
    CHECK("transaction: conflict start", xs_transaction_start(&xs, &tx) == XS_OK &&
                                             xs_write(&xs, tx, "t/c", "1") == XS_OK);
    CHECK("transaction: a conflicting commit is EAGAIN", xs_transaction_end(&xs, tx, true) == XS_ERR_AGAIN);
    CHECK("transaction: its writes are gone", xs_read(&xs, 0, "t/c", buf, sizeof buf) == XS_ERR_NOENT);
    CHECK("transaction: a write in a closed transaction is an error",
          xs_write(&xs, tx, "t/d", "1") == XS_ERR_INVAL);

    /* Many requests with long values: the 1 KiB rings wrap many times. */
    int wrong = 0;
    for (int i = 0; i < 200; i++) {
        char key[32], value[120];
        snprintf(key, sizeof key, "wrap/%d", i);
        memset(value, 'a' + i % 26, sizeof value - 1);
        value[sizeof value - 1] = '\0';
        value[0] = (char)('0' + i % 10);
        if (xs_write(&xs, 0, key, value) != XS_OK ||
            xs_read(&xs, 0, key, buf, sizeof buf) != (int)strlen(value) || strcmp(buf, value) != 0)
            wrong++;
    }
    CHECK("ring wrap: 200 writes and reads of 119-byte values", wrong == 0);
    CHECK("ring wrap: the indexes went round the ring", sim.ring.req_prod > 20 * XENSTORE_RING_SIZE);

    char long_path[XENSTORE_PAYLOAD_MAX + 10];
    memset(long_path, 'p', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    CHECK("a request over XENSTORE_PAYLOAD_MAX is refused before sending",
          xs_read(&xs, 0, long_path, buf, sizeof buf) == XS_ERR_TOOBIG);
    CHECK("the client never had to wait on the synchronous simulation", sim.waits == 0);
    CHECK("error names", strcmp(xs_error_name(XS_ERR_NOENT), "ENOENT") == 0 &&
                             strcmp(xs_error_name(XS_ERR_TIMEOUT), "timeout") == 0);
    sim_free(&sim);
    return CHECK_DONE();
}
