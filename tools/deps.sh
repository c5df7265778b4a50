#!/bin/sh
# Installs what unihost's build and tests need on Debian 12, and fetches the
# sources of the dependencies we compile ourselves (lwIP, BearSSL) with apt-get source,
# through a private APT configuration so that /etc/apt is never touched.
# Usage: tools/deps.sh [BUILD_DIR]   (default: build/deps)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
deps_dir=${1:-"$top/build/deps"}

packages="build-essential pkg-config dpkg-dev ca-certificates
libcmark-gfm-dev libcmark-gfm-extensions-dev libldns-dev ldnsutils bind9-utils zlib1g-dev libbrotli-dev brotli node-llhttp
dnsutils knot-dnsutils curl iproute2 iputils-ping ndisc6 netcat-openbsd
nsd unbound knot python3 clang libclang-rt-14-dev openssl libssl-dev
chromium nginx wrk libxen-dev debootstrap cpio qemu-system-x86 prometheus
inotify-tools valgrind libgmp-dev python3-cryptography-vectors python3-cryptography pebble faketime
libxml2-utils python3-feedparser time gnutls-bin golang testssl.sh libnss3-tools"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "deps: installing:$missing"
    as_root apt-get update -q
    # shellcheck disable=SC2086
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    # nginx, nsd, unbound, knot and prometheus are only run by the tests and benchmarks,
    # inside their own namespaces: stop any service their packages just
    # started on the host.
    for service in nginx nsd unbound knot prometheus; do
        case " $(echo $missing) " in
            *" $service "*) as_root invoke-rc.d "$service" stop > /dev/null 2>&1 || true ;;
        esac
    done
fi

# --- sources compiled from Debian's source packages -------------------------
# lwIP: Debian's liblwip.so is built with NO_SYS=0 and pthreads, so we compile
# its sources with our own lwipopts.h instead.
fetch_source() {    # fetch_source PACKAGE MARKER_FILE
    pkg=$1 marker=$2
    if [ -e "$deps_dir/$pkg/$marker" ]; then
        return 0
    fi
    apt_root="$deps_dir/apt"
    mkdir -p "$apt_root/lists/partial" "$apt_root/sources" "$apt_root/cache/archives/partial" \
             "$deps_dir/download"
    # deb-src lines for bookworm, taken from the machine's own deb lines so a
    # local mirror keeps working; fall back to the Debian archive.
    src_list="$apt_root/sources/debian-src.list"
    : > "$src_list"
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}/deb-src \1/p' "$f" >> "$src_list"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk '/^Types:/ {print "Types: deb-src"; next} {print}' "$f" > "$apt_root/sources/$(basename "$f")"
    done
    if [ ! -s "$src_list" ] && ! ls "$apt_root"/sources/*.sources >/dev/null 2>&1; then
        echo "deb-src http://deb.debian.org/debian bookworm main" > "$src_list"
    fi
    cat > "$apt_root/apt.conf" <<CONF
Dir::State::Lists "$apt_root/lists";
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "$apt_root/sources";
Dir::Cache "$apt_root/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Sandbox::User "root";
CONF
    export APT_CONFIG="$apt_root/apt.conf"
    echo "deps: fetching source of $pkg"
    apt-get update -q -o APT::Update::Error-Mode=any >/dev/null ||
        { echo "deps: apt-get update of the private source lists failed" >&2; exit 1; }
    rm -rf "$deps_dir/download/$pkg" && mkdir -p "$deps_dir/download/$pkg"
    (cd "$deps_dir/download/$pkg" && apt-get source -q "$pkg" >/dev/null) ||
        { echo "deps: apt-get source $pkg failed" >&2; exit 1; }
    unset APT_CONFIG
    src=$(find "$deps_dir/download/$pkg" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    if [ -z "$src" ] || [ ! -e "$src/$marker" ]; then
        echo "deps: source of $pkg unpacked without $marker" >&2
        exit 1
    fi
    rm -rf "${deps_dir:?}/$pkg"
    mv "$src" "$deps_dir/$pkg"
    rm -rf "$deps_dir/download/$pkg"
}

fetch_source lwip src/core/tcp.c
# BearSSL: compiled by make for every build with one configuration (see
# Makefile.in): the packaged libbearssl.a is built -Os, and the Xen guest
# needs it freestanding anyway.
fetch_source bearssl src/hash/sha2small.c
echo "deps: ready in $deps_dir"
