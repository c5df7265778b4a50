#!/bin/sh
# bench/dns_profile: where unihost's CPU goes per UDP query, under the load
# of bench/dns.sh (same zones, same blob -- response-rate limiting off, see
# bench/dns.sh --, same mix, same namespace set-up, unihost on its own CPU,
# dnsperf at saturation), split into the stages of a query's path:
#   tap read     readv() and poll() on the tap: the syscalls and the
#                kernel's tun code (src/unix/tap.c, platform_unix.c)
#   lwIP input   the frame copied into a pbuf, Ethernet, ARP, IPv4, UDP
#                demultiplexing (netif_platform_poll, *_input)
#   fast path    a datagram answered below lwIP (src/net/udp_fast.c): its
#                headers checked on the way in and written on the way out,
#                both checksums, the ARP lookup -- lwIP input and output in
#                one function, so one stage
#   engine       the DNS query parsed, the zone, name and RRsets found,
#                the answer decided (src/dns/, src/wire/, src/content/, and
#                dns_service.c's UDP glue: the client's address, the call)
#   answer       the answer's records written (src/dns/dns_response.c), and
#                dns_service.c's lwIP receive callback (the answer's pbuf)
#   lwIP output  UDP, IPv4, Ethernet/ARP output, checksums, the frame
#                handed to the platform (udp_sendto*, ip4_output*,
#                etharp_output, netif_platform.c's linkoutput)
#   tap write    writev() on the tap, and the kernel's work for it: the
#                tun code and the delivery of the answer to the client's
#                socket, which the kernel does in the writer's context
#   log          the log's lines (src/log/, core/log.c, the query
#                records), and the kernel's writing of them to the
#                console's file: nothing unless PROFILE_FLAGS turns on
#                a line per query, and syslog's messages (their
#                formatting and lwIP; the tap's writes of them are
#                "tap write")
#   other        the event loop, lwIP's timers, clocks, interrupts: most
#                of them, on a machine where the client runs on another
#                CPU, are the kernel's IPIs to free on this CPU the answers
#                the client has read (skb_defer_free_flush, counted as tap
#                write where the stack shows it)
# perf samples unihost's CPU (cpu-clock, one sample per PERIOD_US of CPU
# time, 1000 us by default) with DWARF call stacks, so that a sample in
# memcpy or pbuf_alloc counts for whoever called it: each sample goes to
# the first frame, from the leaf up, that the rule table below gives a
# stage; frames marked "inherit" (C library, lwIP's pbuf/memory/checksum
# helpers, frame.c) leave the sample to their caller. The table is the
# one place that knows unihost's source layout: rules match the function's
# source file (from the binary's debug information) before its name, so
# renamed functions stay in their stage, and a new file under src/dns/
# counts as engine unless a rule says it writes answers.
#
# Prints each stage's share of unihost's CPU and its nanoseconds per query
# (CPU time of the profiled run / queries dnsperf got answered), then the
# functions that cost most, with their stage, so a reader can check the
# table's judgement. perf itself costs a little: queries/s here are a few
# percent below bench/dns.sh's.
#
# Usage: sudo bench/dns_profile.sh [SECONDS] [--keep DIR]   (default 10 s)
#        bench/dns_profile.sh --from DIR
#   --keep DIR  keeps the profile in DIR: perf.data, the samples as perf
#               script prints them (samples), the binary, the query count
#   --from DIR  splits a kept profile again with the current table, without
#               running anything (to check a change of the table)
# PERIOD_US sets the sampling period. PROFILE_FLAGS gives unihost more
# options (PROFILE_FLAGS=--dns-log: what a line per query costs, in the
# "log" stage; the console is then a file on tmpfs when there is one, as
# bench/observability_paired.sh's). Needs perf (linux-perf). Not a test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
duration=10
keep= from=
while [ $# -gt 0 ]; do
    case $1 in
    --keep) keep=${2:?--keep needs a directory}; shift ;;
    --from) from=${2:?--from needs a directory}; shift ;;
    *[!0-9]*|'') echo "usage: bench/dns_profile.sh [SECONDS] [--keep DIR] | --from DIR" >&2; exit 2 ;;
    *) duration=$1 ;;
    esac
    shift
done
[ -n "$from" ] || [ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
period_us=${PERIOD_US:-1000}

# ---- the stages: the one table that maps unihost's code to them ----------
# STAGE CONDITION...: a frame takes the first rule whose conditions all
# hold. Conditions: kernel (a kernel frame), user (any other), sym~RE (the
# function, GCC's .constprop/.isra/.part/.cold suffixes removed), src~RE
# (its source file, from the binary's debug information), dso~RE (the file
# it is in). STAGE "inherit" passes the sample to the caller; a sample no
# rule places is "other".
rules='
tap_write    kernel sym~^skb_defer_free_flush$
log          kernel sym~^(shmem_file_write_iter|ext4_file_write_iter|generic_perform_write)$
other        kernel sym~^(asm_sysvec_|asm_common_interrupt|asm_exc_|sysvec_|common_interrupt$|exc_page_fault$)
tap_read     kernel sym~^(tun_chr_read_iter|tun_do_read|do_readv|__x64_sys_readv|__x64_sys_read|ksys_read|do_sys_poll|__x64_sys_poll|__x64_sys_ppoll|__x64_sys_io_uring_enter|__do_sys_io_uring_enter)$
tap_write    kernel sym~^(tun_chr_write_iter|tun_get_user|do_writev|__x64_sys_writev|__x64_sys_write|ksys_write)$
inherit      kernel
inherit      user dso~(libc|ld-linux|vdso)
log          user src~/src/log/
log          user src~/src/core/(log|syslog_sink)\.c$
log          user sym~^(log_query|query_record_line|plat_console_try_write|console_put)$
tap_read     user sym~^(plat_net_read|plat_wait|tap_wait|tap_ring_read|tap_ring_wait)$
tap_write    user sym~^(plat_net_write|plat_net_write_pieces|describe_tcp)$
lwip_input   user sym~^netif_platform_poll$
lwip_output  user sym~^(linkoutput|output4)$
inherit      user src~/src/net/frame\.c$
answer       user src~/src/dns/dns_response\.c$
answer       user sym~^dns_response_
answer       user src~/src/core/dns_service\.c$ sym~^udp_received$
engine       user src~/src/core/dns_service\.c$
fast_path    user src~/src/net/udp_fast\.c$
engine       user src~/src/(dns|content|wire)/
engine       user sym~^(dns_|dnssec_|blob_)
engine       user sym~^tcp_peer_from_ip$
lwip_input   user src~lwip sym~_input(_.*)?$
lwip_output  user src~lwip sym~(_output|_send|_sendto|_sendto_if|_sendto_if_src)(_.*)?$
inherit      user src~lwip
inherit      user sym~^(pbuf_|mem_|memp_)
'
stages="tap_read lwip_input fast_path engine answer lwip_output tap_write log other"

# split SAMPLES BINARY QUERIES: the stages of perf script's SAMPLES of
# BINARY over QUERIES answered
split_samples() {
    # The source file of every function of the binary, from its debug information.
    nm -l --defined-only "$2" 2>/dev/null |
        awk 'NF >= 4 && $2 ~ /^[tTwW]$/ { sub(/:[0-9]+$/, "", $4); print $3, $4 }' > "$tmp/sources"
    printf '%s\n' "$rules" > "$tmp/rules"
    awk -v stages="$stages" -v queries="$3" -v top_n=25 -v self_file="$tmp/self" '
        # GCC clones (foo.constprop.0, foo.part.1, foo.cold) are foo
        function base(s) { sub(/\.(constprop|isra|part|cold|lto_priv)(\.[0-9]+)*$/, "", s); sub(/\.(constprop|isra|part|cold)(\.[0-9]+)*$/, "", s); return s }
        FILENAME == ARGV[1] { src[base($1)] = $2; next }
        FILENAME == ARGV[2] {
            if (NF < 2 || $1 ~ /^#/) next
            n_rules++; stage[n_rules] = $1; conds[n_rules] = NF - 1
            for (i = 2; i <= NF; i++) cond[n_rules, i - 1] = $i
            next
        }
        # the stage the rules give a frame, "inherit", or "" when no rule does
        function classify(sym, dso, kernel,    file, r, i, c, ok, what, re) {
            file = (!kernel && (sym in src)) ? src[sym] : ""
            for (r = 1; r <= n_rules; r++) {
                ok = 1
                for (i = 1; i <= conds[r] && ok; i++) {
                    c = cond[r, i]
                    if (c == "kernel") ok = kernel
                    else if (c == "user") ok = !kernel
                    else {
                        what = substr(c, 1, 3); re = substr(c, 5)
                        if (what == "sym") ok = sym ~ re
                        else if (what == "src") ok = file ~ re
                        else if (what == "dso") ok = dso ~ re
                        else ok = 0
                    }
                }
                if (ok) return stage[r]
            }
            return ""
        }
        function finish(    i, s) {
            if (nf == 0) return
            samples++; cpu += period
            s = ""
            for (i = 1; i <= nf; i++) {
                s = classify(fsym[i], fdso[i], fkern[i])
                if (s != "inherit" && s != "") break
                s = ""
            }
            if (s == "") { s = "other"; why["(no rule: the stack of " fsym[nf] ")"] += period }
            else if (s == "other") why[fsym[i]] += period
            by_stage[s] += period
            self[fsym[1] "\t" s] += period
            if (fsym[nf] != "_start") cut++
            nf = 0
        }
        FILENAME == ARGV[3] {
            if ($0 ~ /^[ \t]*$/) { finish(); next }
            if ($0 ~ /^ *[0-9]+ *$/) { finish(); period = $1 + 0; next }
            # a frame: ADDRESS SYMBOL (DSO)
            line = $0; sub(/^[ \t]+/, "", line)
            addr = line; sub(/ .*/, "", addr)
            dso = line; sub(/^.*\(/, "", dso); sub(/\)$/, "", dso)
            sym = line; sub(/^[0-9a-f]+ /, "", sym); sub(/ \([^()]*\)$/, "", sym); sub(/\+0x[0-9a-f]+$/, "", sym)
            nf++; fsym[nf] = base(sym); fdso[nf] = dso
            fkern[nf] = dso ~ /kernel\.kallsyms/ || (length(addr) == 16 && addr ~ /^ffff/)
            next
        }
        END {
            finish()
            if (samples == 0 || queries == 0) { print "bench/dns_profile: no samples or no queries" > "/dev/stderr"; exit 1 }
            printf "unihost CPU in the profile: %.2f s (%d samples); %d queries answered: %.0f ns of CPU per query\n",
                cpu / 1e9, samples, queries, cpu / queries
            printf "%-12s %7s %9s\n", "stage", "share", "ns/query"
            n = split(stages, names, " ")
            for (i = 1; i <= n; i++)
                printf "%-12s %6.1f%% %9.0f\n", names[i], 100 * by_stage[names[i]] / cpu, by_stage[names[i]] / queries
            printf "%-12s %6.1f%% %9.0f\n", "total", 100, cpu / queries
            if (cut > samples / 20)
                printf "note: %d of %d call stacks stop short of _start (DWARF unwinding cut): their stages are less sure\n", cut, samples
            for (k in self) print self[k] "\t" k > self_file
            close(self_file)
            printf "\nthe %d functions with the most samples of their own, and the stage each went to:\n", top_n
            cmd = "sort -t \"\t\" -k1,1nr \"" self_file "\""
            while ((cmd | getline l) > 0 && shown < top_n) {
                split(l, f, "\t"); shown++
                printf "  %5.1f%% %6.0f ns  %-12s %s\n", 100 * f[1] / cpu, f[1] / queries, f[3], f[2]
            }
            close(cmd)
            printf "\nwhat \"other\" holds, by the frame that placed it there:\n"
            for (k in why) print why[k] "\t" k > self_file
            close(self_file)
            shown = 0
            while ((cmd | getline l) > 0 && shown < 8) {
                split(l, f, "\t"); shown++
                printf "  %5.1f%% %6.0f ns  %s\n", 100 * f[1] / cpu, f[1] / queries, f[2]
            }
            close(cmd)
        }
    ' "$tmp/sources" "$tmp/rules" "$1"
}

if [ -n "$from" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT INT TERM
    echo "bench/dns_profile: the profile kept in $from, split with the current table"
    split_samples "$from/samples" "$from/unihost" "$(cat "$from/queries")"
    exit 0
fi

command -v perf >/dev/null || { echo "bench/dns_profile: needs perf (apt-get install linux-perf)" >&2; exit 1; }
make -s -j"$(nproc)" all >/dev/null
. "$top/tools/netns.sh"
. "$top/bench/cpu.sh"
ns=uh-prof-$$
tap=uhp$$
tmp=$(mktemp -d)
tap_pid= perf_pid= stat_pid= drain_pid=
cleanup() {
    for pid in $perf_pid $stat_pid; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    [ -z "$drain_pid" ] || { kill -TERM "$drain_pid" 2>/dev/null || true; wait "$drain_pid" 2>/dev/null || true; }
    [ -z "$tap_pid" ] || stop_server "$tap_pid"
    netns_delete "$ns"
    rm -rf "$tmp"
    [ -z "${unihost_log:-}" ] || rm -f "$unihost_log"
}
. "$top/bench/dns_common.sh"
trap cleanup EXIT INT TERM

dns_bench_prepare
dns_bench_netns "$ns" "$tap"
if [ -n "${PROFILE_FLAGS:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    unihost_log=$(mktemp /dev/shm/uh-prof.XXXXXX)
fi
# --syslog ADDR:514 in PROFILE_FLAGS: a receiver there, on the namespace's
# side of the tap (bench/observability_paired.sh's), so that the messages
# are delivered as they would be, not refused with ICMP.
case " ${PROFILE_FLAGS:-} " in *" --syslog "*)
    $client_pin ip netns exec "$ns" python3 "$top/bench/syslog_drain.py" "$UNIHOST_HOST4" 514 >/dev/null 2>&1 &
    drain_pid=$! ;;
esac
# shellcheck disable=SC2086  # PROFILE_FLAGS is a list of options
start_unihost "$ns" "$tap" "$tmp/bench.blob" ${PROFILE_FLAGS:-}
tap_pid=$server_pid
wait_answer "$ns" "$UNIHOST_GUEST4"
ip netns exec "$ns" python3 bench/dns_mix.py check "$DNS_MIX" "$UNIHOST_GUEST4" > "$tmp/check" ||
    { cat "$tmp/check" >&2; exit 1; }
sed 's/^/bench\/dns_profile: checked /' "$tmp/check"
# A short run first, so the profile sees the steady state, not the ARP
# exchange and the first touches of the blob.
dnsperf_run "$ns" "$UNIHOST_GUEST4" 1 "$tmp/warm.perf" "$tap_pid"

wait_quiet
# perf runs beside dnsperf (not on unihost's CPU); cpu-clock counts only
# the time unihost runs, so the samples before and after the load are few.
$client_pin perf record -q -e cpu-clock -c $((period_us * 1000)) --call-graph dwarf,8192 -p "$tap_pid" \
    -o "$tmp/perf.data" 2>"$tmp/perf.log" &
perf_pid=$!
sleep 1
machine0=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
dnsperf_run "$ns" "$UNIHOST_GUEST4" "$duration" "$tmp/load.perf" "$tap_pid"
machine1=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
kill -INT "$perf_pid"
wait "$perf_pid" 2>/dev/null || true
perf_pid=
completed=$(awk '/Queries completed/ { print $3 }' "$tmp/load.perf")
echo "bench/dns_profile: $duration s of the bench/dns mix at saturation: $qps queries/s, lost $lost;" \
     "unihost $server_cpu of its CPU, dnsperf $client_cpu, the rest of the machine (perf included)" \
     "$(cpu_percent $((machine1 - machine0 - server_ticks - client_ticks)) "$duration")"

# Then 3 s more, counting unihost's system calls on the tap (tracepoints
# cost each call some 100 ns: not during the profile).
$client_pin perf stat -x, -e syscalls:sys_enter_readv,syscalls:sys_enter_writev,syscalls:sys_enter_poll,syscalls:sys_enter_write \
    -p "$tap_pid" -o "$tmp/syscalls" 2>>"$tmp/perf.log" &
stat_pid=$!
sleep 1
dnsperf_run "$ns" "$UNIHOST_GUEST4" 3 "$tmp/count.perf" "$tap_pid"
kill -INT "$stat_pid"
wait "$stat_pid" 2>/dev/null || true
stat_pid=
counted=$(awk '/Queries completed/ { print $3 }' "$tmp/count.perf")

awk -F, -v q="$counted" '$3 ~ /sys_enter_(readv|writev|poll|write)$/ && q > 0 {
        sub(/^syscalls:sys_enter_/, "", $3); printf "%s%s %.4f", (n++ ? ", " : ""), $3, $1 / q }
    END { if (n) printf " per query\n" }' "$tmp/syscalls" | sed "s/^/bench\/dns_profile: system calls (readv, writev, poll: the tap; write: the console): /"
perf script -i "$tmp/perf.data" -F period,ip,sym,dso --no-inline 2>/dev/null > "$tmp/samples"
split_samples "$tmp/samples" "$top/build/unihost" "$completed"
if [ -n "$keep" ]; then
    mkdir -p "$keep"
    cp "$tmp/perf.data" "$tmp/samples" "$top/build/unihost" "$keep/"
    echo "$completed" > "$keep/queries"
    echo "bench/dns_profile: kept in $keep (perf.data, samples, unihost, queries); split again with --from $keep"
fi
