# bench/acme_common.sh, sourced by bench/acme_first_cert.sh and
# bench/acme_renewal.sh (bash: $EPOCHREALTIME): Pebble and
# pebble-challtestsrv in a network namespace the benchmark creates, set up
# as the integration tests do (tests/integration/lib/acme.sh), and
# unihost getting its certificate from it over HTTP-01, its "ready" and
# "acme:" lines stamped with the wall clock as unihost writes them.
# Sourced once the script runs as root; needs top, ns and tap. Pebble runs without its validation sleeps
# (PEBBLE_VA_NOSLEEP) and without rejecting nonces at random
# (PEBBLE_WFE_NONCEREJECT=0), so that a figure is unihost's and the
# network's, not a random wait of the test CA's; and it never reuses an
# authorization (PEBBLE_AUTHZREUSE=0), so that every run validates each
# name, as a renewal at Let's Encrypt does (its authorizations last 30
# days, and renewal comes at 60).
#   acme_bench_init NAME USAGE VALUE [TOOL...]
#                                         -- for bench/NAME.sh, called "bench/NAME.sh USAGE" with VALUE
#                                            (a positive whole number, else its usage and exit 2): exit 1
#                                            naming a missing tool (Pebble's, openssl, curl, taskset, the
#                                            TOOLs); tmp, and the traps that clean up after the benchmark
#   acme_bench_setup [VALIDITY_SECONDS]   -- namespace, test CA, challtestsrv, Pebble (pinned with the clients)
#   acme_bench_start FLAGS...             -- unihost (pinned) with --acme-directory etc. and FLAGS;
#                                            uh_pid, t_launch (its launch on the wall clock), STAMPS
#                                            (lines "SECONDS line" as they were written), UH_LOG
#   acme_bench_wait PATTERN COUNT SECONDS -- until STAMPS has COUNT lines matching (grep -E); 1 on time-out
#   acme_bench_await_cert COUNT SECONDS WHAT
#                                         -- until HTTPS took its COUNTth certificate; else "no WHAT within
#                                            SECONDS s", unihost's last lines and exit 1
#   acme_bench_stamp PATTERN N            -- the wall-clock time of the Nth such line
#   acme_bench_stop                       -- stop unihost and its stamping
#   acme_bench_cleanup                    -- everything this file started, the namespace, $tmp
#   acme_bench_median FORMAT              -- the median of the numbers on stdin, printf'd with FORMAT

. "$top/tools/netns.sh"
. "$top/bench/cpu.sh"
# what tests/integration/lib/acme.sh expects of tests/integration/lib/uh.sh
# (UH_TMP: set by acme_bench_init)
UH_NS=$ns
nsx() { ip netns exec "$ns" "$@"; }
notok() { echo "bench: $1: $2" >&2; }
diag() { sed 's/^/  /' >&2; }
. "$top/tests/integration/lib/acme.sh"
export PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0
ACME_CA_HOST=ca.test

# The server on the last CPU, the clients, Pebble and the log stamping on
# the others (as bench/dns_common.sh), unless ACME_BENCH_PIN=0.
if [ "${ACME_BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
    server_cpu=$(($(nproc) - 1))
    client_cpus=0-$((server_cpu - 1))
    server_pin="taskset -c $server_cpu"
    client_pin="taskset -c $client_cpus"
else
    server_cpu= client_cpus= server_pin= client_pin=
fi

uh_pid= tail_pid= stamp_pid= tmp=
acme_run=0
bench=

acme_bench_init() {
    bench=bench/$1
    case $3 in *[!0-9]*|''|0) echo "usage: $bench.sh $2" >&2; exit 2 ;; esac
    shift 3
    for tool in pebble pebble-challtestsrv openssl curl taskset "$@"; do
        command -v "$tool" >/dev/null || { echo "$bench: needs $tool (tools/deps.sh installs it)" >&2; exit 1; }
    done
    tmp=$(mktemp -d)
    UH_TMP=$tmp
    trap acme_bench_cleanup EXIT
    trap 'exit 1' INT TERM
}

acme_bench_setup() {
    netns_create "$ns" "$tap"
    # (CHALL_PID and PEBBLE_PID: set by lib/acme.sh as each starts)
    acme_ca_start "$UNIHOST_HOST4" "$ACME_CA_HOST" 80 "${1:-}" || exit 1
    if [ -n "$client_cpus" ]; then
        for pid in $PEBBLE_PID $CHALL_PID; do taskset -a -p -c "$client_cpus" "$pid" > /dev/null; done
    fi
}

acme_bench_start() {
    acme_run=$((acme_run + 1))
    UH_LOG=$tmp/unihost.$acme_run.log
    STAMPS=$tmp/stamps.$acme_run
    : > "$UH_LOG"
    : > "$STAMPS"
    # tail follows the console file (inotify), grep keeps unihost's own
    # lines, and the loop stamps each as it comes: a few ms after unihost
    # wrote it (the console is written when the loop goes idle).
    mkfifo "$tmp/follow.$acme_run"
    $client_pin tail -n +1 -F "$UH_LOG" > "$tmp/follow.$acme_run" 2>/dev/null &
    tail_pid=$!
    grep --line-buffered -E '^unihost: (ready$|acme: )' < "$tmp/follow.$acme_run" |
        while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done > "$STAMPS" &
    stamp_pid=$!
    t_launch=$EPOCHREALTIME
    $server_pin ip netns exec "$ns" "$top/build/unihost" --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" \
        --acme-directory "https://$ACME_CA_HOST:14000/dir" --acme-ca "$tmp/ca.pem" --resolver "$UNIHOST_HOST4:8053" \
        "$@" > "$UH_LOG" 2>&1 &
    uh_pid=$!
}

acme_bench_wait() {
    local n=$(( $3 * 20 ))
    while [ "$(grep -cE -- "$1" "$STAMPS")" -lt "$2" ]; do
        n=$((n - 1))
        if [ "$n" -le 0 ] || ! kill -0 "$uh_pid" 2>/dev/null; then
            return 1
        fi
        sleep 0.05
    done
}

acme_bench_await_cert() {
    acme_bench_wait 'acme: HTTPS now uses the new certificate' "$1" "$2" && return 0
    echo "$bench: no $3 within $2 s; unihost's log (last lines):" >&2
    tail -n 40 "$UH_LOG" | sed 's/^/  /' >&2
    exit 1
}

acme_bench_stamp() {
    grep -E -- "$1" "$STAMPS" | sed -n "${2}p" | cut -d' ' -f1
}

acme_bench_stop() {
    for pid in $uh_pid $tail_pid; do
        kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    done
    [ -z "$stamp_pid" ] || wait "$stamp_pid" 2>/dev/null || true
    uh_pid= tail_pid= stamp_pid=
    return 0
}

acme_bench_cleanup() {
    acme_bench_stop
    for pid in $PEBBLE_PID $CHALL_PID; do
        kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    done
    netns_delete "$ns"
    [ -z "$tmp" ] || rm -rf "$tmp"
}

acme_bench_median() {
    sort -n | awk -v f="$1" '{ v[NR] = $1 } END { if (NR) printf f, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
