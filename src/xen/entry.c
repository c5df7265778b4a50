/*
 * The guest's C entry, called by boot.S in long mode: check the start info,
 * find Xen, bring up the console, shared info, memory, xenstore and netfront,
 * turn the kernel command line into words for the core's config_parse(),
 * and run the core. Without Xen (QEMU -kernel), it still checks the embedded
 * blob's SHA-256, says it is not on Xen and powers the machine off.
 */
#include <stdio.h>
#include <string.h>

#include "content/blob.h"
#include "core/config.h"
#include "xen/console.h"
#include "xen/exceptions.h"
#include "xen/hypercall.h"
#include "xen/memory.h"
#include "xen/page_tables.h"
#include "core/platform.h"
#include "xen/platform_xen.h"
#include "xen/shared_info.h"
#include "xen/shutdown.h"
#include "xen/stack.h"
#include "core/unihost.h"

#define MAX_WORDS 32
#define CMDLINE_MAX 1024

/* The TLS credentials make xen embedded (tls_embed.S); empty for none. */
extern const char unihost_tls_cert[], unihost_tls_cert_end[];
extern const char unihost_tls_key[], unihost_tls_key_end[];
/* The public key that signs pushed blobs (manage_key_embed.S); empty for none. */
extern const char unihost_manage_key[], unihost_manage_key_end[];
/* The ACME CA's roots and the account key (acme_embed.S); empty for none. */
extern const char unihost_acme_ca[], unihost_acme_ca_end[];
extern const char unihost_acme_account_key[], unihost_acme_account_key_end[];

/* A test image's hook (tests/xen/fault_hooks.c), shown the command line
 * before the core parses it; an image made to serve has none. */
void xen_test_hook(const char *cmdline) __attribute__((weak));

static bool on_xen;
static char cmdline[CMDLINE_MAX];
static struct blob blob_check;

bool xen_on_xen(void)
{
    return on_xen;
}

/* Splits the command line at spaces, in place; argv[0] is "unihost". */
static int split_words(char *line, char **argv, int max)
{
    static char name[] = "unihost";
    int argc = 0;
    argv[argc++] = name;
    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        if (argc == max - 1)
            return -1;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    argv[argc] = NULL;
    return argc;
}

static size_t embedded_len(const char *start, const char *end)
{
    return (size_t)((uintptr_t)end - (uintptr_t)start);
}

/* What is built in for ACME goes to the core, as --acme-ca's file does on
 * unix; a command line the image cannot serve stops the guest, saying why. */
static void take_embedded_acme(struct unihost_config *cfg)
{
    size_t ca_len = embedded_len(unihost_acme_ca, unihost_acme_ca_end);
    size_t key_len = embedded_len(unihost_acme_account_key, unihost_acme_account_key_end);
    if (!cfg->acme_directory)
        return;
    if (ca_len == 0)
        xen_shutdown_with_reason(XEN_EXIT_CRASH,
                                 "--acme-directory: this guest has no ACME CA roots built in "
                                 "(make xen XEN_ACME_CA=FILE)");
    /* As --tls-cert and --acme-directory on unix: one source of HTTPS's
     * certificate, never a built-in one served until the CA's comes. */
    if (cfg->tls_cert_pem)
        xen_shutdown_with_reason(XEN_EXIT_CRASH,
                                 "--acme-directory: this guest has a TLS certificate built in; build it "
                                 "with XEN_TLS_CERT= XEN_TLS_KEY= for ACME, or leave out --acme-directory");
    cfg->acme_ca_pem = unihost_acme_ca;
    cfg->acme_ca_pem_len = ca_len;
    if (key_len > 0) {
        cfg->acme_account_key_pem = unihost_acme_account_key;
        cfg->acme_account_key_pem_len = key_len;
        cfg->acme_account_key_path = "XEN_ACME_ACCOUNT_KEY (built into the image)";
    }
}

static size_t embedded_blob_size(void)
{
    return (size_t)(unihost_embedded_blob_end - unihost_embedded_blob);
}

/* The boot without a hypervisor: prove the image and the blob are sound. */
static _Noreturn void report_not_on_xen(void)
{
    const char *error;
    if (blob_open(&blob_check, unihost_embedded_blob, embedded_blob_size(), &error) != 0) {
        xen_console_printf("unihost: content blob rejected: %s", error);
        xen_console_printf("unihost: not on Xen (no Xen CPUID leaves); powering off");
        xen_emulator_poweroff();
    }
    xen_console_printf("unihost: content: %zu bytes, %u files, %u zones, SHA-256 verified",
                       embedded_blob_size(), blob_check.http_file_count, blob_check.zone_count);
    xen_console_printf("unihost: random: %s", xen_random_source());
    xen_console_printf("unihost: not on Xen (no Xen CPUID leaves); powering off");
    xen_emulator_poweroff();
}

_Noreturn void xen_c_entry(const struct hvm_start_info *si);

_Noreturn void xen_c_entry(const struct hvm_start_info *si)
{
    xen_exceptions_init();
    bool guarded = xen_stack_init();
    bool protected = guarded && xen_page_tables_protect();
    xen_console_printf("unihost: PVH entry reached C");
    if (si->magic != XEN_HVM_START_MAGIC_VALUE)
        xen_shutdown_with_reason(XEN_EXIT_CRASH, "bad hvm_start_info magic: not a PVH boot");
    if (si->cmdline_paddr) {
        const char *src = (const char *)(uintptr_t)si->cmdline_paddr;
        size_t n = strnlen(src, sizeof cmdline);
        if (n == sizeof cmdline)
            xen_shutdown_with_reason(XEN_EXIT_CRASH, "kernel command line longer than 1023 bytes");
        memcpy(cmdline, src, n + 1);
    }
    on_xen = xen_hypercall_init();
    if (!on_xen)
        report_not_on_xen();

    if (xen_shared_info_map() != 0)
        xen_shutdown_with_reason(XEN_EXIT_CRASH, "cannot map the shared info page");
    bool ring = xen_console_init();
    uint32_t v = xen_version();
    xen_console_printf("unihost: on Xen %u.%u, console %s", v >> 16, v & 0xffff,
                       ring ? "ring" : "debug port only");
    if (!protected)
        xen_console_printf("unihost: memory: out of page tables: %s", guarded
                           ? "code, read-only data and tables stay writable"
                           : "the stack has no guard page, and code and tables stay writable");
    if (xen_test_hook)
        xen_test_hook(cmdline);
    size_t free_bytes = memory_init(si);
    if (free_bytes == 0)
        xen_shutdown_with_reason(XEN_EXIT_CRASH, "no usable RAM in the PVH memory map");
    xen_console_printf("unihost: memory: %zu KiB free for pages", free_bytes / 1024);

    char *argv[MAX_WORDS + 1];
    int argc = split_words(cmdline, argv, MAX_WORDS + 1);
    struct unihost_config cfg;
    char err[256];
    if (argc < 0)
        xen_shutdown_with_reason(XEN_EXIT_CRASH, "too many words on the kernel command line");
    if (config_parse(argc, argv, &cfg, err, sizeof err) != 0) {
        xen_console_printf("unihost: %s", err);
        xen_console_write(config_usage, strlen(config_usage));
        xen_shutdown_with_reason(XEN_EXIT_CRASH, "bad kernel command line");
    }
    if (cfg.help) {
        xen_console_write(config_usage, strlen(config_usage));
        xen_shutdown_with_reason(XEN_EXIT_POWEROFF, "--help given");
    }
    if (cfg.tap || cfg.blob_path || cfg.tls_cert_path || cfg.manage_key_path || cfg.acme_ca_path ||
        cfg.acme_account_key_path || cfg.acme_state_dir)
        xen_shutdown_with_reason(XEN_EXIT_CRASH,
                                 "--tap, --blob, --tls-cert, --tls-key, --manage-key, --acme-ca, "
                                 "--acme-account-key and --state-dir are for the unix build; on Xen the "
                                 "interface is the vif, the blob, TLS credentials, signing key, ACME CA "
                                 "roots and account key are embedded (make xen XEN_TLS_CERT=FILE "
                                 "XEN_TLS_KEY=FILE MANAGE_PUBKEY=FILE XEN_ACME_CA=FILE "
                                 "XEN_ACME_ACCOUNT_KEY=FILE), and nothing is kept across boots");
    size_t cert_len = (size_t)((uintptr_t)unihost_tls_cert_end - (uintptr_t)unihost_tls_cert);
    size_t key_len = (size_t)((uintptr_t)unihost_tls_key_end - (uintptr_t)unihost_tls_key);
    if (cert_len > 0 && key_len > 0) {
        cfg.tls_cert_pem = unihost_tls_cert;
        cfg.tls_cert_pem_len = cert_len;
        cfg.tls_key_pem = unihost_tls_key;
        cfg.tls_key_pem_len = key_len;
        cfg.tls_cert_path = "the embedded certificate";
        cfg.tls_key_path = "the embedded key";
    }
    size_t manage_key_len = (size_t)((uintptr_t)unihost_manage_key_end - (uintptr_t)unihost_manage_key);
    if (manage_key_len > 0) {
        cfg.manage_key_pem = unihost_manage_key;
        cfg.manage_key_pem_len = manage_key_len;
        cfg.manage_key_path = "the embedded key (MANAGE_PUBKEY)";
    }
    take_embedded_acme(&cfg);
    xen_console_printf("unihost: random: %s", xen_random_source());

    if (xen_platform_start(err, sizeof err) != 0)
        xen_shutdown_with_reason(XEN_EXIT_CRASH, err);
    xen_console_printf("unihost: netfront connected (device/vif/0)");
    int status = unihost_run(&cfg, unihost_embedded_blob, embedded_blob_size(), false);
    plat_exit(status);
}
