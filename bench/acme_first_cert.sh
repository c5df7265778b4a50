#!/bin/bash
# bench/acme_first_cert: how long unihost takes from its launch to serving
# HTTPS with a certificate from an ACME CA: Pebble (Debian's pebble, in a
# network namespace this script creates, documentation addresses only;
# bench/acme_common.sh), two names over HTTP-01 answered on unihost's own
# port 80, the CA's host looked up through pebble-challtestsrv, every
# request over unihost's own HTTPS client on lwIP. Each run is a new
# unihost (new account key, new order, both authorizations validated);
# Pebble stays up across runs.
#
# The times are the wall clock at unihost's launch and when its "ready" and
# "acme: HTTPS now uses the new certificate" lines were written (stamped
# as they appear, bench/acme_common.sh). Pebble answers at once here (no
# validation sleeps, no random nonce rejections): against Let's Encrypt
# the CA's own queueing and validation from several places dominate, and
# this figure is what unihost and the path to the CA add to it.
#
# Usage: sudo bench/acme_first_cert.sh [RUNS]   (default 5; prints each run and the median)
# Not a test: on a shared machine, times vary; compare the medians of runs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
runs=${1:-5}
ns=uh-bench-acme1-$$
tap=uhba1$$
. "$top/bench/acme_common.sh"
acme_bench_init acme_first_cert "[RUNS]" "$runs"
make -s -j2 all >/dev/null
acme_bench_setup

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
echo "bench/acme_first_cert: $runs runs; unihost on CPU ${server_cpu:-any}, Pebble on ${client_cpus:-any}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %10s %14s %18s %8s\n' run "ready ms" "certificate ms" "after ready ms" "retries"
: > "$tmp/runs"
for run in $(seq 1 "$runs"); do
    acme_bench_start
    acme_bench_await_cert 1 60 "certificate in run $run"
    t_ready=$(acme_bench_stamp 'unihost: ready$' 1)
    t_cert=$(acme_bench_stamp 'acme: HTTPS now uses the new certificate' 1)
    # requests the client had to make again (badNonce, no response, 5xx)
    retries=$(grep -c 'acme: .*retrying' "$UH_LOG" || true)
    acme_bench_stop
    printf '%-5s %10s %14s %18s %8s\n' "$run" "$(ms "$t_launch" "$t_ready")" "$(ms "$t_launch" "$t_cert")" \
        "$(ms "$t_ready" "$t_cert")" "$retries"
    echo "$(ms "$t_launch" "$t_ready") $(ms "$t_launch" "$t_cert") $(ms "$t_ready" "$t_cert")" >> "$tmp/runs"
done
median() { awk -v c="$1" '{ print $c }' "$tmp/runs" | acme_bench_median %.0f; }    # median COLUMN
echo "median of $runs runs: ready $(median 1) ms; first CA-issued certificate in use $(median 2) ms after launch ($(median 3) ms after ready)"
