# Shared by the hostile-client tests (sourced after lib/uh.sh, not run).
# The attacks are lib/hostile.py scenarios (raw frames through lib/rawpeer.py);
# this file runs them and checks what must hold after each one:
#   hostile_start FLAGS...        -- uh_start, then HOSTILE_IDLE = the idle stats line
#   hostile_attack WHAT SECS SCENARIO ARGS...
#                                 -- run a scenario in the background; return once it
#                                    holds its connections ("# HOLD") or has ended
#   hostile_release               -- let the scenario end (it resets its connections);
#                                    wait for it and print its lines
#   hostile_after WHAT KINDS SECS -- after an attack: normal clients of KINDS are
#                                    served at once, unihost still runs, the stats
#                                    line is back at its idle level within SECS
#   hostile_alive WHAT            -- "unihost is still running and answering" (if not:
#                                    how it died or that it hangs; starts it again)
#   hostile_served WHAT KINDS     -- normal clients (hostile.py served): udp, tcp53,
#                                    http, https, syn80, syn53, syn443,
#                                    conc53, conc80, arp
#   hostile_back_to_idle WHAT SECS-- poll uh_stats until at the idle level
#   hostile_level_diff IDLE NOW   -- what in NOW is above IDLE ("" when at idle)
#   hostile_heap_sampler start|stop [KEYS] -- SIGUSR1 every 0.3 s; stop prints the peak heap
#                                 (or of each "U/T" key of KEYS, e.g. "heap pbuf_pool")
# The scenario's normal-client checks use HOSTILE_NAME (a name with an A
# record) and HOSTILE_CERT (CA file for HTTPS checks).

HOSTILE_PY="python3 $UH_ROOT/tests/integration/lib/hostile.py"
HOSTILE_FLAGS=
HOSTILE_IDLE=
HOSTILE_BG=
HOSTILE_OUT=
HOSTILE_HEAP_TOLERANCE=${HOSTILE_HEAP_TOLERANCE:-32768}    # bytes of heap over idle still "idle"

hostile_start() {
    HOSTILE_FLAGS="$*"
    uh_start "$@" 2> /dev/null || return 1      # (grep may race the log's creation)
    HOSTILE_IDLE=$(uh_stats) || { echo "# no stats line from unihost"; return 1; }
    echo "# idle: $HOSTILE_IDLE"
}

# The scenario's environment, exported for hostile.py.
hostile_env() {
    export UH_TAP UH_TEST UH_PID HOSTILE_NAME HOSTILE_CERT
    HOSTILE_STOP=$UH_TMP/hostile.stop
    export HOSTILE_STOP
}

hostile_attack() {
    _what=$1 _secs=$2
    shift 2
    hostile_env
    rm -f "$HOSTILE_STOP"
    HOSTILE_OUT=$UH_TMP/hostile.$$.$(date +%s%N).out
    echo "# attack: $_what ($*)"
    HOSTILE_LIMIT=$_secs
    HOSTILE_HOLD=$((_secs + 10))
    export HOSTILE_LIMIT HOSTILE_HOLD
    nsx timeout $((_secs + 15)) $HOSTILE_PY "$@" > "$HOSTILE_OUT" 2>&1 < /dev/null &
    HOSTILE_BG=$!
    _i=0
    while uh_alive "$HOSTILE_BG" && ! grep -q '^# HOLD' "$HOSTILE_OUT"; do
        _i=$((_i + 1))
        [ "$_i" -gt $((_secs * 10 + 50)) ] && break
        sleep 0.1
    done
}

hostile_release() {
    [ -n "$HOSTILE_BG" ] || return 0
    touch "$HOSTILE_STOP"
    if ! uh_wait_exit "$HOSTILE_BG" 150; then
        kill -TERM "$HOSTILE_BG" 2>/dev/null
        uh_wait_exit "$HOSTILE_BG" 30 || kill -KILL "$HOSTILE_BG" 2>/dev/null
        echo "# the attack did not end when told; killed it"
    fi
    grep -v '^# HOLD$' "$HOSTILE_OUT"
    grep -q '^not ok - ' "$HOSTILE_OUT" && UH_FAILED=1
    if [ "${UH_STATUS:-0}" -ne 0 ] && ! grep -q '^not ok - ' "$HOSTILE_OUT"; then
        notok "the attack script" "exited with status $UH_STATUS (124: timed out)"
    fi
    HOSTILE_BG=
}

# hostile_alive WHAT: ok while unihost runs and answers (a stats line within
# 5 s of SIGUSR1); if it died or hangs, say how (exit status, the log's last
# line) and start it again for the next scenario.
hostile_alive() {
    if uh_alive "$UH_PID" && uh_stats > /dev/null; then
        ok "$1: unihost is still running and answering"
        return 0
    fi
    if uh_alive "$UH_PID"; then
        _cpu=$(ps -o pcpu= -p "$UH_PID" 2>/dev/null | tr -d ' ')
        _state=$(sed 's/^.*) //' "/proc/$UH_PID/stat" 2>/dev/null | cut -d' ' -f1)
        kill -KILL "$UH_PID" 2>/dev/null
        uh_wait_exit "$UH_PID" 30
        notok "$1: unihost is still running and answering" \
            "it hangs: no stats line within 5 s of SIGUSR1 (process state ${_state:-?}, ${_cpu:-?}% CPU over its life); killed it"
    else
        uh_wait_exit "$UH_PID" 10
        _last=$(grep -v '^unihost: stats: ' "$UH_LOG" | tail -n 1)
        notok "$1: unihost is still running and answering" "it exited with status $UH_STATUS; its log ends: $_last"
    fi
    UH_PID=
    # shellcheck disable=SC2086
    hostile_start $HOSTILE_FLAGS > /dev/null || notok "$1: unihost starts again" "see its log"
    return 1
}

hostile_served() {
    hostile_env
    nsx timeout 30 $HOSTILE_PY served "$1" "$2" > "$UH_TMP/served.out" 2>&1 < /dev/null
    grep -v '^# served' "$UH_TMP/served.out"
    grep -q '^not ok - ' "$UH_TMP/served.out" && UH_FAILED=1
    grep -q '^ok - ' "$UH_TMP/served.out" || grep -q '^not ok - ' "$UH_TMP/served.out" ||
        notok "$1: a normal client is served" "the check did not run"
}

# hostile_level_diff IDLE NOW: every U/T key of IDLE (heap within
# HOSTILE_HEAP_TOLERANCE; tcp_pcb less its TIME_WAIT share), tcp_active and
# tcp_syn_rcvd; prints what is above idle, nothing when all are at idle.
hostile_level_diff() {
    echo "$1" "|" "$2" | awk -v tol="$HOSTILE_HEAP_TOLERANCE" '
        { side = 0
          for (i = 1; i <= NF; i++) {
              if ($i == "|") { side = 1; continue }
              split($i, kv, "="); k = kv[1]; v = kv[2]
              if (side == 0) idle[k] = v; else now[k] = v
          } }
        END {
          for (k in idle) {
              if (!(k in now)) { printf "%s missing; ", k; continue }
              if (idle[k] ~ /\//) {
                  split(idle[k], a, "/"); split(now[k], b, "/")
                  u0 = a[1] + 0; u1 = b[1] + 0
                  if (k == "tcp_pcb") { u0 -= idle["tcp_time_wait"]; u1 -= now["tcp_time_wait"] }
                  lim = (k == "heap") ? u0 + tol : u0
                  if (u1 > lim) printf "%s=%s (idle %s); ", k, now[k], idle[k]
              } else if (k == "tcp_active" || k == "tcp_syn_rcvd") {
                  if (now[k] + 0 > idle[k] + 0) printf "%s=%s (idle %s); ", k, now[k], idle[k]
              }
          } }'
}

# hostile_back_to_idle WHAT SECS: polls the stats line (every 0.5 s, at most
# SECS) until it is at the idle level.
hostile_back_to_idle() {
    _start=$(date +%s%N)
    _diff="no stats line"
    _n=0
    while [ "$_n" -le $(($2 * 2)) ]; do
        if ! uh_alive "$UH_PID"; then _diff="unihost is not running"; break; fi
        if ! _now=$(uh_stats); then _diff="no stats line within 5 s (unihost hangs)"; break; fi
        _diff=$(hostile_level_diff "$HOSTILE_IDLE" "$_now")
        [ -z "$_diff" ] && break
        _n=$((_n + 1))
        sleep 0.5
    done
    _took=$(( ($(date +%s%N) - _start) / 1000000 ))
    if [ -z "$_diff" ]; then
        ok "$1: the stats line is back at its idle level within $2 s (after $((_took / 1000)).$(( _took % 1000 / 100)) s)"
    else
        notok "$1: the stats line is back at its idle level within $2 s" "still $_diff; now: $_now"
    fi
}

hostile_after() {
    hostile_served "$1, afterwards" "$2"
    hostile_alive "$1" || return 1
    hostile_back_to_idle "$1" "$3"
}

# hostile_heap_sampler start|stop [KEYS]: a stats line every 0.3 s while an
# attack runs; stop prints the highest heap use seen ("U/T"), or the highest
# of each key of KEYS (a space-separated list), on one line.
hostile_heap_sampler() {
    case $1 in
    start)
        _hs_from=$(wc -l < "$UH_LOG")
        ( while [ ! -f "$UH_TMP/sampler.stop" ] && uh_alive "$UH_PID"; do
              kill -USR1 "$UH_PID" 2>/dev/null; sleep 0.3
          done ) &
        _hs_pid=$!
        ;;
    stop)
        touch "$UH_TMP/sampler.stop"
        uh_wait_exit "$_hs_pid" 20 || kill "$_hs_pid" 2>/dev/null
        rm -f "$UH_TMP/sampler.stop"
        _hs_out=
        for _hs_key in ${2:-heap}; do
            _hs_peak=$(tail -n +"$((_hs_from + 1))" "$UH_LOG" |
                sed -n "s/^unihost: stats:.* $_hs_key=\([0-9]*\)\/\([0-9]*\).*/\1 \2/p" |
                sort -n | tail -n 1 | awk '{print $1 "/" $2}')
            _hs_out="${_hs_out:+$_hs_out }$_hs_peak"
        done
        echo "$_hs_out"
        ;;
    esac
}
