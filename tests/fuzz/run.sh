#!/bin/sh
# unihost's fuzzing driver: builds the libFuzzer targets in tests/fuzz/
# (fuzz_dns, fuzz_http, fuzz_blob, fuzz_tls, fuzz_tls13, fuzz_transfer, fuzz_ec, fuzz_sha,
# fuzz_cookie, fuzz_dns_stream, fuzz_http_stream, fuzz_tsig, fuzz_blob_push, fuzz_json, fuzz_acme, fuzz_acme_http, fuzz_dns_lookup, fuzz_ari) with ASan and UBSan into $BUILD/fuzz/,
# replays the kept reproducers in tests/fuzz/crashes/TARGET/, then fuzzes
# each target for $FUZZ_SECONDS seconds from a copy of its seed corpus
# (tests/fuzz/corpus/TARGET/ is only read; the run's corpus, logs and crash
# files live under $BUILD/fuzz/).
#
# Output follows tests/run.sh: "ok - NAME", "not ok - NAME: why" and "# "
# diagnostics only; the exit status is non-zero on any failure.
#
#   FUZZ_SECONDS=60 sh tests/fuzz/run.sh
#   FUZZ_TARGETS="dns http" sh tests/fuzz/run.sh      # a subset
#
# Environment: BUILD (build), FUZZ_SECONDS (20), FUZZ_TARGETS (dns http blob tls tls13 transfer ec sha
# cookie dns_stream http_stream tsig blob_push json acme acme_http dns_lookup ari),
# FUZZ_CC (clang), LLHTTP_SRC (/usr/share/llhttp), LLHTTP_INCLUDE
# (/usr/share/include/llhttp), UNIHOST_FUZZ_BLOB ($BUILD/tests/fixture.blob).
set -u
cd "$(dirname "$0")/../.." || exit 1

BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
FUZZ_TARGETS=${FUZZ_TARGETS:-dns http blob tls tls13 transfer ec sha cookie dns_stream http_stream tsig blob_push json acme acme_http dns_lookup ari}
CC=${FUZZ_CC:-clang}
LLHTTP_SRC=${LLHTTP_SRC:-/usr/share/llhttp}
LLHTTP_INCLUDE=${LLHTTP_INCLUDE:-/usr/share/include/llhttp}
UNIHOST_FUZZ_BLOB=${UNIHOST_FUZZ_BLOB:-$BUILD/tests/fixture.blob}
export UNIHOST_FUZZ_BLOB
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

OUT=$BUILD/fuzz
LOGS=$OUT/log
SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-g -O1 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L"
# BearSSL as make builds it (its configured headers and library, see Makefile.in).
BEARSSL_INC=${BEARSSL_INC:-$BUILD/bearssl/inc}
BEARSSL_LIB=${BEARSSL_LIB:-$BUILD/bearssl/libbearssl.a}
# The include list make uses (Makefile.in's INCLUDES), so the two builds
# cannot drift apart.
INCLUDES=$(make -s --no-print-directory B="$BUILD" print-includes) || exit 1

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
# Shows a log's last lines as diagnostics.
show() { tail -n "${2:-15}" "$1" | sed 's/^/# /'; }
finish() {
    echo "# fuzz: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

mkdir -p "$LOGS" || exit 1

# ---- toolchain ---------------------------------------------------------------

if ! command -v "$CC" > /dev/null 2>&1; then
    not_ok "fuzz toolchain: $CC not found (apt-get install clang libclang-rt-dev, e.g. libclang-rt-14-dev)"
    finish
fi
major=$("$CC" -dumpversion 2>/dev/null | cut -d. -f1)
rt_pkg="libclang-rt-${major:-14}-dev"
probe=$OUT/probe
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' > "$probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" > "$LOGS/probe.log" 2>&1; then
    not_ok "fuzz toolchain: $CC cannot link -fsanitize=fuzzer,address,undefined; the fuzzer runtime is missing (apt-get install $rt_pkg)"
    show "$LOGS/probe.log" 5
    finish
fi

# ---- the fixture blob --------------------------------------------------------

if [ ! -f "$UNIHOST_FUZZ_BLOB" ] && [ "$UNIHOST_FUZZ_BLOB" = "$BUILD/tests/fixture.blob" ] && [ -f Makefile ]; then
    make B="$BUILD" "$BUILD/tests/fixture.blob" > "$LOGS/fixture.log" 2>&1
fi
if [ ! -f "$UNIHOST_FUZZ_BLOB" ]; then
    not_ok "fuzz fixture: no $UNIHOST_FUZZ_BLOB (./configure && make $BUILD/tests/fixture.blob)"
    finish
fi

# ---- build -------------------------------------------------------------------

# The engines and llhttp, once, instrumented for coverage; then each target.
OBJ=$OUT/obj
rm -rf "$OBJ"
mkdir -p "$OBJ"
objs=""
build_ok=1
for src in src/content/*.c src/wire/*.c src/dns/*.c src/http/*.c src/tls/*.c src/crypto/*.c src/acme/*.c "$LLHTTP_SRC/api.c" "$LLHTTP_SRC/http.c" \
           "$LLHTTP_SRC/llhttp.c"; do
    [ -e "$src" ] || continue       # a folder with no .c files leaves its pattern
    case $src in
        src/*) std="-std=c11 -Wall -Wextra"; o=$OBJ/$(echo "$src" | tr / _ | sed 's/\.c$/.o/') ;;
        *) std="-std=gnu11 -w"; o=$OBJ/llhttp_$(basename "$src" .c).o ;;
    esac
    # shellcheck disable=SC2086
    if ! "$CC" $std $CFLAGS $SANITIZE -fsanitize=fuzzer-no-link $INCLUDES -c "$src" -o "$o" \
            >> "$LOGS/build.log" 2>&1; then
        build_ok=0
        not_ok "fuzz build: $src does not compile (log $LOGS/build.log)"
    fi
    objs="$objs $o"
done
if [ "$build_ok" -eq 0 ]; then
    show "$LOGS/build.log"
    finish
fi

built=""
for t in $FUZZ_TARGETS; do
    if [ ! -f "tests/fuzz/fuzz_$t.c" ]; then
        not_ok "fuzz $t: no target tests/fuzz/fuzz_$t.c"
        continue
    fi
    # Every target links all the engines; some include a test helper.
    case $t in
        http_stream) extra="-Itests/unit" ;;    # the in-process TLS client, tests/unit/tls_client.h
        tls13) extra="-Itests/unit" ;;          # RFC 8448's hello, tests/unit/rfc8448_trace.h
        *) extra="" ;;
    esac
    # shellcheck disable=SC2086
    if "$CC" -std=c11 -Wall -Wextra $CFLAGS $SANITIZE -fsanitize=fuzzer $INCLUDES -Itests/fuzz $extra \
            "tests/fuzz/fuzz_$t.c" $objs "$BEARSSL_LIB" -o "$OUT/fuzz_$t" > "$LOGS/build_$t.log" 2>&1; then
        built="$built $t"
    else
        not_ok "fuzz $t: build failed (log $LOGS/build_$t.log)"
        show "$LOGS/build_$t.log"
    fi
done

# ---- reproducers kept from earlier findings ------------------------------------

# A finding's reproducer goes to tests/fuzz/crashes/TARGET/; each must run
# clean once the bug is fixed, and stays as a regression test.
for t in $built; do
    for f in tests/fuzz/crashes/"$t"/*; do
        [ -f "$f" ] || continue
        name=$(basename "$f")
        log=$LOGS/repro_${t}_$name.log
        if "$OUT/fuzz_$t" -runs=1 "$f" > "$log" 2>&1; then
            ok "fuzz $t: reproducer $name runs clean"
        else
            not_ok "fuzz $t: reproducer $f still fails (log $log)"
            grep -E 'fuzz invariant broken|^SUMMARY|ERROR: (Address|Undefined)|runtime error' "$log" | head -n 3 | sed 's/^/# /'
        fi
    done
done

# ---- fuzzing -------------------------------------------------------------------

for t in $built; do
    work=$OUT/work/$t
    artifacts=$OUT/artifacts/$t
    log=$LOGS/fuzz_$t.log
    rm -rf "$work" "$artifacts"
    mkdir -p "$work" "$artifacts"
    if [ -d "tests/fuzz/corpus/$t" ]; then
        cp tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
    fi
    dict=""
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
    echo "# fuzz $t: $FUZZ_SECONDS s from $(ls "$work" | wc -l) seeds, corpus $work"
    # shellcheck disable=SC2086
    "$OUT/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" $dict "$work" > "$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    finding=$(ls "$artifacts" 2>/dev/null | head -n 1)
    if [ "$status" -eq 0 ] && [ -z "$finding" ] && [ -n "$runs" ]; then
        ok "fuzz $t: ${runs} runs in ${secs:-$FUZZ_SECONDS} s, no finding"
        echo "# fuzz $t: $(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1) MB peak RSS, corpus now $(ls "$work" | wc -l) inputs"
    else
        why=$(grep -E -m 1 'fuzz invariant broken|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|ALARM|out-of-memory' "$log")
        if [ -n "$finding" ]; then
            not_ok "fuzz $t: finding after ${runs:-?} runs, reproducer $artifacts/$finding (log $log)"
        else
            not_ok "fuzz $t: exited with status $status without a reproducer (log $log)"
        fi
        [ -n "$why" ] && echo "# $why"
        grep -E -m 1 '^SUMMARY' "$log" | sed 's/^/# /'
        echo "# replay: UNIHOST_FUZZ_BLOB=$UNIHOST_FUZZ_BLOB $OUT/fuzz_$t $artifacts/${finding:-CRASH_FILE}"
    fi
done

finish
