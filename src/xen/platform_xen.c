/*
 * The platform contract on Xen: time from pvclock, waiting in SCHEDOP_poll
 * on the netfront and xenstore event channels, the PV console, netfront
 * for the interface, and the toolstack's control/shutdown key as the stop
 * request.
 */
#include "core/platform.h"

#include <stdio.h>
#include <string.h>

#include "xen/console.h"
#include "xen/entropy.h"
#include "xen/evtchn.h"
#include "xen/gnttab.h"
#include "xen/hypercall.h"
#include "xen/memory.h"
#include "xen/netfront.h"
#include "xen/platform_xen.h"
#include "xen/shutdown.h"
#include "xen/stack.h"
#include "xen/time.h"
#include "xen/xenstore.h"
#include <xen/hvm/params.h>

#define SHUTDOWN_WATCH_TOKEN "control-shutdown"
/* How long xenstored or the backend may stay silent before we give up: the
 * vif hotplug script alone takes 6-8 s under QEMU TCG, so be generous. */
#define XENSTORE_PATIENCE_NS (60ull * 1000000000u)
#define GNTTAB_FRAMES 4

static struct xs_client xenstore;
static evtchn_port_t xenstore_port;
static struct gnttab grant_table;
static uint8_t grant_frames[GNTTAB_FRAMES * XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
static struct netfront net;
static bool stop_requested, net_up;

static void check_shutdown_request(void);

/* ---- transports ------------------------------------------------------ */

static void xenstore_notify(void *ctx)
{
    (void)ctx;
    evtchn_notify(xenstore_port);
}

/* Blocks on `ports` for up to the patience; false if nothing came. */
static bool wait_ports(evtchn_port_t *ports, unsigned count)
{
    uint64_t deadline = xen_system_time_ns() + XENSTORE_PATIENCE_NS;
    for (;;) {
        bool any = false;
        for (unsigned i = 0; i < count; i++)
            any |= evtchn_take_pending(ports[i]);
        if (any)
            return true;
        if (xen_system_time_ns() >= deadline)
            return false;
        evtchn_poll(ports, count, deadline);
    }
}

static bool xenstore_wait(void *ctx)
{
    (void)ctx;
    return wait_ports(&xenstore_port, 1);
}

static int net_alloc_evtchn(void *ctx, domid_t remote, evtchn_port_t *port)
{
    (void)ctx;
    return evtchn_alloc_unbound(remote, port);
}

static void net_notify(void *ctx, evtchn_port_t port)
{
    (void)ctx;
    evtchn_notify(port);
}

static void *net_alloc_page(void *ctx)
{
    (void)ctx;
    return memory_alloc_page();
}

static bool net_wait(void *ctx)
{
    (void)ctx;
    evtchn_port_t ports[2] = {xenstore_port, net.evtchn};
    return wait_ports(ports, net.evtchn ? 2 : 1);
}

/* ---- start-up -------------------------------------------------------- */

int xen_platform_start(char *err, unsigned long err_size)
{
    uint64_t pfn, port;
    if (xen_hvm_get_param(HVM_PARAM_STORE_PFN, &pfn) != 0 ||
        xen_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &port) != 0 || pfn == 0) {
        snprintf(err, err_size, "xenstore: Xen gave no ring (HVM_PARAM_STORE_PFN)");
        return -1;
    }
    xenstore_port = (evtchn_port_t)port;
    struct xs_transport t = {
        .ring = (struct xenstore_domain_interface *)(uintptr_t)(pfn * XEN_PAGE_SIZE),
        .notify = xenstore_notify,
        .wait = xenstore_wait,
    };
    xs_init(&xenstore, &t);
    int rc = xs_watch(&xenstore, "control/shutdown", SHUTDOWN_WATCH_TOKEN);
    if (rc < 0) {
        snprintf(err, err_size, "xenstore: cannot watch control/shutdown (%s)", xs_error_name(rc));
        return -1;
    }
    if ((rc = gnttab_map_frames(&grant_table, grant_frames, GNTTAB_FRAMES)) != 0) {
        snprintf(err, err_size, "grant table: cannot map its frames (Xen error %d)", rc);
        return -1;
    }
    struct netfront_port np = {
        .gnttab = &grant_table,
        .alloc_evtchn = net_alloc_evtchn,
        .notify = net_notify,
        .alloc_page = net_alloc_page,
        .wait = net_wait,
    };
    if (netfront_connect(&net, &xenstore, &np, "device/vif/0", err, err_size) != 0)
        return -1;
    net_up = true;
    /* The handshake drained the watch events: a request made meanwhile
     * would otherwise wait for the next one. */
    check_shutdown_request();
    return 0;
}

/* The toolstack writes poweroff, reboot, halt or suspend (which we cannot
 * do: we stop) to control/shutdown; acknowledging means clearing it. */
static void check_shutdown_request(void)
{
    char request[32];
    if (xs_read(&xenstore, 0, "control/shutdown", request, sizeof request) > 0) {
        (void)xs_write(&xenstore, 0, "control/shutdown", "");
        stop_requested = true;
    }
}

/* Handles what xenstore told us: the toolstack's shutdown request and the
 * backend's state changes. */
static void handle_xenstore_events(void)
{
    const char *path, *token;
    bool backend = false, control = false;
    while (xs_next_watch_event(&xenstore, &path, &token)) {
        if (strcmp(token, NETFRONT_WATCH_TOKEN) == 0)
            backend = true;
        else if (strcmp(token, SHUTDOWN_WATCH_TOKEN) == 0)
            control = true;
    }
    if (control)
        check_shutdown_request();
    if (backend && net_up)
        netfront_backend_changed(&net);
}

/* ---- the contract ---------------------------------------------------- */

uint64_t plat_monotonic_ns(void)
{
    return xen_system_time_ns();
}

uint64_t plat_wallclock_ns(void)
{
    return xen_wallclock_ns();
}

void plat_wait(uint64_t deadline_ns)
{
    xen_stack_check(xen_system_time_ns());
    for (;;) {
        /* Take every pending bit first (a bit left set would make the poll
         * below return at once, forever), then act on what they said. */
        /* Events queued while a xenstore request awaited its reply had
         * their notification taken by that wait: they count as pending. */
        bool store = evtchn_take_pending(xenstore_port) | xs_watch_event_queued(&xenstore);
        bool net_event = net.evtchn != 0 && evtchn_take_pending(net.evtchn);
        if (store)
            handle_xenstore_events();
        bool frames = net.link == NETFRONT_CONNECTED &&
                      (net_event || RING_HAS_UNCONSUMED_RESPONSES(&net.rx));
        if (frames || store || stop_requested || xen_system_time_ns() >= deadline_ns)
            return;
        evtchn_port_t ports[2] = {xenstore_port, net.evtchn};
        evtchn_poll(ports, net.evtchn != 0 ? 2 : 1, deadline_ns);
    }
}

bool plat_stop_requested(void)
{
    return stop_requested;
}

bool plat_stats_requested(void)
{
    return false;
}

unsigned plat_query_log_toggles_take(void)
{
    return 0;
}

/* Xen has no SIGHUP: new content comes by a push to --manage. */
int plat_reload_take(void **memory, size_t *size, char *origin, size_t origin_size, char *err, size_t err_size)
{
    (void)memory, (void)size, (void)origin, (void)origin_size, (void)err, (void)err_size;
    return 0;
}

/* Memory for a pushed blob (--manage): runs of pages that are given back
 * (memory.h, page_runs.h); page-aligned, so 8-byte aligned too. */
void *plat_blob_alloc(size_t size)
{
    return memory_alloc_run(size);
}

void plat_blob_free(void *memory)
{
    if (memory && memory_free_run(memory) != 0)
        xen_shutdown_with_reason(XEN_EXIT_CRASH, "plat_blob_free: not memory plat_blob_alloc gave");
}

void plat_console_write(const char *buf, size_t len)
{
    xen_console_write(buf, len);
}

size_t plat_console_try_write(const char *buf, size_t len)
{
    return xen_console_try_write(buf, len);
}

void plat_net_info(struct plat_net_info *info)
{
    memcpy(info->mac, net.mac, sizeof info->mac);
    info->mtu = 1500;
    info->tcp_segment_max = 0;     /* netfront here offers no segmentation offload */
}

long plat_net_read(void *buf, size_t size, uint8_t **frame)
{
    *frame = buf;               /* netfront's pages go back on the ring at once: copied out */
    /* A backend that went away is not a hard error: it may come back, and
     * netfront reconnects; meanwhile there is simply nothing to read. */
    long n = netfront_receive(&net, buf, size);
    /* Said once: which checksums the backend leaves to us is the first
     * thing to know when TCP or UDP fails on one address family only. */
    static bool told;
    if (!told && net.rx_csum_blank) {
        told = true;
        static const char line[] =
            "unihost: netfront: the backend sends frames with blank checksums "
            "(NETRXF_csum_blank); completing them\n";
        xen_console_write(line, sizeof line - 1);
    }
    return n;
}

int plat_net_write(const void *frame, size_t len)
{
    return netfront_transmit(&net, frame, len);
}

/* netfront copies every frame into a granted page anyway, so the pieces are
 * gathered here first: one copy either way. */
int plat_net_write_pieces(const struct plat_net_piece *pieces, int count)
{
    static uint8_t frame[1514];
    size_t len = 0;
    for (int i = 0; i < count; i++) {
        if (pieces[i].len > sizeof frame - len)
            return -1;      /* larger than a frame: without offload it cannot be */
        memcpy(frame + len, pieces[i].data, pieces[i].len);
        len += pieces[i].len;
    }
    return netfront_transmit(&net, frame, len);
}

/* ---- randomness: the CPU's generator behind a DRBG (entropy.c) ---- */

static bool cpu_rdseed(uint64_t *out)
{
    unsigned char ok;
    __asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
    return ok;
}

static bool cpu_rdrand(uint64_t *out)
{
    unsigned char ok;
    __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
    return ok;
}

/* A hypercall's exit and return cost varies with what Xen and the other
 * CPUs are doing: the jitter the TSC samples pick up. */
static void cpu_disturb(void)
{
    if (xen_on_xen())
        (void)xen_hypercall(__HYPERVISOR_xen_version, 0, 0, 0, 0, 0);     /* XENVER_version */
}

static struct entropy rng;

static struct entropy *rng_ready(void)
{
    static struct entropy_cpu cpu;
    static bool ready;
    if (!ready) {
        uint32_t max_leaf, a, b, c, d, leaf1_ecx, leaf7_ebx = 0;
        xen_cpuid(0, &max_leaf, &b, &c, &d);
        xen_cpuid(1, &a, &b, &leaf1_ecx, &d);
        if (max_leaf >= 7)
            xen_cpuid(7, &a, &leaf7_ebx, &c, &d);
        cpu = (struct entropy_cpu){
            .has_rdrand = (leaf1_ecx >> 30) & 1,                    /* CPUID.1:ECX.RDRAND */
            .has_rdseed = (leaf7_ebx >> 18) & 1,                    /* CPUID.7.0:EBX.RDSEED */
            .rdseed = cpu_rdseed,
            .rdrand = cpu_rdrand,
            .cycles = xen_rdtsc,
            .disturb = cpu_disturb,
        };
        entropy_init(&rng, &cpu);
        ready = true;
    }
    return &rng;
}

void plat_random(void *buf, size_t len)
{
    entropy_fill(rng_ready(), buf, len);
}

bool plat_random_is_cryptographic(void)
{
    return entropy_cryptographic(rng_ready());
}

const char *xen_random_source(void)
{
    return entropy_source_name(rng_ready());
}

_Noreturn void plat_exit(int status)
{
    char reason[48];
    snprintf(reason, sizeof reason, "exit status %d", status);
    xen_shutdown_with_reason(status == 0 ? XEN_EXIT_POWEROFF : XEN_EXIT_CRASH, reason);
}
