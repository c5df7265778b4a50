# Shared by the integration tests (sourced, not run; it is not matched by
# tests/run.sh's tests/integration/*.sh). Each test script sets UH_TEST (its
# name), sources this file, and then:
#   uh_require_root                  -- "not ok" and exit 1 unless root
#   uh_require_tools TOOL...         -- "not ok" and exit 1 for a tool not installed
#   uh_dev_cert                      -- CERT and KEY: the development pair (made if missing)
#   uh_setup NS TAP                  -- temp dir $UH_TMP, cleanup trap, namespace
#   uh_export_site                   -- SITE: site/ exported by crunch into $UH_TMP/site (exit 1 if it fails)
#   uh_start [unihost flags...]      -- start unihost in the namespace, wait for ready
#   uh_stop [SIGNAL]                 -- signal unihost, wait (bounded), set UH_STATUS
#   uh_stop_pid PID                  -- end another process the test started: TERM, 5 s, then KILL
#   uh_fixture_blob                  -- BLOB=the fixture content blob (built if missing)
#   uh_stats                         -- print unihost's next "stats:" line (key=value words)
#   uh_stat LINE KEY                 -- the value of KEY in a stats line ("U/T" for pools)
#   nsx COMMAND...                   -- run a command inside the namespace
#   ok NAME / notok NAME WHY         -- report one check
#   uh_finish                        -- exit status: 1 if any check failed
# Cleanup (kill unihost by PID, delete the namespace, remove $UH_TMP) runs on
# every exit, including failures and signals.

UH_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$UH_ROOT" || exit 1
BUILD=${BUILD:-build}
UNIHOST=${UNIHOST:-$BUILD/unihost}
CRUNCH=${CRUNCH:-$BUILD/crunch}
. "$UH_ROOT/tools/netns.sh"

UH_FAILED=0
UH_NS=
UH_TAP=
UH_PID=
UH_TMP=
UH_LOG=
UH_STATUS=

ok() { echo "ok - $UH_TEST: $1"; }
notok() { echo "not ok - $UH_TEST: $1: $2"; UH_FAILED=1; }
# check NAME WHY-IF-FAILED COMMAND...: ok when COMMAND succeeds
check() {
    _n=$1 _w=$2
    shift 2
    if "$@"; then ok "$_n"; else notok "$_n" "$_w"; fi
}
diag() { sed 's/^/# /'; }

uh_require_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "not ok - $UH_TEST: needs root for network namespaces"
        exit 1
    fi
}

uh_require_tools() {
    for _tool in "$@"; do
        command -v "$_tool" > /dev/null || { notok "tools" "$_tool is not installed"; exit 1; }
    done
}

uh_dev_cert() {
    CERT=$BUILD/tls/dev-cert.pem
    KEY=$BUILD/tls/dev-key.pem
    if [ ! -f "$CERT" ] || [ ! -f "$KEY" ]; then
        make B="$BUILD" "$CERT" > /dev/null 2>&1 || { notok "development certificate" "make $CERT failed"; exit 1; }
    fi
}

nsx() { ip netns exec "$UH_NS" "$@"; }

# True while process $1 exists and is not a zombie (a child that exited but
# was not yet waited for still answers kill -0).
uh_alive() {
    [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
    _st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$_st" ] && [ "$_st" != Z ]
}

# uh_wait_exit PID TENTHS: wait up to TENTHS/10 s for PID to end; then reap it
# and put its exit status in UH_STATUS. Returns 1 (and leaves it) on time-out.
uh_wait_exit() {
    _i=0
    while uh_alive "$1"; do
        _i=$((_i + 1))
        [ "$_i" -gt "$2" ] && return 1
        sleep 0.1
    done
    wait "$1"
    UH_STATUS=$?
    return 0
}

# uh_stop_pid PID: end a process the test started (a peer, a browser):
# TERM, then KILL if it is still there after 5 s. Nothing if PID is empty
# or already gone; UH_STATUS (unihost's) is left as it was.
uh_stop_pid() {
    [ -n "$1" ] && uh_alive "$1" || return 0
    _kept_status=$UH_STATUS
    kill -TERM "$1" 2>/dev/null
    uh_wait_exit "$1" 50 || { kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
    UH_STATUS=$_kept_status
    return 0
}

uh_cleanup() {
    if [ -n "$UH_PID" ] && uh_alive "$UH_PID"; then
        kill -TERM "$UH_PID" 2>/dev/null
        uh_wait_exit "$UH_PID" 30 || { kill -KILL "$UH_PID" 2>/dev/null; wait "$UH_PID" 2>/dev/null; }
    fi
    UH_PID=
    [ -n "$UH_NS" ] && netns_delete "$UH_NS"
    [ -n "$UH_TMP" ] && rm -rf "$UH_TMP"
}

uh_setup() {
    UH_NS=$1 UH_TAP=$2
    UH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/uh-it.XXXXXX") || exit 1
    trap 'uh_cleanup' EXIT
    trap 'exit 1' INT TERM HUP
    if ! netns_create "$UH_NS" "$UH_TAP" 2>"$UH_TMP/netns.err"; then
        UH_NS=   # not ours: never delete a namespace we did not create
        notok "network namespace" "could not create it: $(tr '\n' ' ' < "$UH_TMP/netns.err")"
        exit 1
    fi
}

# uh_export_site: the site as crunch renders it, one file a page, in
# SITE=$UH_TMP/site (what responses are compared with); "not ok" and exit 1
# if crunch fails.
uh_export_site() {
    SITE=$UH_TMP/site
    if ! "$CRUNCH" --quiet --site site --export "$SITE" > "$UH_TMP/crunch.log" 2>&1; then
        notok "crunch --export" "$(tr '\n' ' ' < "$UH_TMP/crunch.log")"
        exit 1
    fi
}

# uh_start [flags...]: start unihost with the namespace's addresses plus the
# given flags, log in $UH_LOG; wait at most 10 s for "unihost: ready".
# Returns 1 (with the log as diagnostics) if it exits or is not ready in time.
UH_RUN=0
uh_start() {
    UH_RUN=$((UH_RUN + 1))
    UH_LOG=$UH_TMP/unihost.$UH_RUN.log
    : > "$UH_LOG"
    ip netns exec "$UH_NS" "$UNIHOST" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" \
        --ipv6 "$UNIHOST_GUEST6/64" "$@" > "$UH_LOG" 2>&1 &
    UH_PID=$!   # ip netns exec execs unihost: this is unihost's PID
    uh_wait_ready
}

# uh_wait_ready: wait at most 10 s for "unihost: ready" in $UH_LOG from
# $UH_PID (started by uh_start, or by a test that starts unihost its own
# way), then for the kernel side's IPv6 address. Returns 1 (with the log
# as diagnostics) if unihost exits or is not ready in time.
uh_wait_ready() {
    _i=0
    while ! grep -q '^unihost: ready$' "$UH_LOG"; do
        if ! uh_alive "$UH_PID" || [ "$_i" -ge 100 ]; then
            echo "# unihost did not become ready; its log:"
            diag < "$UH_LOG"
            return 1
        fi
        _i=$((_i + 1))
        sleep 0.1
    done
    # Duplicate address detection may still hold the IPv6 address of the
    # kernel side back; wait (bounded) until it is usable.
    _i=0
    while nsx ip -6 addr show dev "$UH_TAP" | grep -q tentative && [ "$_i" -lt 30 ]; do
        _i=$((_i + 1))
        sleep 0.1
    done
    return 0
}

# uh_stop [SIGNAL]: send SIGNAL (default TERM) and wait up to 5 s; UH_STATUS
# gets the exit status. Returns 1 if unihost did not stop in time.
uh_stop() {
    [ -n "$UH_PID" ] || return 1
    kill -"${1:-TERM}" "$UH_PID" 2>/dev/null
    if uh_wait_exit "$UH_PID" 50; then
        UH_PID=
        return 0
    fi
    return 1
}

# uh_fixture_blob: set BLOB to the fixture content blob. make builds it (make
# check does); if it is missing and make cannot build it, crunch it into
# $UH_TMP from the same sources. Returns 1 if neither works.
uh_fixture_blob() {
    BLOB=$BUILD/tests/fixture.blob
    if [ ! -f "$BLOB" ]; then
        make B="$BUILD" "$BLOB" > "$UH_TMP/make.log" 2>&1 || diag < "$UH_TMP/make.log"
    fi
    if [ ! -f "$BLOB" ]; then
        BLOB=$UH_TMP/fixture.blob
        "$CRUNCH" --quiet --site tests/fixtures/site --zones tests/fixtures/zones -o "$BLOB" \
            > "$UH_TMP/crunch.log" 2>&1 || { diag < "$UH_TMP/crunch.log"; return 1; }
    fi
    echo "# fixture blob: $BLOB"
}

# uh_stats: ask the running unihost for its stats line (SIGUSR1) and print
# it (without the "unihost: stats: " prefix). Returns 1 if none came within 5 s.
uh_stats() {
    [ -n "$UH_PID" ] || return 1
    _before=$(grep -c '^unihost: stats: ' "$UH_LOG")
    kill -USR1 "$UH_PID" 2>/dev/null || return 1
    _i=0
    while [ "$(grep -c '^unihost: stats: ' "$UH_LOG")" -le "$_before" ]; do
        _i=$((_i + 1))
        [ "$_i" -gt 50 ] && return 1
        sleep 0.1
    done
    grep '^unihost: stats: ' "$UH_LOG" | tail -n 1 | sed 's/^unihost: stats: //'
}

# uh_stat LINE KEY: the value of KEY in a stats line ("" if absent).
uh_stat() {
    echo " $1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

uh_finish() {
    exit "$UH_FAILED"
}
