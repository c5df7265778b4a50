#!/bin/sh
# Deployment rehearsal: unihost deployed as on the internet, in a small
# internet of network namespaces, where every peer finds it the way the
# real ones would: through a delegation, a recursive resolver, the CA's own
# lookups and a secondary's transfer.
#
#   visitor 203.0.113.10 -- Chromium and curl; /etc/resolv.conf: Unbound
#      | veth
#   router ($UH_NS) -- tap -- unihost 192.0.2.2: ns1.unihost.test, the apex, www
#      | bridge inet0 198.51.100.1/24
#      +-- NSD 198.51.100.53: the root and test. (ns.nic.test), which
#      |   delegate unihost.test to ns1.unihost.test, glue 192.0.2.2
#      +-- Unbound 198.51.100.20: recursive, from a root hint naming NSD
#      +-- Pebble 198.51.100.30: the CA, ca.test in the test. zone; its
#      |   lookups (-dnsserver) go to Unbound
#      +-- NSD 198.51.100.40: a secondary of unihost.test, from unihost
#      (198.51.100.41: another secondary in dns.conf, down)
#
# unihost serves site/ and the bundled zone (a test copy: see below), gets
# its certificate from Pebble over DNS-01 for unihost.test,
# www.unihost.test and *.unihost.test, finding ca.test through --resolver
# (Unbound) and answering the challenges from its own DNS, which Pebble
# reaches through Unbound and the delegation. The apex and the wildcard
# share one TXT name, _acme-challenge.unihost.test: Unbound caches the
# RRset at the first validation, so the second finds its value only if
# unihost published every record before telling the CA of any challenge.
# Checks: NSD's referral carries the NS and glue, and the zone's own NS
# and ns1 address match them; Unbound answers the zone's names; the
# certificate is issued, Pebble's TXT lookups having reached unihost from
# Unbound, every record published before the first challenge went to the
# CA; the certificate names all three (openssl x509 -ext subjectAltName);
# the records are withdrawn after; curl in the visitor's namespace,
# trusting only Pebble's root, verifies the apex, www and a name only the
# wildcard covers; the secondary has the zone (NOTIFY acknowledged, same
# SOA serial and www A as unihost); Chromium, resolving through Unbound,
# refuses the site without Pebble's root, and with an NSS database holding
# only that root loads https://www.unihost.test/ and every page it links
# to with no failed sub-resource, and takes a screenshot
# (build/artifacts/acme-rehearsal-home.png). IPv4 only: unihost has no
# IPv6 route off its link (no IPv6 gateway flag).
# Needs root, nsd, unbound, pebble, chromium, certutil (libnss3-tools),
# dig, curl, openssl, python3 (all in tools/deps.sh). REHEARSAL_KEEP=DIR
# keeps every peer's config and log there.
# shellcheck disable=SC2034 # UH_TEST is used by lib/uh.sh
UH_TEST=acme_rehearsal
# shellcheck source=tests/integration/lib/uh.sh
. "$(dirname "$0")/lib/uh.sh"
# shellcheck source=tests/integration/lib/dnsq.sh
. "$UH_ROOT/tests/integration/lib/dnsq.sh"
# shellcheck source=tests/integration/lib/acme.sh
. "$UH_ROOT/tests/integration/lib/acme.sh"
# shellcheck source=tests/integration/lib/chromium.sh
. "$UH_ROOT/tests/integration/lib/chromium.sh"
# shellcheck source=tests/integration/lib/unbound.sh
. "$UH_ROOT/tests/integration/lib/unbound.sh"
# shellcheck source=tests/differential/lib/nsd.sh
. "$UH_ROOT/tests/differential/lib/nsd.sh"

uh_require_root
uh_require_tools nsd nsd-checkconf unbound unbound-checkconf pebble chromium certutil dig curl openssl python3 timeout
if [ ! -x "$UNIHOST" ] || [ ! -x "$CRUNCH" ]; then
    notok "unihost" "$UNIHOST or $CRUNCH is missing (run make)"
    exit 1
fi
# Pebble would then mark every challenge valid without looking: the
# rehearsal is of a CA that checks.
unset PEBBLE_VA_ALWAYS_VALID

ROUTER_INET=198.51.100.1
ROOT_ADDR=198.51.100.53
RESOLVER=198.51.100.20
CA_ADDR=198.51.100.30
SECONDARY=198.51.100.40
SECONDARY_DOWN=198.51.100.41    # a second secondary, down: nothing has this address
ROUTER_VISITOR=203.0.113.1
VISITOR=203.0.113.10
ZONE_NAME=unihost.test
CA_HOST=ca.test
DEVTOOLS_PORT=9222      # on the visitor namespace's own loopback
ARTIFACTS=${ARTIFACTS:-$BUILD/artifacts}

ROOT_NS=uh-rhroot-$$
RESOLVER_NS=uh-rhres-$$
CA_NS=uh-rhca-$$
SECONDARY_NS=uh-rhsec-$$
VISITOR_NS=uh-rhvis-$$
# ip netns exec bind-mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf:
# the visitor's resolver is Unbound, as a home network's would be.
VISITOR_ETC=/etc/netns/$VISITOR_NS

RH_NAMESPACES=
RH_ETC_MADE=        # 1: VISITOR_ETC is ours; 2: /etc/netns too
UB_PID=
PEBBLE_PID=

# shellcheck disable=SC2317 # called from the EXIT trap
rh_cleanup() {
    chrome_stop
    uh_stop_pid "$PEBBLE_PID"
    uh_stop_pid "$UB_PID"
    nsd_stop_all
    if [ -n "${REHEARSAL_KEEP:-}" ] && [ -n "$UH_TMP" ] && [ -d "$UH_TMP" ]; then
        mkdir -p "$REHEARSAL_KEEP" && cp -r "$UH_TMP"/. "$REHEARSAL_KEEP"/ 2>/dev/null
    fi
    uh_cleanup      # unihost, the router namespace (and with it every veth and the bridge), $UH_TMP
    for _ns in $RH_NAMESPACES; do netns_delete "$_ns"; done
    [ -n "$RH_ETC_MADE" ] && rm -rf "$VISITOR_ETC"
    [ "$RH_ETC_MADE" = 2 ] && rmdir /etc/netns 2>/dev/null
    return 0
}
uh_setup "uh-rh-$$" "uhrh$$"
trap 'rh_cleanup' EXIT
trap 'exit 1' INT TERM HUP
T=$UH_TMP
inx() { _n=$1; shift; ip netns exec "$_n" "$@"; }    # inx NS COMMAND...

# ---- the network --------------------------------------------------------------
# plug NS PORT ADDR GATEWAY [BRIDGE]: a namespace NS whose eth0 has ADDR/24
# and a default route through GATEWAY; the other end of its veth is PORT in
# the router, on BRIDGE if given.
plug() {
    ip netns list | awk '{print $1}' | grep -qx "$1" && { echo "namespace $1 exists"; return 1; }
    ip netns add "$1" || return 1
    RH_NAMESPACES="$RH_NAMESPACES $1"
    nsx ip link add "$2" type veth peer name eth0 netns "$1" &&
    { [ -z "${5:-}" ] || nsx ip link set "$2" master "$5"; } &&
    nsx ip link set "$2" up &&
    inx "$1" ip link set lo up &&
    inx "$1" ip addr add "$3/24" dev eth0 &&
    inx "$1" ip link set eth0 up &&
    inx "$1" ip route add default via "$4"
}
if ! { nsx sysctl -qw net.ipv4.ip_forward=1 &&
       nsx ip link add inet0 type bridge forward_delay 0 stp_state 0 &&
       nsx ip addr add "$ROUTER_INET/24" dev inet0 &&
       nsx ip link set inet0 up &&
       plug "$ROOT_NS" root0 "$ROOT_ADDR" "$ROUTER_INET" inet0 &&
       plug "$RESOLVER_NS" res0 "$RESOLVER" "$ROUTER_INET" inet0 &&
       plug "$CA_NS" ca0 "$CA_ADDR" "$ROUTER_INET" inet0 &&
       plug "$SECONDARY_NS" sec0 "$SECONDARY" "$ROUTER_INET" inet0 &&
       plug "$VISITOR_NS" vis0 "$VISITOR" "$ROUTER_VISITOR" &&
       nsx ip addr add "$ROUTER_VISITOR/24" dev vis0; } > "$T/net.log" 2>&1; then
    notok "the network" "$(tr '\n' ' ' < "$T/net.log")"
    exit 1
fi
if [ -e "$VISITOR_ETC" ]; then
    notok "the visitor's resolv.conf" "$VISITOR_ETC exists already"
    exit 1
fi
if [ -d /etc/netns ]; then RH_ETC_MADE=1; else RH_ETC_MADE=2; fi
if ! mkdir -p "$VISITOR_ETC" || ! echo "nameserver $RESOLVER" > "$VISITOR_ETC/resolv.conf"; then
    notok "the visitor's resolv.conf" "could not write $VISITOR_ETC/resolv.conf"
    exit 1
fi

# ---- the zone as deployed: the bundled one, less two records ------------------
# - CAA 0 issue ";": it forbids every CA (the bundled zone cannot be
#   validated by a public CA anyway). Pebble 2.4.0 does not look at CAA; a
#   real deployment replaces it with its CA's name.
# - NS ns2: the bundled zone's example of a second server. Here the second
#   server, the secondary, stays out of the NS set: DNS-01's TXT records
#   are in unihost's challenge table, not in the zone, so a secondary never
#   has them, and a CA whose resolver asked it would fail the challenge.
# The delegation below is the zone's remaining NS, ns1, at unihost's address.
mkdir -p "$T/zones"
awk '!($1 == "IN" && $2 == "CAA") && !($1 == "IN" && $2 == "NS" && $3 == "ns2")' \
    zones/unihost.test.zone > "$T/zones/unihost.test.zone"
# (the served NS set is checked against the delegation below; this only
# says early that the bundled zone no longer has these lines as expected)
removed=$(($(wc -l < zones/unihost.test.zone) - $(wc -l < "$T/zones/unihost.test.zone")))
if [ "$removed" != 2 ]; then
    notok "the test copy of the zone" "$removed lines removed, want 2 (CAA and NS ns2): has zones/unihost.test.zone changed?"
    exit 1
fi
# dns.conf: the bundled options, and the secondaries allowed to transfer
# the zone and told of it by NOTIFY. The one that is down keeps unihost's
# NOTIFY retrying (31 s) all through the ACME run: lwIP's timer pool must
# hold those retries beside ACME's timers and TCP's (lwipopts.h), or
# unihost stops on an lwIP assertion.
{ cat zones/dns.conf
  printf 'zone:\n    name: "%s."\n' "$ZONE_NAME"
  for _s in "$SECONDARY" "$SECONDARY_DOWN"; do printf '    provide-xfr: %s NOKEY\n    notify: %s NOKEY\n' "$_s" "$_s"; done
} > "$T/zones/dns.conf"
if ! "$CRUNCH" --quiet --site site --zones "$T/zones" -o "$T/rehearsal.blob" > "$T/crunch.log" 2>&1; then
    notok "crunch of site/ and the zone as deployed" "$(tr '\n' ' ' < "$T/crunch.log")"
    exit 1
fi

# ---- NSD: the root and test. ----------------------------------------------------
NSD_ROOT=$T/nsd-root
mkdir -p "$NSD_ROOT/zones"
cat > "$NSD_ROOT/zones/root.zone" <<ZONE
\$ORIGIN .
\$TTL 3600
.               IN SOA ns.nic.test. hostmaster.nic.test. 1 7200 3600 1209600 300
.               IN NS  ns.nic.test.
test.           IN NS  ns.nic.test.
ns.nic.test.    IN A   $ROOT_ADDR
ZONE
cat > "$NSD_ROOT/zones/test.zone" <<ZONE
\$ORIGIN test.
\$TTL 3600
@               IN SOA ns.nic hostmaster.nic 1 7200 3600 1209600 300
                IN NS  ns.nic
ns.nic          IN A   $ROOT_ADDR
; the CA's host
ca              IN A   $CA_ADDR
; the delegation rehearsed: the zone to unihost, with glue
unihost         IN NS  ns1.unihost
ns1.unihost     IN A   $UNIHOST_GUEST4
ZONE
{ nsd_server_conf "$NSD_ROOT" "$ROOT_ADDR"
  printf 'zone:\n    name: "."\n    zonefile: "root.zone"\nzone:\n    name: "test."\n    zonefile: "test.zone"\n'
} > "$NSD_ROOT/nsd.conf"
nsd_start "$NSD_ROOT/nsd.conf" "$NSD_ROOT/stderr" "$ROOT_NS"
if nsd_wait_soa "$ROOT_ADDR" . 20 && nsd_wait_soa "$ROOT_ADDR" test. 4; then
    ok "NSD serves the root and test. at $ROOT_ADDR"
else
    notok "NSD serves the root and test." "no authoritative SOA answers at $ROOT_ADDR"
    cat "$NSD_ROOT/stderr" "$NSD_ROOT/nsd.log" 2>/dev/null | diag
    exit 1
fi

# ---- NSD: the secondary of unihost.test, started before unihost: its first
# transfer follows unihost's NOTIFY (or its own first retry) -------------------
NSD_SEC=$T/nsd-secondary
mkdir -p "$NSD_SEC/zones"
{ nsd_server_conf "$NSD_SEC" "$SECONDARY"
  printf 'zone:\n    name: "%s."\n    zonefile: "%s.zone"\n    request-xfr: AXFR %s NOKEY\n    allow-notify: %s NOKEY\n' \
      "$ZONE_NAME" "$ZONE_NAME" "$UNIHOST_GUEST4" "$UNIHOST_GUEST4"
} > "$NSD_SEC/nsd.conf"
nsd_start "$NSD_SEC/nsd.conf" "$NSD_SEC/stderr" "$SECONDARY_NS"

# ---- Unbound: recursive, from a root hint naming NSD ----------------------------
UB=$T/unbound
mkdir -p "$UB"
unbound_conf "$UB" "$RESOLVER" ns.nic.test. "$ROOT_ADDR" <<CONF || exit 1
    access-control: 192.0.2.0/24 allow
    access-control: 198.51.100.0/24 allow
    access-control: 203.0.113.0/24 allow
    # a line per query received: who asked for what (the checks read them)
    log-queries: yes
    # No DNSSEC validation: nothing on this chain is signed (the root and
    # test. here, nor the bundled zone), so there is no trust anchor to
    # validate from, and the validator would only mark everything insecure.
    # unihost's signed answers meet a validating Unbound in
    # dnssec_validating.sh.
    module-config: "iterator"
    # IPv4 only, as the rest of this network (the zone's AAAA records name
    # addresses no namespace here routes)
    do-ip6: no
CONF
unbound_start "$RESOLVER_NS" "$UB"
answer=
for _ in $(seq 1 20); do
    answer=$(inx "$VISITOR_NS" dig @"$RESOLVER" +time=1 +tries=1 +short "$CA_HOST" A 2>/dev/null)
    [ "$answer" = "$CA_ADDR" ] && break
    uh_alive "$UB_PID" || break
    sleep 0.5
done
if [ "$answer" = "$CA_ADDR" ]; then
    ok "Unbound ($RESOLVER) resolves $CA_HOST to $CA_ADDR from its root hint (NSD)"
else
    notok "Unbound resolves $CA_HOST" "answer '$answer', want $CA_ADDR"
    cat "$UNBOUND_OUT" "$UB/unbound.log" 2>/dev/null | tail -n 20 | diag
    exit 1
fi

# ---- Pebble: the CA at ca.test, resolving through Unbound -------------------------
acme_test_ca "$T" "$CA_HOST" || exit 1
acme_pebble_config "$CA_ADDR" "$T/wfe.pem" "$T/wfe.key" 80 > "$T/pebble.json"
# (no sleep before each validation: the rehearsal is of the path, not of
# Pebble's random delays)
PEBBLE_VA_NOSLEEP=1 ip netns exec "$CA_NS" pebble -config "$T/pebble.json" -dnsserver "$RESOLVER:53" \
    > "$T/pebble.log" 2>&1 &
PEBBLE_PID=$!
ready=0
for _ in $(seq 1 100); do
    if inx "$VISITOR_NS" curl -s -o /dev/null --max-time 2 --cacert "$T/ca.pem" "https://$CA_HOST:14000/dir"; then
        ready=1
        break
    fi
    uh_alive "$PEBBLE_PID" || break
    sleep 0.1
done
if [ "$ready" = 1 ]; then
    ok "Pebble's directory answers at https://$CA_HOST:14000/dir, its name found through Unbound"
else
    notok "Pebble starts" "no directory at https://$CA_HOST:14000/dir within 10 s"
    diag < "$T/pebble.log"
    exit 1
fi

# ---- unihost ---------------------------------------------------------------------
if uh_start --blob "$T/rehearsal.blob" --ipv4-gateway "$UNIHOST_HOST4" --dns-log \
        --acme-directory "https://$CA_HOST:14000/dir" --acme-ca "$T/ca.pem" --resolver "$RESOLVER" \
        --acme-challenge dns-01 --acme-names "$ZONE_NAME,www.$ZONE_NAME,*.$ZONE_NAME" \
        --acme-contact "mailto:hostmaster@$ZONE_NAME"; then
    ok "unihost starts with the zone as deployed, ACME over DNS-01 for the apex, www and the wildcard, Unbound as --resolver"
else
    notok "unihost starts" "see the log above"
    exit 1
fi

# rh_logs: the last lines of every peer's log, as diagnostics
rh_logs() {
    for _log in "$UH_LOG" "$T/pebble.log" "$UB/unbound.log" "$NSD_ROOT/nsd.log" "$NSD_SEC/nsd.log"; do
        echo "# the last lines of $_log:"
        tail -n 15 "$_log" 2>/dev/null | diag
    done
}
# unihost_runs: between the parts, a unihost that stopped ends the test at
# once (what follows would only time out), saying why
unihost_runs() {
    uh_alive "$UH_PID" && return 0
    notok "unihost keeps running" "it stopped: $(tail -n 2 "$UH_LOG" | tr '\n' ' ')"
    rh_logs
    exit 1
}

# ---- the delegation ------------------------------------------------------------------
R=$T/resp
nsx dig @"$ROOT_ADDR" +norec +time=2 +tries=1 "www.$ZONE_NAME" A > "$R" 2>&1
referral_ns=$(section "$R" AUTHORITY | awk 'toupper($4) == "NS" {print tolower($1), tolower($5)}' | sort)
glue=$(section "$R" ADDITIONAL | awk 'toupper($4) == "A" {print tolower($1), $5}' | sort)
want_ns="$ZONE_NAME. ns1.$ZONE_NAME."
want_glue="ns1.$ZONE_NAME. $UNIHOST_GUEST4"
check "NSD refers www.$ZONE_NAME to ns1.$ZONE_NAME with glue $UNIHOST_GUEST4" \
    "rcode $(rcode_of "$R"), flags '$(flags_of "$R")', NS '$referral_ns', glue '$glue'" \
    sh -c "[ '$(rcode_of "$R")' = NOERROR ] && [ '$referral_ns' = '$want_ns' ] && [ '$glue' = '$want_glue' ]"
zone_ns=$(nsx dig @"$UNIHOST_GUEST4" +norec +time=2 +tries=1 +noall +answer "$ZONE_NAME" NS |
          awk '{print tolower($1), tolower($5)}' | sort)
zone_ns1=$(nsx dig @"$UNIHOST_GUEST4" +norec +time=2 +tries=1 +noall +answer "ns1.$ZONE_NAME" A |
           awk '{print tolower($1), $5}' | sort)
check "the zone's own NS set and ns1's address, as unihost serves them, are the parent's NS and glue" \
    "unihost: NS '$zone_ns', ns1 '$zone_ns1'; parent: NS '$referral_ns', glue '$glue'" \
    sh -c "[ '$zone_ns' = '$referral_ns' ] && [ '$zone_ns1' = '$glue' ]"
inx "$VISITOR_NS" dig @"$RESOLVER" +time=3 +tries=1 "www.$ZONE_NAME" A > "$R" 2>&1
www_via_unbound=$(section "$R" ANSWER | awk 'toupper($4) == "A" {print $5}')
check "through Unbound, www.$ZONE_NAME is $UNIHOST_GUEST4 (recursion over the delegation)" \
    "rcode $(rcode_of "$R"), flags '$(flags_of "$R")', A '$www_via_unbound'" \
    sh -c "[ '$(rcode_of "$R")' = NOERROR ] && [ '$www_via_unbound' = '$UNIHOST_GUEST4' ]"
check "... and Unbound asked unihost itself (unihost's query log: client=$RESOLVER)" \
    "$(grep -c '^query: ' "$UH_LOG") queries logged, none for www.$ZONE_NAME from $RESOLVER" \
    grep -q "query: .*client=$RESOLVER .*qname=\"www\\.$ZONE_NAME\\.\" qtype=A rcode=NOERROR" "$UH_LOG"

unihost_runs

# ---- the certificate, over DNS-01 through the delegation --------------------------
issued=$(acme_wait_issued)
check "unihost gets a certificate for $ZONE_NAME, www.$ZONE_NAME and *.$ZONE_NAME from Pebble over DNS-01 through Unbound" \
    "$(grep 'acme: ' "$UH_LOG" | tail -n 4 | tr '\n' ' ')" [ "$issued" = 1 ]
published_apex=$(grep -c "acme: DNS-01 TXT at _acme-challenge\\.$ZONE_NAME published" "$UH_LOG")
published_www=$(grep -c "acme: DNS-01 TXT at _acme-challenge\\.www\\.$ZONE_NAME published" "$UH_LOG")
txt_from_unbound=$(grep "query: .*client=$RESOLVER .*qname=\"_acme-challenge\\." "$UH_LOG" | grep -c 'qtype=TXT rcode=NOERROR')
txt_from_pebble=$(grep -c "info: $CA_ADDR _acme-challenge\\..*TXT IN" "$UB/unbound.log")
check "Pebble's TXT lookups went to Unbound, and Unbound's to unihost, which answered them" \
    "TXT records published: $published_apex at _acme-challenge.$ZONE_NAME (want 2: the apex's and the wildcard's), $published_www at _acme-challenge.www.$ZONE_NAME (want 1); TXT queries from Pebble in Unbound's log: $txt_from_pebble; from Unbound in unihost's: $txt_from_unbound" \
    sh -c "[ $published_apex = 2 ] && [ $published_www = 1 ] && [ $txt_from_pebble -ge 3 ] && [ $txt_from_unbound -ge 2 ]"
# The order that makes the shared name work through a cache: every record
# up before the CA hears of any challenge, none withdrawn before the last
# authorization is valid.
line_of() {     # line_of first|last PATTERN: its line number in unihost's log, 0 if none
    grep -n "$2" "$UH_LOG" | { if [ "$1" = first ]; then head -n 1; else tail -n 1; fi; } | cut -d: -f1 | grep . || echo 0
}
last_published=$(line_of last 'acme: DNS-01 TXT at .* published')
first_told=$(line_of first 'acme: .*telling the CA')
last_valid=$(line_of last 'acme: authorization for .* valid')
first_withdrawn=$(line_of first 'acme: DNS-01 TXT at .* withdrawn')
check "every TXT record was published before the CA was told of a challenge, and withdrawn only after the last authorization was valid" \
    "lines of unihost's log: last published $last_published, first telling the CA $first_told, last authorization valid $last_valid, first withdrawn $first_withdrawn" \
    sh -c "[ $last_published -gt 0 ] && [ $last_published -lt $first_told ] && [ $last_valid -gt $first_told ] && [ $last_valid -lt $first_withdrawn ]"
san=$(inx "$VISITOR_NS" timeout 10 openssl s_client -connect "$UNIHOST_GUEST4:443" -servername "www.$ZONE_NAME" \
          < /dev/null 2> "$T/s_client.err" | openssl x509 -noout -ext subjectAltName 2> "$T/x509.err" |
      tr ',' '\n' | sed -n 's/^ *DNS://p' | sort | tr '\n' ' ')
want_san=$(printf '%s\n' "$ZONE_NAME" "www.$ZONE_NAME" "*.$ZONE_NAME" | sort | tr '\n' ' ')
check "the certificate HTTPS serves names $ZONE_NAME, www.$ZONE_NAME and *.$ZONE_NAME (openssl x509 -ext subjectAltName)" \
    "subjectAltName DNS names: '$san', want '$want_san'; $(cat "$T/s_client.err" "$T/x509.err" | tail -n 3 | tr '\n' ' ')" \
    [ "$san" = "$want_san" ]
left=$(nsx dig +short +norec @"$UNIHOST_GUEST4" "_acme-challenge.$ZONE_NAME" TXT;
       nsx dig +short +norec @"$UNIHOST_GUEST4" "_acme-challenge.www.$ZONE_NAME" TXT)
check "after the run the challenge records are withdrawn" "unihost still answers: '$left'" [ -z "$left" ]
unihost_runs

# Pebble's root, from its management interface: a new one each run
if ! inx "$VISITOR_NS" curl -s --max-time 5 --cacert "$T/ca.pem" -o "$T/pebble-root.pem" "https://$CA_HOST:15000/roots/0" ||
   ! openssl x509 -in "$T/pebble-root.pem" -noout 2>/dev/null; then
    notok "Pebble's root" "https://$CA_HOST:15000/roots/0 gave no certificate"
    exit 1
fi
for name in "www.$ZONE_NAME" "$ZONE_NAME"; do
    code=$(inx "$VISITOR_NS" curl -s --max-time 5 -o "$T/page" -w '%{http_code}' --cacert "$T/pebble-root.pem" \
        "https://$name/" 2> "$T/curl.err")
    check "curl in the visitor's namespace, trusting only Pebble's root, verifies https://$name/ and gets the page" \
        "status $code; $(tr '\n' ' ' < "$T/curl.err")" sh -c "[ '$code' = 200 ] && grep -q '<html' '$T/page'"
done
# a name the zone does not have, which only the wildcard covers (curl is
# told its address: nothing resolves it)
code=$(inx "$VISITOR_NS" curl -s --max-time 5 -o "$T/page" -w '%{http_code}' --cacert "$T/pebble-root.pem" \
    --resolve "docs.$ZONE_NAME:443:$UNIHOST_GUEST4" "https://docs.$ZONE_NAME/" 2> "$T/curl.err")
check "curl, trusting only Pebble's root, verifies https://docs.$ZONE_NAME/ against the wildcard" \
    "status $code; $(tr '\n' ' ' < "$T/curl.err")" sh -c "[ '$code' = 200 ] && grep -q '<html' '$T/page'"

# ---- the secondary --------------------------------------------------------------------
serial_of() { nsx dig +short +norec +time=1 +tries=1 @"$1" "$ZONE_NAME" SOA 2>/dev/null | awk '{print $3}'; }
primary_serial=$(serial_of "$UNIHOST_GUEST4")
if ! nsd_wait_soa "$SECONDARY" "$ZONE_NAME." 40; then
    notok "the secondary transfers $ZONE_NAME from unihost" "no authoritative SOA at $SECONDARY within 20 s"
    cat "$NSD_SEC/stderr" "$NSD_SEC/nsd.log" 2>/dev/null | tail -n 20 | diag
else
    secondary_serial=$(serial_of "$SECONDARY")
    check "the secondary ($SECONDARY) answers $ZONE_NAME's SOA with unihost's serial $primary_serial" \
        "secondary: '$secondary_serial'" sh -c "[ -n '$primary_serial' ] && [ '$secondary_serial' = '$primary_serial' ]"
    a_primary=$(nsx dig +short +norec @"$UNIHOST_GUEST4" "www.$ZONE_NAME" A | sort)
    a_secondary=$(nsx dig +short +norec @"$SECONDARY" "www.$ZONE_NAME" A | sort)
    check "... and www.$ZONE_NAME A as unihost does ($a_primary)" "secondary: '$a_secondary'" \
        sh -c "[ -n '$a_primary' ] && [ '$a_secondary' = '$a_primary' ]"
fi
notified=0
for _ in $(seq 1 100); do
    grep -q "dns: NOTIFY of $ZONE_NAME\\. serial $primary_serial to $SECONDARY:53: acknowledged" "$UH_LOG" &&
        { notified=1; break; }
    sleep 0.1
done
check "unihost's NOTIFY to the secondary is acknowledged" \
    "$(grep 'NOTIFY' "$UH_LOG" | tail -n 2 | tr '\n' ' ')" [ "$notified" = 1 ]

unihost_runs

# ---- Chromium, a visitor resolving through Unbound ---------------------------------
# Its trust: an NSS database in its HOME ($CHROME_HOME/.pki/nssdb). Without
# Pebble's root Chromium must refuse the site; with it (and nothing else
# added), load every page.
nss_db() {  # nss_db HOME [ROOT-PEM]: a new NSS database, holding ROOT-PEM as a trusted CA
    mkdir -p "$1/.pki/nssdb" &&
    certutil -N -d "sql:$1/.pki/nssdb" --empty-password > "$T/certutil.log" 2>&1 &&
    { [ -z "${2:-}" ] || certutil -A -d "sql:$1/.pki/nssdb" -n "Pebble root" -t "C,," -i "$2" \
        >> "$T/certutil.log" 2>&1; }
}
if ! nss_db "$T/stranger-home" || ! nss_db "$T/visitor-home" "$T/pebble-root.pem"; then
    notok "NSS databases" "certutil: $(tr '\n' ' ' < "$T/certutil.log")"
    exit 1
fi
CHROME_HOME=$T/stranger-home
chrome_start "$VISITOR_NS" "$DEVTOOLS_PORT" "$T/profile-stranger"
inx "$VISITOR_NS" timeout 60 python3 tests/integration/lib/cdp_crawl.py "$DEVTOOLS_PORT" "https://www.$ZONE_NAME/" 20 \
    > "$T/stranger.out" 2>&1
chrome_stop
check "without Pebble's root in its NSS database, Chromium refuses https://www.$ZONE_NAME/ (authority invalid)" \
    "$(grep -v '^#' "$T/stranger.out" | tr '\n' ' ')" grep -q "failed: https://www\\.$ZONE_NAME/: net::ERR_CERT_AUTHORITY_INVALID" "$T/stranger.out"

# (curl asked Unbound for the name too: Chromium's own lookups are the ones
# counted from here)
visitor_lookups() { grep -c "info: $VISITOR www\\.$ZONE_NAME\\. A IN" "$UB/unbound.log"; }
lookups_before=$(visitor_lookups)
CHROME_HOME=$T/visitor-home
chrome_start "$VISITOR_NS" "$DEVTOOLS_PORT" "$T/profile-visitor"
chrome_crawl "$VISITOR_NS" "$DEVTOOLS_PORT" "https://www.$ZONE_NAME/" "Chromium" "$T/crawl.out"
chrome_stop
pages=$(grep -c '^ok - load ' "$T/crawl.out")
check "Chromium, trusting Pebble's root from its NSS database, loads https://www.$ZONE_NAME/ and the pages it links to" \
    "$pages pages loaded; $(grep '^not ok' "$T/crawl.out" | head -n 2 | tr '\n' ' ')" \
    sh -c "[ $pages -ge 2 ] && ! grep -q '^not ok' '$T/crawl.out'"
lookups_after=$(visitor_lookups)
check "Chromium resolved www.$ZONE_NAME through Unbound (Unbound's log: $VISITOR asked)" \
    "no new query from $VISITOR for www.$ZONE_NAME. A in Unbound's log ($lookups_before before, $lookups_after after)" \
    [ "$lookups_after" -gt "$lookups_before" ]
mkdir -p "$ARTIFACTS"
chrome_screenshot "$VISITOR_NS" "$ARTIFACTS/acme-rehearsal-home.png" "https://www.$ZONE_NAME/" "Chromium"

# ---- everyone still there ----------------------------------------------------------------
down=
uh_alive "$UH_PID" || down="$down unihost"
uh_alive "$PEBBLE_PID" || down="$down Pebble"
uh_alive "$UB_PID" || down="$down Unbound"
for _p in $NSD_PIDS; do uh_alive "$_p" || down="$down NSD($_p)"; done
check "unihost, NSD (both), Unbound and Pebble are all still running" "gone:$down" [ -z "$down" ]
[ "$UH_FAILED" = 0 ] || rh_logs
uh_finish
