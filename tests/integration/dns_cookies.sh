#!/bin/sh
# Integration test: DNS cookies (RFC 7873, with RFC 9018's interoperable
# server cookies), unihost beside NSD with the same zone and the same secret.
#
# Debian 12's NSD (4.6.1) answers cookies: `answer-cookie` and
# `cookie-secret` came in NSD 4.3.7 with RFC 9018's cookie (its changelog,
# 13 July 2021; not 4.8), so NSD is the comparison, not Knot's mod-cookies.
#
# In one network namespace, the client being the kernel's side of the tap
# (192.0.2.1 and 2001:db8::1; every query is sent from them with dig -b, so
# unihost and NSD see the same client address, and one clock):
#   - unihost (192.0.2.2, 2001:db8::2) with a dns.conf naming cookie-secret A;
#   - NSD (192.0.2.53, 2001:db8::53, on lo) with answer-cookie: yes and
#     cookie-secret A;
#   - NSD (192.0.2.54, on lo) with answer-cookie: no, for check 7.
# A small Python oracle (lib/dnscookie.py: SipHash-2-4 and RFC 9018 section
# 4, self-tested against RFC 9018 Appendix A.1) says which secret made a
# server cookie, so "a fresh cookie" is checked to be the right one, not
# just a different one.
#
# The checks, on unihost and on NSD alike unless said otherwise:
#  1. a client cookie alone (dig +cookie=8 random bytes: what dig +cookie
#     sends, with a client cookie the test knows): NOERROR, the answer, a COOKIE of
#     24 bytes: the client cookie and a server cookie made now under A for
#     the client's address (IPv4 and IPv6);
#  2. that cookie sent back: returned unchanged (a valid cookie younger than
#     half an hour is kept; RFC 9018 4.3), dig says (good); and cookies the
#     oracle makes under A: 20 minutes old or 4 minutes ahead, kept; 40
#     minutes old, renewed; 6 minutes ahead, invalid and replaced;
#  3. interop: NSD's cookie sent to unihost from the same address is kept
#     unchanged (unihost keeps only valid ones), and unihost's to NSD
#     (IPv4 and IPv6); and a valid cookie sent from another address
#     (192.0.2.3) is replaced: the address is part of the hash;
#  4. a forged server cookie (its last byte changed): NOERROR, the answer and
#     a fresh server cookie (RFC 7873 5.2.4 defers to 5.2.3);
#  5. the QDCOUNT=0 probe (dig +cookie +header-only, RFC 7873 5.4):
#     NOERROR, no question, a fresh cookie; with a valid server cookie,
#     NOERROR and (unihost) the cookie kept; with a forged one, BADCOOKIE
#     and a fresh cookie: 5.4 says the probe "SHALL have the RCODE BADCOOKIE
#     if the Server Cookie sent with the query was invalid";
#  6. a malformed COOKIE (5 bytes): FORMERR and no COOKIE (5.2.2);
#  7. unihost with answer-cookie: no (a second blob): a cookie is ignored (the
#     answer, no COOKIE) and the probe is FORMERR; as the NSD without cookies;
#  8. unihost only, restarted with cookie-secret B and cookie-staging-secret A
#     (and rrl-ratelimit 1, rrl-slip 1, to make validity visible): the
#     cookie made under A in check 1 gets the answer and a fresh cookie made
#     under B, which is then kept; and it is valid, not merely answered: a
#     burst of queries carrying it is never rate limited, while the same
#     burst with a well-formed cookie under another secret is answered
#     BADCOOKIE with a fresh cookie (site/docs/dns.md), whose retry goes
#     through; and under B, cookies 59 minutes old and 4 minutes ahead are
#     valid, 61 minutes old and 6 minutes ahead are not.
# Where NSD differs, what it does is printed ("# nsd ...") and not asserted:
#   - it does not check the server cookie of a probe: a valid one gets a
#     fresh cookie (where a query keeps it), a forged one NOERROR (not the
#     BADCOOKIE of 5.4);
#   - without answer-cookie it answers the probe NOERROR without a COOKIE,
#     unihost FORMERR: 5.4 allows both ("will normally send FORMERR ...,
#     though REFUSED, NOTIMP, and NOERROR without a COOKIE option are also
#     possible").
# The checks whose clocks matter keep a minute or more from every edge of
# the windows, and the rate-limited bursts come from one dig, milliseconds
# apart, so neither a slow machine nor a refilled token changes a verdict.
# Needs root, nsd, dig (9.18: +cookie=, +header-only, +nobadcookie) and
# python3 (all in tools/deps.sh).
# shellcheck disable=SC2034 # used by lib/uh.sh
UH_TEST=dns_cookies
# shellcheck source=tests/integration/lib/uh.sh
. "$(dirname "$0")/lib/uh.sh"
# shellcheck source=tests/integration/lib/dnsq.sh
. "$UH_ROOT/tests/integration/lib/dnsq.sh"
# shellcheck source=tests/differential/lib/nsd.sh
. "$UH_ROOT/tests/differential/lib/nsd.sh"

uh_require_root
uh_require_tools dig nsd nsd-checkconf python3 od
if [ ! -x "$UNIHOST" ] || [ ! -x "$CRUNCH" ]; then
    notok "unihost" "$UNIHOST or $CRUNCH is missing (run make)"
    exit 1
fi
ORACLE_PY=$UH_ROOT/tests/integration/lib/dnscookie.py
if ! _why=$(python3 "$ORACLE_PY" selftest) || [ -n "$_why" ]; then
    notok "cookie oracle" "lib/dnscookie.py selftest: $_why"
    exit 1
fi

U4=$UNIHOST_GUEST4
U6=$UNIHOST_GUEST6
N4=192.0.2.53
N6=2001:db8::53
NOFF4=192.0.2.54
NOFF6=2001:db8::54
C4=$UNIHOST_HOST4       # the client: the tap's kernel side
C6=$UNIHOST_HOST6
OTHER4=192.0.2.3        # another client address, on the tap too
ZONE_NAME=cookie.test.
QNAME=www.$ZONE_NAME
WWW=198.51.100.10

# rand_hex BYTES: random bytes, as hex
rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
SECRET_A=$(rand_hex 16)
SECRET_B=$(rand_hex 16)
SECRET_Z=$(rand_hex 16)     # nobody's: for well-formed, wrongly made cookies
echo "# secrets: A $SECRET_A, B $SECRET_B, Z (nobody's) $SECRET_Z"

uh_setup "uh-cookie-$$" "uhcook$$"
ORACLE_PID=
# shellcheck disable=SC2317 # called from the EXIT trap
dc_cleanup() {
    if [ -n "$ORACLE_PID" ]; then
        exec 3>&- 4<&-
        kill "$ORACLE_PID" 2>/dev/null
        wait "$ORACLE_PID" 2>/dev/null
    fi
    nsd_stop_all
    uh_cleanup
}
trap 'dc_cleanup' EXIT
# PIPE too: writing to an oracle that died must end the test through the
# cleanup, not kill the shell past it
trap 'exit 1' INT TERM HUP PIPE

# The oracle runs once, as a co-process (a Python start-up per cookie costs
# more than the rest of the test): a command line to fd 3, one line back
# from fd 4.
mkfifo "$UH_TMP/oracle.in" "$UH_TMP/oracle.out" || { notok "cookie oracle" "mkfifo failed"; exit 1; }
python3 "$ORACLE_PY" serve < "$UH_TMP/oracle.in" > "$UH_TMP/oracle.out" &
ORACLE_PID=$!
exec 3> "$UH_TMP/oracle.in" 4< "$UH_TMP/oracle.out"
# oracle make|verify ARGS...: the oracle's answer (see lib/dnscookie.py)
oracle() {
    echo "$*" >&3 || { echo "the oracle is gone"; return 1; }
    IFS= read -r _line <&4 || { echo "the oracle is gone"; return 1; }
    printf '%s\n' "$_line"
}

# ---- the zone, the three blobs, the two NSDs
mkdir -p "$UH_TMP/a" "$UH_TMP/off" "$UH_TMP/b" "$UH_TMP/nsd/zones" "$UH_TMP/nsdoff/zones"
cat > "$UH_TMP/zone" <<ZONE
\$ORIGIN $ZONE_NAME
\$TTL 300
@   IN SOA  ns hostmaster 2026010101 7200 3600 1209600 300
    IN NS   ns
ns  IN A    $U4
www IN A    $WWW
ZONE
for d in a off b nsd/zones nsdoff/zones; do
    cp "$UH_TMP/zone" "$UH_TMP/$d/$ZONE_NAME"zone
done
printf 'server:\n    cookie-secret: "%s"\n' "$SECRET_A" > "$UH_TMP/a/dns.conf"
printf 'server:\n    answer-cookie: no\n    cookie-secret: "%s"\n' "$SECRET_A" > "$UH_TMP/off/dns.conf"
cat > "$UH_TMP/b/dns.conf" <<CONF
server:
    cookie-secret: "$SECRET_B"
    cookie-staging-secret: "$SECRET_A"
    rrl-ratelimit: 1
    rrl-slip: 1
CONF
for v in a off b; do
    if ! "$CRUNCH" --quiet --zones "$UH_TMP/$v" -o "$UH_TMP/$v.blob" > "$UH_TMP/crunch.log" 2>&1; then
        notok "crunch ($v)" "$(oneline < "$UH_TMP/crunch.log")"
        exit 1
    fi
done

if ! nsx ip addr add "$N4/32" dev lo || ! nsx ip addr add "$NOFF4/32" dev lo ||
   ! nsx ip -6 addr add "$N6/128" dev lo nodad || ! nsx ip -6 addr add "$NOFF6/128" dev lo nodad ||
   ! nsx ip addr add "$OTHER4/24" dev "$UH_TAP"; then
    notok "addresses" "could not add NSD's addresses to lo or $OTHER4 to the tap"
    exit 1
fi

# nsd_conf DIR ADDR4 ADDR6 SERVER-LINES: an NSD config serving the zone, its
# files in DIR, with SERVER-LINES added to its server: clause
nsd_conf() {
    nsd_server_conf "$1" "$2" "$3" | sed '/^remote-control:/,$d'
    # a cookie-secret-file that exists overrides cookie-secret (and NSD's
    # default is /etc/nsd/nsd_cookiesecrets.txt): name one that does not
    printf '    cookie-secret-file: "%s/no-cookie-secrets"\n%s\n' "$1" "$4"
    printf 'remote-control:\n    control-enable: no\n'
    printf 'zone:\n    name: "%s"\n    zonefile: "%szone"\n' "$ZONE_NAME" "$ZONE_NAME"
}
nsd_conf "$UH_TMP/nsd" "$N4" "$N6" "    answer-cookie: yes
    cookie-secret: \"$SECRET_A\"" > "$UH_TMP/nsd/nsd.conf"
nsd_conf "$UH_TMP/nsdoff" "$NOFF4" "$NOFF6" "    answer-cookie: no" > "$UH_TMP/nsdoff/nsd.conf"
nsd_start "$UH_TMP/nsd/nsd.conf" "$UH_TMP/nsd/stderr"
nsd_start "$UH_TMP/nsdoff/nsd.conf" "$UH_TMP/nsdoff/stderr"
for n in "$N4" "$NOFF4"; do
    if ! nsd_wait_soa "$n" "$ZONE_NAME" 20; then
        notok "nsd" "no authoritative answer to $ZONE_NAME SOA at $n"
        cat "$UH_TMP"/nsd*/stderr "$UH_TMP"/nsd*/nsd.log 2>/dev/null | diag
        exit 1
    fi
done

# ---- queries and what is checked in their answers
R=$UH_TMP/resp
# ask SERVER FROM [dig options...]: ask SERVER for www A over UDP from the
# client address FROM; the response goes to $R. Fails when none came.
ask() {
    _srv=$1 _from=$2
    shift 2
    nsx dig @"$_srv" -b "$_from" +notcp +norec +time=2 +tries=1 +nosplit +nobadcookie "$@" \
        -q "$QNAME" -t A > "$R" 2>&1 < /dev/null && grep -q 'status: [A-Z]' "$R"
}
# the COOKIE option dig printed (hex, lower case; "" for none), and dig's
# verdict on it: good when the client cookie came back as it was sent
cookie_got() { sed -n 's/^; COOKIE: \([0-9a-fA-F]*\).*/\1/p' "$R" | head -n 1 | tr 'A-F' 'a-f'; }
cookie_tag() { sed -n 's/^; COOKIE: [0-9a-fA-F]* *(\([a-z]*\)).*/\1/p' "$R" | head -n 1; }
qdcount() { sed -n 's/.*QUERY: \([0-9]*\),.*/\1/p' "$R" | head -n 1; }

# Each of these adds what is wrong with $R to P (nothing when right).
P=
want_rcode() { [ "$(rcode_of "$R")" = "$1" ] || P="${P}rcode $(rcode_of "$R"), want $1; "; }
want_www() {    # the answer: www A, and nothing else
    _a=$(section "$R" ANSWER | canon)
    [ "$_a" = "$(echo "$QNAME 300 IN A $WWW" | canon)" ] || P="${P}answer '$(echo "$_a" | oneline)', want www A $WWW; "
}
want_no_answer() {
    [ -z "$(section "$R" ANSWER)" ] || P="${P}answer records: $(section "$R" ANSWER | oneline); "
}
want_qdcount() { [ "$(qdcount)" = "$1" ] || P="${P}QDCOUNT '$(qdcount)', want $1; "; }
want_no_cookie() {
    ! grep -q '^; COOKIE:' "$R" || P="${P}a COOKIE came back: $(grep '^; COOKIE:' "$R"); "
}
# want_fresh CLIENT SECRET ADDR: the COOKIE is CLIENT's, with a server
# cookie made in the last 10 s under SECRET for ADDR, and dig says good
want_fresh() {
    _c=$(cookie_got)
    if [ -z "$_c" ]; then
        P="${P}no COOKIE; "
        return
    fi
    case $_c in "$1"*) ;; *) P="${P}COOKIE $_c does not start with the client cookie $1; " ;; esac
    _why=$(oracle verify "$2" "$_c" "$3" 10)
    [ -z "$_why" ] || P="${P}COOKIE $_c: $_why; "
    [ "$(cookie_tag)" = good ] || P="${P}dig says ($(cookie_tag)), not (good); "
}
# want_same SENT: the COOKIE is SENT, unchanged, and dig says good
want_same() {
    [ "$(cookie_got)" = "$1" ] || P="${P}COOKIE '$(cookie_got)', want the one sent back unchanged ($1); "
    [ "$(cookie_tag)" = good ] || P="${P}dig says ($(cookie_tag)), not (good); "
}
# done_check NAME: report P as one check, and clear it
done_check() {
    if [ -z "$P" ]; then ok "$1"; else notok "$1" "$P"; fi
    P=
}
# asked NAME SERVER FROM [options]: ask; when no answer came, report NAME
# failed and return 1
asked() {
    _n=$1
    shift
    ask "$@" && return 0
    notok "$_n" "no response from $1: $(head -c 300 "$R" | oneline)"
    P=
    return 1
}
# forge COOKIE: COOKIE with its last byte changed (in the server cookie's hash)
forge() {
    _last=$(echo "$1" | cut -c47-48)
    printf '%s%02x' "$(echo "$1" | cut -c1-46)" $(( (0x$_last + 1) % 256 ))
}

# name IP: who IP is, for the check names
name() {
    case $1 in
        "$U4") if [ "$UH_RUN" = 2 ]; then echo "unihost (answer-cookie: no)"; else echo "unihost (IPv4)"; fi ;;
        "$U6") echo "unihost (IPv6)" ;;
        "$N4") echo "nsd (IPv4)" ;; "$N6") echo "nsd (IPv6)" ;;
        "$NOFF4") echo "nsd (answer-cookie: no)" ;;
        *) echo "$1" ;;
    esac
}

if ! uh_start --blob "$UH_TMP/a.blob"; then
    notok "unihost starts with cookie-secret A" "see the log above"
    exit 1
fi
check "unihost logs that it answers cookies with dns.conf's secret" "its log: $(grep 'cookie' "$UH_LOG" | oneline)" \
    grep -q '^unihost: dns: answering DNS cookies, secret from dns.conf$' "$UH_LOG"
echo "# unihost (pid $UH_PID) at $U4, nsd (pids${NSD_PIDS}) at $N4 (cookies) and $NOFF4 (none)"

# ---- 1 and 2: a client cookie alone, then the cookie received sent back.
# COOKIE_<server>: the cookie each server gave, for check 3 (and 8)
for srv in "$U4" "$N4" "$U6" "$N6"; do
    case $srv in *:*) from=$C6 ;; *) from=$C4 ;; esac
    cc=$(rand_hex 8)
    got=
    if asked "1 $(name "$srv"): a client cookie alone" "$srv" "$from" +cookie="$cc"; then
        want_rcode NOERROR
        want_www
        want_fresh "$cc" "$SECRET_A" "$from"
        got=$(cookie_got)
        done_check "1 $(name "$srv"): a client cookie alone: NOERROR, the answer, the client cookie and a server cookie made now under the secret for $from (dig: good)"
    fi
    case $srv in
        "$U4") COOKIE_U4=$got ;; "$N4") COOKIE_N4=$got ;;
        "$U6") COOKIE_U6=$got ;; "$N6") COOKIE_N6=$got ;;
    esac
    [ -n "$got" ] || continue
    if asked "2 $(name "$srv"): reuse" "$srv" "$from" +cookie="$got"; then
        want_rcode NOERROR
        want_www
        want_same "$got"
        done_check "2 $(name "$srv"): the cookie sent back: NOERROR, the answer, the same cookie again (dig: good)"
    fi
done

# ---- 2, the window (RFC 9018 4.3), with cookies the oracle makes under A:
# a cookie younger than half an hour is kept, an older one renewed; one
# from up to five minutes ahead (another server's clock) is valid and kept,
# one from further ahead invalid and replaced. (Valid from older than half
# an hour to an hour is shown in check 8, where validity is visible.)
for srv in "$U4" "$N4"; do
    for age in 1200 2400 -240 -360; do
        cc=$(rand_hex 8)
        made=$(($(date +%s) - age))
        sent=$(oracle make "$SECRET_A" "$cc" "$C4" "$made")
        case $age in
            -*) when="$((-age / 60)) minutes ahead" ;;
            *) when="$((age / 60)) minutes old" ;;
        esac
        if asked "2 $(name "$srv"): a cookie made $when" "$srv" "$C4" +cookie="$sent"; then
            want_rcode NOERROR
            want_www
            case $age in
                1200|-240) want_same "$sent"; what="kept" ;;
                2400) want_fresh "$cc" "$SECRET_A" "$C4"; what="renewed: a fresh one" ;;
                -360) want_fresh "$cc" "$SECRET_A" "$C4"; what="not valid: a fresh one" ;;
            esac
            done_check "2 $(name "$srv"): a server cookie made $when: $what"
        fi
    done
done

# ---- 3: each server keeps the other's cookie (made under the same secret for
# the same address); a cookie is tied to its address
interop() {    # interop COOKIE SERVER FROM MAKER
    [ -n "$1" ] || { notok "3 $4's cookie at $(name "$2")" "$4 gave no cookie in check 1"; return; }
    if asked "3 $4's cookie at $(name "$2")" "$2" "$3" +cookie="$1"; then
        want_rcode NOERROR
        want_www
        want_same "$1"
        done_check "3 $4's cookie sent to $(name "$2") from the same address: valid, returned unchanged"
    fi
}
interop "$COOKIE_N4" "$U4" "$C4" nsd
interop "$COOKIE_U4" "$N4" "$C4" unihost
interop "$COOKIE_N6" "$U6" "$C6" nsd
interop "$COOKIE_U6" "$N6" "$C6" unihost
for srv in "$U4" "$N4"; do
    if [ -n "$COOKIE_U4" ] && asked "3 $(name "$srv"): a cookie from another address" "$srv" "$OTHER4" +cookie="$COOKIE_U4"; then
        want_rcode NOERROR
        want_www
        want_fresh "$(echo "$COOKIE_U4" | cut -c1-16)" "$SECRET_A" "$OTHER4"
        [ "$(cookie_got)" != "$COOKIE_U4" ] || P="${P}the cookie for $C4 was kept for $OTHER4; "
        done_check "3 $(name "$srv"): a cookie made for $C4, sent from $OTHER4: not kept, a fresh one for $OTHER4"
    fi
done

# ---- 4: a forged server cookie
for srv in "$U4" "$N4" "$U6" "$N6"; do
    case $srv in *:*) from=$C6 ;; *) from=$C4 ;; esac
    cc=$(rand_hex 8)
    forged=$(forge "$(oracle make "$SECRET_A" "$cc" "$from" "$(date +%s)")")
    if asked "4 $(name "$srv"): a forged server cookie" "$srv" "$from" +cookie="$forged"; then
        want_rcode NOERROR
        want_www
        want_fresh "$cc" "$SECRET_A" "$from"
        done_check "4 $(name "$srv"): a forged server cookie (one byte changed): NOERROR, the answer, a fresh server cookie"
    fi
    # reported, not asserted: how the servers answer a well-formed cookie
    # made under a secret that is not theirs (the same case, 5.2.4)
done

# ---- 5: the probe, a cookie and no question (RFC 7873 5.4)
for srv in "$U4" "$N4" "$U6" "$N6"; do
    case $srv in *:*) from=$C6 ;; *) from=$C4 ;; esac
    cc=$(rand_hex 8)
    if asked "5 $(name "$srv"): the QDCOUNT=0 probe" "$srv" "$from" +cookie="$cc" +header-only; then
        want_rcode NOERROR
        want_qdcount 0
        want_no_answer
        want_fresh "$cc" "$SECRET_A" "$from"
        done_check "5 $(name "$srv"): the QDCOUNT=0 probe (+header-only): NOERROR, no question, a fresh cookie"
    fi
done

# The probe also confirms a cookie held (5.4): "the response SHALL have the
# RCODE BADCOOKIE if the Server Cookie sent with the query was invalid and
# the RCODE NOERROR if it was valid".
for srv in "$U4" "$N4"; do
    if [ -n "$COOKIE_U4" ] && asked "5 $(name "$srv"): the probe with a valid cookie" "$srv" "$C4" +cookie="$COOKIE_U4" +header-only; then
        want_rcode NOERROR
        want_qdcount 0
        want_no_answer
        if [ "$srv" = "$U4" ]; then
            want_same "$COOKIE_U4"
            done_check "5 $(name "$srv"): the probe with a valid server cookie: NOERROR, no question, the cookie kept"
        else
            # NSD does not check the cookie of a probe: it sends a fresh one
            if [ "$(cookie_got)" != "$COOKIE_U4" ]; then
                echo "# nsd answers the probe with a valid server cookie with a fresh one, where it keeps it in a query"
                want_fresh "$(echo "$COOKIE_U4" | cut -c1-16)" "$SECRET_A" "$C4"
            fi
            done_check "5 $(name "$srv"): the probe with a valid server cookie: NOERROR, no question, a valid cookie"
        fi
    fi
    cc=$(rand_hex 8)
    forged=$(forge "$(oracle make "$SECRET_A" "$cc" "$C4" "$(date +%s)")")
    if asked "5 $(name "$srv"): the probe with a forged cookie" "$srv" "$C4" +cookie="$forged" +header-only; then
        got_rcode=$(rcode_of "$R")
        want_rcode BADCOOKIE
        want_qdcount 0
        want_no_answer
        want_fresh "$cc" "$SECRET_A" "$C4"
        if [ "$srv" = "$U4" ]; then
            done_check "5 $(name "$srv"): the probe with a forged server cookie: BADCOOKIE (RFC 7873 5.4: SHALL), no question, a fresh cookie"
        else
            # NSD is the comparison, not under test: what it does is told
            [ -z "$P" ] || echo "# nsd answers the probe with a forged server cookie $got_rcode, not BADCOOKIE as RFC 7873 5.4 says (${P% })"
            P=
        fi
    fi
done

# ---- 6: a COOKIE option of a length no cookie has
for srv in "$U4" "$N4" "$U6" "$N6"; do
    case $srv in *:*) from=$C6 ;; *) from=$C4 ;; esac
    if asked "6 $(name "$srv"): a 5-byte COOKIE" "$srv" "$from" +nocookie +ednsopt=10:0102030405; then
        want_rcode FORMERR
        want_no_answer
        want_no_cookie
        done_check "6 $(name "$srv"): a 5-byte COOKIE option: FORMERR, no COOKIE"
    fi
done
uh_alive "$UH_PID" || notok "unihost still running after checks 1-6" "it exited; its log: $(tail -n 5 "$UH_LOG" | oneline)"
uh_stop TERM || { notok "unihost stops on SIGTERM" "still running after 5 s"; exit 1; }

# ---- 7: answer-cookie: no
if ! uh_start --blob "$UH_TMP/off.blob"; then
    notok "unihost starts with answer-cookie: no" "see the log above"
    exit 1
fi
check "unihost logs that it answers no cookies" "its log: $(grep 'cookie' "$UH_LOG" | oneline)" \
    grep -q '^unihost: dns: DNS cookies not answered' "$UH_LOG"
for srv in "$U4" "$NOFF4"; do
    if asked "7 $(name "$srv"): a cookie, not answered" "$srv" "$C4" +cookie="$(rand_hex 8)"; then
        want_rcode NOERROR
        want_www
        want_no_cookie
        done_check "7 $(name "$srv"): a client cookie is ignored: the answer, no COOKIE"
    fi
    if [ -n "$COOKIE_U4" ] && asked "7 $(name "$srv"): a valid cookie, not answered" "$srv" "$C4" +cookie="$COOKIE_U4"; then
        want_rcode NOERROR
        want_www
        want_no_cookie
        done_check "7 $(name "$srv"): a client and server cookie are ignored: the answer, no COOKIE"
    fi
    if asked "7 $(name "$srv"): the probe" "$srv" "$C4" +cookie="$(rand_hex 8)" +header-only; then
        want_no_cookie
        if [ "$srv" = "$U4" ]; then
            want_rcode FORMERR
            done_check "7 $(name "$srv"): the QDCOUNT=0 probe is FORMERR, no COOKIE"
        else
            # RFC 7873 5.4: a server without cookies "will normally send
            # FORMERR ..., though REFUSED, NOTIMP, and NOERROR without a
            # COOKIE option are also possible"
            case $(rcode_of "$R") in
                FORMERR|REFUSED|NOTIMP|NOERROR) ;;
                *) P="${P}rcode $(rcode_of "$R"), not one of FORMERR, REFUSED, NOTIMP, NOERROR; " ;;
            esac
            done_check "7 $(name "$srv"): the QDCOUNT=0 probe is $(rcode_of "$R") (RFC 7873 5.4 allows it), no COOKIE"
        fi
    fi
done
uh_stop TERM || { notok "unihost stops on SIGTERM" "still running after 5 s"; exit 1; }

# ---- 8: a new secret, the old one staging. Rate limiting at 1 answer a
# second, every limited answer slipped, makes a cookie's validity visible:
# queries with a valid server cookie are never limited; the others, past the
# first, are answered BADCOOKIE with a fresh cookie.
if ! uh_start --blob "$UH_TMP/b.blob"; then
    notok "unihost starts with cookie-secret B and cookie-staging-secret A" "see the log above"
    exit 1
fi
check "unihost logs that it answers cookies with dns.conf's secret and a staging one" \
    "its log: $(grep 'cookie' "$UH_LOG" | oneline)" \
    grep -q '^unihost: dns: answering DNS cookies, secret from dns.conf, a staging secret accepted$' "$UH_LOG"
# burst COOKIE N: N queries with COOKIE, from one dig, one right after the
# other (milliseconds apart: well within the second a token takes to come
# back); RCODES gets how many of each rcode came back ("BADCOOKIE x5,
# NOERROR x1"), P what is wrong (a response missing; a NOERROR without the
# answer)
burst() {
    _q=
    _i=0
    while [ "$_i" -lt "$2" ]; do
        _q="$_q $QNAME A"
        _i=$((_i + 1))
    done
    # shellcheck disable=SC2086 # the N questions
    nsx dig @"$U4" -b "$C4" +notcp +norec +time=2 +tries=1 +nosplit +nobadcookie +cookie="$1" $_q \
        > "$R" 2>&1 < /dev/null
    RCODES=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' "$R" | sort | uniq -c | sort -rn |
             awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')
    _n=$(grep -c 'status: ' "$R")
    [ "$_n" -eq "$2" ] || P="${P}$_n responses to $2 queries; "
    _noerror=$(grep -c 'status: NOERROR' "$R")
    _www=$(awk -v n="$QNAME" -v a="$WWW" 'tolower($1) == n && $4 == "A" && $5 == a' "$R" | wc -l)
    [ "$_noerror" -eq "$_www" ] || P="${P}$_noerror NOERROR responses but $_www answers; "
    # every query carried COOKIE (dig does not swap in a cookie it learnt)
    _sent=$(grep -c "+cookie=$1" "$R")
    [ "$_sent" -ge 1 ] || P="${P}dig did not send the cookie; "
}
if [ -z "$COOKIE_U4" ]; then
    notok "8 staging" "no cookie under A from check 1"
else
    fresh_b=
    if asked "8 a cookie under A, now staging" "$U4" "$C4" +cookie="$COOKIE_U4"; then
        want_rcode NOERROR
        want_www
        want_fresh "$(echo "$COOKIE_U4" | cut -c1-16)" "$SECRET_B" "$C4"
        [ "$(cookie_got)" != "$COOKIE_U4" ] || P="${P}the cookie made under A was kept; "
        fresh_b=$(cookie_got)
        done_check "8 a cookie made under A (staging now): the answer, and a fresh cookie made under B in its place"
    fi
    if [ -n "$fresh_b" ] && asked "8 the new cookie under B sent back" "$U4" "$C4" +cookie="$fresh_b"; then
        want_rcode NOERROR
        want_www
        want_same "$fresh_b"
        done_check "8 the cookie made under B sent back: kept unchanged"
    fi
    burst "$COOKIE_U4" 6
    [ "$RCODES" = "NOERROR x6" ] || P="${P}rcodes: $RCODES, want NOERROR x6; "
    done_check "8 the cookie made under A is valid under the staging secret: 6 queries at once with it are never rate limited (NOERROR, the answer)"
fi
# the control: a well-formed cookie, made now for this address under a secret
# unihost does not have
cc=$(rand_hex 8)
stranger=$(oracle make "$SECRET_Z" "$cc" "$C4" "$(date +%s)")
burst "$stranger" 6
case $RCODES in *BADCOOKIE*) ;; *) P="${P}rcodes: $RCODES, want BADCOOKIE past the first; " ;; esac
done_check "8 control: 6 queries at once with a cookie made under another secret are rate limited ($RCODES)"
# The last of the burst was limited: BADCOOKIE, nothing but a fresh cookie
# (taken from the burst, as a query sent now could find a token back in
# the bucket); its retry with that cookie goes through.
awk '/^;; ->>HEADER<<-/ {buf = ""} {buf = buf $0 "\n"} END {printf "%s", buf}' "$R" > "$R.last"
mv "$R.last" "$R"
want_rcode BADCOOKIE
want_no_answer
want_fresh "$cc" "$SECRET_B" "$C4"
retry=$(cookie_got)
done_check "8 the last of those queries, rate limited: BADCOOKIE, no answer, a fresh cookie made under B"
if [ -n "$retry" ] && asked "8 the retry" "$U4" "$C4" +cookie="$retry"; then
    want_rcode NOERROR
    want_www
    want_same "$retry"
    done_check "8 its retry with the cookie BADCOOKIE gave: NOERROR, the answer, not limited"
fi
# The window of validity under B: up to an hour old (renewed past half an
# hour, so only rate limiting tells valid from invalid) and five minutes ahead.
for age in 3540 3660 -240 -360; do
    made=$(($(date +%s) - age))
    sent=$(oracle make "$SECRET_B" "$(rand_hex 8)" "$C4" "$made")
    case $age in
        -*) when="$((-age / 60)) minutes ahead" ;;
        *) when="$((age / 60)) minutes old" ;;
    esac
    burst "$sent" 4
    case $age in
        3540|-240)
            [ "$RCODES" = "NOERROR x4" ] || P="${P}rcodes: $RCODES, want NOERROR x4; "
            done_check "8 a cookie made under B $when is valid: 4 queries at once with it are never rate limited"
            ;;
        *)
            case $RCODES in *BADCOOKIE*) ;; *) P="${P}rcodes: $RCODES, want BADCOOKIE past the first; " ;; esac
            done_check "8 a cookie made under B $when is not valid: 4 queries at once with it are rate limited ($RCODES)"
            ;;
    esac
done
uh_alive "$UH_PID" || notok "unihost still running after check 8" "it exited; its log: $(tail -n 5 "$UH_LOG" | oneline)"
if uh_stop TERM && [ "$UH_STATUS" -eq 0 ]; then
    ok "unihost stops on SIGTERM, status 0"
else
    notok "unihost stops on SIGTERM, status 0" "status ${UH_STATUS:-none (still running)}"
fi

uh_finish
