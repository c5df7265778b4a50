#!/bin/sh
# Integration test: the log (docs/logs.md). In a network namespace, with a
# syslog receiver (lib/syslogd.py) on the kernel's side of the tap:
#  - one access line per HTTP(S) response on the console and in syslog,
#    with its fields right; one query line per DNS query with --dns-log,
#    or after SIGUSR2 turned the query log on (and none after it turned
#    it off again);
#  - every syslog datagram a well-formed RFC 5424 message (the header
#    parsed strictly), one per datagram, every line of the run among them,
#    over IPv4 and IPv6;
#  - requests whose path, User-Agent and TLS SNI carry CR, LF and terminal
#    escapes make exactly one access line each, escaped, on the console and
#    in syslog, and no byte of the log is a control byte;
#  - a syslog address nobody answers (on the link, and unroutable) leaves
#    serving unaffected: curl and dig keep working, latency within a
#    generous bound, and unroutable messages are counted as dropped;
#  - a console nobody reads (a pipe whose reader is stopped) never holds
#    up serving: requests are all answered at once, and the lines the
#    console could not take are dropped and counted.
UH_TEST=logs
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
uh_require_tools curl dig python3 timeout
uh_dev_cert
uh_setup "uh-logs-$$" "uhlog$$"
LIB=tests/integration/lib
IP4=$UNIHOST_GUEST4
NAME=www.unihost.test
SYSLOG_PORT=5514
RECV=$UH_TMP/syslog.txt
RECV_PID=
RECV6_PID=
RECV7_PID=
READER_PID=
: > "$RECV"

# Our own processes, by PID, on every exit (uh_cleanup then stops unihost
# and deletes the namespace).
cleanup_logs() {
    [ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null
    [ -n "$RECV6_PID" ] && kill "$RECV6_PID" 2>/dev/null
    [ -n "$RECV7_PID" ] && kill "$RECV7_PID" 2>/dev/null
    [ -n "$READER_PID" ] && { kill -CONT "$READER_PID" 2>/dev/null; kill "$READER_PID" 2>/dev/null; }
    uh_cleanup
}
trap 'cleanup_logs' EXIT

# receiver ADDR PORT OUT NAME: a syslog receiver (lib/syslogd.py) in the
# namespace writing to OUT, its own output in $UH_TMP/NAME.out; waits (at
# most 10 s) until it listens. Sets RECEIVER_PID; fails the test if it
# never listens.
receiver() {
    nsx python3 "$LIB/syslogd.py" "$1" "$2" "$3" > "$UH_TMP/$4.out" 2>&1 &
    RECEIVER_PID=$!
    _i=0
    while ! grep -q '^# listening' "$UH_TMP/$4.out" && [ "$_i" -lt 100 ]; do
        _i=$((_i + 1))
        sleep 0.1
    done
    grep -q '^# listening' "$UH_TMP/$4.out" || { notok "syslog receiver $4" "$(cat "$UH_TMP/$4.out")"; exit 1; }
}

receiver "$UNIHOST_HOST4" "$SYSLOG_PORT" "$RECV" syslogd
RECV_PID=$RECEIVER_PID

# Console lines that are not printable ASCII (bar the newline): none, ever.
no_control_bytes() {
    ! LC_ALL=C grep -q '[^ -~]' "$1"
}
# count PATTERN FILE: lines matching (fixed string)
count() { grep -cF -- "$1" "$2"; }
# wait_for PATTERN FILE [N]: until N (1) lines match, at most 5 s
wait_for() {
    _i=0
    while [ "$(count "$1" "$2")" -lt "${3:-1}" ] && [ "$_i" -lt 50 ]; do
        _i=$((_i + 1))
        sleep 0.1
    done
    [ "$(count "$1" "$2")" -ge "${3:-1}" ]
}
curl_get() {
    nsx curl -sS -m 5 -g --resolve "$NAME:443:$IP4" --cacert "$CERT" -o /dev/null -w '%{http_code}' "$@"
}

# ---- the lines, on the console and in syslog ------------------------------------

uh_start --tls-cert "$CERT" --tls-key "$KEY" --no-https-redirect --dns-log \
    --syslog "$UNIHOST_HOST4:$SYSLOG_PORT" --syslog-hostname uh-logs-test || { notok "start" "unihost did not start"; exit 1; }

check "startup says where the log goes" "$(grep 'unihost: log:' "$UH_LOG")" \
    grep -q "^unihost: log: to syslog at $UNIHOST_HOST4 port $SYSLOG_PORT over UDP" "$UH_LOG"

code=$(curl_get -A "logs-test/1" "http://$IP4/docs/?plain=1")
check "plain HTTP request answered" "status $code" [ "$code" = 200 ]
code=$(curl_get -A "logs-test/2" "https://$NAME/docs/?tls=1")
check "HTTPS request answered" "status $code" [ "$code" = 200 ]
code=$(curl_get -A "logs-test/3" "http://$IP4/no-such-page")
check "404 answered" "status $code" [ "$code" = 404 ]
# Fields longer than the line shows: cut at their bounds (256 and 160
# characters between the quotes, the last four the cut mark \...).
LONG_PATH=/long-$(printf 'x%.0s' $(seq 600))
LONG_UA=logs-test/long-$(printf 'u%.0s' $(seq 300))
code=$(curl_get -A "$LONG_UA" "http://$IP4$LONG_PATH")
check "a request with a long target and User-Agent answered" "status $code" [ "$code" = 404 ]
nsx dig +short +time=2 +tries=1 @"$IP4" "$NAME" AAAA > "$UH_TMP/dig.out" 2>&1
nsx dig +short +tcp +time=2 +tries=1 @"$IP4" "$NAME" A > "$UH_TMP/dig2.out" 2>&1

wait_for 'path="/no-such-page"' "$UH_LOG"
wait_for 'path=\x22/no-such-page\x22' "$RECV"    # syslogd.py shows a '"' as is: see below
sleep 0.5

plain=$(grep '^unihost: access: ' "$UH_LOG" | grep -F 'path="/docs/?plain=1"')
check "one access line for the plain request" "$plain" [ "$(echo "$plain" | grep -c .)" = 1 ]
check "its fields" "$plain" sh -c "echo '$plain' | grep -Eq \
  '^unihost: access: time=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z client=$UNIHOST_HOST4 port=[0-9]+ tls=- sni=- method=GET path=\"/docs/\?plain=1\" status=200 bytes=[0-9]+ duration_us=[0-9]+ ua=\"logs-test/1\" complete=yes$'"
tls=$(grep '^unihost: access: ' "$UH_LOG" | grep -F 'path="/docs/?tls=1"')
check "one access line for the HTTPS request, with TLS version and SNI" "$tls" sh -c \
    "[ \"\$(echo '$tls' | grep -c .)\" = 1 ] && echo '$tls' | grep -q 'tls=1.3 sni=\"$NAME\" method=GET .* status=200 .* ua=\"logs-test/2\" complete=yes'"
long=$(grep '^unihost: access: ' "$UH_LOG" | grep -F 'path="/long-')
want_path="path=\"$(printf '%s' "$LONG_PATH" | head -c 252)\\...\""
want_ua="ua=\"$(printf '%s' "$LONG_UA" | head -c 156)\\...\""
check "the long request's line: target and User-Agent cut at their bounds" "$long" sh -c \
    "[ \"\$(echo '$long' | grep -c .)\" = 1 ] && echo '$long' | grep -qF '$want_path status=404' &&
     echo '$long' | grep -qF ' $want_ua complete=yes'"
nf=$(grep '^unihost: access: ' "$UH_LOG" | grep -F 'path="/no-such-page"')
check "the 404's line" "$nf" sh -c "echo '$nf' | grep -q 'status=404 .*ua=\"logs-test/3\"'"
check "a query line per DNS query (UDP and TCP)" "$(grep 'unihost: query:' "$UH_LOG")" sh -c \
    "grep -q 'unihost: query: time=.* client=$UNIHOST_HOST4 port=[0-9]* proto=udp qname=\"$NAME.\" qtype=AAAA rcode=NOERROR bytes=[0-9]*\$' '$UH_LOG' &&
     grep -q 'unihost: query: .* proto=tcp qname=\"$NAME.\" qtype=A rcode=NOERROR bytes=' '$UH_LOG'"

# ---- hostile requests --------------------------------------------------------------

MARK=evilmark$$
out=$(nsx timeout 10 python3 "$LIB/loghostile.py" http "${MARK}p" 2>&1)
check "plain requests with ESC sequences in their target and User-Agent are answered" "$out" \
    [ "$(echo "$out" | grep -c '^HTTP/1.1 400')" = 2 ]
out=$(nsx timeout 10 python3 "$LIB/loghostile.py" https "${MARK}s" 2>&1)
check "... and over TLS, with those and a LF in the SNI" "$out" [ "$(echo "$out" | grep -c '^HTTP/1.1 400')" = 2 ]
out=$(nsx timeout 10 python3 "$LIB/loghostile.py" dns "${MARK}d" 2>&1)
check "a DNS query whose name holds CR, LF and ESC is answered" "$out" sh -c "echo '$out' | grep -q '^rcode '"
wait_for "${MARK}d" "$UH_LOG"
wait_for "${MARK}d" "$RECV"
sleep 0.5
grep -F "$MARK" "$UH_LOG" | diag
for k in p-path p-ua s-path s-ua; do
    n=$(grep -F 'unihost: access: ' "$UH_LOG" | grep -cF "${MARK}$k")
    check "hostile request ($k): exactly one access line on the console" "$n lines" [ "$n" = 1 ]
    n=$(grep -F ' access - access: ' "$RECV" | grep -cF "${MARK}$k")
    check "hostile request ($k): exactly one access message in syslog" "$n messages" [ "$n" = 1 ]
done
n=$(grep -F 'unihost: query: ' "$UH_LOG" | grep -cF "${MARK}d")
check "hostile query: exactly one query line on the console" "$n lines" [ "$n" = 1 ]
n=$(grep -F ' query - query: ' "$RECV" | grep -cF "${MARK}d")
check "hostile query: exactly one query message in syslog" "$n messages" [ "$n" = 1 ]
check "the console log holds no control byte (nothing forged, no escape reached the terminal)" \
    "$(LC_ALL=C grep -n '[^ -~]' "$UH_LOG" | head -n 3 | od -c | head -n 5)" no_control_bytes "$UH_LOG"
check "no line is forged" "$(grep -n 'forged' "$UH_LOG")" sh -c "! grep -q '^unihost: [a-z]*: forged' '$UH_LOG'"
EVIL='\x1b[31m\x1b]0;owned\x07\x7f\x01'
# syslogd.py writes a '\' as \x5c: the escaped text as it came in the datagram.
EVIL_RECV=$(echo "$EVIL" | sed 's/\\/\\x5c/g')
for k in p s; do
    line=$(grep -F 'unihost: access: ' "$UH_LOG" | grep -F "${MARK}$k-path")
    check "hostile request ($k): the target escaped" "$line" sh -c \
        "echo '$line' | grep -qF 'path=\"/${MARK}$k-path$EVIL\" status=400'"
    line=$(grep -F 'unihost: access: ' "$UH_LOG" | grep -F "${MARK}$k-ua")
    check "hostile request ($k): the User-Agent escaped, the injected field no line" "$line" sh -c \
        "echo '$line' | grep -qF 'path=\"/${MARK}$k-ua\" status=400' && echo '$line' | grep -qF 'ua=\"evil$EVIL\\x1b[0m\" complete=yes'"
    check "hostile request ($k): the same in syslog" "$(grep -F "${MARK}$k" "$RECV")" sh -c \
        "grep -F ' access - access: ' '$RECV' | grep -F '${MARK}$k-path' | grep -qF 'path=\"/${MARK}$k-path$EVIL_RECV\"'"
done
check "the SNI escaped in the access lines and the handshake lines" "$(grep -F "${MARK}s" "$UH_LOG")" sh -c \
    "[ \"\$(grep -F 'unihost: access: ' '$UH_LOG' | grep -cF 'sni=\"www\\x0a\\x1b[31m${MARK}s.test\"')\" = 2 ] &&
     grep -F 'unihost: https: ' '$UH_LOG' | grep -qF 'SNI www\\x0a\\x1b[31m${MARK}s.test,'"
check "the query name escaped, a dot in a label too" "$(grep -F "${MARK}d" "$UH_LOG")" sh -c \
    "grep -F 'unihost: query: ' '$UH_LOG' | grep -qF 'qname=\"${MARK}d\\x0d\\x0aunihost: query: forged\\x1b[31m\\x2e.test.\" qtype=A'"

# ---- syslog: well-formed RFC 5424, the same lines ----------------------------------------

uh_stop || notok "stop" "unihost did not stop"
sleep 0.5
if nsx python3 - "$RECV" "$UH_LOG" > "$UH_TMP/5424.out" 2>&1 <<'PY'
import re, sys
recv, console = sys.argv[1], sys.argv[2]
# RFC 5424 6: HEADER SP STRUCTURED-DATA [SP MSG], strictly; syslogd.py
# wrote each datagram as one line, bytes outside printable ASCII (and '\')
# as \xHH: a datagram with a raw control byte would show one here.
tok = r"[\x21-\x7e]"
head = re.compile(r"^<(0|[1-9][0-9]{0,2})>1 "
                  r"(-|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})) "
                  rf"({tok}{{1,255}}) ({tok}{{1,48}}) ({tok}{{1,128}}) ({tok}{{1,32}}) (-)( (.*))?$")
bad = 0
kinds = {}
n = 0
for line in open(recv, encoding="ascii"):
    line = line.rstrip("\n")
    n += 1
    m = head.match(line)
    if not m or "\\x" in line.replace("\\x5c", ""):
        bad += 1
        print("# bad:", line[:200])
        continue
    pri = int(m.group(1))
    host, app, procid, msgid, msg = m.group(5), m.group(6), m.group(7), m.group(8), m.group(11) or ""
    ok = (pri in (29, 30) and pri // 8 == 3 and host == "uh-logs-test" and app == "unihost" and procid == "-"
          and (msgid, pri) in (("access", 30), ("query", 30), ("tls", 30), ("-", 29)) and len(line) <= 1024
          and msg.split(":", 1)[0] == {"access": "access", "query": "query", "tls": "https"}.get(msgid, msg.split(":", 1)[0]))
    if not ok:
        bad += 1
        print("# wrong fields:", line[:200])
    kinds[msgid] = kinds.get(msgid, 0) + 1
console_access = sum(1 for l in open(console, encoding="ascii", errors="replace") if l.startswith("unihost: access: "))
print(f"# {n} messages, {kinds}, console access lines {console_access}")
sys.exit(0 if n > 0 and bad == 0 and kinds.get("access", 0) == console_access and kinds.get("query", 0) >= 2 else 1)
PY
then ok "every syslog datagram is a well-formed RFC 5424 message; as many access lines as on the console"
else notok "RFC 5424" "$(tr '\n' ' ' < "$UH_TMP/5424.out" | cut -c 1-600)"; fi
diag < "$UH_TMP/5424.out"
# Every console line from "starting" on (the lines before it are the
# platform's, before the log knows of syslog).
lines=$(sed -n '/^unihost: unihost .* starting$/,$p' "$UH_LOG" | grep -c '^unihost: ')
check "syslog got every line, the start and the stop included" "$(grep -c . "$RECV") messages, $lines lines" sh -c \
    "grep -q ' unihost - - - unihost [0-9.]* starting\$' '$RECV' && grep -q ' unihost - - - ready\$' '$RECV' &&
     grep -q ' unihost - - - stopped\$' '$RECV' && [ '$lines' = \"\$(grep -c ' unihost - ' '$RECV')\" ]"

# ---- syslog over IPv6 --------------------------------------------------------------------

RECV6=$UH_TMP/syslog6.txt
: > "$RECV6"
receiver "$UNIHOST_HOST6" 5515 "$RECV6" syslogd6
RECV6_PID=$RECEIVER_PID
uh_start --syslog "[$UNIHOST_HOST6]:5515" || { notok "start" "unihost did not start"; exit 1; }
code=$(curl_get -A "logs-test/6" "http://$IP4/?v6=1")
wait_for 'path=\x22/?v6=1\x22' "$RECV6"
uh_stop || notok "stop" "unihost did not stop"
sleep 0.5
lines=$(sed -n '/^unihost: unihost .* starting$/,$p' "$UH_LOG" | grep -c '^unihost: ')
check "syslog to [$UNIHOST_HOST6]:5515: every line, HOSTNAME unihost's IPv6 address" \
    "$(grep -c . "$RECV6") messages, $lines lines; $(head -n 1 "$RECV6")" sh -c \
    "[ '$lines' = \"\$(grep -c '^<[0-9]*>1 [^ ]* 2001:DB8::2 unihost - ' '$RECV6')\" ] && grep -q 'ua=\"logs-test/6\"' '$RECV6'"
kill "$RECV6_PID" 2>/dev/null
RECV6_PID=

# ---- the query log turned on and off while serving (SIGUSR2) -----------------------------
# Started without --dns-log: a query makes no line; after SIGUSR2 one makes
# exactly one; after a second SIGUSR2 none again. Each switch says the
# state it ends in.
uh_start --no-access-log || { notok "start" "unihost did not start"; exit 1; }
query_marked() { nsx dig +short +time=2 +tries=1 @"$IP4" "$1.unihost.test" A > /dev/null; }
query_marked "toggle-before"
kill -USR2 "$UH_PID"
wait_for '^unihost: dns-log: on ' "$UH_LOG"
check "SIGUSR2 turns the query log on, and says so" "$(grep 'dns-log:' "$UH_LOG")" \
    grep -q '^unihost: dns-log: on (a line per DNS query; SIGUSR2 turns it off)$' "$UH_LOG"
query_marked "toggle-during"
wait_for 'qname="toggle-during.unihost.test."' "$UH_LOG"
kill -USR2 "$UH_PID"
wait_for '^unihost: dns-log: off ' "$UH_LOG"
query_marked "toggle-after"
# unihost writes every line it made before it exits: had the last query
# made one, the file holds it after the stop.
uh_stop || notok "stop" "unihost did not stop"
check "with it on, exactly one line for the query" "$(grep -F 'qname="toggle-' "$UH_LOG")" \
    [ "$(grep -cF 'qname="toggle-during.unihost.test." qtype=A rcode=NXDOMAIN' "$UH_LOG")" = 1 ]
check "before it and after the second SIGUSR2, none" "$(grep -F 'qname="toggle-' "$UH_LOG")" \
    sh -c "! grep -qF -e 'qname=\"toggle-before' -e 'qname=\"toggle-after' '$UH_LOG'"
check "the second SIGUSR2 turns it off, and says so" "$(grep 'dns-log:' "$UH_LOG")" \
    grep -q '^unihost: dns-log: off (a line per DNS query; SIGUSR2 turns it on)$' "$UH_LOG"

# ---- the syslog budget (--syslog-rate): a burst of query lines goes at that rate ---------
# 1000 queries, each a query line; at most 20 messages a second may go, in
# bursts of at most 20. The rest waits in the ring, which drops (counting)
# what does not fit. A slower machine only sends fewer: no timing asserted.
RECV7=$UH_TMP/syslog-rate.txt
: > "$RECV7"
receiver "$UNIHOST_HOST4" 5516 "$RECV7" syslogd7
RECV7_PID=$RECEIVER_PID
started=$(date +%s.%N)
uh_start --syslog "$UNIHOST_HOST4:5516" --syslog-rate 20 --dns-log --no-access-log ||
    { notok "start" "unihost did not start"; exit 1; }
check "the start-up line names the syslog budget" "no such line" \
    grep -q "^unihost: log: to syslog at $UNIHOST_HOST4 port 5516 over UDP .*, at most 20 messages a second\$" "$UH_LOG"
nsx python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
for i in range(1000):
    q = struct.pack(">HHHHHH", i, 0, 1, 0, 0, 0) + b"\x03www\x07unihost\x04test\x00" + struct.pack(">HH", 1, 1)
    s.sendto(q, (sys.argv[1], 53))
    try:
        s.recv(4096)
    except socket.timeout:
        pass
' "$IP4"
sleep 1
stats=$(uh_stats)
uh_stop || notok "stop" "unihost did not stop"
elapsed=$(echo "$started $(date +%s.%N)" | awk '{printf "%d", $2 - $1 + 1}')
sleep 0.5
received=$(grep -c . "$RECV7")
dropped=$(uh_stat "$stats" log_syslog_dropped)
check "--syslog-rate 20: $received messages in about $elapsed s, at most 20 a second and a burst of 20" \
    "$received received, more than $((20 * elapsed + 20))" [ "$received" -gt 0 ] && [ "$received" -le $((20 * elapsed + 20)) ]
check "--syslog-rate 20: the lines past the budget were dropped and counted ($dropped)" "stats: $stats" \
    [ "${dropped:-0}" -gt 0 ]
kill "$RECV7_PID" 2>/dev/null
RECV7_PID=

# ---- a syslog receiver that is not there: serving is unaffected ------------------------

# load N: N GETs on one keep-alive connection (curl, with a config file),
# then 20 dig queries; prints "ANSWERED MILLISECONDS".
load() {
    _cfg=$UH_TMP/load.cfg
    : > "$_cfg"
    _i=0
    while [ "$_i" -lt "$1" ]; do
        printf 'url = "http://%s/docs/?n=%d"\noutput = "/dev/null"\n' "$IP4" "$_i" >> "$_cfg"
        _i=$((_i + 1))
    done
    _t0=$(date +%s%N)
    _ok=$(nsx curl -s -m 60 -A load -K "$_cfg" -w '%{http_code}\n' | grep -c '^200$')
    _i=0
    while [ "$_i" -lt 20 ]; do
        nsx dig +short +time=2 +tries=1 @"$IP4" "$NAME" A | grep -q . && _ok=$((_ok + 1))
        _i=$((_i + 1))
    done
    echo "$_ok $(( ($(date +%s%N) - _t0) / 1000000 ))"
}
N=300
uh_start --dns-log || { notok "start" "unihost did not start"; exit 1; }
set -- $(load $N)
base_ms=$2
check "baseline: $N requests and 20 queries answered (${base_ms} ms)" "$1 answered" [ "$1" = $((N + 20)) ]
uh_stop || notok "stop" "unihost did not stop"
# Generous: three times the baseline, plus 5 s.
bound=$((base_ms * 3 + 5000))
for to in 192.0.2.99 203.0.113.9; do
    case $to in
        192.0.2.99) what="on the link, never answering ARP" ;;
        *) what="unroutable (no gateway)" ;;
    esac
    uh_start --dns-log --syslog "$to" || { notok "start" "unihost did not start"; exit 1; }
    set -- $(load $N)
    check "syslog to $to ($what): $N requests and 20 queries answered, in ${2} ms (bound ${bound})" \
        "$1 answered in $2 ms" [ "$1" = $((N + 20)) -a "$2" -le "$bound" ]
    stats=$(uh_stats)
    dropped=$(uh_stat "$stats" log_syslog_dropped)
    check "syslog to $to: the lines that could not go are dropped and counted" "stats: $stats" [ "${dropped:-0}" -gt 0 ]
    uh_stop || notok "stop" "unihost did not stop"
    check "syslog to $to: the stop tells what was lost" "$(grep 'unihost: log: ' "$UH_LOG")" \
        grep -q "^unihost: log: [0-9]* lines dropped on the console and [1-9][0-9]* to syslog so far" "$UH_LOG"
done

# ---- a console nobody reads: serving is unaffected, lines dropped and counted -------------

# unihost's stderr is a pipe to a reader we stop: the pipe fills, then the
# console ring, and then lines are dropped, while requests are answered.
UH_LOG=$UH_TMP/slow-console.log
FIFO=$UH_TMP/console.fifo
mkfifo "$FIFO"
cat "$FIFO" > "$UH_LOG" &
READER_PID=$!
ip netns exec "$UH_NS" "$UNIHOST" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" --ipv6 "$UNIHOST_GUEST6/64" \
    --dns-log > "$FIFO" 2>&1 &
UH_PID=$!
_i=0
while ! grep -q '^unihost: ready$' "$UH_LOG" && [ "$_i" -lt 100 ]; do
    _i=$((_i + 1))
    sleep 0.1
done
check "unihost starts with its console on a pipe" "$(cat "$UH_LOG")" grep -q '^unihost: ready$' "$UH_LOG"
kill -STOP "$READER_PID"
N=1500
set -- $(load $N)
bound=$((base_ms * N / 300 * 3 + 5000))
check "console not read: $N requests and 20 queries answered, in ${2} ms (bound ${bound})" \
    "$1 answered in $2 ms" [ "$1" = $((N + 20)) -a "$2" -le "$bound" ]
kill -CONT "$READER_PID"
stats=$(uh_stats)
dropped=$(uh_stat "$stats" log_console_dropped)
check "console not read: the lines it could not take were dropped and counted" "stats: $stats" [ "${dropped:-0}" -gt 0 ]
uh_stop || notok "stop" "unihost did not stop"
check "console not read: the stop tells what was lost" "$(grep 'unihost: log: ' "$UH_LOG")" \
    grep -q "^unihost: log: $dropped lines dropped on the console and 0 to syslog so far" "$UH_LOG"
wait "$READER_PID" 2>/dev/null
READER_PID=
lines=$(grep -c '^unihost: access: ' "$UH_LOG")
check "console not read: whole lines only, none cut ($lines access lines kept, $dropped dropped)" \
    "$(grep -v '^unihost: ' "$UH_LOG" | head -n 3)" sh -c "! grep -qv '^unihost: ' '$UH_LOG'"

uh_finish
