#!/bin/sh
# Integration test: unihost's life cycle on a tap in a network namespace:
# ARP, ICMP echo, NDP and ICMPv6 echo; stopping on SIGTERM and SIGINT;
# serving another blob with --blob; refusing corrupt, truncated and foreign
# blobs; rejecting bad command lines.
UH_TEST=lifecycle
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
for tool in ping curl od dd timeout; do
    command -v "$tool" > /dev/null || { notok "tools" "$tool is not installed"; exit 1; }
done

uh_setup "uh-life-$$" "uhlife$$"
uh_fixture_blob || { notok "fixture blob" "neither make nor $CRUNCH could build it"; exit 1; }

lower() { tr 'A-Z' 'a-z'; }
oneline() { tr '\n' ' '; }
# lladdr IP [-6]: the link-layer address and state the namespace's kernel
# has for IP on the tap
neigh() { nsx ip "${2:--4}" neigh show "$1" dev "$UH_TAP" < /dev/null; }

# ---- first run: neighbours and echo; stopped with SIGTERM

if uh_start; then ok "unihost starts and is ready"; else notok "unihost starts and is ready" "see the log above"; exit 1; fi
MAC=$(sed -n 's/^unihost: interface: mac \([0-9a-fA-F:]*\),.*/\1/p' "$UH_LOG" | lower)
check "the log names the interface's MAC ($MAC)" "no 'interface: mac' line" \
    eval 'echo "$MAC" | grep -Eq "^([0-9a-f]{2}:){5}[0-9a-f]{2}$"'

# ARP: the namespace starts with no neighbour entry; a ping makes the kernel
# resolve unihost's address, and unihost must answer with its MAC.
before=$(neigh "$UNIHOST_GUEST4" | grep -c lladdr)
if nsx ping -4 -c 3 -i 0.2 -W 2 "$UNIHOST_GUEST4" > "$UH_TMP/ping" 2>&1 < /dev/null; then
    ok "ICMP echo: 3 pings to $UNIHOST_GUEST4 answered"
else
    notok "ICMP echo to $UNIHOST_GUEST4" "$(tail -n 2 "$UH_TMP/ping" | oneline)"
fi
n=$(neigh "$UNIHOST_GUEST4")
got=$(echo "$n" | sed -n 's/.* lladdr \([0-9a-fA-F:]*\) .*/\1/p' | lower)
if [ "$before" = 0 ] && [ "$got" = "$MAC" ] && echo "$n" | grep -Eq 'REACHABLE|STALE|DELAY|PROBE'; then
    ok "ARP: the namespace resolved $UNIHOST_GUEST4 to unihost's MAC $MAC ($n)"
else
    notok "ARP" "neighbour entry '$n' (before the ping: $before entries); want lladdr $MAC"
fi
if nsx ping -4 -c 1 -W 2 -s 1472 -M "do" "$UNIHOST_GUEST4" > "$UH_TMP/ping" 2>&1 < /dev/null; then
    ok "ICMP echo with a 1472-byte payload (a full 1500-byte frame) answered"
else
    notok "ICMP echo, full MTU" "$(tail -n 2 "$UH_TMP/ping" | oneline)"
fi

# Larger than the MTU both ways: the request arrives in fragments, and the
# reply must leave in fragments too (under segmentation offload lwIP's IPv4
# and IPv6 MTUs are raised for TCP only), which the namespace's kernel
# reassembles.
reasm() { nsx awk '$1 == "Ip:" && $2 ~ /^[0-9]/ { print $'"$1"' }' /proc/net/snmp; }
reasm_col=$(nsx awk '$1 == "Ip:" && $2 !~ /^[0-9]/ { for (i = 2; i <= NF; i++) if ($i == "ReasmOKs") print i; exit }' /proc/net/snmp)
ok_before=$(reasm "$reasm_col")
if nsx ping -4 -c 1 -W 2 -s 4000 "$UNIHOST_GUEST4" > "$UH_TMP/ping" 2>&1 < /dev/null &&
   [ "$(reasm "$reasm_col")" -gt "$ok_before" ]; then
    ok "ICMP echo with a 4000-byte payload answered in fragments (ReasmOKs $ok_before -> $(reasm "$reasm_col"))"
else
    notok "ICMP echo, 4000 bytes, fragmented" "ReasmOKs $ok_before -> $(reasm "$reasm_col"); $(tail -n 2 "$UH_TMP/ping" | oneline)"
fi
reasm6() { nsx awk '$1 == "Ip6ReasmOKs" { print $2 }' /proc/net/snmp6; }
ok_before=$(reasm6)
if nsx ping -6 -c 1 -W 2 -s 4000 "$UNIHOST_GUEST6" > "$UH_TMP/ping" 2>&1 < /dev/null &&
   [ "$(reasm6)" -gt "$ok_before" ]; then
    ok "ICMPv6 echo with a 4000-byte payload answered in fragments (Ip6ReasmOKs $ok_before -> $(reasm6))"
else
    notok "ICMPv6 echo, 4000 bytes, fragmented" "Ip6ReasmOKs $ok_before -> $(reasm6); $(tail -n 2 "$UH_TMP/ping" | oneline)"
fi

# TCP over both families: the SYN-ACK advertises the wire's MSS (1460 over
# IPv4, 1440 over IPv6, whatever MTU lwIP was given for the offload), and
# under segmentation offload a response larger than one wire segment leaves
# in one frame, over IPv6 as over IPv4 (lib/tcp_segments.py sees the frames
# on the tap). /css/style.css is a few kilobytes.
if grep -q '^unihost: interface: TCP segmentation offload' "$UH_LOG"; then tso=yes; else tso=no; fi
for fam in 4:"$UNIHOST_GUEST4":1460 6:"$UNIHOST_GUEST6":1440; do
    v=${fam%%:*} rest=${fam#*:}
    addr=${rest%:*} want_mss=${rest##*:}
    seen=$(nsx timeout 10 python3 "$UH_ROOT/tests/integration/lib/tcp_segments.py" "$UH_TAP" "$addr" 80 /css/style.css 2>&1 < /dev/null)
    mss=$(echo "$seen" | sed -n 's/^mss=\([0-9]*\) .*/\1/p')
    largest=$(echo "$seen" | sed -n 's/.* largest=\([0-9]*\) .*/\1/p')
    if [ "$tso" = yes ]; then want_large="largest > $want_mss"; large_ok=$([ "${largest:-0}" -gt "$want_mss" ] && echo y); else
        want_large="largest <= $want_mss"; large_ok=$([ "${largest:-0}" -gt 0 ] && [ "${largest:-0}" -le "$want_mss" ] && echo y); fi
    if [ "$mss" = "$want_mss" ] && [ "$large_ok" = y ]; then
        ok "TCP over IPv$v: SYN-ACK MSS $mss, segments up to $largest bytes (offload: $tso)"
    else
        notok "TCP over IPv$v: MSS and segment size" "saw '$seen'; want mss=$want_mss and $want_large (offload: $tso)"
    fi
done

# NDP and ICMPv6 echo
if nsx ping -6 -c 3 -i 0.2 -W 2 "$UNIHOST_GUEST6" > "$UH_TMP/ping" 2>&1 < /dev/null; then
    ok "ICMPv6 echo: 3 pings to $UNIHOST_GUEST6 answered"
else
    notok "ICMPv6 echo to $UNIHOST_GUEST6" "$(tail -n 2 "$UH_TMP/ping" | oneline)"
fi
n=$(neigh "$UNIHOST_GUEST6" -6)
got=$(echo "$n" | sed -n 's/.* lladdr \([0-9a-fA-F:]*\) .*/\1/p' | lower)
if [ "$got" = "$MAC" ] && echo "$n" | grep -Eq 'REACHABLE|STALE|DELAY|PROBE'; then
    ok "NDP: the namespace resolved $UNIHOST_GUEST6 to unihost's MAC ($n)"
else
    notok "NDP neighbour entry" "'$n'; want lladdr $MAC, REACHABLE or STALE"
fi
if command -v ndisc6 > /dev/null; then
    nsx ndisc6 -1 -r 2 -w 1000 "$UNIHOST_GUEST6" "$UH_TAP" > "$UH_TMP/ndisc" 2>&1 < /dev/null
    got=$(sed -n 's/.*[Tt]arget link-layer address: *\([0-9A-Fa-f:]*\).*/\1/p' "$UH_TMP/ndisc" | lower)
    check "NDP: ndisc6 neighbour solicitation for $UNIHOST_GUEST6 answered with $MAC" \
        "ndisc6 says: $(oneline < "$UH_TMP/ndisc")" [ "$got" = "$MAC" ]
else
    echo "# ndisc6 is not installed: the neighbour-table check above covers NDP"
fi
if nsx ping -6 -c 1 -W 2 -s 1400 "$UNIHOST_GUEST6" > "$UH_TMP/ping" 2>&1 < /dev/null; then
    ok "ICMPv6 echo with a 1400-byte payload answered"
else
    notok "ICMPv6 echo, 1400 bytes" "$(tail -n 2 "$UH_TMP/ping" | oneline)"
fi
# the link-local address unihost logged answers too
ll=$(sed -n 's/^unihost: interface: ipv6 \([Ff][Ee]80:[0-9A-Fa-f:]*\)$/\1/p' "$UH_LOG" | lower | head -n 1)
if [ -n "$ll" ] && nsx ping -6 -c 1 -W 2 "$ll%$UH_TAP" > "$UH_TMP/ping" 2>&1 < /dev/null; then
    ok "ICMPv6 echo to the logged link-local address $ll"
else
    notok "ICMPv6 echo to the link-local address" "address '$ll': $(tail -n 2 "$UH_TMP/ping" | oneline)"
fi

# It serves the embedded site: remember its home page for the --blob check.
nsx curl -sS -m 5 -o "$UH_TMP/home.embedded" "http://$UNIHOST_GUEST4/" < /dev/null 2> "$UH_TMP/curl.err"
check "HTTP works before the signal" "$(oneline < "$UH_TMP/curl.err")" [ -s "$UH_TMP/home.embedded" ]

for sig in TERM INT; do
    if [ "$sig" = INT ]; then
        if ! uh_start; then notok "restart for SIGINT" "see the log above"; continue; fi
    fi
    log=$UH_LOG
    if uh_stop "$sig"; then
        last=$(tail -n 1 "$log")
        if [ "$UH_STATUS" = 0 ] && [ "$last" = "unihost: stopped" ]; then
            ok "SIG$sig: unihost logs 'unihost: stopped' last and exits with status 0"
        else
            notok "SIG$sig" "exit status $UH_STATUS, last log line '$last'"
        fi
    else
        notok "SIG$sig" "unihost still running 5 s after SIG$sig"
    fi
done

# ---- --blob: the fixture site instead of the embedded one

# title FILE: the <title> of an HTML file
title() { tr '\n' ' ' < "$1" | sed -n 's|.*<title>\(.*\)</title>.*|\1|p'; }
FIX=$UH_TMP/fixture-site
if "$CRUNCH" --quiet --site tests/fixtures/site --export "$FIX" > "$UH_TMP/crunch.log" 2>&1 && [ -f "$FIX/index.html" ]; then
    if uh_start --blob "$BLOB"; then
        nsx curl -sS -m 5 -o "$UH_TMP/home" "http://$UNIHOST_GUEST4/" < /dev/null 2> "$UH_TMP/curl.err"
        want=$(title "$FIX/index.html") got=$(title "$UH_TMP/home") was=$(title "$UH_TMP/home.embedded")
        if [ -n "$want" ] && [ "$got" = "$want" ] && cmp -s "$UH_TMP/home" "$FIX/index.html" && [ "$want" != "$was" ]; then
            ok "--blob $BLOB: / is the fixture home page (title '$got'), not the embedded one ('$was')"
        else
            notok "--blob serves the fixture site" "title '$got', want '$want' (embedded site's: '$was'); $(oneline < "$UH_TMP/curl.err")"
        fi
        check "the log names the blob file" "$(oneline < "$UH_LOG")" grep -qF -- "$BLOB" "$UH_LOG"
        uh_stop TERM || notok "stop after --blob" "still running 5 s after SIGTERM"
    else
        notok "--blob $BLOB" "unihost did not become ready (log above)"
    fi
else
    notok "crunch --export the fixture site" "$(oneline < "$UH_TMP/crunch.log")"
fi

# ---- a response larger than the send buffer: whole segments, however it is cut
# A 300,000-byte file is more than TCP's send buffer (256 KiB), so the
# response is queued in parts as acknowledgements make room. Each part
# ends where a segment does: no short segment leaves in the middle of the
# response, only the last one is short. Before, the part the buffer's end
# cut went out alone (a 300 kB file in six frames under offload where five
# do). Seen on the third response of one connection, when the window has
# grown and only unihost's cutting is left. Run twice: with the tap read
# as it is by default (through io_uring where the kernel has the multishot
# read, Linux 6.7 and later) and with UNIHOST_TAP_URING=0 (readv); the
# start-up log must name the path each run used.
kernel_has_ring() {
    [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 0 ] || return 1
    _v=$(uname -r | sed -n 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
    set -- $_v
    [ "${1:-0}" -gt 6 ] || { [ "${1:-0}" -eq 6 ] && [ "${2:-0}" -ge 7 ]; }
}
LARGE=$UH_TMP/large-site
mkdir -p "$LARGE"
cp -R tests/fixtures/site/. "$LARGE/"
head -c 300000 /dev/urandom > "$LARGE/large.bin"      # random: no compressed variant
if "$CRUNCH" --quiet --site "$LARGE" -o "$UH_TMP/large.blob" > "$UH_TMP/crunch.log" 2>&1; then
    for reads in default readv; do
        if [ "$reads" = readv ]; then export UNIHOST_TAP_URING=0; fi
        started=no
        uh_start --blob "$UH_TMP/large.blob" && started=yes
        unset UNIHOST_TAP_URING
        if [ "$started" != yes ]; then
            notok "unihost with the large file's blob ($reads)" "unihost did not become ready (log above)"
            continue
        fi
        said=$(sed -n 's/^unihost: tap .* attached; frames read with \(.*\)$/\1/p' "$UH_LOG")
        if [ "$reads" = readv ]; then
            check "UNIHOST_TAP_URING=0: the log says frames are read with readv ('$said')" "$said" \
                eval 'echo "$said" | grep -q "^readv, .*(io_uring: UNIHOST_TAP_URING=0)"'
        elif kernel_has_ring; then
            check "Linux $(uname -r): the log says frames are read through io_uring ('$said')" "$said" \
                eval 'echo "$said" | grep -q "^io_uring "'
        else
            check "Linux $(uname -r) without the multishot read: the log says readv, and why ('$said')" "$said" \
                eval 'echo "$said" | grep -q "^readv, .*(io_uring: .*)"'
        fi
        if grep -q '^unihost: interface: TCP segmentation offload' "$UH_LOG"; then tso=yes; else tso=no; fi
        seen=$(nsx timeout 30 python3 "$UH_ROOT/tests/integration/lib/tcp_segments.py" "$UH_TAP" \
               "$UNIHOST_GUEST4" 80 /large.bin 3 2>&1 < /dev/null)
        mss=$(echo "$seen" | sed -n 's/^mss=\([0-9]*\) .*/\1/p')
        bytes=$(echo "$seen" | sed -n 's/.* bytes=\([0-9]*\) .*/\1/p')
        sizes=$(echo "$seen" | sed -n 's/.* sizes=\([0-9,]*\)$/\1/p')
        # a segment: the wire's MSS, or under offload the most whole wire
        # segments one 64 KiB IPv4 packet holds
        if [ "$tso" = yes ]; then seg=$(( ${mss:-1} * ((65535 - 40) / ${mss:-1}) )); else seg=${mss:-0}; fi
        frames=$(echo "$sizes" | tr ',' '\n' | grep -c .)
        short=$(echo "$sizes" | tr ',' '\n' | sed '$d' | awk -v seg="$seg" '$1 != seg' | wc -l)
        want=$(( (${bytes:-0} + seg - 1) / (seg > 0 ? seg : 1) ))
        if [ "${bytes:-0}" -gt 300000 ] && [ "$short" = 0 ] && [ "$frames" = "$want" ]; then
            ok "a $bytes-byte response leaves in $frames frames of $seg bytes but the last (offload: $tso; reads: $reads)"
        else
            notok "a response larger than the send buffer ($reads)" "frames '$sizes' ($frames, $short short before the last); want $want of $seg bytes but the last (offload: $tso); saw '$seen'"
        fi
        uh_stop TERM || notok "stop after the large response ($reads)" "still running 5 s after SIGTERM"
    done
else
    notok "crunch a site with a 300,000-byte file" "$(oneline < "$UH_TMP/crunch.log")"
fi

# ---- blobs unihost must refuse

# run_once FLAGS...: run unihost to its end (at most 10 s); status in RUN_STATUS, log in $UH_TMP/once.log
run_once() {
    nsx timeout 10 "$UNIHOST" "$@" > "$UH_TMP/once.log" 2>&1 < /dev/null
    RUN_STATUS=$?
}
# refused NAME FILE WORDS...: unihost refuses FILE: exit 1, not ready, the
# refusal message containing every WORD
refused() {
    _name=$1 _file=$2
    shift 2
    run_once --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" --ipv6 "$UNIHOST_GUEST6/64" --blob "$_file"
    _msg=$(grep '^unihost: refusing the content blob: ' "$UH_TMP/once.log")
    _why=
    [ "$RUN_STATUS" = 1 ] || _why="exit status $RUN_STATUS, want 1; "
    grep -q '^unihost: ready' "$UH_TMP/once.log" && _why="${_why}it became ready; "
    [ -n "$_msg" ] || _why="${_why}no 'refusing the content blob' line; "
    for _w in "$@"; do
        case $_msg in *"$_w"*) ;; *) _why="${_why}the message lacks '$_w'; " ;; esac
    done
    if [ -z "$_why" ]; then ok "$_name: exit 1, '$_msg'"
    else notok "$_name" "$_why log: $(oneline < "$UH_TMP/once.log")"; fi
}
size=$(wc -c < "$BLOB" | tr -d ' ')

# one byte flipped in the middle (in the payload the SHA-256 covers)
cp "$BLOB" "$UH_TMP/corrupt.blob"
mid=$((size / 2))
byte=$(od -An -tu1 -j "$mid" -N 1 "$BLOB" | tr -d ' ')
flipped=$(( (byte + 1) % 256 ))
printf "\\$(printf '%03o' "$flipped")" | dd of="$UH_TMP/corrupt.blob" bs=1 seek="$mid" count=1 conv=notrunc 2>/dev/null
if [ "$(wc -c < "$UH_TMP/corrupt.blob" | tr -d ' ')" = "$size" ] && ! cmp -s "$BLOB" "$UH_TMP/corrupt.blob"; then
    refused "a blob with one byte changed at offset $mid of $size is refused" "$UH_TMP/corrupt.blob" "SHA-256"
else
    notok "make a corrupt blob" "flipping byte $mid did not work"
fi

head -c "$mid" "$BLOB" > "$UH_TMP/truncated.blob"
refused "a blob truncated to $mid of $size bytes is refused" "$UH_TMP/truncated.blob"
head -c $((size - 1)) "$BLOB" > "$UH_TMP/short.blob"
refused "a blob missing its last byte is refused" "$UH_TMP/short.blob"
head -c 16 "$BLOB" > "$UH_TMP/tiny.blob"
refused "a 16-byte blob (part of a header) is refused" "$UH_TMP/tiny.blob"
{ cat "$BLOB"; printf 'extra'; } > "$UH_TMP/long.blob"
refused "a blob with 5 bytes appended is refused" "$UH_TMP/long.blob"
# a file that is not a blob at all, the size of a real one
head -c "$size" /dev/zero | tr '\0' 'x' > "$UH_TMP/foreign"
refused "a file that is not a blob is refused with 'bad magic'" "$UH_TMP/foreign" "bad magic"

# files that cannot be read as a blob at all: exit 1, a message, not ready
for f in "$UH_TMP/no-such-file" /dev/null; do
    run_once --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" --blob "$f"
    if [ "$RUN_STATUS" = 1 ] && grep -q "$f" "$UH_TMP/once.log" && ! grep -q '^unihost: ready' "$UH_TMP/once.log"; then
        ok "--blob $f: exit 1, '$(head -n 1 "$UH_TMP/once.log")'"
    else
        notok "--blob $f" "exit status $RUN_STATUS; log: $(oneline < "$UH_TMP/once.log")"
    fi
done

# ---- bad command lines: exit 2 with the usage text, nothing started

usage_exit() {  # usage_exit NAME FLAGS...; MSG: what the first line must say
    _name=$1
    shift
    run_once "$@"
    if [ "$RUN_STATUS" = 2 ] && grep -q '^usage: unihost ' "$UH_TMP/once.log" && ! grep -q 'attached\|ready' "$UH_TMP/once.log" &&
       head -n 1 "$UH_TMP/once.log" | grep -qF -- "$MSG"; then
        ok "$_name: exit 2 with the usage text ($(head -n 1 "$UH_TMP/once.log"))"
    else
        notok "$_name" "exit status $RUN_STATUS, want 2 with usage and '$MSG' on the first line; log: $(oneline < "$UH_TMP/once.log")"
    fi
}
MSG="unknown flag '--no-such-flag'"
usage_exit "unknown flag --no-such-flag" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" --no-such-flag x
usage_exit "unknown flag --no-such-flag as the last word" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" --no-such-flag
MSG="flag --ipv4 given twice"
usage_exit "a repeated flag" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" --ipv4="$UNIHOST_GUEST4/24"
MSG=
usage_exit "neither --ipv4 nor --ipv6" --tap "$UH_TAP"
usage_exit "no --tap" --ipv4 "$UNIHOST_GUEST4/24"
usage_exit "--ipv4 without a prefix" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4"
usage_exit "--ipv4 with prefix 33" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/33"
usage_exit "--ipv4 300.1.2.3/24" --tap "$UH_TAP" --ipv4 300.1.2.3/24
usage_exit "--ipv6 with prefix 129" --tap "$UH_TAP" --ipv6 "$UNIHOST_GUEST6/129"
usage_exit "a stray argument" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" stray
usage_exit "--blob without its file" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" --blob
run_once --help
check "--help: exit 0 with the usage text" "exit status $RUN_STATUS; $(oneline < "$UH_TMP/once.log")" \
    eval '[ "$RUN_STATUS" = 0 ] && grep -q "^usage: unihost " "$UH_TMP/once.log"'

uh_finish
