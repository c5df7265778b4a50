# NSD as a peer of the differential tests, sourced after
# tests/integration/lib/uh.sh (it uses nsx, uh_alive, uh_wait_exit, notok).
#
#   nsd_test_setup NS TAP             what both differential tests start
#                                     with: root, tools, nsd and unihost
#                                     present, the namespace NS with TAP,
#                                     the EXIT trap, BLOB (the fixture
#                                     blob), ZONES (its zone files), their
#                                     rr lists and CORPUS (the queries);
#                                     exits on failure
#   nsd_require                       installs nsd if missing (its package
#                                     service is stopped again at once)
#   nsd_server_conf DIR ADDR4 [ADDR6] prints the server: section of a config
#                                     for an NSD listening on ADDR4 (and
#                                     ADDR6), keeping all its files in DIR
#   nsd_fixture_zones LOG             prints the directory of the fixture
#                                     zones (tests/fixtures/zones and the
#                                     signed ones, which make builds into
#                                     $BUILD/tests/zones; its log in LOG)
#   nsd_zone_rr_lists ZONES_DIR OUT   writes, for every NAME.zone, the zone
#                                     as ldns-read-zone prints it into
#                                     OUT/rr/NAME. and the list "NAME. FILE"
#                                     dnsdiff.py's corpus reads into
#                                     OUT/zonelist
#   nsd_start CONF LOG [NS]           checks CONF with nsd-checkconf (a
#                                     failed check exits), starts NSD in the
#                                     namespace NS (default: the test's);
#                                     its PID is added to NSD_PIDS
#   nsd_wait_soa ADDR ZONE TRIES      waits (0.5 s a try) until ADDR answers
#                                     ZONE's SOA with NOERROR and AA
#   nsd_stop_all                      ends every NSD started, by PID
#   nsd_test_cleanup                  the tests' EXIT trap: ends NSD, keeps
#                                     $UH_TMP in $DIFF_KEEP if set, then
#                                     uh_cleanup
#   nsd_compare NAME CORPUS TOLERATED PEER4 PEER6
#                                     sends the corpus to unihost and to the
#                                     peer, prints the differences and one
#                                     "ok/not ok - NAME agreement ..." line

NSD_PIDS=

nsd_require() {
    command -v nsd > /dev/null && return 0
    echo "# installing nsd"
    DEBIAN_FRONTEND=noninteractive apt-get install -y nsd > /dev/null 2>&1 || return 1
    # The package starts its own service in the root namespace with
    # /etc/nsd/nsd.conf; the tests never use it, so stop it again.
    invoke-rc.d nsd stop > /dev/null 2>&1 || true
}

nsd_server_conf() {
    cat <<CONF
server:
    ip-address: $2
    ${3:+ip-address: $3}
    port: 53
    server-count: 1
    verbosity: 1
    username: ""
    chroot: ""
    zonesdir: "$1/zones"
    pidfile: "$1/nsd.pid"
    xfrdfile: "$1/xfrd.state"
    xfrdir: "$1"
    zonelistfile: "$1/zone.list"
    database: ""
    logfile: "$1/nsd.log"
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    refuse-any: no
    minimal-responses: no
    round-robin: no
    hide-version: yes
    hide-identity: yes
    ipv4-edns-size: 1232
    ipv6-edns-size: 1232
    zonefiles-write: 0
remote-control:
    control-enable: no
CONF
}

nsd_fixture_zones() {
    [ -f "$BUILD/tests/zones/stamp" ] || make B="$BUILD" "$BUILD/tests/zones/stamp" > "$1" 2>&1 || return 1
    echo "$BUILD/tests/zones"
}

nsd_zone_rr_lists() {
    mkdir -p "$2/rr"
    : > "$2/zonelist"
    for _f in "$1"/*.zone; do
        _zone=$(basename "$_f" .zone).
        { echo "\$ORIGIN $_zone"; cat "$_f"; } > "$2/one.zone"
        if ! ldns-read-zone -z "$2/one.zone" > "$2/rr/$_zone" 2> "$2/zone.err"; then
            echo "ldns-read-zone $_f failed: $(tr '\n' ' ' < "$2/zone.err")"
            return 1
        fi
        echo "$_zone $2/rr/$_zone" >> "$2/zonelist"
    done
}

nsd_start() {
    if ! nsd-checkconf "$1" > "$UH_TMP/checkconf.log" 2>&1; then
        notok "nsd config" "nsd-checkconf: $(tr '\n' ' ' < "$UH_TMP/checkconf.log")"
        exit 1
    fi
    # not through nsx: a backgrounded function runs in a subshell, and $!
    # would be that subshell's PID instead of NSD's
    ip netns exec "${3:-$UH_NS}" nsd -d -c "$1" > "$2" 2>&1 &
    NSD_PIDS="$NSD_PIDS $!"     # ip netns exec execs nsd: NSD's first process
}

nsd_wait_soa() {
    _i=0
    until nsx dig @"$1" +time=1 +tries=1 +norec "$2" SOA 2>/dev/null | grep -q 'status: NOERROR.*' &&
          nsx dig @"$1" +time=1 +tries=1 +norec "$2" SOA 2>/dev/null | grep -q 'flags:.* aa'; do
        _i=$((_i + 1))
        [ "$_i" -ge "$3" ] && return 1
        sleep 0.5
    done
}

nsd_stop_all() {
    for _p in $NSD_PIDS; do
        # NSD's first process becomes xfrd and forks the main and server
        # processes: note them before the kill, then make sure they end.
        _children=
        for _c in $(pgrep -P "$_p" 2>/dev/null); do
            _children="$_children $_c $(pgrep -P "$_c" 2>/dev/null | tr '\n' ' ')"
        done
        if uh_alive "$_p"; then
            kill -TERM "$_p" 2>/dev/null
            uh_wait_exit "$_p" 50 || { kill -KILL "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; }
        fi
        for _c in $_children; do
            _i=0
            while uh_alive "$_c" && [ "$_i" -lt 30 ]; do
                _i=$((_i + 1))
                sleep 0.1
            done
            uh_alive "$_c" && kill -KILL "$_c" 2>/dev/null
        done
    done
    NSD_PIDS=
}

# shellcheck disable=SC2317 # called from an EXIT trap
nsd_test_cleanup() {
    nsd_stop_all
    if [ -n "${DIFF_KEEP:-}" ] && [ -n "$UH_TMP" ] && [ -d "$UH_TMP" ]; then
        mkdir -p "$DIFF_KEEP" && cp -r "$UH_TMP"/. "$DIFF_KEEP"/ 2>/dev/null
    fi
    uh_cleanup
}

nsd_compare() {
    nsx timeout 170 python3 tests/differential/dnsdiff.py run "$2" "$3" \
        "$UNIHOST_GUEST4" "$UNIHOST_GUEST6" "$4" "$5" > "$UH_TMP/result" 2>&1
    _status=$?
    grep -v '^AGREEMENT ' "$UH_TMP/result"
    # IDENTICAL TOTAL PERCENT DIFFERING
    _agreement=$(sed -n 's/^AGREEMENT //p' "$UH_TMP/result")
    # shellcheck disable=SC2086 # split into its four numbers
    set -- "$1" $_agreement
    if [ $# -ne 5 ]; then
        notok "$1 agreement" "the comparison did not complete (status $_status)"
    elif ! uh_alive "$UH_PID"; then
        notok "$1 agreement $2 of $3 queries identical ($4%)" "unihost died during the run"
    elif [ "$_status" -eq 0 ]; then
        ok "$1 agreement $2 of $3 queries identical ($4%), the rest differ only in tolerated ways"
    else
        notok "$1 agreement $2 of $3 queries identical ($4%)" "$5 queries differ (see the # DIFF lines)"
    fi
}

nsd_test_setup() {
    uh_require_root
    for _tool in python3 ldns-read-zone dig; do
        command -v "$_tool" > /dev/null || { notok "tools" "$_tool is not installed"; exit 1; }
    done
    nsd_require || { notok "nsd" "apt-get install -y nsd failed"; exit 1; }
    [ -x "$UNIHOST" ] || { notok "unihost" "$UNIHOST is missing (run make)"; exit 1; }

    uh_setup "$1" "$2"
    trap 'nsd_test_cleanup' EXIT
    trap 'exit 1' INT TERM HUP

    uh_fixture_blob || { notok "fixture blob" "neither make nor $CRUNCH could build it"; exit 1; }
    ZONES=$(nsd_fixture_zones "$UH_TMP/zones.log") ||
        { diag < "$UH_TMP/zones.log"; notok "zones" "could not make the fixture zones"; exit 1; }
    if ! nsd_zone_rr_lists "$ZONES" "$UH_TMP" > "$UH_TMP/rr.err"; then
        notok "zone files" "$(cat "$UH_TMP/rr.err")"
        exit 1
    fi
    # deterministic: same zones, same queries
    CORPUS=$UH_TMP/corpus.txt
    python3 tests/differential/dnsdiff.py corpus "$UH_TMP/zonelist" "$CORPUS" ||
        { notok "corpus" "dnsdiff.py corpus failed"; exit 1; }
    echo "# corpus: $(wc -l < "$CORPUS") queries"
}
