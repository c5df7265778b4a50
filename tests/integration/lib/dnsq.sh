# DNS query helpers for the integration tests (sourced after lib/uh.sh).
# Responses are parsed from dig's or kdig's default output.

# dq FILE dig|kdig 4|6 udp|tcp NAME TYPE [OPTIONS...]: query unihost from
# inside the namespace; the output goes to FILE. Fails when no response.
dq() {
    _f=$1 _tool=$2 _fam=$3 _proto=$4 _qn=$5 _qt=$6
    shift 6
    if [ "$_fam" = 4 ]; then _srv=$UNIHOST_GUEST4; else _srv=$UNIHOST_GUEST6; fi
    if ! uh_alive "$UH_PID"; then
        echo "unihost is not running" > "$_f"
        return 1
    fi
    _p=+notcp
    [ "$_proto" = tcp ] && _p=+tcp
    case $_tool in
    dig)  nsx dig @"$_srv" "$_p" +time=2 +tries=1 +nosplit "$@" -q "$_qn" -t "$_qt" > "$_f" 2>&1 < /dev/null ;;
    kdig) nsx kdig @"$_srv" "$_p" +time=2 +retry=0 "$@" -q "$_qn" -t "$_qt" > "$_f" 2>&1 < /dev/null ;;
    esac
    grep -q 'status: [A-Z]' "$_f"
}

# section FILE ANSWER|AUTHORITY|ADDITIONAL: the records of that section
section() {
    awk -v s=";; $2 SECTION:" '$0 == s {f = 1; next} f && /^$/ {exit} f && !/^;/ {print}' "$1"
}

# canon: records single-spaced, lower case, sorted (a set of records to compare)
canon() { awk '{$1 = $1; print tolower($0)}' | sort; }

# oneline: lines joined with " | "
oneline() { awk 'NR > 1 {printf " | "} {printf "%s", $0} END {if (NR) printf "\n"}'; }

rcode_of() { sed -n 's/.*status: \([A-Z]*\)[,;].*/\1/p' "$1" | head -n 1; }
flags_of() { sed -n 's/^;; [Ff]lags: \([^;]*\);.*/\1/p' "$1" | head -n 1; }

# expect_header FILE RCODE [aa|noaa]: prints what is wrong, nothing if right.
# Always: qr set, ra clear (unihost is not a resolver).
expect_header() {
    _rc=$(rcode_of "$1")
    _fl=" $(flags_of "$1") "
    [ "$_rc" = "$2" ] || printf 'rcode %s, want %s; ' "$_rc" "$2"
    case $_fl in *" qr "*) ;; *) printf 'qr not set; ' ;; esac
    case $_fl in *" ra "*) printf 'ra set; ' ;; esac
    case ${3:-} in
    aa) case $_fl in *" aa "*) ;; *) printf 'aa not set (flags:%s); ' "$_fl" ;; esac ;;
    noaa) case $_fl in *" aa "*) printf 'aa set (flags:%s); ' "$_fl" ;; esac ;;
    esac
}

# zone_rrset OWNER TYPE: the records of that RRset in $ZONE, canonical
zone_rrset() {
    awk -v o="$1" -v t="$2" 'tolower($1) == tolower(o) && toupper($4) == toupper(t)' "$ZONE" | canon
}
