#!/bin/sh
# unihost's test driver (make check). Runs every test program and script;
# each prints one line per check, "ok - NAME" or "not ok - NAME: why" (other
# lines are diagnostics). Prints every line, then the closing
# "N passed, M failed" line, and exits non-zero on any failure -- including a
# test program that crashes or exits non-zero without saying why.
#
# RUN_SUITES picks what runs: "main" (default: make check's suite), "xen" (the
# real-Xen test, tests/xen/run.sh: make check-xen), or "main xen" (both, one
# closing line: make check-all, which tools/test.sh and CI run).
set -u
RUN_SUITES=${RUN_SUITES:-main}
BUILD=${BUILD:-build}
export BUILD
export CRUNCH="${CRUNCH:-$BUILD/crunch}" UNIHOST="${UNIHOST:-$BUILD/unihost}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

passed=0
failed=0
log=$(mktemp)
# Every failing line, repeated just above the closing line: CI keeps only
# the tail of a run, and a failure must be named there.
failures=$(mktemp)
# Each test's wall time, so the slowest can be seen at the end: CI has 30
# minutes for the whole run.
times=$(mktemp)
trap 'rm -f "$log" "$failures" "$times"' EXIT

run() {     # run NAME COMMAND...
    name=$1
    shift
    echo "# $name"
    started=$(date +%s)
    "$@" > "$log" 2>&1
    status=$?
    seconds=$(($(date +%s) - started))
    echo "$seconds $name" >> "$times"
    cat "$log"
    echo "# $name: $seconds s"
    p=$(grep -c '^ok - ' "$log")
    f=$(grep -c '^not ok - ' "$log")
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name: exited with status $status without naming a failed check" >> "$log"
        echo "not ok - $name: exited with status $status without naming a failed check"
        f=1
    fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name: ran no check" >> "$log"
        echo "not ok - $name: ran no check"
        f=1
    fi
    grep '^not ok - ' "$log" | sed "s|^|[$name] |" >> "$failures"
    passed=$((passed + p))
    failed=$((failed + f))
}

case " $RUN_SUITES " in *" main "*)
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run "unit: $(basename "$t")" "$t"
done
run "crunch" sh tests/crunch/run.sh
# The constant-time check: the crypto code under valgrind with its secrets
# marked undefined (tests/ct/run.sh).
run "ct" sh tests/ct/run.sh
for t in tests/integration/*.sh tests/differential/*.sh; do
    [ -f "$t" ] || continue
    run "$(basename "$(dirname "$t")"): $(basename "$t" .sh)" sh "$t"
done

# libFuzzer targets (tests/fuzz/): their reproducers, then a bounded run of
# each; `make fuzz` runs them as long as you like.
run "fuzz" env FUZZ_SECONDS="${FUZZ_SECONDS:-5}" sh tests/fuzz/run.sh
;; esac

# Debian's Xen 4.17 and a Debian dom0 in QEMU (TCG), with the guest
# (XEN_GUEST, default build/unihost.xen) started by xl create and tested from
# dom0; minutes, not seconds, so make check leaves it to check-xen/check-all.
case " $RUN_SUITES " in *" xen "*)
run "xen: real Xen 4.17 in QEMU" sh tests/xen/run.sh
;; esac

echo "# slowest tests (seconds):"
sort -rn "$times" | head -n 12 | sed 's/^/#   /'
if [ -s "$failures" ]; then
    echo "# failed checks:"
    cat "$failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
