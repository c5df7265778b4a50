# bench/dns_common.sh, sourced by bench/dns.sh and bench/dns_profile.sh:
# the benchmark's zones, blob and query mix, its network namespace, and
# starting and stopping the servers in it. Expects $top (the repository)
# and $tmp (a scratch directory) to be set, and tools/netns.sh and
# bench/cpu.sh to be sourced.
#
# Inside the namespace (documentation addresses only):
#   192.0.2.1     the tap's kernel side, where dnsperf sends from
#   192.0.2.2     unihost on the tap, or in its place bench/tap_ceiling
#   198.51.100.53 NSD, on the namespace's loopback
#
# The zones: bench/zones/*.zone as they are, and signed.test signed at each
# run (bench/zones/signed.test.zone.in, fresh ECDSA P-256 keys, NSEC) with
# ldns-signzone. NSD reads the very files crunch compiled into the blob
# that unihost serves with --blob.
#
# unihost's DNS options (site/docs/dns.md) come from a dns.conf beside the
# zone files when crunch runs. bench/zones/ has none: dns_bench_blob writes
# one into the scratch copy of the zones for each blob, crunches, and takes
# it away again, so that one set of zone files gives blobs with different
# options (bench/dns_rrl.sh compares them) and NSD's zones directory holds
# only zones. bench.blob, the blob of bench/dns.sh and bench/dns_profile.sh,
# has rrl-ratelimit: 0: response-rate limiting is on by default (200
# answers a second per /24 and kind), and dnsperf, from one address at
# ~100k q/s, would be limited to a few thousand answers a second; NSD runs
# without it too (its nsd.conf below). Cookies keep their default (on):
# the mix's queries carry none, so they only cost the check that there is
# none.

NSD4=198.51.100.53
DNS_MIX=$top/bench/dns_mix.txt
# dnsperf's load in every DNS bench, so that they all measure under the
# same one: -c 8 sockets, -q 200 queries in flight, -t a lost query
# counts after 1 s.
DNSPERF_LOAD="-c 8 -q 200 -t 1"
# Where the server and the load generator run: each on its own CPU when
# there are two or more (the server on the last, dnsperf on the others),
# so that neither is time-sliced out by the other; DNS_BENCH_PIN=0 leaves
# them to the scheduler.
if [ "${DNS_BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
    server_core=$(($(nproc) - 1))
    server_pin="taskset -c $server_core"
    client_pin="taskset -c 0-$((server_core - 1))"
else
    server_pin= client_pin=
fi

# dns_bench_prepare: zones, blob, NSD's configuration and dnsperf's input in
# $tmp; first checks for the tools in $dns_bench_tools (default: those of
# bench/dns.sh)
dns_bench_prepare() {
    for tool in ${dns_bench_tools:-dnsperf nsd ldns-keygen ldns-signzone dig python3}; do
        command -v "$tool" >/dev/null ||
            { echo "bench/dns: needs $tool (apt-get install dnsperf nsd ldnsutils bind9-dnsutils python3)" >&2; exit 1; }
    done
    mkdir -p "$tmp/zones" "$tmp/keys" "$tmp/nsd"
    cp "$top"/bench/zones/*.zone "$tmp/zones/"
    (
        cd "$tmp/keys"
        ksk=$(ldns-keygen -a ECDSAP256SHA256 -k signed.test)
        zsk=$(ldns-keygen -a ECDSAP256SHA256 signed.test)
        ldns-signzone -e "$(date -u -d '+30 days' +%Y%m%d)" -o signed.test -f "$tmp/zones/signed.test.zone" \
            "$top/bench/zones/signed.test.zone.in" "$ksk" "$zsk"
    )
    dns_bench_blob "$tmp/bench.blob" "rrl-ratelimit: 0"
    python3 "$top/bench/dns_mix.py" wire "$DNS_MIX" "$tmp/queries.bin"
    {
        echo "server:"
        echo "  ip-address: $NSD4"
        echo "  port: 53"
        echo "  server-count: 1"
        echo "  username: \"\""
        echo "  zonesdir: \"$tmp/zones\""
        echo "  database: \"\""
        echo "  zonelistfile: \"$tmp/nsd/zone.list\""
        echo "  xfrdfile: \"$tmp/nsd/xfrd.state\""
        echo "  pidfile: \"$tmp/nsd/nsd.pid\""
        echo "  verbosity: 0"
        echo "  rrl-ratelimit: 0"
        echo "remote-control:"
        echo "  control-enable: no"
        for f in "$tmp"/zones/*.zone; do
            echo "zone:"
            echo "  name: \"$(basename "$f" .zone)\""
            echo "  zonefile: \"$f\""
        done
    } > "$tmp/nsd/nsd.conf"
}

# dns_bench_blob OUT [OPTION...]: the zones of $tmp/zones crunched into the
# blob OUT with a dns.conf of these server options ("rrl-ratelimit: 0", ...;
# none: every option at its default), which is not left in $tmp/zones
dns_bench_blob() {
    _out=$1
    shift
    {
        echo "# written by bench/dns_common.sh for $(basename "$_out")"
        echo "server:"
        for _opt in "$@"; do echo "    $_opt"; done
    } > "$tmp/zones/dns.conf"
    "$top/build/crunch" --quiet --zones "$tmp/zones" -o "$_out" ||
        { echo "bench/dns: crunch refused the zones with these options: $*" >&2; rm -f "$tmp/zones/dns.conf"; exit 1; }
    rm -f "$tmp/zones/dns.conf"
}

# dns_bench_netns NS TAP: the namespace, its tap, and NSD's address
dns_bench_netns() {
    netns_create "$1" "$2"
    # NSD's address sits on the namespace's loopback (no dummy interfaces
    # on every kernel): its packets skip the tap, which favours NSD slightly.
    ip netns exec "$1" ip addr add "$NSD4/32" dev lo
    # With the server pinned, the loopback's input is steered to its CPU
    # (RPS): NSD then takes in its own queries on its own core, as unihost
    # does (lwIP, in its process); left alone, the kernel would receive
    # them in dnsperf's context, on the client's core, and NSD's CPU would
    # leave out its input path. DNS_BENCH_STEER=0 leaves it alone.
    if [ -n "$server_pin" ] && [ "${DNS_BENCH_STEER:-1}" = 1 ]; then
        ip netns exec "$1" sh -c "printf '%x' $((1 << server_core)) > /sys/class/net/lo/queues/rx-0/rps_cpus"
    fi
}

# start_nsd NS / start_unihost NS TAP [BLOB [OPTION...]] / start_ceiling NS
# TAP BYTES: in the background; each sets server_pid. unihost serves BLOB
# (default $tmp/bench.blob), with more command-line options if given, and
# logs to $unihost_log (default $tmp/unihost.log).
start_nsd() {
    $server_pin ip netns exec "$1" nsd -d -c "$tmp/nsd/nsd.conf" 2>"$tmp/nsd.log" &
    server_pid=$!
}
start_unihost() {
    _u_ns=$1 _u_tap=$2 _u_blob=${3:-$tmp/bench.blob}
    shift 2
    [ $# -eq 0 ] || shift
    $server_pin ip netns exec "$_u_ns" "$top/build/unihost" --tap "$_u_tap" --ipv4 "$UNIHOST_GUEST4/24" \
        --blob "$_u_blob" "$@" 2>"${unihost_log:-$tmp/unihost.log}" &
    server_pid=$!
}
start_ceiling() {
    # A fresh neighbour entry: the ceiling's MAC is not unihost's.
    ip netns exec "$1" ip neigh flush dev "$2" 2>/dev/null || true
    $server_pin ip netns exec "$1" "$top/build/bench/tap_ceiling" --tap "$2" --ipv4 "$UNIHOST_GUEST4/24" \
        --answer-size "$3" --seconds 600 2>"$tmp/ceiling.log" &
    server_pid=$!
}

# stop_server PID: SIGTERM, then wait for it
stop_server() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# wait_answer NS ADDR: up to 10 s for any DNS answer from ADDR
wait_answer() {
    _i=0
    while [ $_i -lt 20 ]; do
        ip netns exec "$1" dig +time=1 +tries=1 @"$2" bench.test SOA 2>/dev/null | grep -q '^;; ->>HEADER<<-' &&
            return 0
        sleep 0.5
        _i=$((_i + 1))
    done
    echo "bench/dns: $2 does not answer" >&2
    exit 1
}

# wait_quiet: on a shared machine, wait (at most DNS_BENCH_QUIET_WAIT
# seconds, default 120; 0 not at all) until the whole machine used less
# than a fifth of a CPU for a second, so that a run does not start in the
# middle of someone else's load; says so if it gave up.
wait_quiet() {
    _left=${DNS_BENCH_QUIET_WAIT:-120}
    while [ "$_left" -gt 0 ]; do
        _b0=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
        sleep 1
        _b1=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
        [ $((_b1 - _b0)) -ge $((clock_ticks / 5)) ] || return 0
        _left=$((_left - 1))
    done
    [ "${DNS_BENCH_QUIET_WAIT:-120}" -eq 0 ] ||
        echo "bench/dns: the machine is busy with something else; measuring anyway" >&2
}

# all_ticks PID: user+system clock ticks used so far by PID and all its
# descendants (`ip netns exec` execs the server, so PID is the server; NSD
# serves from a grandchild).
all_ticks() {
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
        { pid = $1; sub(/^.*\) /, "")      # after ") " field 1 is the state
          parent[pid] = $2; ticks[pid] = $12 + $13 }
        END { for (p in parent) {
                  for (q = p; q != "" && q != root && q in parent && q > 1; q = parent[q]) ;
                  if (q == root) t += ticks[p] }
              print t + 0 }'
}

# server_ticks_now PID: the server's CPU so far, in clock ticks. Pinned,
# that is every busy tick of the server's CPU (/proc/stat): the kernel's
# work on its packets there, in its softirqs, is its work too (with the
# loopback's input steered to that CPU, NSD's query input is there), and
# nothing else runs on it on a quiet machine. Unpinned, the ticks of PID
# and its descendants.
server_ticks_now() {
    if [ -n "$server_pin" ]; then
        awk -v cpu="cpu$server_core" '$1 == cpu { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
    else
        all_ticks "$1"
    fi
}

# dnsperf_run NS ADDR SECONDS OUT [SERVER_PID [QUERIES]]: the mix at
# saturation, or at most $dnsperf_rate queries a second when that is set
# (QUERIES: dnsperf's -B input, default $tmp/queries.bin),
# bounded by SECONDS; writes dnsperf's report to OUT and sets qps, lost, rcodes,
# server_ticks, client_ticks (clock ticks of CPU) and server_cpu,
# client_cpu (as percentages of one core)
dnsperf_run() {
    _t0=$(child_ticks)
    _s0=$(server_ticks_now "${5:-0}")
    # shellcheck disable=SC2086  # DNSPERF_LOAD is a list of options
    timeout $(($3 + 30)) $client_pin ip netns exec "$1" dnsperf -B -d "${6:-$tmp/queries.bin}" -s "$2" -l "$3" \
        $DNSPERF_LOAD ${dnsperf_rate:+-Q "$dnsperf_rate"} >"$4" 2>&1 || true
    _s1=$(server_ticks_now "${5:-0}")
    _t1=$(child_ticks)
    server_ticks=$((_s1 - _s0))
    client_ticks=$((_t1 - _t0))
    qps=$(awk '/Queries per second/ { printf "%.0f", $4 }' "$4")
    lost=$(awk '/Queries lost/ { print $4 }' "$4" | tr -d '()')
    rcodes=$(awk '/Response codes/ { sub(/^.*Response codes: */, ""); print }' "$4")
    client_cpu=$(cpu_percent "$client_ticks" "$3")
    server_cpu=$(cpu_percent "$server_ticks" "$3")
    [ -n "$qps" ] || { echo "bench/dns: dnsperf failed:" >&2; cat "$4" >&2; exit 1; }
}
