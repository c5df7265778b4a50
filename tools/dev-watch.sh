#!/bin/bash
# The development loop's watcher (tools/run-tap.sh --watch runs it; the
# live-reload test and bench/live_reload.sh too):
#   tools/dev-watch.sh PID SITE_DIR ZONES_DIR BLOB
# Watches SITE_DIR and ZONES_DIR (inotifywait, from inotify-tools). After a
# change, and DEBOUNCE seconds without another (default 0.05: an editor's
# save is a burst of events), it crunches --dev into BLOB (crunch writes it
# whole, then renames it into place) and sends SIGHUP to unihost (PID),
# which reads BLOB again and swaps it in; open pages reload themselves.
# crunch's "FILE:LINE: what is wrong" lines go to this terminal, and BLOB
# becomes the error page until the next good build. Runs until PID exits
# or it is signalled; ends its inotifywait by PID.
# bash, not sh: its read -t takes fractions of a second and EPOCHREALTIME
# is a variable, so waiting and timing start no process; under load each
# process started costs tens of milliseconds of the save-to-page time.
set -u
if [ $# -ne 4 ]; then
    echo "usage: $0 UNIHOST_PID SITE_DIR ZONES_DIR BLOB" >&2
    exit 2
fi
pid=$1 site=$2 zones=$3 blob=$4
top=$(cd "$(dirname "$0")/.." && pwd)
CRUNCH=${CRUNCH:-$top/build/crunch}
DEBOUNCE=${DEBOUNCE:-0.05}
command -v inotifywait > /dev/null || { echo "dev-watch: inotifywait is missing (tools/deps.sh installs inotify-tools)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dev-watch.XXXXXX") || exit 1
watcher=
cleanup() {
    [ -n "$watcher" ] && kill -TERM "$watcher" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 0' INT TERM HUP
mkfifo "$tmp/events"
# One line per change; new directories are watched as they appear (-r).
inotifywait -m -r -e close_write,create,delete,move --format '%w%f' "$site" "$zones" \
    > "$tmp/events" 2> "$tmp/inotify.err" &
watcher=$!
exec 3< "$tmp/events"
# Changes count once the watches are in place (inotifywait says so).
i=0
while ! grep -q '^Watches established' "$tmp/inotify.err"; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$watcher" 2>/dev/null; then
        echo "dev-watch: inotifywait did not start watching:" >&2
        cat "$tmp/inotify.err" >&2
        exit 1
    fi
    sleep 0.05
done

rebuild() {
    local started=${EPOCHREALTIME/[.,]/}     # microseconds
    "$CRUNCH" --dev --quiet --site "$site" --zones "$zones" -o "$blob" 2> "$tmp/crunch.err"
    status=$?
    # crunch's own lines, FILE:LINE first, as it prints them.
    [ -s "$tmp/crunch.err" ] && cat "$tmp/crunch.err" >&2
    kill -HUP "$pid" 2>/dev/null || return 1
    case $status in
        0) echo "dev-watch: $1 changed: crunched and swapped in $(((${EPOCHREALTIME/[.,]/} - started) / 1000)) ms" ;;
        1) echo "dev-watch: $1 changed: the site does not build; the browser shows the error page until it does" ;;
        *) echo "dev-watch: crunch failed (status $status)" >&2 ;;
    esac
    return 0
}

echo "dev-watch: watching $site and $zones"
while read -r changed <&3; do
    # Debounce: wait until DEBOUNCE seconds pass without another event.
    while read -r -t "$DEBOUNCE" _ <&3; do :; done
    # The blob's own temporary file is never under the watched directories;
    # an editor's backup or swap file is, and is harmless to crunch for.
    rebuild "$changed" || break
done
