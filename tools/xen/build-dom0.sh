#!/bin/sh
# Builds, from Debian packages only, what the real-Xen test (make check-xen)
# boots inside QEMU: Xen 4.17's hypervisor (uncompressed, as QEMU's multiboot
# loader refuses gzip), Debian's 6.1 kernel for dom0, and a dom0 initramfs
# (debootstrap minbase + the Xen toolstack + dig/curl + Pebble + the kernel
# modules dom0 needs). Nothing is installed on the host: the kernel and the
# hypervisor are unpacked from their .deb files.
#
# The result is reused: it is rebuilt only when this script or the archive's
# versions of the packages it takes change (both form the cache key), because
# a cold build takes minutes and a test run should not pay for it.
#
# The initramfs carries no /init and no guest: tests/xen/run.sh appends a small
# second archive with those, so changing the guest or the test never rebuilds
# this one.
#
# Usage: tools/xen/build-dom0.sh [OUT_DIR]   (default build/xen-dom0; root)
# Writes OUT_DIR/xen, OUT_DIR/vmlinuz, OUT_DIR/dom0.cpio.gz, OUT_DIR/versions.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-"$top/build/xen-dom0"}
suite=bookworm
# The dom0 userland: the toolstack, the bridge, the clients the test uses, and
# Pebble (a test ACME CA, with pebble-challtestsrv as its resolver) for the
# guest to get its certificate from.
dom0_packages="xen-utils-4.17 xenstore-utils iproute2 bridge-utils kmod busybox-static dnsutils curl iputils-ping pebble"
# Kernel module folders dom0 needs (under lib/modules/VERSION/kernel/):
# xenfs, evtchn, gntdev, privcmd, netback, and the bridge with its STP/LLC.
module_dirs="drivers/xen drivers/net/xen-netback net/bridge net/802 net/llc"

die() { echo "build-dom0: FAILED: $*" >&2; exit 1; }
step() { echo "build-dom0: $*"; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap and chroot need it)"
for tool in apt-get apt-cache dpkg-deb dpkg-query debootstrap cpio gzip sha256sum chroot; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool is missing (run tools/deps.sh: it installs debootstrap, cpio, qemu-system-x86)"
done

# --- the Debian mirror the machine's apt already uses ------------------------
# debootstrap needs one mirror URL; take the first "deb" source for $suite from
# the machine's own APT configuration (one-line .list files or deb822
# .sources files), so a local mirror keeps working.
find_mirror() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk -v s="$suite" '$1 == "deb" {
                i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i + 1) == s) { print $i; exit }
            }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        # deb822 stanzas are separated by blank lines.
        awk -v s="$suite" 'BEGIN { RS = "" }
            {
                types = ""; uris = ""; suites = ""
                n = split($0, lines, "\n")
                for (j = 1; j <= n; j++) {
                    if (lines[j] ~ /^Types:/) types = lines[j]
                    if (lines[j] ~ /^URIs:/) uris = lines[j]
                    if (lines[j] ~ /^Suites:/) suites = " " lines[j] " "
                }
                if (types ~ /[ \t]deb([ \t]|$)/ && index(suites, " " s " ") > 0) {
                    sub(/^URIs:[ \t]*/, "", uris); split(uris, u, /[ \t]+/); print u[1]; exit
                }
            }' "$f"
    done
}
mirror=$(find_mirror | head -n 1)
[ -n "$mirror" ] || die "no 'deb' source for $suite in /etc/apt/sources.list or /etc/apt/sources.list.d/"

# --- cache key: this script and the archive's versions -----------------------
versions_of() {     # the version tables apt knows for the packages we take (one apt call)
    # shellcheck disable=SC2086
    apt-cache madison linux-image-amd64 xen-hypervisor-4.17-amd64 $dom0_packages |
        awk -F' *[|] *' '{sub(/^ +/, "", $1); v[$1] = v[$1] " " $2}
                         END {for (p in v) print p ":" v[p]}' | LC_ALL=C sort
}
archive_versions=$(versions_of) || die "apt-cache madison failed"
echo "$archive_versions" | grep -q '^xen-utils-4.17: [^ ]' ||
    die "apt knows no xen-utils-4.17: run apt-get update"
key=$( { sha256sum < "$0"; echo "$mirror"; echo "$archive_versions"; } | sha256sum | cut -c1-16)
if [ -f "$out/key" ] && [ "$(cat "$out/key")" = "$key" ] &&
   [ -s "$out/xen" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/dom0.cpio.gz" ]; then
    step "up to date in $out (key $key)"
    exit 0
fi

step "building into $out (key $key; mirror $mirror)"
start=$(date +%s)
work="$out/work"
rm -rf "$out" && mkdir -p "$work/debs" || die "cannot create $work"
chmod 755 "$work/debs"

# apt-get download runs as root without its sandbox user so it can write here.
download() {        # download PACKAGE[=VERSION]
    (cd "$work/debs" && apt-get download -q -o APT::Sandbox::User=root "$1" >/dev/null) ||
        die "apt-get download $1 failed"
}

# --- dom0 userland ------------------------------------------------------------
root="$work/root"
step "debootstrap --variant=minbase $suite with: $dom0_packages"
include=$(echo "$dom0_packages" | tr ' ' ',')
debootstrap --variant=minbase --include="$include" "$suite" "$root" "$mirror" \
    > "$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed (log: $work/debootstrap.log)"; }

# The hypervisor must match the toolstack's version exactly: take the version
# debootstrap installed.
xen_version=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' xen-utils-4.17) ||
    die "xen-utils-4.17 is not installed in the dom0 root"

# --- hypervisor ----------------------------------------------------------------
step "xen-hypervisor-4.17-amd64 $xen_version"
download "xen-hypervisor-4.17-amd64=$xen_version"
dpkg-deb -x "$work"/debs/xen-hypervisor-4.17-amd64_*.deb "$work/xen-pkg" ||
    die "cannot unpack the hypervisor package"
xen_gz=$(find "$work/xen-pkg/boot" -name 'xen-4.17*-amd64.gz' | head -n 1)
[ -n "$xen_gz" ] || die "no boot/xen-4.17*-amd64.gz in xen-hypervisor-4.17-amd64"
gzip -dc "$xen_gz" > "$out/xen" || die "cannot uncompress $xen_gz"

# --- kernel and its modules ------------------------------------------------------
kernel_pkg=$(apt-cache depends linux-image-amd64 |
             sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
[ -n "$kernel_pkg" ] || die "cannot tell which kernel linux-image-amd64 depends on"
step "$kernel_pkg"
download "$kernel_pkg"
dpkg-deb -x "$work"/debs/"$kernel_pkg"_*.deb "$work/kernel-pkg" || die "cannot unpack $kernel_pkg"
kver=${kernel_pkg#linux-image-}
[ -f "$work/kernel-pkg/boot/vmlinuz-$kver" ] || die "no boot/vmlinuz-$kver in $kernel_pkg"
cp "$work/kernel-pkg/boot/vmlinuz-$kver" "$out/vmlinuz"
mods="$work/kernel-pkg/lib/modules/$kver"
for d in $module_dirs; do
    [ -d "$mods/kernel/$d" ] || die "no kernel/$d in $kernel_pkg"
    mkdir -p "$root/lib/modules/$kver/kernel/$d"
    cp -a "$mods/kernel/$d/." "$root/lib/modules/$kver/kernel/$d/"
done
cp "$mods"/modules.order "$mods"/modules.builtin* "$root/lib/modules/$kver/" ||
    die "no modules.order/modules.builtin in $kernel_pkg"
chroot "$root" depmod "$kver" || die "depmod in the dom0 root failed"

# --- trim and pack -----------------------------------------------------------------
# Documentation, locales, python (only pygrub and a few helper scripts need it,
# none of which a PVH guest uses) and APT's caches are dead weight in dom0.
step "trimming and packing"
rm -rf "$root"/usr/share/doc "$root"/usr/share/man "$root"/usr/share/info \
       "$root"/usr/share/locale "$root"/usr/share/i18n "$root"/usr/lib/python3* \
       "$root"/usr/lib/python3 "$root"/usr/bin/python3* "$root"/var/cache/apt/* \
       "$root"/var/lib/apt/lists/* "$root"/var/cache/debconf/*-old
[ -x "$root/usr/sbin/xl" ] || die "the dom0 root has no /usr/sbin/xl"
[ -x "$root/usr/lib/xen-4.17/bin/xenstored" ] || [ -x "$root/usr/sbin/xenstored" ] ||
    die "the dom0 root has no xenstored"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -6) \
    > "$out/dom0.cpio.gz" || die "cpio/gzip of the dom0 root failed"

{
    echo "xen-hypervisor-4.17-amd64 $xen_version"
    echo "$kernel_pkg $(dpkg-deb -f "$work"/debs/"$kernel_pkg"_*.deb Version)"
    dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package} ${Version}\n' $dom0_packages
} > "$out/versions"
rm -rf "$work"
echo "$key" > "$out/key"
step "done in $(( $(date +%s) - start )) s: $(du -h "$out/dom0.cpio.gz" | cut -f1) dom0.cpio.gz, $(du -h "$out/vmlinuz" | cut -f1) vmlinuz, $(du -h "$out/xen" | cut -f1) xen"
