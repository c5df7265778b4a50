/*
 * Checks of the DNSSEC records of a zone signed offline (ldns-signzone,
 * dnssec-signzone, ...): what the engine relies on to serve signatures and
 * denial-of-existence proofs. Every check is one a signer's output passes;
 * they catch hand edits and mixed-up files.
 */
#include "zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "diag.h"

static const char *type_name(uint16_t type, char out[32])
{
    char *s = ldns_rr_type2str((ldns_rr_type)type);
    snprintf(out, 32, "%s", s ? s : "?");
    free(s);
    return out;
}

static int at_apex(const struct zone *z, const struct zone_rr *r)
{
    return r->key_len == z->apex_key_len && memcmp(r->key, z->apex_key, r->key_len) == 0;
}

/*
 * The iterations and salt of an NSEC3PARAM (hash algorithm SHA-1, rdata of
 * at least 5 bytes): an error, and false, for what validators treat as
 * insecure (see ZONE_NSEC3_ITERATIONS_MAX); a warning for anything but
 * RFC 9276's 0 iterations and no salt.
 */
static int nsec3_param_servable(const struct zone_rr *r, const char *path)
{
    unsigned iterations = (unsigned)r->rdata[2] << 8 | r->rdata[3];
    unsigned salt_len = r->rdata_len >= 5u + r->rdata[4] ? r->rdata[4] : 0;
    if (iterations > ZONE_NSEC3_ITERATIONS_MAX) {
        diag_error(path, r->line, "NSEC3PARAM with %u extra iterations: validators (BIND 9.20, Knot Resolver, PowerDNS Recursor 5) treat more than %u as insecure, so the zone would be served unprotected; sign it with 0 iterations and no salt (RFC 9276 section 3.1)",
                   iterations, ZONE_NSEC3_ITERATIONS_MAX);
        return 0;
    }
    if (zone_nsec3_blocks(iterations, salt_len) > ZONE_NSEC3_BLOCKS_MAX) {
        diag_error(path, r->line, "NSEC3PARAM with %u extra iterations and a %u-byte salt: Knot Resolver treats more than %u SHA-1 blocks per hashed name as insecure (this costs %lu), so the zone would be served unprotected; sign it with 0 iterations and no salt (RFC 9276 section 3.1)",
                   iterations, salt_len, ZONE_NSEC3_BLOCKS_MAX, zone_nsec3_blocks(iterations, salt_len));
        return 0;
    }
    if (iterations > 0 && salt_len > 0)
        diag_warning(path, r->line, "NSEC3PARAM with %u extra %s and a %u-byte salt: RFC 9276 3.1: use 0 iterations and no salt",
                     iterations, iterations == 1 ? "iteration" : "iterations", salt_len);
    else if (iterations > 0)
        diag_warning(path, r->line, "NSEC3PARAM with %u extra %s: RFC 9276 3.1: use 0 iterations and no salt",
                     iterations, iterations == 1 ? "iteration" : "iterations");
    else if (salt_len > 0)
        diag_warning(path, r->line, "NSEC3PARAM with a %u-byte salt: RFC 9276 3.1: use 0 iterations and no salt",
                     salt_len);
    return 1;
}

/* NSEC3 hash algorithm, iterations and salt: what must agree between the
 * NSEC3PARAM and every NSEC3 (RFC 5155 sections 3.2 and 4.2; the flags may
 * differ: opt-out is per NSEC3). */
static int nsec3_params_equal(const struct zone_rr *param, const struct zone_rr *nsec3)
{
    if (param->rdata_len < 5 || nsec3->rdata_len < 5)
        return 0;
    size_t salt = param->rdata[4];
    return param->rdata[0] == nsec3->rdata[0] && memcmp(param->rdata + 2, nsec3->rdata + 2, 3) == 0 &&
           nsec3->rdata_len >= 5 + salt && memcmp(param->rdata + 5, nsec3->rdata + 5, salt) == 0;
}

/* An NSEC3 owner is one base32hex label of a SHA-1 hash right below the
 * apex (RFC 5155 section 3). */
static int nsec3_owner_ok(const struct zone *z, const struct zone_rr *r)
{
    if (r->owner[0] != 32 || r->owner_len != 33 + z->apex_len)
        return 0;
    for (size_t i = 1; i <= 32; i++) {
        uint8_t c = r->owner[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'v')))
            return 0;
    }
    return 1;
}

/* RRSIGs must sign an RRset of their own name: the engine serves them
 * beside that RRset and nowhere else. */
static unsigned check_rrsig_targets(const struct zone *z, const char *path)
{
    unsigned errors = 0;
    char name[1024], tbuf[32];
    for (size_t start = 0, end; start < z->rr_count; start = end) {
        for (end = start + 1; end < z->rr_count && z->rrs[end].key_len == z->rrs[start].key_len &&
                              memcmp(z->rrs[end].key, z->rrs[start].key, z->rrs[start].key_len) == 0; end++)
            ;
        for (size_t i = start; i < end; i++) {
            const struct zone_rr *r = &z->rrs[i];
            if (r->dropped || r->type != LDNS_RR_TYPE_RRSIG || (i > start && zone_same_rrset(r, &z->rrs[i - 1])))
                continue;
            uint16_t covered = (uint16_t)zone_rrset_subtype(r);
            int found = 0;
            for (size_t j = start; j < end && !found; j++)
                found = !z->rrs[j].dropped && z->rrs[j].type == covered && covered != LDNS_RR_TYPE_RRSIG;
            if (!found) {
                diag_error(path, r->line, "RRSIG at %s covers type %s, but %s has no %s records; a signature must sit beside the RRset it signs",
                           zone_name_text(r->owner, name), type_name(covered, tbuf),
                           zone_name_text(r->owner, name), type_name(covered, tbuf));
                errors++;
            }
        }
    }
    return errors;
}

unsigned zone_check_dnssec(const struct zone *z, const char *path)
{
    unsigned errors = check_rrsig_targets(z, path);
    char name[1024], apex[1024];
    const struct zone_rr *first_nsec = NULL, *first_nsec3 = NULL, *param = NULL;
    int bad_param = 0;          /* reported already: no follow-up errors */
    int apex_nsec = 0;
    zone_name_text(z->apex, apex);
    for (size_t i = 0; i < z->rr_count; i++) {
        const struct zone_rr *r = &z->rrs[i];
        if (r->dropped)
            continue;
        if (r->type == LDNS_RR_TYPE_NSEC) {
            if (!first_nsec)
                first_nsec = r;
            apex_nsec |= at_apex(z, r);
        } else if (r->type == LDNS_RR_TYPE_NSEC3 && !first_nsec3) {
            first_nsec3 = r;
        } else if (r->type == LDNS_RR_TYPE_NSEC3PARAM) {
            if (!at_apex(z, r)) {
                diag_error(path, r->line, "NSEC3PARAM at %s: it belongs at the zone apex %s (RFC 5155 section 4)",
                           zone_name_text(r->owner, name), apex);
                errors++;
            } else if (param) {
                diag_error(path, r->line, "second NSEC3PARAM at %s (the first is at line %u); unihost serves one NSEC3 chain per zone",
                           apex, param->line);
                errors++;
            } else if ((bad_param = r->rdata_len < 5 || r->rdata[0] != 1)) {
                diag_error(path, r->line, "NSEC3PARAM with hash algorithm %u: only SHA-1 (1) is defined (RFC 5155 section 11)",
                           r->rdata_len ? r->rdata[0] : 0);
                errors++;
            } else if ((bad_param = !nsec3_param_servable(r, path))) {
                errors++;
            } else {
                param = r;
            }
        }
    }
    if (first_nsec && first_nsec3) {
        diag_error(path, first_nsec3->line, "NSEC3 record, but the zone also has NSEC records (line %u); a zone proves denial of existence with NSEC or with NSEC3, not both",
                   first_nsec->line);
        return errors + 1;
    }
    if (first_nsec && !apex_nsec) {
        diag_error(path, first_nsec->line, "NSEC records but none at the apex %s: an NSEC chain starts at the apex (RFC 4034 section 4.1.1)",
                   apex);
        errors++;
    }
    if (first_nsec3 && !param && bad_param)
        return errors;
    if (first_nsec3 && !param) {
        diag_error(path, first_nsec3->line, "NSEC3 records but no valid NSEC3PARAM at the apex %s: it gives the hash parameters (RFC 5155 section 4)",
                   apex);
        return errors + 1;
    }
    if (param && !first_nsec3) {
        diag_error(path, param->line, "NSEC3PARAM at %s but no NSEC3 records: the zone has no NSEC3 chain", apex);
        return errors + 1;
    }
    for (size_t i = 0; param && i < z->rr_count; i++) {
        const struct zone_rr *r = &z->rrs[i];
        if (r->dropped || r->type != LDNS_RR_TYPE_NSEC3)
            continue;
        if (!nsec3_owner_ok(z, r)) {
            diag_error(path, r->line, "NSEC3 at %s: its owner must be a 32-character base32hex SHA-1 hash label right below the apex %s (RFC 5155 section 3)",
                       zone_name_text(r->owner, name), apex);
            errors++;
        } else if (!nsec3_params_equal(param, r)) {
            diag_error(path, r->line, "NSEC3 at %s has a hash algorithm, iterations or salt other than the NSEC3PARAM's (line %u); every NSEC3 of the chain must use the same (RFC 5155 section 4.2)",
                       zone_name_text(r->owner, name), param->line);
            errors++;
        }
    }
    return errors;
}
