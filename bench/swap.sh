#!/bin/sh
# bench/swap: what a content swap costs the clients of a busy unihost.
# unihost serves the bundled site/ and zones/ from --blob on its tap, in a
# network namespace this script creates (documentation addresses only).
# bench/http_load (keep-alive, 16 connections) asks for the home page, and
# then for a 300 kB file, for DURATION seconds per round; rounds alternate
# between no swap and a swap every 0.25 s (SIGHUP, two blobs that differ in
# one file, each renamed over the --blob file in turn). Prints per round
# the requests per second, the p99 latency and the failed requests, then
# the medians of both kinds of round and their ratio.
# Usage: sudo bench/swap.sh [DURATION_SECONDS] [ROUNDS]   (default 10 s, 3
# rounds of each). Not a test: timings on shared machines are noisy, so
# compare the two kinds of round of one run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=${1:-10}
rounds=${2:-3}
make -s -j2 all build/bench/http_load >/dev/null

. "$top/tools/netns.sh"
ns=uh-swbench-$$
tap=uhsw$$
tmp=$(mktemp -d)
uh_pid= swapper_pid=
cleanup() {
    [ -n "$swapper_pid" ] && kill "$swapper_pid" 2>/dev/null || true
    if [ -n "$uh_pid" ]; then
        kill -TERM "$uh_pid" 2>/dev/null || true
        wait "$uh_pid" 2>/dev/null || true
    fi
    netns_delete "$ns"
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Two blobs of the bundled content, told apart by one file.
for v in a b; do
    cp -R site "$tmp/site-$v"
    mkdir -p "$tmp/site-$v/bench"
    head -c 307200 /dev/urandom > "$tmp/site-$v/bench/300kb.bin"
    echo "version $v" > "$tmp/site-$v/bench/version.txt"
    build/crunch --quiet --site "$tmp/site-$v" --zones zones -o "$tmp/$v.blob"
done
cp "$tmp/a.blob" "$tmp/live.blob"

netns_create "$ns" "$tap"
ip netns exec "$ns" build/unihost --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" --blob "$tmp/live.blob" \
    --no-access-log > "$tmp/unihost.log" 2>&1 &
uh_pid=$!
i=0
until grep -q '^unihost: ready$' "$tmp/unihost.log"; do
    i=$((i + 1))
    [ "$i" -lt 100 ] || { cat "$tmp/unihost.log"; exit 1; }
    sleep 0.1
done

# swapper: a swap every 0.25 s until killed (at most 10 minutes' worth).
swapper() {
    n=0
    while [ "$n" -lt 2400 ]; do
        n=$((n + 1))
        if [ $((n % 2)) -eq 1 ]; then v=b; else v=a; fi
        cp "$tmp/$v.blob" "$tmp/live.new" && mv "$tmp/live.new" "$tmp/live.blob"
        kill -HUP "$uh_pid" 2>/dev/null || return
        sleep 0.25
    done
}

swaps() { grep -c '^unihost: content: SIGHUP: .*: swapped in' "$tmp/unihost.log" || true; }

# round PATH KIND: one round; appends "KIND rate p99 errors" to $tmp/PATH-rows
round() {
    before=$(swaps)
    if [ "$2" = swaps ]; then
        swapper &
        swapper_pid=$!
    fi
    out=$(ip netns exec "$ns" build/bench/http_load "$UNIHOST_GUEST4" 80 "$1" "$duration" 16)
    if [ -n "$swapper_pid" ]; then
        kill "$swapper_pid" 2>/dev/null || true
        wait "$swapper_pid" 2>/dev/null || true
        swapper_pid=
    fi
    rate=$(echo "$out" | awk '{print $4}')
    p99=$(echo "$out" | awk '{print $6}')
    errors=$(echo "$out" | awk '{print $8}')
    n=$(($(swaps) - before))
    printf '  %-8s %-24s %10s req/s  p99 %7s ms  failed %s  swaps %s\n' "$2" "$1" "$rate" "$p99" "$errors" "$n"
    echo "$2 $rate $p99 $errors" >> "$tmp/rows"
}

median() { sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print 0}'; }

for path in / /bench/300kb.bin; do
    : > "$tmp/rows"
    echo "$path, $duration s rounds, 16 keep-alive connections:"
    r=0
    while [ "$r" -lt "$rounds" ]; do
        r=$((r + 1))
        round "$path" none
        round "$path" swaps
    done
    rate_none=$(awk '$1 == "none" {print $2}' "$tmp/rows" | median)
    rate_swaps=$(awk '$1 == "swaps" {print $2}' "$tmp/rows" | median)
    p99_none=$(awk '$1 == "none" {print $3}' "$tmp/rows" | median)
    p99_swaps=$(awk '$1 == "swaps" {print $3}' "$tmp/rows" | median)
    failed=$(awk '$1 == "swaps" {s += $4} END {print s + 0}' "$tmp/rows")
    echo "  medians: $rate_none req/s and p99 $p99_none ms without swaps; $rate_swaps req/s and p99 $p99_swaps ms" \
        "with a swap every 0.25 s"
    awk -v a="$p99_swaps" -v b="$p99_none" -v c="$rate_swaps" -v d="$rate_none" -v f="$failed" 'BEGIN {
        printf "  p99 with swaps / without: %.2f; rate with / without: %.3f; failed requests during swaps: %d\n",
               (b > 0 ? a / b : 0), (d > 0 ? c / d : 0), f }'
done
echo "unihost swapped $(swaps) times; refused: $(grep -c 'refused' "$tmp/unihost.log" || true)"
