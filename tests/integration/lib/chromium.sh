# shellcheck shell=sh
# shellcheck disable=SC2034 # UH_FAILED is lib/uh.sh's
# Headless Chromium for the integration tests (sourced after lib/uh.sh, not
# run). Chromium runs inside a network namespace, with a profile of its own
# and, when CHROME_HOME is set, that HOME (where it finds its NSS database,
# $CHROME_HOME/.pki/nssdb: the certificates it trusts beyond its built-in
# roots).
#
#   CHROME_FLAGS                  -- what every run gets: headless, no
#                                    sandbox, nothing fetched in the background
#   chrome_start NS PORT DIR [FLAGS...]
#                                 -- Chromium on about:blank, DevTools on
#                                    NS's 127.0.0.1:PORT, its profile in DIR
#                                    and its output in DIR.log; CHROME_PID
#   chrome_stop                   -- ends it by PID (5 s, then KILL)
#   chrome_report OUT STATUS PREFIX WHAT
#                                 -- the "ok"/"not ok" lines of a DevTools
#                                    script (lib/cdp_*.py) that wrote OUT
#                                    and exited with STATUS, as this test's
#                                    checks named "PREFIX..."; its other
#                                    lines as diagnostics; if it failed, a
#                                    "not ok - PREFIXWHAT" unless it said
#                                    why, and Chromium's last lines;
#                                    returns STATUS
#   chrome_crawl NS PORT URL LABEL OUT
#                                 -- lib/cdp_crawl.py through the running
#                                    Chromium from URL (OUT: its output):
#                                    its checks as this test's, "LABEL: ..."
#                                    (plus a "not ok" if it failed without
#                                    one, and Chromium's last lines); returns
#                                    its status
#   chrome_screenshot NS FILE URL LABEL [FLAGS...]
#                                 -- a new Chromium's 1280x900 screenshot of
#                                    URL in FILE; "ok" if it is a PNG of that
#                                    size with a rendered page in it

CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
--disable-sync --no-first-run --disable-dev-shm-usage --no-default-browser-check"
CHROME_PID=
CHROME_LOG=
CHROME_SHOTS=0

chrome_start() {
    _ns=$1 _port=$2 _dir=$3
    shift 3
    mkdir -p "$_dir"
    CHROME_LOG=$_dir.log
    # shellcheck disable=SC2086 # CHROME_FLAGS is a list of flags
    ip netns exec "$_ns" env ${CHROME_HOME:+HOME="$CHROME_HOME"} timeout 180 chromium $CHROME_FLAGS "$@" \
        --user-data-dir="$_dir" --remote-debugging-address=127.0.0.1 --remote-debugging-port="$_port" \
        about:blank > "$CHROME_LOG" 2>&1 &
    CHROME_PID=$!   # ip netns exec and env exec: this is timeout's PID, Chromium's parent
}

chrome_stop() {
    uh_stop_pid "$CHROME_PID"
    CHROME_PID=
}

chrome_report() {
    _out=$1 _st=$2 _prefix=$3 _what=$4
    sed -n "s/^\\(ok\\|not ok\\) - \\(.*\\)\$/\\1 - $UH_TEST: $_prefix\\2/p; /^#/p" "$_out"
    grep -vE '^(ok|not ok) - |^#' "$_out" | diag
    if [ "$_st" -ne 0 ]; then
        grep -q '^not ok' "$_out" || notok "$_prefix$_what" "exited with status $_st"
        UH_FAILED=1
        echo "# chromium's log (last lines):"
        tail -n 15 "$CHROME_LOG" | diag
    fi
    return "$_st"
}

chrome_crawl() {
    _ns=$1 _port=$2 _url=$3 _label=$4 _out=$5
    ip netns exec "$_ns" timeout 150 python3 "$UH_ROOT/tests/integration/lib/cdp_crawl.py" "$_port" "$_url" 20 \
        > "$_out" 2>&1
    chrome_report "$_out" $? "$_label: " "DevTools crawl"
}

chrome_screenshot() {
    _ns=$1 _shot=$2 _url=$3 _label=$4
    shift 4
    CHROME_SHOTS=$((CHROME_SHOTS + 1))
    _dir=$UH_TMP/shot-profile-$CHROME_SHOTS
    mkdir -p "$_dir"
    rm -f "$_shot"
    # shellcheck disable=SC2086 # CHROME_FLAGS is a list of flags
    ip netns exec "$_ns" env ${CHROME_HOME:+HOME="$CHROME_HOME"} timeout 60 chromium $CHROME_FLAGS "$@" \
        --user-data-dir="$_dir" --window-size=1280,900 --screenshot="$_shot" "$_url" > "$_dir.log" 2>&1
    # A PNG of the window's size, and not a blank one: a rendered page
    # compresses far less than a single-colour 1280x900 image (a few kB).
    _size=$(wc -c < "$_shot" 2>/dev/null || echo 0)
    _dims=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:8] == b"\x89PNG\r\n\x1a\n" else "none")' "$_shot" 2>/dev/null)
    if [ "$_dims" = 1280x900 ] && [ "$_size" -gt 20000 ]; then
        ok "$_label: screenshot of $_url: $_shot ($_dims, $_size bytes)"
    else
        notok "$_label: screenshot of $_url" "got '$_dims', $_size bytes"
        tail -n 10 "$_dir.log" | diag
    fi
}
