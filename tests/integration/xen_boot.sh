#!/bin/sh
# Boot smoke test of the Xen PVH image without Xen: QEMU (TCG) loads
# build/unihost.xen as a PVH kernel; the guest must reach C, check the
# embedded blob's SHA-256, say on the debug console (port 0xE9) that it is
# not on Xen, and power the machine off by itself. A copy of the image with
# one byte of the blob flipped must be refused by the same check. Each QEMU
# run is bounded by `timeout`; no network device is given (-net none).
UH_TEST=xen_boot
. "$(dirname "$0")/lib/uh.sh"

XEN_IMAGE=${XEN_IMAGE:-$BUILD/unihost.xen}
BLOB_FILE=$BUILD/content.blob
for tool in qemu-system-x86_64 timeout nm readelf od dd cmp; do
    command -v "$tool" > /dev/null ||
        { notok "tools" "$tool is not installed (tools/deps.sh installs qemu-system-x86)"; exit 1; }
done
[ -f "$XEN_IMAGE" ] ||
    { notok "image" "$XEN_IMAGE is missing: make xen (needs libxen-dev and tools/deps.sh's BearSSL sources)"; exit 1; }
[ -f "$BLOB_FILE" ] || { notok "blob" "$BLOB_FILE is missing: make"; exit 1; }

UH_TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$UH_TMP"' EXIT INT TERM

# boot IMAGE LOG [CPU]: runs QEMU for at most 60 s; sets BOOT_STATUS (124: timed out)
boot() {
    : > "$2"
    timeout 60 qemu-system-x86_64 -accel tcg -cpu "${3:-qemu64}" -m 64 -nographic -no-reboot -net none \
        -serial none -monitor none -debugcon "file:$2" -kernel "$1" \
        -append "--ipv4=192.0.2.2/24" > "$UH_TMP/qemu.out" 2>&1
    BOOT_STATUS=$?
    diag < "$2"
    [ -s "$UH_TMP/qemu.out" ] && diag < "$UH_TMP/qemu.out"
    return 0
}

# ---- the image as built

LOG=$UH_TMP/debugcon.log
boot "$XEN_IMAGE" "$LOG"
check "QEMU powered off by the guest (exit 0, no time-out)" "QEMU exit status $BOOT_STATUS" \
    test "$BOOT_STATUS" -eq 0
check "the PVH entry reached C" "no 'PVH entry reached C' line" \
    grep -qx 'unihost: PVH entry reached C' "$LOG"
size=$(wc -c < "$BLOB_FILE" | tr -d ' ')
check "the embedded blob ($size bytes) passed its SHA-256 check" "no 'content: $size bytes ... SHA-256 verified' line" \
    grep -Eq "^unihost: content: $size bytes, [0-9]+ files, [0-9]+ zones, SHA-256 verified$" "$LOG"
check "it reports that it is not on Xen" "no 'not on Xen' line" \
    grep -qx 'unihost: not on Xen (no Xen CPUID leaves); powering off' "$LOG"
# QEMU's default CPU model has no RDRAND: the guest must say it has only
# jitter (and so would not serve HTTPS); with RDRAND offered it must use it.
check "without RDRAND/RDSEED it reports timing jitter only" "no 'random: timing jitter only' line" \
    grep -qx 'unihost: random: timing jitter only' "$LOG"
RDRAND_LOG=$UH_TMP/rdrand.log
boot "$XEN_IMAGE" "$RDRAND_LOG" qemu64,+rdrand
check "with the CPU's RDRAND it seeds from RDRAND" "no 'random: RDRAND' line" \
    grep -qx 'unihost: random: RDRAND' "$RDRAND_LOG"

# ---- the same image with one byte of the blob's payload flipped

blob_addr=$(nm "$XEN_IMAGE" | awk '$3 == "unihost_embedded_blob" {print $1}')
seg=$(readelf -lW "$XEN_IMAGE" | awk '$1 == "LOAD" {print $2, $3; exit}')
seg_off=$(printf '%d' "$(echo "$seg" | cut -d' ' -f1)")
seg_addr=$(printf '%d' "$(echo "$seg" | cut -d' ' -f2)")
if [ -z "$blob_addr" ]; then
    notok "a corrupted blob is refused" "no unihost_embedded_blob symbol in $XEN_IMAGE"
else
    # Past the blob's header, inside the payload the SHA-256 covers.
    at=$(( $(printf '%d' "0x$blob_addr") - seg_addr + seg_off + size / 2 ))
    cp "$XEN_IMAGE" "$UH_TMP/bad.xen"
    old=$(od -An -tu1 -j "$at" -N1 "$XEN_IMAGE" | tr -d ' ')
    printf "$(printf '\\%03o' $(( old ^ 255 )))" |
        dd of="$UH_TMP/bad.xen" bs=1 seek="$at" conv=notrunc status=none
    if cmp -s "$XEN_IMAGE" "$UH_TMP/bad.xen"; then
        notok "a corrupted blob is refused" "could not patch the copy"
    else
        BAD_LOG=$UH_TMP/bad.log
        boot "$UH_TMP/bad.xen" "$BAD_LOG"
        check "a corrupted blob is refused by the SHA-256 check" "no 'content blob rejected' line" \
            grep -q '^unihost: content blob rejected: .*SHA-256' "$BAD_LOG"
        check "the corrupted image does not claim a verified blob" "it printed 'SHA-256 verified'" \
            eval '! grep -q "SHA-256 verified" "$BAD_LOG"'
        check "the corrupted image still powers off" "QEMU exit status $BOOT_STATUS" \
            test "$BOOT_STATUS" -eq 0
    fi
fi
uh_finish
