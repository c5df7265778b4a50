#!/bin/sh
# Integration test: content swapped while serving (SIGHUP on tap, see
# src/core/content.h). Four blobs are crunched from the fixture site and
# zones, each showing its version everywhere a client can see it: a page,
# a 600 kB file of "content version K" lines, a TXT record and the SOA
# serial of swap.test. (a zone transferred in several messages).
#
# Under continuous HTTP, HTTPS (keep-alive and new connections), DNS over
# UDP and TCP (lib/swapload.py), zone transfers and one slow download,
# unihost swaps its blob 20 times; no request may fail and every response
# must come wholly from one version (the slow download from the version it
# began on, though the swaps freed nothing it still had queued). Then every
# old blob must be released. A corrupt, truncated, mis-versioned, empty or
# missing blob must be refused with a log line, and change nothing. Slow
# readers pinning more old blobs than unihost keeps must not hold off a
# swap: the connections on the oldest are reset.
UH_TEST=reload
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
uh_require_tools curl dig python3 timeout cmp
uh_dev_cert
uh_setup "uh-reload-$$" "uhrl$$"

IP4=$UNIHOST_GUEST4
SWAPS=20

# ---- four versions of the content --------------------------------------------
make_version() {     # make_version K: $UH_TMP/vK.blob
    d=$UH_TMP/v$1
    mkdir -p "$d"
    cp -R tests/fixtures/site "$d/site"
    cp -R tests/fixtures/zones "$d/zones"
    printf '# Version\n\ncontent version %s\n' "$1" > "$d/site/version.md"
    python3 -c 'import sys; sys.stdout.write(("content version %s\n" % sys.argv[1]) * 32000)' "$1" > "$d/site/big.txt"
    {
        echo "\$TTL 300"
        echo "@ IN SOA ns1.example.test. hostmaster.example.test. $1 7200 3600 1209600 60"
        echo "  IN NS ns1.example.test."
        echo "  IN TXT \"version $1\""
        # Enough records that a transfer takes several messages.
        i=0
        while [ "$i" -lt 400 ]; do
            echo "r$i IN TXT \"version $1 padding padding padding padding padding padding padding\""
            i=$((i + 1))
        done
    } > "$d/zones/swap.test.zone"
    echo "swap.test. 192.0.2.1" >> "$d/zones/transfers.conf"
    "$CRUNCH" --quiet --site "$d/site" --zones "$d/zones" -o "$UH_TMP/v$1.blob" > "$UH_TMP/crunch$1.log" 2>&1
}
for v in 1 2 3 4; do
    if ! make_version "$v"; then
        notok "crunch version $v" "$(head -n 3 "$UH_TMP/crunch$v.log" | tr '\n' ' ')"
        uh_finish
    fi
done
ok "four content versions crunched ($(wc -c < "$UH_TMP/v1.blob") bytes each)"

LIVE=$UH_TMP/live.blob
cp "$UH_TMP/v1.blob" "$LIVE"
if ! uh_start --blob "$LIVE" --tls-cert "$CERT" --tls-key "$KEY" --no-https-redirect; then
    notok "unihost starts on version 1" "see the log above"
    uh_finish
fi

page_version() { nsx curl -sS -m 5 "http://$IP4/version" 2>/dev/null | sed -n 's/.*content version \([0-9]*\).*/\1/p' | head -n 1; }
serial_now() { nsx dig @"$IP4" +short +time=2 +tries=1 swap.test SOA 2>/dev/null | awk '{print $3}'; }
swapped_count() { grep -c '^unihost: content: SIGHUP: .*: swapped in' "$UH_LOG"; }
refused_count() { grep -c '^unihost: content: .*refused, the current blob keeps serving\|^unihost: content: reload: ' "$UH_LOG"; }
released_count() { grep -c '^unihost: content: blob [0-9a-f]* released' "$UH_LOG"; }

# wait_count FUNCTION N: wait (at most 10 s) until FUNCTION prints at least N.
wait_count() {
    _i=0
    while [ "$($1)" -lt "$2" ] && [ "$_i" -lt 100 ]; do
        _i=$((_i + 1))
        sleep 0.1
    done
    [ "$($1)" -ge "$2" ]
}

# swap_to K: version K's blob renamed over the live file, then SIGHUP.
swap_to() {
    cp "$1" "$LIVE.new" && mv "$LIVE.new" "$LIVE"
    kill -HUP "$UH_PID"
}

check "version 1 served: the page" "got '$(page_version)'" [ "$(page_version)" = 1 ]
check "version 1 served: the serial" "got '$(serial_now)'" [ "$(serial_now)" = 1 ]

# ---- 20 swaps under load -----------------------------------------------------------
STOP=$UH_TMP/stop
nsx python3 tests/integration/lib/swapload.py "$IP4" "$CERT" "$STOP" "$UH_TMP/load.out" > "$UH_TMP/load.log" 2>&1 &
LOAD_PID=$!
# A download at 150 kB/s: four seconds, through several swaps.
nsx curl -sS -m 60 --limit-rate 150k -o "$UH_TMP/slow.out" "http://$IP4/big.txt" > "$UH_TMP/slow.log" 2>&1 &
SLOW_PID=$!
# Zone transfers, one after another, each checked to be one version.
(
    n=0
    while [ ! -f "$STOP" ] && [ "$n" -lt 200 ]; do
        n=$((n + 1))
        nsx dig @"$IP4" +time=5 +tries=1 swap.test AXFR > "$UH_TMP/axfr.txt" 2>&1
        serials=$(awk '$4 == "SOA" {print $7}' "$UH_TMP/axfr.txt" | sort -u | tr '\n' ' ')
        txts=$(awk '$4 == "TXT" {print $6}' "$UH_TMP/axfr.txt" | tr -d '"' | sort -u | tr '\n' ' ')
        records=$(grep -c 'IN[[:space:]]TXT' "$UH_TMP/axfr.txt")
        if [ "$(echo "$serials" | wc -w)" = 1 ] && [ "$txts" = "$serials" ] && [ "$records" = 401 ]; then
            echo "good $serials"
        else
            echo "bad serials='$serials' txt-versions='$txts' records=$records"
        fi
    done > "$UH_TMP/axfr.out"
) &
AXFR_PID=$!
sleep 0.5

v=1
i=0
while [ "$i" -lt "$SWAPS" ]; do
    i=$((i + 1))
    v=$((v % 4 + 1))
    swap_to "$UH_TMP/v$v.blob"
    wait_count swapped_count "$i" || break
    sleep 0.3
done
check "$SWAPS swaps under load, each logged 'swapped in'" "$(swapped_count) logged; last lines: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')" \
    [ "$(swapped_count)" -eq "$SWAPS" ]
sleep 0.5
touch "$STOP"
uh_wait_exit "$LOAD_PID" 300 || kill "$LOAD_PID" 2>/dev/null
uh_wait_exit "$AXFR_PID" 100 || kill "$AXFR_PID" 2>/dev/null
uh_wait_exit "$SLOW_PID" 300 || kill "$SLOW_PID" 2>/dev/null


diag < "$UH_TMP/load.out"
for kind in http https dns-udp dns-tcp; do
    line=$(grep "^$kind " "$UH_TMP/load.out")
    requests=$(echo "$line" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
    failures=$(echo "$line" | sed -n 's/.*failures=\([0-9]*\).*/\1/p')
    versions=$(echo "$line" | sed -n 's/.*versions=\([0-9,-]*\).*/\1/p')
    check "$kind: no request failed across the swaps ($requests requests)" \
        "${failures:-no result} failed: $(grep "^# $kind:" "$UH_TMP/load.out" | head -n 3 | tr '\n' ' ')" \
        [ -n "$requests" ] && [ "$requests" -gt 0 ] && [ "$failures" = 0 ]
    check "$kind: every response from one version; versions seen: $versions" "saw '$versions'" \
        [ "$(echo "$versions" | tr ',' '\n' | grep -c .)" -ge 3 ]
done
good=$(grep -c '^good' "$UH_TMP/axfr.out")
bad=$(grep -c '^bad' "$UH_TMP/axfr.out")
check "zone transfers across the swaps: each wholly one version ($good transfers, versions $(awk '/^good/ {print $2}' "$UH_TMP/axfr.out" | sort -u | tr '\n' ' '))" \
    "$bad of $((good + bad)) mixed or short: $(grep '^bad' "$UH_TMP/axfr.out" | head -n 2 | tr '\n' ' ')" \
    [ "$good" -ge 3 ] && [ "$bad" -eq 0 ]
check "a slow download begun on version 1 got version 1's file whole, through the swaps" \
    "$(wc -c < "$UH_TMP/slow.out" 2>/dev/null) bytes; $(cat "$UH_TMP/slow.log")" \
    cmp -s "$UH_TMP/slow.out" "$UH_TMP/v1/site/big.txt"

# Once what began on the old blobs ended, each of them is released.
_i=0
while [ "$(released_count)" -lt "$SWAPS" ] && [ "$_i" -lt 200 ]; do
    _i=$((_i + 1))
    sleep 0.1
done
check "all $SWAPS replaced blobs released once nothing used them" "$(released_count) released" \
    [ "$(released_count)" -eq "$SWAPS" ]
check "version $v served after the last swap: the page" "got '$(page_version)'" [ "$(page_version)" = "$v" ]
check "version $v served after the last swap: the serial" "got '$(serial_now)'" [ "$(serial_now)" = "$v" ]

# ---- bad blobs are refused, and nothing changes ------------------------------------------
good_version=$v
size=$(wc -c < "$UH_TMP/v1.blob")
head -c $((size / 2)) "$UH_TMP/v1.blob" > "$UH_TMP/truncated.blob"
cp "$UH_TMP/v1.blob" "$UH_TMP/corrupt.blob"
printf 'X' | dd of="$UH_TMP/corrupt.blob" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
cp "$UH_TMP/v1.blob" "$UH_TMP/other-format.blob"
printf '\377' | dd of="$UH_TMP/other-format.blob" bs=1 seek=8 conv=notrunc 2>/dev/null   # the format version
head -c 100000 /dev/urandom > "$UH_TMP/garbage.blob"
: > "$UH_TMP/empty.blob"
for bad in corrupt truncated other-format garbage empty missing; do
    before=$(refused_count)
    if [ "$bad" = missing ]; then
        rm -f "$LIVE"
        kill -HUP "$UH_PID"
    else
        swap_to "$UH_TMP/$bad.blob"
    fi
    if wait_count refused_count $((before + 1)); then
        why=$(grep '^unihost: content: .*refused, the current blob keeps serving\|^unihost: content: reload: ' "$UH_LOG" | tail -n 1 | sed 's/^unihost: content: //')
        ok "blob refused ($bad): $why"
    else
        notok "blob refused ($bad)" "no refusal logged; last lines: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')"
    fi
    check "after the $bad blob, version $good_version still served (page and serial)" \
        "page '$(page_version)', serial '$(serial_now)'" \
        [ "$(page_version)" = "$good_version" ] && [ "$(serial_now)" = "$good_version" ]
done
check "the refusals swapped nothing" "$(swapped_count) swaps logged" [ "$(swapped_count)" -eq "$SWAPS" ]

# And a good blob after them is taken again.
next=$((good_version % 4 + 1))
swap_to "$UH_TMP/v$next.blob"
wait_count swapped_count $((SWAPS + 1))
check "a good blob after the refusals is swapped in (version $next)" "page '$(page_version)'" \
    [ "$(page_version)" = "$next" ]

# ---- slow readers cannot hold off updates ------------------------------------------------
# Nine clients each read /big.txt slowly, each begun on another version (a
# swap after each): with the current blob, that is more than the 8 blobs
# unihost holds. Every swap must still be taken: the connections on the
# oldest blob are reset to release it, the newest readers go on.
readers=
swaps=$(swapped_count)
v=$next
r=0
while [ "$r" -lt 9 ]; do
    r=$((r + 1))
    nsx python3 tests/integration/lib/slowread.py "$IP4" /big.txt 30 > "$UH_TMP/slow$r.out" 2>&1 &
    readers="$readers $!"
    _i=0
    until grep -q '^started' "$UH_TMP/slow$r.out" || [ "$_i" -ge 50 ]; do
        _i=$((_i + 1))
        sleep 0.1
    done
    v=$((v % 4 + 1))
    swap_to "$UH_TMP/v$v.blob"
    swaps=$((swaps + 1))
    wait_count swapped_count "$swaps"
done
check "9 swaps with a slow reader on each old blob: all swapped in" "$(swapped_count) of $swaps" \
    [ "$(swapped_count)" -eq "$swaps" ]
evictions=$(grep -c '^unihost: content: .* reset to release it$' "$UH_LOG")
check "the connections on the oldest blobs were reset to make room ($evictions times)" \
    "no 'reset to release it' line; $(grep '^unihost: content: ' "$UH_LOG" | tail -n 2 | tr '\n' ' ')" [ "$evictions" -ge 2 ]
check "version $v served after them" "page '$(page_version)'" [ "$(page_version)" = "$v" ]
# The first reader drains what its kernel holds (up to 4 KiB, 512 bytes a
# tenth of a second) before recv() reports the reset: wait for its line
# (at most 10 s) before stopping the readers.
_i=0
until grep -q '^read ' "$UH_TMP/slow1.out" || [ "$_i" -ge 100 ]; do
    _i=$((_i + 1))
    sleep 0.1
done
for pid in $readers; do
    kill "$pid" 2>/dev/null
done
for pid in $readers; do
    uh_wait_exit "$pid" 50
done
first=$(tail -n 1 "$UH_TMP/slow1.out")
last=$(tail -n 1 "$UH_TMP/slow9.out")
echo "# slow readers: first '$first', last '$(tail -n 1 "$UH_TMP/slow9.out")'"
check "the first slow reader's connection was reset" "it says '$first'" eval 'case "$first" in *reset*|*closed*) true ;; *) false ;; esac'

check "unihost is still running" "it exited: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')" uh_alive "$UH_PID"
uh_finish
