#!/bin/sh
# /init of the real-Xen test's dom0 (copied into the small payload archive by
# tests/xen/run.sh; the big dom0 archive from tools/xen/build-dom0.sh has no
# /init). Brings up the Xen toolstack and a bridge, starts the guest with
# xl create, tests it from dom0 with dig and curl, prints the guest's console
# log, destroys it; then a guest serving the fixture blob, and a guest that
# gets its certificate from Pebble running in dom0; and powers off.
#
# Its report is on the console (hvc0, which Xen forwards to QEMU's serial
# port): one "XENTEST PASS name" or "XENTEST FAIL name: why" line per check,
# "XENTEST INFO ..." figures, and "XENTEST DONE" last. run.sh reads them.
#
# Settings arrive as KEY=VALUE words on dom0's kernel command line (the kernel
# hands them to init as environment variables):
#   XENTEST_MEMORY         guest memory in MiB (default 16)
#   XENTEST_READY_TIMEOUT  seconds to wait for the guest's ready line (60)
#   XENTEST_DNS_TIMEOUT    seconds to wait for the first DNS answer (60)
#   XENTEST_ACME_TIMEOUT   seconds to wait for the ACME guest's certificate (300)
# and from files in /xentest (also from the payload): guest.xen (the image),
# guest.cmdline (its command line), ready (the console line that says it
# serves), zone (the zone, one record a line), index.html (crunch's export),
# fixture.xen (a guest serving the fixture blob) and fixture.many (how many
# TXT records many.bulk.test has there); push.blob (a second blob to push to
# the guest's --manage port), push.sig and push.badsig (its signature by the
# key the guest embeds, and by another key), push-index.html and push.serial
# (what the guest must serve once it took the push), or push.missing (why
# there is no push to test); acme.xen (a guest with a test CA's root and an
# account key built in), acme-ca.pem (that root), pebble-cert.pem and
# pebble-key.pem (Pebble's listener credentials, from that CA), or
# acme.missing (why there is no ACME guest to test).

export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
memory=${XENTEST_MEMORY:-16}
ready_timeout=${XENTEST_READY_TIMEOUT:-60}
dns_timeout=${XENTEST_DNS_TIMEOUT:-60}
acme_timeout=${XENTEST_ACME_TIMEOUT:-300}
guest=unihost
guest4=192.0.2.2
guest6=2001:db8::2
T=/xentest
console_log=/var/log/xen/console/guest-$guest.log

pass() { echo "XENTEST PASS $1"; }
fail() { echo "XENTEST FAIL $1: $2"; }
info() { echo "XENTEST INFO $*"; }
# The guests share one console log: console_mark says where it ends now,
# console_since MARK prints what came after (one guest's lines).
console_mark() { wc -l < "$console_log" 2>/dev/null || echo 0; }
console_since() { tail -n +"$(($1 + 1))" "$console_log" 2>/dev/null; }
# Xen's log from the first line about a guest on: the guest's own lines
# (dN) and what Xen says of it, such as the register dump of a crash.
guest_dmesg() { xl dmesg 2>/dev/null | awk '/\(d[1-9]|d[1-9]v[0-9]/ { on = 1 } on' | grep -v 'HVM[0-9]* restore:\|HVM d[0-9]*v*[0-9]* save:' | tail -n "$1"; }
# Xen's log from here on is about the next guest: what came before is kept
# in /tmp/xen-dmesg.log, and guest_dmesg and stop_reason see only the new.
xen_log_mark() { xl dmesg -c >> /tmp/xen-dmesg.log 2>&1; }
# Why a guest stopped, for a failure's one line (CI keeps the end of a run):
# its own last words (CONSOLE, then Xen's log), or what Xen said of it.
stop_reason() {     # stop_reason CONSOLE_TEXT
    _why=$({ echo "$1"; xl dmesg 2>/dev/null; } | grep -m 1 'halting: ')
    [ -z "$_why" ] && _why=$(xl dmesg 2>/dev/null | grep -m 1 'unihost: fault: \|unihost: another fault')
    [ -z "$_why" ] && _why=$(xl dmesg 2>/dev/null | grep -E 'd[1-9][0-9]*v[0-9]|[Cc]rash|[Tt]riple' |
                             grep -v 'save:\|restore:' | tail -n 3 | tr '\n' ' ')
    [ -n "$_why" ] && echo "; ${_why#*unihost: }"
}
stamp() { echo "xentest: [dom0 uptime $(cut -d' ' -f1 /proc/uptime) s] $*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
finish() {
    stamp "powering off"
    echo "XENTEST DONE"
    sync
    busybox poweroff -f
    # Not reached; if it were, init exiting panics the kernel, and with
    # panic=-1 Xen reboots, which ends QEMU (-no-reboot).
    exit 1
}
# run NAME COMMAND...: PASS if it succeeds, else FAIL with its output
run() {
    name=$1
    shift
    if out=$("$@" 2>&1); then pass "$name"; return 0; fi
    fail "$name" "$* failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
    return 1
}

echo "xentest: dom0 /init starting"
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /var/log/xen/console /var/lib/xen /var/run/xen /run/lock /run/xen /run/xenstored

# ---- the toolstack ------------------------------------------------------------
up=true
run "dom0-modules" modprobe -a xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-netback bridge || up=false
run "dom0-xenfs" mount -t xenfs xenfs /proc/xen || up=false
run "dom0-xenstored" xenstored --pid-file=/run/xenstored.pid || up=false
run "dom0-xen-init-dom0" xen-init-dom0 || up=false
run "dom0-xenconsoled" xenconsoled --log=guest --log-dir=/var/log/xen/console || up=false
caps=$(xl info 2>&1 | sed -n 's/^virt_caps *: *//p')
info "xl info virt_caps: $caps"
case " $caps " in
*" hvm "*) pass "xen-hvm-capable" ;;
*) fail "xen-hvm-capable" "xl info virt_caps is '$caps' (PVH guests need hvm)"; up=false ;;
esac

ip link set lo up
if ip link add xenbr0 type bridge &&
   ip addr add 192.0.2.1/24 dev xenbr0 &&
   ip -6 addr add 2001:db8::1/64 dev xenbr0 nodad &&
   ip link set xenbr0 up; then
    pass "dom0-bridge"
else
    fail "dom0-bridge" "cannot set up xenbr0"
    up=false
fi
stamp "toolstack and bridge up"
$up || { fail "dom0" "the toolstack or the bridge did not come up; not starting the guest"; finish; }

# ---- the guest ----------------------------------------------------------------------
if ! [ -s $T/guest.xen ]; then
    fail "guest-image" "$(cat $T/guest.missing 2>/dev/null || echo "no guest image in the payload")"
    finish
fi
cat > /run/guest.cfg <<CFG
name = "$guest"
type = "pvh"
kernel = "$T/guest.xen"
memory = $memory
vcpus = 1
vif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:02' ]
cmdline = "$(cat $T/guest.cmdline)"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG
info "guest: $(wc -c < $T/guest.xen) bytes, memory $memory MiB, cmdline: $(cat $T/guest.cmdline)"

created=false
stamp "xl create"
t0=$(now)
xen_log_mark
if out=$(xl create /run/guest.cfg 2>&1); then
    info "xl create returned after $(elapsed "$t0") s"
    pass "xl-create"
    created=true
else
    fail "xl-create" "$(echo "$out" | tail -n 5 | tr '\n' ' ')"
    xl dmesg | tail -n 20
fi

guest_running() { xl domid "$guest" >/dev/null 2>&1; }
# The ready line may come on the PVH console (xenconsoled's log) or on Xen's
# debug port (xl dmesg, as "(dN) ...").
saw_ready() {
    grep -qF -- "$(cat $T/ready)" "$console_log" 2>/dev/null ||
        xl dmesg 2>/dev/null | grep -qF -- "$(cat $T/ready)"
}

if $created; then
    waited=0
    while ! saw_ready && [ "$waited" -lt $((ready_timeout * 2)) ]; do
        guest_running || break
        sleep 0.5
        waited=$((waited + 1))
    done
    if saw_ready; then
        info "ready line after $(elapsed "$t0") s from xl create"
        pass "guest-ready"
    else
        running=no
        guest_running && running=yes
        fail "guest-ready" "no line '$(cat $T/ready)' on the guest's console within $ready_timeout s (guest running: $running)"
    fi
fi

# ---- DNS and HTTP from dom0 -----------------------------------------------------------
# The same parsing helpers as the tap integration tests (tests/integration/lib/
# dnsq.sh); there they query inside a namespace, here dom0 is the client.
nsx() { "$@"; }
uh_alive() { guest_running; }
UNIHOST_GUEST4=$guest4
UNIHOST_GUEST6=$guest6
ZONE=$T/zone
. $T/dnsq.sh

if $created; then
    apex=$(awk '$4 == "SOA" {print $1; exit}' "$ZONE")
    # Poll both families until each has answered once (bounded): the time
    # from xl create to the first answer is the guest's start-up figure.
    first4= first6=
    deadline=$(( $(date +%s) + dns_timeout ))
    while [ "$(date +%s)" -lt "$deadline" ] && guest_running && { [ -z "$first4" ] || [ -z "$first6" ]; }; do
        if [ -z "$first4" ] &&
           dig @$guest4 +notcp +time=1 +tries=1 "$apex" SOA 2>/dev/null | grep -q 'status: NOERROR'; then
            first4=$(elapsed "$t0")
        fi
        if [ -z "$first6" ] &&
           dig @$guest6 +notcp +time=1 +tries=1 "$apex" SOA 2>/dev/null | grep -q 'status: NOERROR'; then
            first6=$(elapsed "$t0")
        fi
    done
    for fam in 4 6; do
        eval "first=\$first$fam addr=\$guest$fam"
        if [ -n "$first" ]; then
            info "time from xl create to the first DNS answer over IPv$fam: $first s"
            pass "dns-first-answer IPv$fam"
        elif guest_running; then
            fail "dns-first-answer IPv$fam" "no NOERROR answer for $apex SOA from $addr within $dns_timeout s"
        else
            fail "dns-first-answer IPv$fam" "no NOERROR answer for $apex SOA from $addr: the guest is no longer running"
        fi
    done

    # Every RRset of the zone, over UDP and TCP (IPv4), and over UDP on IPv6.
    awk '{print $1, $4}' "$ZONE" | sort -u > /tmp/rrsets
    while read -r owner type; do
        zone_rrset "$owner" "$type" > /tmp/want
        for how in "4 udp" "4 tcp" "6 udp"; do
            set -- $how
            name="dns $owner $type IPv$1 $2"
            if ! dq /tmp/resp dig "$1" "$2" "$owner" "$type" < /dev/null; then
                fail "$name" "no answer: $(head -c 200 /tmp/resp | tr '\n' ' ')"
                continue
            fi
            why=$(expect_header /tmp/resp NOERROR aa)
            section /tmp/resp ANSWER | canon > /tmp/got
            cmp -s /tmp/want /tmp/got ||
                why="${why}answer is '$(oneline < /tmp/got)', zone has '$(oneline < /tmp/want)'"
            if [ -z "$why" ]; then pass "$name"; else fail "$name" "$why"; fi
        done
    done < /tmp/rrsets

    # The home page, byte for byte against crunch's export, on IPv4 and IPv6:
    # over HTTPS when the guest has TLS credentials embedded (curl trusts
    # exactly that certificate), and then plain HTTP must redirect to it.
    if [ -s $T/tls-cert.pem ]; then
        urls="https://$guest4/ https://[$guest6]/"
        tls="--cacert $T/tls-cert.pem"
        for url in "http://$guest4/" "http://[$guest6]/"; do
            want="https://${url#http://}"
            if got=$(curl -sS -g --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}' "$url" 2>/tmp/curl.err); then
                if [ "$got" = "301 $want" ]; then pass "http GET $url redirects to HTTPS"
                else fail "http GET $url redirects to HTTPS" "got '$got', want '301 $want'"; fi
            else
                fail "http GET $url redirects to HTTPS" "curl: $(tr '\n' ' ' < /tmp/curl.err)"
            fi
        done
        if grep -q 'unihost: random: RDRAND\|unihost: random: RDSEED' "$console_log" 2>/dev/null; then
            pass "guest seeds its random numbers from the CPU"
        else
            fail "guest seeds its random numbers from the CPU" "no 'random: RDRAND' or 'RDSEED' line on its console"
        fi
        # TLS 1.3 (unihost's own engine) and TLS 1.2 (BearSSL's), each
        # asked for alone: dom0's curl (OpenSSL) names the version and suite
        # it got in its -v lines, and the page must still come byte for byte.
        # Each TLS 1.3 suite once on IPv4; IPv6 with curl's default suites.
        tls_version_get() {     # tls_version_get VERSION SUITE|- URL
            _name="https GET $3 over TLS $1"
            _suites=
            if [ "$2" != - ]; then _name="$_name with $2"; _suites="--tls13-ciphers $2"; fi
            # shellcheck disable=SC2086
            if _code=$(curl -v -sS -g $tls --max-time 10 --tlsv$1 --tls-max $1 $_suites \
                       -o /tmp/index.got -w '%{http_code}' "$3" 2>/tmp/curl.err); then
                _got=$(sed -n 's/.*SSL connection using \(TLSv[0-9.]*\) \/ \([A-Z0-9_-]*\).*/\1 \2/p' /tmp/curl.err | head -n 1)
                if [ "$_code" = 200 ] && cmp -s /tmp/index.got $T/index.html &&
                   { [ "$2" = - ] && [ "${_got% *}" = "TLSv$1" ] || [ "$_got" = "TLSv$1 $2" ]; }; then
                    pass "$_name ($_got)"
                else
                    fail "$_name" "status $_code, curl says '$_got', $(wc -c < /tmp/index.got) bytes"
                fi
            else
                fail "$_name" "curl: $(grep -v '^[*<>{}]' /tmp/curl.err | tr '\n' ' ')"
            fi
        }
        for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
            tls_version_get 1.3 "$suite" "https://$guest4/"
        done
        tls_version_get 1.3 - "https://[$guest6]/"
        tls_version_get 1.2 - "https://$guest4/"
    else
        urls="http://$guest4/ http://[$guest6]/"
        tls=
    fi
    for url in $urls; do
        # shellcheck disable=SC2086
        if code=$(curl -sS -g $tls --max-time 10 -o /tmp/index.got -w '%{http_code}' "$url" 2>/tmp/curl.err); then
            if [ "$code" != 200 ]; then
                fail "http GET $url" "status $code"
            elif cmp -s /tmp/index.got $T/index.html; then
                pass "http GET $url"
            else
                fail "http GET $url" "body ($(wc -c < /tmp/index.got) bytes) differs from crunch's export of index.html ($(wc -c < $T/index.html) bytes)"
            fi
        else
            fail "http GET $url" "curl: $(tr '\n' ' ' < /tmp/curl.err)"
        fi
    done
    # More connections than lwIP had for TCP before it was sized from the
    # services' limits (128 pcbs): 140 bare ones held open on port 80 (nc
    # reading a FIFO nobody writes), then a new client must still be
    # served: the pool sheds the quietest connection of the address holding
    # the most, lwIP has a pcb for every slot.
    held=140
    mkfifo /tmp/hold && exec 3<>/tmp/hold
    pids=
    i=0
    while [ $i -lt $held ]; do
        busybox nc $guest4 80 <&3 >/dev/null 2>&1 &
        pids="$pids $!"
        i=$((i + 1))
    done
    sleep 3
    url=${urls%% *}
    # shellcheck disable=SC2086
    code=$(curl -sS -g $tls --max-time 10 -o /dev/null -w '%{http_code}' "$url" 2>/tmp/curl.err)
    if [ "$code" = 200 ]; then
        pass "http GET $url while $held other connections are held open (more than the 128 pcbs lwIP had)"
    else
        fail "http GET $url while $held other connections are held open" \
             "status '$code' $(tr '\n' ' ' < /tmp/curl.err)"
    fi
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null
    exec 3>&-
    run "ping guest over IPv4" ping -4 -c 1 -W 2 $guest4 || true
    run "ping guest over IPv6" ping -6 -c 1 -W 2 $guest6 || true
fi

# ---- content pushed to the management listener ----------------------------------------
# A second blob over TLS to --manage: signed by another key it is refused
# and the page stays; signed by the key built into the guest it is taken,
# and the page curl gets and the serial dig gets are the new blob's.
apex_serial() {     # apex_serial tcp|notcp ADDR: the SOA serial the guest answers
    dig @"$2" +"$1" +short +time=5 +tries=2 unihost.test SOA 2>/dev/null | awk '{print $3}'
}
page_is() {         # page_is URL FILE: the page is FILE byte for byte
    curl -sS -g --cacert $T/tls-cert.pem --max-time 20 -o /tmp/page.got "$1" 2>/dev/null && cmp -s /tmp/page.got "$2"
}
if ! $created; then
    :
elif ! [ -s $T/push.blob ]; then
    fail "push a blob to --manage" "$(cat $T/push.missing 2>/dev/null || echo "no blob to push in the payload")"
elif ! [ -s $T/tls-cert.pem ]; then
    fail "push a blob to --manage" "the guest has no TLS credentials: pushes need them"
elif ! grep -q "manage: on $guest4:8443 over TLS" "$console_log" 2>/dev/null; then
    fail "push a blob to --manage" "no 'manage: on $guest4:8443' line on the guest's console"
else
    pass "guest listens for pushes on $guest4:8443"
    murl=https://$guest4:8443/blob
    push() {        # push SIGFILE: curl's status; the answer in /tmp/push.answer
        curl -sS --max-time 120 --cacert $T/tls-cert.pem -T $T/push.blob -H "Blob-Signature: $(cat "$1")" \
             -o /tmp/push.answer -w '%{http_code}' "$murl" 2>/tmp/curl.err
    }
    old_serial=$(apex_serial notcp $guest4)
    code=$(push $T/push.badsig)
    if [ "$code" = 403 ]; then pass "push signed by another key is refused (403: $(cat /tmp/push.answer))"
    else fail "push signed by another key is refused" "status '$code' $(cat /tmp/push.answer /tmp/curl.err 2>/dev/null | tr '\n' ' ')"; fi
    if page_is "https://$guest4/" $T/index.html && [ "$(apex_serial notcp $guest4)" = "$old_serial" ]; then
        pass "after the refused push the page and the serial ($old_serial) are unchanged"
    else
        fail "after the refused push the page and the serial are unchanged" "serial now '$(apex_serial notcp $guest4)'"
    fi
    t1=$(now)
    code=$(push $T/push.sig)
    if [ "$code" = 200 ]; then
        pass "push signed by the embedded key is taken (200 after $(elapsed "$t1") s: $(cat /tmp/push.answer))"
    else
        fail "push signed by the embedded key is taken" "status '$code' $(cat /tmp/push.answer /tmp/curl.err 2>/dev/null | tr '\n' ' ')"
    fi
    for url in "https://$guest4/" "https://[$guest6]/"; do
        if page_is "$url" $T/push-index.html; then pass "after the push GET $url is the pushed page"
        else fail "after the push GET $url is the pushed page" "body ($(wc -c < /tmp/page.got) bytes) differs from the pushed blob's index.html"; fi
    done
    want=$(cat $T/push.serial)
    for how in notcp tcp; do
        got=$(apex_serial $how $guest4)
        over=UDP
        [ $how = tcp ] && over=TCP
        if [ "$got" = "$want" ]; then pass "after the push the SOA serial over $over is $want (was $old_serial)"
        else fail "after the push the SOA serial over $over is $want" "got '$got'"; fi
    done
fi

# What dom0 saw of the guest on the link: its neighbour entries (ARP and
# ND) and the vif's counters, for diagnosing a failed check.
ip neigh show dev xenbr0 2>&1 | while read -r line; do info "neighbour: $line"; done
ip -s link show 2>&1 | grep -A5 ': vif' | while read -r line; do info "link: $line"; done
# dom0's own count of TCP/UDP segments it dropped for a bad checksum: the
# guest's replies would land here if it computed them wrong.
nstat -az 2>&1 | grep -i csum | while read -r line; do info "dom0 nstat: $line"; done
stamp "checks done"
# ---- the guest's console, then teardown -------------------------------------------------
echo "----- guest console ($console_log) -----"
cat "$console_log" 2>/dev/null || echo "(no console log)"
echo "----- guest lines in xl dmesg -----"
guest_dmesg 90
echo "----- end of guest output -----"

if $created; then
    if guest_running; then
        run "xl-destroy" xl destroy "$guest"
    else
        info "the guest was no longer running at teardown$(stop_reason "$(cat "$console_log" 2>/dev/null)")"
        pass "xl-destroy"
    fi
    guest_running && fail "guest-gone" "the guest still exists after xl destroy" || pass "guest-gone"
fi

# ---- the fixture guest: an answer larger than the TCP send buffer -----------------------
# bulk.test's 300 TXT records make one answer of over 32 KiB, more than the
# guest's TCP send buffer: it must go out in parts as the buffer drains.
if ! [ -s $T/fixture.xen ]; then
    fail "fixture guest" "$(cat $T/fixture.missing 2>/dev/null || echo "no fixture guest image in the payload")"
elif ! guest_running; then
    sed -e "s|^kernel = .*|kernel = \"$T/fixture.xen\"|" /run/guest.cfg > /run/fixture.cfg
    stamp "xl create (fixture guest)"
    fixture_from=$(console_mark)
    xen_log_mark
    if out=$(xl create /run/fixture.cfg 2>&1); then
        pass "xl-create fixture guest"
        deadline=$(( $(date +%s) + dns_timeout ))
        while [ "$(date +%s)" -lt "$deadline" ] && guest_running &&
              ! dig @$guest4 +notcp +time=1 +tries=1 bulk.test SOA 2>/dev/null | grep -q 'status: NOERROR'; do
            :
        done
        want=$(cat $T/fixture.many)
        dig @$guest4 +tcp +time=10 +tries=1 +noall +answer +stats many.bulk.test TXT > /tmp/many 2>&1
        got=$(awk '$4 == "TXT"' /tmp/many | wc -l)
        size=$(sed -n 's/.*MSG SIZE *rcvd: *\([0-9]*\).*/\1/p' /tmp/many)
        if [ "$got" = "$want" ] && [ "${size:-0}" -gt 32768 ]; then
            pass "dns many.bulk.test TXT over TCP: all $want records in one answer of $size bytes (over the 32 KiB send buffer)"
        else
            fail "dns many.bulk.test TXT over TCP" "$got of $want records, message size '${size}'; dig: $(tail -n 3 /tmp/many | tr '\n' ' ')$(guest_running || stop_reason "$(console_since "$fixture_from")")"
            echo "----- guest console (fixture guest; running: $(guest_running && echo yes || echo no)) -----"
            console_since "$fixture_from" | tail -n 40 || echo "(no console log)"
            echo "----- guest lines in xl dmesg -----"
            guest_dmesg 90
            echo "----- end of guest output -----"
        fi
        run "xl-destroy fixture guest" xl destroy "$guest" || true
    else
        fail "xl-create fixture guest" "$(echo "$out" | tail -n 5 | tr '\n' ' ')"
    fi
else
    fail "fixture guest" "the first guest is still running"
fi

# ---- memory bugs stop the guest with a line that says so ------------------------------
# The fixture guest links test hooks (tests/xen/fault_hooks.c) that, asked on
# the command line, do what a memory bug would: run off the stack's end (the
# page below it is unmapped, and the page fault runs on a stack of its own),
# or write to the code (mapped read-only, with the page tables and the
# descriptor tables). Each must stop the guest with a line that names it,
# not write over what it hit and die without a word.
fault_guest() {     # fault_guest WORD EXPECTED_LINE_PART NAME
    sed -e "s|^kernel = .*|kernel = \"$T/fixture.xen\"|" \
        -e "s|^cmdline = \"\\(.*\\)\"\$|cmdline = \"\\1 $1\"|" /run/guest.cfg > /run/fault.cfg
    _from=$(console_mark)
    stamp "xl create (fixture guest with $1)"
    xen_log_mark
    if ! _out=$(xl create /run/fault.cfg 2>&1); then
        fail "$3: xl create" "$(echo "$_out" | tail -n 5 | tr '\n' ' ')"
        return
    fi
    _deadline=$(( $(date +%s) + 60 ))
    while [ "$(date +%s)" -lt "$_deadline" ] && guest_running; do sleep 0.5; done
    _line=$({ console_since "$_from"; xl dmesg 2>/dev/null; } |
            grep -m 1 "halting: .*$2")
    if guest_running; then
        fail "$3" "the guest still runs 60 s after $1"
        xl destroy "$guest" || true
    elif [ -z "$_line" ]; then
        fail "$3" "no 'halting: ...$2' line; its last lines: $({ console_since "$_from"; guest_dmesg 20; } | tail -n 12 | tr '\n' ' ')"
    else
        pass "$3 (${_line#*halting: })"
    fi
}
if [ -s $T/fixture.xen ] && ! guest_running; then
    fault_guest xentest-overflow-stack "stack overflow: " "a guest that runs off its stack's end stops, saying so"
    fault_guest xentest-write-code "CPU exception 14 (page fault) .*error 0x3" \
        "a guest that writes to its own code stops, saying so"
fi

# ---- ACME: the guest gets its certificate from Pebble in dom0 ------------------------------
# Pebble (Debian's) listens on dom0's bridge address as ca.test, with a
# certificate from the test CA the guest has built in; pebble-challtestsrv
# is the resolver of both: the guest finds ca.test through it (--resolver),
# and Pebble finds every other name at the guest's address, where it checks
# HTTP-01 on port 80. The guest embeds an account key, so a second boot
# must use the same account. dom0's curl then verifies
# https://www.unihost.test/ against Pebble's root, from its management API.
acme_pids=
acme_stop() {       # Pebble and its resolver, by the PIDs started here
    for _pid in $acme_pids; do kill "$_pid" 2>/dev/null; done
    acme_pids=
}
# acme_boot LABEL: creates the ACME guest and waits for its certificate;
# sets acme_from (the console log's line count before it), acme_secs
# (seconds from xl create to the certificate in use) and acme_ready_secs
# (to the guest's ready line), and returns non-zero (after a FAIL line) if
# the certificate did not come.
acme_boot() {
    acme_from=$(console_mark)
    acme_secs= acme_ready_secs=
    stamp "xl create (ACME guest, $1)"
    _t=$(now)
    xen_log_mark
    if ! out=$(xl create /run/acme.cfg 2>&1); then
        fail "acme: xl create ($1)" "$(echo "$out" | tail -n 5 | tr '\n' ' ')"
        return 1
    fi
    _deadline=$(( $(date +%s) + acme_timeout ))
    while [ "$(date +%s)" -lt "$_deadline" ] && guest_running; do
        [ -z "$acme_ready_secs" ] && acme_log | grep -qF -- "$(cat $T/ready)" && acme_ready_secs=$(elapsed "$_t")
        if acme_log | grep -q 'acme: HTTPS now uses the new certificate'; then
            acme_secs=$(elapsed "$_t")
            return 0
        fi
        acme_log | grep -q 'acme: run failed' && break
        sleep 0.5
    done
    _running=no
    guest_running && _running=yes
    fail "acme: the guest gets its certificate from Pebble ($1)" \
         "no 'acme: HTTPS now uses the new certificate' within $acme_timeout s (guest running: $_running$(stop_reason "$(acme_log)")); its last acme lines: $(acme_log | grep 'acme: ' | tail -n 4 | tr '\n' ' ')"
    return 1
}
acme_log() { console_since "$acme_from"; }
# The page over HTTPS for www.unihost.test at the guest's address, checked
# against CAFILE: 0 if verified and byte for byte, else curl's words in
# /tmp/acme-curl.err.
acme_get() {        # acme_get CAFILE
    _code=$(curl -sS --max-time 20 --cacert "$1" --resolve www.unihost.test:443:$guest4 \
                 -o /tmp/acme-page.got -w '%{http_code}' https://www.unihost.test/ 2>/tmp/acme-curl.err) &&
        [ "$_code" = 200 ] && cmp -s /tmp/acme-page.got $T/index.html
}
# The account URL the run's log names ("created" or "using the existing").
acme_account() { acme_log | sed -n 's/.*acme: \(created\|using the existing\) account \([^ ]*\).*/\1 \2/p' | tail -n 1; }

if ! [ -s $T/acme.xen ]; then
    fail "acme guest" "$(cat $T/acme.missing 2>/dev/null || echo "no ACME guest image in the payload")"
elif guest_running; then
    fail "acme guest" "the previous guest is still running"
else
    cat > /run/pebble.json <<JSON
{
  "pebble": {
    "listenAddress": "192.0.2.1:14000",
    "managementListenAddress": "192.0.2.1:15000",
    "certificate": "$T/pebble-cert.pem",
    "privateKey": "$T/pebble-key.pem",
    "httpPort": 80,
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON
    stamp "starting pebble-challtestsrv and pebble"
    pebble-challtestsrv -dns01 192.0.2.1:8053 -management 127.0.0.1:8055 -defaultIPv4 $guest4 -defaultIPv6 "" \
        -http01 "" -https01 "" -tlsalpn01 "" > /tmp/challtestsrv.log 2>&1 &
    acme_pids="$!"
    PEBBLE_VA_NOSLEEP=1 pebble -config /run/pebble.json -dnsserver 192.0.2.1:8053 > /tmp/pebble.log 2>&1 &
    acme_pids="$acme_pids $!"
    t1=$(now)
    up=false
    for _ in $(seq 1 240); do
        if curl -s -o /dev/null --max-time 5 --cacert $T/acme-ca.pem https://192.0.2.1:14000/dir &&
           curl -s -o /dev/null --max-time 5 -d '{"host":"ca.test.","addresses":["192.0.2.1"]}' \
                http://127.0.0.1:8055/add-a; then
            up=true
            break
        fi
        sleep 0.5
    done
    if $up; then
        pass "acme: Pebble and pebble-challtestsrv answer in dom0 (after $(elapsed "$t1") s); ca.test is 192.0.2.1"
        acme_cmdline="--ipv4=$guest4/24 --ipv6=$guest6/64 --acme-directory=https://ca.test:14000/dir --resolver=192.0.2.1:8053"
        # The first guest has no CA roots built in: asked for ACME, it
        # must stop at start-up and say why (on its console, and on Xen's
        # debug port in case the console was not read before it went).
        sed -e "s|^cmdline = .*|cmdline = \"$acme_cmdline\"|" /run/guest.cfg > /run/noacme.cfg
        acme_from=$(console_mark)
        xen_log_mark
        if out=$(xl create /run/noacme.cfg 2>&1); then
            for _ in $(seq 1 60); do guest_running || break; sleep 0.5; done
            why=$({ acme_log; xl dmesg 2>/dev/null; } | grep 'halting: --acme-directory: this guest has no ACME CA roots built in' | head -n 1)
            if guest_running; then
                fail "acme: a guest without CA roots built in refuses --acme-directory" "still running after 30 s"
                xl destroy "$guest" 2>/dev/null
            elif [ -n "$why" ]; then
                pass "acme: a guest without CA roots built in refuses --acme-directory, saying so ($why)"
            else
                fail "acme: a guest without CA roots built in refuses --acme-directory" "no 'halting: --acme-directory: ...' line; its last lines: $(acme_log | tail -n 3 | tr '\n' ' ')"
            fi
        else
            fail "acme: xl create (guest without CA roots)" "$(echo "$out" | tail -n 5 | tr '\n' ' ')"
        fi
        sed -e "s|^kernel = .*|kernel = \"$T/acme.xen\"|" -e "s|^cmdline = .*|cmdline = \"$acme_cmdline\"|" \
            /run/guest.cfg > /run/acme.cfg
        info "ACME guest: $(wc -c < $T/acme.xen) bytes, memory $memory MiB, $(sed -n 's/^cmdline = //p' /run/acme.cfg)"
        first_from=$(console_mark)
        if acme_boot "first boot"; then
            first_account=$(acme_account)
            info "time from xl create to 'acme: HTTPS now uses the new certificate' (first boot): $acme_secs s (ready line after ${acme_ready_secs:-?} s)"
            pass "acme: the guest gets its certificate from Pebble over HTTP-01 ($acme_secs s from xl create; ${first_account:-no account line})"
            if curl -sS --max-time 20 --cacert $T/acme-ca.pem -o /tmp/pebble-root.pem \
                    https://192.0.2.1:15000/roots/0 2>/tmp/acme-curl.err &&
               grep -q 'BEGIN CERTIFICATE' /tmp/pebble-root.pem; then
                if acme_get /tmp/pebble-root.pem; then
                    pass "acme: dom0's curl verifies https://www.unihost.test/ against Pebble's root and gets the page"
                else
                    fail "acme: dom0's curl verifies https://www.unihost.test/ against Pebble's root" \
                         "status '$_code', $(wc -c < /tmp/acme-page.got 2>/dev/null) bytes; $(tr '\n' ' ' < /tmp/acme-curl.err)"
                fi
                # The check above can fail: another root does not verify it.
                if acme_get $T/acme-ca.pem; then
                    fail "acme: a root other than Pebble's does not verify the guest's certificate" "curl accepted it"
                else
                    pass "acme: a root other than Pebble's does not verify the guest's certificate ($(tr '\n' ' ' < /tmp/acme-curl.err | cut -c1-80))"
                fi
            else
                fail "acme: Pebble's root from its management API" "$(tr '\n' ' ' < /tmp/acme-curl.err)"
            fi
            got=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}' \
                       --resolve www.unihost.test:80:$guest4 http://www.unihost.test/ 2>/dev/null)
            if [ "$got" = "301 https://www.unihost.test/" ]; then pass "acme: with the certificate in place, port 80 redirects to HTTPS"
            else fail "acme: with the certificate in place, port 80 redirects to HTTPS" "got '$got'"; fi

            # A second boot: the same account (the key is built in), a new certificate.
            run "acme: xl destroy (first boot)" xl destroy "$guest" || true
            if acme_boot "second boot"; then
                second_account=$(acme_account)
                info "time from xl create to 'acme: HTTPS now uses the new certificate' (second boot): $acme_secs s (ready line after ${acme_ready_secs:-?} s)"
                if [ -n "$first_account" ] && [ "${second_account#using the existing }" = "${first_account#created }" ] &&
                   [ "${first_account%% *}" = created ]; then
                    pass "acme: a second boot uses the same account (${second_account}) and gets a new certificate ($acme_secs s)"
                else
                    fail "acme: a second boot uses the same account" "first boot: '$first_account', second: '$second_account'"
                fi
                if acme_get /tmp/pebble-root.pem; then pass "acme: after the second boot dom0's curl verifies https://www.unihost.test/ again"
                else fail "acme: after the second boot dom0's curl verifies https://www.unihost.test/ again" "$(tr '\n' ' ' < /tmp/acme-curl.err)"; fi
            fi
        fi
        echo "----- guest console (ACME guest, from its first boot) -----"
        console_since "$first_from" || echo "(no console log)"
        echo "----- Pebble's log, last lines -----"
        tail -n 30 /tmp/pebble.log
        echo "----- guest lines in xl dmesg -----"
        guest_dmesg 90
        echo "----- end of guest output -----"
        if guest_running; then run "acme: xl destroy" xl destroy "$guest" || true; fi
    else
        fail "acme: Pebble starts in dom0" "no directory at https://192.0.2.1:14000/dir within 120 s"
    fi
    acme_stop
fi

# Every guest of this run logs its stack's deepest use once it passes half
# (stack.c): the stack is 64 KiB and the deepest call measured about 12 KiB,
# so a line here means some path grew a lot deeper than it was.
if stack_lines=$(grep 'unihost: stack: ' "$console_log" 2>/dev/null); then
    fail "every guest used less than half its stack" "$(echo "$stack_lines" | sort -u | tr '\n' ' ')"
else
    pass "every guest used less than half its stack (no 'unihost: stack:' line)"
fi
finish
