/*
 * crunch: the content compiler of unihost. Turns a site directory
 * (Markdown pages, a template, assets) and a zones directory (RFC 1035
 * master files) into one content blob (-o) and/or a directory of the
 * published files (--export). Every input error is reported as
 * "FILE:LINE: what is wrong"; with any error nothing is written (with
 * --dev, the error page is: see dev_reload.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content/blob.h"
#include "content/blob_writer.h"
#include "brotli.h"
#include "dev_reload.h"
#include "diag.h"
#include "export.h"
#include "http_emit.h"
#include "site.h"
#include "util.h"
#include "zone.h"
#include "dns_conf.h"
#include "transfer.h"
#include "zone_emit.h"

#define EXIT_INPUT_ERROR 1
#define EXIT_USAGE 2

struct options {
    const char *site_dir;
    const char *zones_dir;
    const char *output;
    const char *export_dir;
    int quiet;
    int dev;                /* --dev: the live-reload loop's blob */
    int drafts;             /* --drafts: publish pages marked draft */
    int have_epoch;         /* SOURCE_DATE_EPOCH is set */
    uint64_t epoch;
};

static void usage(FILE *out)
{
    fputs("usage: crunch [--site DIR] [--zones DIR] [-o FILE] [--export DIR] [--dev] [--drafts] [--quiet]\n"
          "\n"
          "Compiles a website and DNS zones into a unihost content blob.\n"
          "\n"
          "  --site DIR     the website: NAME.md pages rendered into DIR/_template.html\n"
          "                 and published as NAME.html; every other file published as is;\n"
          "                 names starting with '_' or '.' are not published\n"
          "  --zones DIR    DNS zones: one master file per zone, DIR/NAME.zone, and\n"
          "                 optionally DIR/transfers.conf: who may transfer each zone\n"
          "  -o FILE        write the content blob to FILE\n"
          "  --export DIR   write every published file under DIR at its URL path\n"
          "  --dev          a development blob, for tools/run-tap.sh --watch: every page\n"
          "                 reloads itself when unihost swaps in another blob; on an\n"
          "                 input error, -o FILE gets the error page (the status is\n"
          "                 still 1). Never serve one in production\n"
          "  --drafts       publish the pages whose front matter says draft = true\n"
          "                 (left out by default)\n"
          "  --quiet        print nothing on success\n"
          "  --help         show this help\n"
          "\n"
          "At least one of -o and --export is needed. Errors are reported as\n"
          "FILE:LINE: message; then nothing is written and the exit status is 1.\n"
          "SOURCE_DATE_EPOCH, if set, caps file times and dates the blob.\n",
          out);
}

static int parse_epoch(struct options *opt)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s)
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end != '\0' || s[0] == '-') {
        fprintf(stderr, "crunch: SOURCE_DATE_EPOCH must be a number of seconds, not \"%s\"\n", s);
        return -1;
    }
    opt->have_epoch = 1;
    opt->epoch = v;
    return 0;
}

/* Returns 0, or an exit status to leave with (usage error or --help). */
static int parse_args(int argc, char **argv, struct options *opt)
{
    enum { OPT_SITE = 256, OPT_ZONES, OPT_EXPORT, OPT_QUIET, OPT_DEV, OPT_DRAFTS, OPT_HELP };
    static const struct option long_options[] = {
        {"site", required_argument, NULL, OPT_SITE},
        {"zones", required_argument, NULL, OPT_ZONES},
        {"export", required_argument, NULL, OPT_EXPORT},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"dev", no_argument, NULL, OPT_DEV},
        {"drafts", no_argument, NULL, OPT_DRAFTS},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:q", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_SITE: opt->site_dir = optarg; break;
        case OPT_ZONES: opt->zones_dir = optarg; break;
        case OPT_EXPORT: opt->export_dir = optarg; break;
        case 'o': opt->output = optarg; break;
        case 'q':
        case OPT_QUIET: opt->quiet = 1; break;
        case OPT_DEV: opt->dev = 1; break;
        case OPT_DRAFTS: opt->drafts = 1; break;
        case OPT_HELP:
            usage(stdout);
            return EXIT_SUCCESS + 256;      /* leave with 0 */
        case ':':
            fprintf(stderr, "crunch: %s needs an argument\n", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        default:
            fprintf(stderr, "crunch: unknown option %s\n", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "crunch: unexpected argument %s\n", argv[optind]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!opt->output && !opt->export_dir) {
        fputs("crunch: nothing to write: give -o FILE and/or --export DIR\n", stderr);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!opt->site_dir && !opt->zones_dir) {
        fputs("crunch: no input: give --site DIR and/or --zones DIR\n", stderr);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (parse_epoch(opt) != 0)
        return EXIT_USAGE;
    return 0;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * Self-check: the blob must open with the same reader the unikernel uses,
 * and find every file it should serve.
 */
static int check_blob(const uint8_t *data, size_t len, const struct http_files *files)
{
    struct blob b;
    const char *error;
    if (blob_open(&b, data, len, &error) != 0) {
        fprintf(stderr, "crunch: internal error: the blob just built does not open: %s\n", error);
        return -1;
    }
    for (size_t i = 0; i < files->count; i++) {
        if (!blob_http_find(&b, files->items[i].path, strlen(files->items[i].path))) {
            fprintf(stderr, "crunch: internal error: %s is missing from the blob just built\n",
                    files->items[i].path);
            return -1;
        }
    }
    return 0;
}

static const char *plural(unsigned n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/*
 * Brotli's highest quality compresses about 1 MB of text a second here, so
 * a large site would take minutes (10,000 pages: 40 s) where everything
 * else takes 2. Up to this many bytes of compressible files, brotli runs at
 * quality 11 (a second or two at most); past it, at quality 5, which costs
 * about as much as gzip -9 and still beats it (bench/crunch.sh).
 */
#define BROTLI_BEST_QUALITY_BUDGET (2u << 20)
#define BROTLI_LARGE_SITE_QUALITY 5

static void choose_brotli_quality(const struct http_files *files)
{
    size_t text = 0;
    for (size_t i = 0; i < files->count; i++)
        if (files->items[i].compressible)
            text += files->items[i].body_len;
    if (text > BROTLI_BEST_QUALITY_BUDGET)
        brotli_set_quality(BROTLI_LARGE_SITE_QUALITY);
}

/* Builds the blob, checks it and writes it to opt->output. Returns 0 or
 * -1 (said on stderr); *records and *blob_len for the summary. */
static int write_blob(const struct options *opt, const struct http_files *files, const struct zone_set *zones,
                      const struct dns_conf *dns_conf, const uint8_t *build_id, unsigned *records,
                      size_t *blob_len)
{
    int failed = 0;
    struct blob_writer *w = blob_writer_new();
    uint8_t *blob = NULL;
    choose_brotli_quality(files);
    if (!w || http_emit(w, files, !opt->dev) != 0) {
        fputs("crunch: cannot build the blob (out of memory or compression failed)\n", stderr);
        failed = 1;
    } else {
        *records = zone_emit(w, zones);
        dns_conf_emit(w, dns_conf);
        if (opt->dev) {
            blob_writer_set_flags(w, BLOB_DEVELOPMENT);
            blob_writer_set_build_id(w, build_id);
        }
        uint64_t created = opt->have_epoch ? opt->epoch : (uint64_t)time(NULL);
        if (blob_writer_finish(w, created, &blob, blob_len) != 0) {
            fputs("crunch: cannot build the blob: larger than 4 GiB or out of memory\n", stderr);
            failed = 1;
        } else if (check_blob(blob, *blob_len, files) != 0) {
            failed = 1;
        } else {
            int err = write_file_atomic(opt->output, blob, *blob_len);
            if (err) {
                fprintf(stderr, "%s: cannot write the blob: %s\n", opt->output, strerror(err));
                failed = 1;
            }
        }
    }
    free(blob);
    blob_writer_free(w);
    return failed ? -1 : 0;
}

/* --dev after input errors (already counted, not yet printed): prints
 * them and writes the error page's blob in place of the site's, so the
 * browser shows them until a good build replaces it. Zones without errors
 * of their own (`zones`, else NULL) stay in it: a typo in a page does not
 * stop DNS. */
static void write_error_blob(const struct options *opt, struct http_files *files, const struct zone_set *zones,
                             const struct dns_conf *dns_conf)
{
    unsigned errors = diag_error_count();
    char *messages = diag_flush_copy();
    uint8_t build_id[BLOB_BUILD_ID_LEN];
    dev_reload_error_site(files, messages, errors, build_id);
    free(messages);
    struct zone_set no_zones = {0};
    struct dns_conf defaults;
    dns_conf_load_defaults(&defaults);
    unsigned records = 0;
    size_t len = 0;
    if (write_blob(opt, files, zones ? zones : &no_zones, zones ? dns_conf : &defaults, build_id, &records,
                   &len) == 0)
        fprintf(stderr, "crunch: %u %s; %s holds the error page%s\n", errors, plural(errors, "error", "errors"),
                opt->output, zones && zones->count ? " (and the zones, which have none)" : "");
    dns_conf_free(&defaults);
}

int main(int argc, char **argv)
{
    uint64_t started = now_ms();
    struct options opt;
    memset(&opt, 0, sizeof opt);
    int rc = parse_args(argc, argv, &opt);
    if (rc)
        return rc == 256 ? EXIT_SUCCESS : rc;

    struct http_files files = {0};
    struct site_summary site = {0, 0, 0};
    struct zone_set zones = {0};
    unsigned site_errors = 0;
    if (opt.site_dir) {
        struct site_options site_opt = {opt.have_epoch ? &opt.epoch : NULL, opt.drafts};
        site_errors = site_load(opt.site_dir, &site_opt, &files, &site);
    }
    struct dns_conf dns_conf;
    if (opt.zones_dir && zones_load(opt.zones_dir, &zones) == 0 && transfers_load(opt.zones_dir, &zones) == 0)
        dns_conf_load(opt.zones_dir, &zones, &dns_conf);
    else
        dns_conf_load_defaults(&dns_conf);
    if (diag_error_count() && opt.dev && opt.output) {
        bool zones_sound = diag_error_count() == site_errors;
        write_error_blob(&opt, &files, zones_sound ? &zones : NULL, &dns_conf);
        http_files_free(&files);
        zones_free(&zones);
        dns_conf_free(&dns_conf);
        return EXIT_INPUT_ERROR;
    }
    if (diag_error_count()) {
        diag_flush();
        unsigned n = diag_error_count();
        fprintf(stderr, "crunch: %u %s; nothing written\n", n, plural(n, "error", "errors"));
        http_files_free(&files);
        zones_free(&zones);
        dns_conf_free(&dns_conf);
        return EXIT_INPUT_ERROR;
    }
    /* Warnings only: printed (--quiet too: it silences the summary), and
     * the build goes on. */
    if (diag_warning_count())
        diag_flush();
    uint8_t build_id[BLOB_BUILD_ID_LEN] = {0};
    if (opt.dev)
        dev_reload_apply(&files, build_id);

    int failed = 0;
    unsigned records = 0;
    size_t blob_len = 0;
    if (opt.output) {
        failed = write_blob(&opt, &files, &zones, &dns_conf, build_id, &records, &blob_len) != 0;
    } else {
        for (size_t i = 0; i < zones.count; i++)
            records += (unsigned)zones.items[i].rr_count;
    }
    if (!failed && opt.export_dir && export_files(opt.export_dir, &files) != 0) {
        diag_flush();
        failed = 1;
    }

    if (!failed && !opt.quiet) {
        unsigned zone_count = (unsigned)zones.count;
        printf("crunch: %u %s, ", site.pages, plural(site.pages, "page", "pages"));
        if (site.drafts)
            printf("%u %s left out, ", site.drafts, plural(site.drafts, "draft", "drafts"));
        printf("%u %s, %u %s (%u %s) -> ", site.assets, plural(site.assets, "asset", "assets"), zone_count,
               plural(zone_count, "zone", "zones"), records, plural(records, "record", "records"));
        if (opt.output)
            printf("%s (%zu bytes)%s", opt.output, blob_len, opt.export_dir ? ", " : "");
        if (opt.export_dir)
            printf("%s/ (export)", opt.export_dir);
        printf(" in %llu ms\n", (unsigned long long)(now_ms() - started));
    }
    http_files_free(&files);
    zones_free(&zones);
    dns_conf_free(&dns_conf);
    return failed ? EXIT_INPUT_ERROR : EXIT_SUCCESS;
}
