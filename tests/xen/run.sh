#!/bin/sh
# The real-Xen test (make check-xen): boots Debian's Xen 4.17 with a Debian
# Linux dom0 inside QEMU under software emulation (TCG), and has dom0 start
# the guest with xl create as a PVH guest with one vif on a bridge, query it
# with dig (UDP and TCP) and curl, destroy it and power off. All the network
# lives inside QEMU (-net none). See tests/xen/dom0-init.sh for the checks.
#
# Usage: tests/xen/run.sh [GUEST_IMAGE]        (root; default build/unihost.xen)
# Environment (all optional):
#   XEN_GUEST          the guest image, if not given as the argument
#   XEN_FIXTURE_GUEST  a second guest serving the fixture blob, for the checks
#                      the bundled zone cannot make (default
#                      build/tests/unihost-fixture.xen; its checks fail
#                      without it)
#   XEN_ACME_GUEST     a third guest, built with a test CA's root and a test
#                      account key (XEN_ACME_CA, XEN_ACME_ACCOUNT_KEY), that
#                      gets its certificate from Pebble in dom0 (default
#                      build/tests/unihost-acme.xen; its checks fail without it)
#   XEN_ACME_TEST_CA   that test CA's certificate, its key beside it as ca.key
#                      (default build/tests/xen-acme/ca.pem): it signs Pebble's
#                      listener certificate
#   XEN_GUEST_CMDLINE  its kernel command line
#                      (default "--ipv4=192.0.2.2/24 --ipv6=2001:db8::2/64", and
#                      --manage=192.0.2.2:8443 when the guest has a signing key)
#   XEN_MANAGE_KEY     the private key whose public half the guest embeds
#                      (MANAGE_PUBKEY; default build/tls/dev-manage-key.pem, the
#                      development pair's): dom0 pushes a second blob signed
#                      with it (the push checks fail without it)
#   XEN_READY          the console line that says the guest serves
#   XEN_MEMORY         guest memory in MiB (default 16)
#   XEN_TIMEOUT        bound on the whole QEMU run in seconds (default 900:
#                      runs took 256 to 556 s with the ACME guest's boots,
#                      on a shared host)
#   BUILD, CRUNCH      build folder (build) and crunch (build/crunch)
#
# Prints "ok - xen: NAME" / "not ok - xen: NAME: why" lines (tests/run.sh
# counts them) and "# ..." diagnostics, including the guest's console; exits
# non-zero on any failure, and when dom0 never says XENTEST DONE. QEMU's whole
# output is kept in $BUILD/xentest/qemu.log.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
CRUNCH=${CRUNCH:-$BUILD/crunch}
guest=${1:-${XEN_GUEST:-$BUILD/unihost.xen}}
fixture_guest=${XEN_FIXTURE_GUEST:-$BUILD/tests/unihost-fixture.xen}
acme_guest=${XEN_ACME_GUEST:-$BUILD/tests/unihost-acme.xen}
acme_ca=${XEN_ACME_TEST_CA:-$BUILD/tests/xen-acme/ca.pem}
guest_cmdline=${XEN_GUEST_CMDLINE:-"--ipv4=192.0.2.2/24 --ipv6=2001:db8::2/64"}
manage_key=${XEN_MANAGE_KEY:-$BUILD/tls/dev-manage-key.pem}
ready=${XEN_READY:-"unihost: ready"}
memory=${XEN_MEMORY:-16}
qemu_timeout=${XEN_TIMEOUT:-900}
zonefile=zones/unihost.test.zone
dom0=$BUILD/xen-dom0
out=$BUILD/xentest

notok() { echo "not ok - xen: $1: $2"; }

[ "$(id -u)" -eq 0 ] || { notok "setup" "must run as root (the dom0 build uses debootstrap)"; exit 1; }
for tool in qemu-system-x86_64 timeout ldns-read-zone cpio gzip openssl; do
    command -v "$tool" >/dev/null 2>&1 || { notok "setup" "$tool is missing (tools/deps.sh installs it)"; exit 1; }
done
[ -x "$CRUNCH" ] || { notok "setup" "$CRUNCH is missing (run make)"; exit 1; }
case $memory in ''|*[!0-9]*) notok "setup" "XEN_MEMORY must be a number of MiB, not '$memory'"; exit 1 ;; esac

# ---- dom0: Xen, the kernel, the big initramfs (cached) ------------------------
t=$(date +%s)
if ! sh tools/xen/build-dom0.sh "$dom0" > "$BUILD/xen-dom0.log" 2>&1; then
    sed 's/^/# /' "$BUILD/xen-dom0.log"
    notok "dom0 image" "tools/xen/build-dom0.sh failed (log: $BUILD/xen-dom0.log)"
    exit 1
fi
sed 's/^/# /' "$BUILD/xen-dom0.log"
echo "# dom0 image ready in $(( $(date +%s) - t )) s; $(tr '\n' ';' < "$dom0/versions")"

# ---- the payload: /init, the guest and what the checks compare against ----------
if ! [ -f "$guest" ]; then
    notok "guest image" "$guest is missing (make xen builds build/unihost.xen)"
    exit 1
fi
rm -rf "$out" && mkdir -p "$out/payload/xentest" || { notok "setup" "cannot create $out"; exit 1; }
p=$out/payload
cp tests/xen/dom0-init.sh "$p/init" && chmod 755 "$p/init" &&
cp "$guest" "$p/xentest/guest.xen" &&
cp tests/integration/lib/dnsq.sh "$p/xentest/dnsq.sh" &&
printf '%s\n' "$guest_cmdline" > "$p/xentest/guest.cmdline" &&
printf '%s\n' "$ready" > "$p/xentest/ready" ||
    { notok "payload" "cannot copy into $p"; exit 1; }
# The certificate make xen embedded in the guest (XEN_TLS_CERT): dom0's curl
# trusts exactly it. Empty (a guest built without HTTPS): plain HTTP checks.
tls_cert=$BUILD/xen/tls/cert.pem
if [ "$guest" = "$BUILD/unihost.xen" ] && [ -s "$tls_cert" ]; then
    cp "$tls_cert" "$p/xentest/tls-cert.pem" || { notok "payload" "cannot copy $tls_cert"; exit 1; }
fi
# A second blob for dom0 to push to the management listener: site/ and
# zones/ with a line added to the home page and the zone's serial bumped,
# signed with the private half of the key make xen embedded (MANAGE_PUBKEY),
# and the same blob signed by another key, which the guest must refuse. The
# guest listens for pushes (--manage) only when this is ready.
manage_pub=$BUILD/xen/manage/pubkey.pem
if [ "$guest" != "$BUILD/unihost.xen" ] || ! [ -s "$manage_pub" ]; then
    echo "the guest embeds no signing key ($manage_pub; make xen MANAGE_PUBKEY=FILE)" > "$p/xentest/push.missing"
elif ! [ -r "$manage_key" ] ||
     ! openssl ec -in "$manage_key" -pubout 2>/dev/null | cmp -s - "$manage_pub"; then
    echo "$manage_key is not the private half of $manage_pub (set XEN_MANAGE_KEY)" > "$p/xentest/push.missing"
else
    v2=$out/v2
    serial=$(sed -n 's/^ *\([0-9]\{10\}\) *; serial.*/\1/p' zones/unihost.test.zone)
    mkdir -p "$v2" && cp -R site zones "$v2/" &&
    printf '\nThis page was pushed to the guest by dom0.\n' >> "$v2/site/index.md" &&
    sed -i "s/^\( *\)$serial\( *; serial\)/\1$((serial + 1))\2/" "$v2/zones/unihost.test.zone" &&
    grep -q "$((serial + 1)) *; serial" "$v2/zones/unihost.test.zone" &&
    "$CRUNCH" --quiet --site "$v2/site" --zones "$v2/zones" -o "$p/xentest/push.blob" > "$out/crunch-v2.log" 2>&1 &&
    "$CRUNCH" --quiet --site "$v2/site" --export "$v2/export" >> "$out/crunch-v2.log" 2>&1 &&
    cp "$v2/export/index.html" "$p/xentest/push-index.html" &&
    echo $((serial + 1)) > "$p/xentest/push.serial" &&
    openssl dgst -sha256 -sign "$manage_key" "$p/xentest/push.blob" | openssl base64 -A > "$p/xentest/push.sig" &&
    openssl ecparam -name prime256v1 -genkey -noout -out "$out/other-key.pem" 2>/dev/null &&
    openssl dgst -sha256 -sign "$out/other-key.pem" "$p/xentest/push.blob" | openssl base64 -A > "$p/xentest/push.badsig" ||
        { notok "payload" "cannot prepare the blob to push: $(tr '\n' ' ' < "$out/crunch-v2.log")"; exit 1; }
    [ -n "${XEN_GUEST_CMDLINE:-}" ] || guest_cmdline="$guest_cmdline --manage=192.0.2.2:8443"
    printf '%s\n' "$guest_cmdline" > "$p/xentest/guest.cmdline"
fi
# The zone as ldns reads it, one record a line, single-spaced -- the form the
# tap integration test compares dig's answers with.
if ! ldns-read-zone -z "$zonefile" > "$out/zone.raw" 2> "$out/zone.err" ||
   ! awk '!/^;/ && NF {$1=$1; print}' "$out/zone.raw" > "$p/xentest/zone" || ! [ -s "$p/xentest/zone" ]; then
    notok "payload" "ldns-read-zone -z $zonefile failed: $(tr '\n' ' ' < "$out/zone.err")"
    exit 1
fi
# The fixture guest and what it must answer: many.bulk.test's TXT records,
# over 32 KiB together (more than the guest's TCP send buffer).
if ! [ -f "$fixture_guest" ]; then
    echo "$fixture_guest is missing (make $BUILD/tests/unihost-fixture.xen)" > "$p/xentest/fixture.missing"
else
    bulk=tests/fixtures/zones/bulk.test.zone
    if ! cp "$fixture_guest" "$p/xentest/fixture.xen" ||
       ! ldns-read-zone -z "$bulk" 2> "$out/bulk.err" |
         awk '$1 == "many.bulk.test." && $4 == "TXT"' | wc -l > "$p/xentest/fixture.many" ||
       [ "$(cat "$p/xentest/fixture.many")" -lt 200 ]; then
        notok "payload" "cannot prepare the fixture guest's checks ($bulk: $(tr '\n' ' ' < "$out/bulk.err"))"
        exit 1
    fi
fi
# The ACME guest and Pebble's listener certificate: for ca.test and dom0's
# bridge address, signed by the test CA whose root the guest has built in
# (the guest checks Pebble's HTTPS against it, as --acme-ca on tap).
acme_ca_key=$(dirname "$acme_ca")/ca.key
if ! [ -f "$acme_guest" ]; then
    echo "$acme_guest is missing (make $BUILD/tests/unihost-acme.xen)" > "$p/xentest/acme.missing"
elif ! [ -r "$acme_ca" ] || ! [ -r "$acme_ca_key" ]; then
    echo "the test CA $acme_ca or its key $acme_ca_key is missing (make $BUILD/tests/unihost-acme.xen)" > "$p/xentest/acme.missing"
else
    printf 'subjectAltName=DNS:ca.test,IP:192.0.2.1\nextendedKeyUsage=serverAuth\n' > "$out/pebble.ext"
    if ! openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -subj /CN=ca.test \
             -keyout "$p/xentest/pebble-key.pem" -out "$out/pebble.csr" > "$out/pebble-cert.log" 2>&1 ||
       ! openssl x509 -req -in "$out/pebble.csr" -CA "$acme_ca" -CAkey "$acme_ca_key" -CAcreateserial \
             -CAserial "$out/pebble.srl" -days 2 -extfile "$out/pebble.ext" -out "$p/xentest/pebble-cert.pem" \
             >> "$out/pebble-cert.log" 2>&1 ||
       ! cp "$acme_ca" "$p/xentest/acme-ca.pem" || ! cp "$acme_guest" "$p/xentest/acme.xen"; then
        notok "payload" "cannot prepare the ACME checks: $(tr '\n' ' ' < "$out/pebble-cert.log")"
        exit 1
    fi
fi
# The home page as crunch renders it: the body curl must get byte for byte.
if ! "$CRUNCH" --quiet --site site --export "$out/site" > "$out/crunch.log" 2>&1 ||
   ! cp "$out/site/index.html" "$p/xentest/index.html"; then
    notok "payload" "crunch --export of site/ failed: $(tr '\n' ' ' < "$out/crunch.log")"
    exit 1
fi
# Linux unpacks concatenated archives in order, later files replacing earlier
# ones: the small payload goes after the big dom0 archive in one initrd.
if ! (cd "$p" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$out/payload.cpio.gz" ||
   ! cat "$dom0/dom0.cpio.gz" "$out/payload.cpio.gz" > "$out/initrd.img"; then
    notok "payload" "cannot pack $out/initrd.img"
    exit 1
fi
echo "# guest $guest ($(wc -c < "$guest") bytes), memory $memory MiB, cmdline '$guest_cmdline', ready line '$ready'"

# ---- boot Xen in QEMU ---------------------------------------------------------------------
# TCG: /dev/kvm here is paravirtual and cannot run Xen. qemu64 with SVM and NPT
# gives Xen HVM with HAP, which PVH guests need (-cpu max crashes dom0); with
# RDRAND, which Xen passes through to the guest for its TLS keys. No
# Xen "noreboot": if dom0 dies, Xen reboots and -no-reboot ends QEMU at once.
# Commas separate multiboot modules in -initrd, so dom0's command line has none.
t=$(date +%s)
timeout "$qemu_timeout" qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt,+rdrand -m 2048 -smp 2 \
    -nographic -no-reboot -net none \
    -kernel "$dom0/xen" \
    -append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all" \
    -initrd "$dom0/vmlinuz console=hvc0 earlyprintk=xen panic=-1 XENTEST_MEMORY=$memory,$out/initrd.img" \
    < /dev/null > "$out/qemu.log" 2>&1
status=$?
secs=$(( $(date +%s) - t ))
echo "# QEMU ran $secs s (exit status $status; 124 means killed at the $qemu_timeout s bound); log: $out/qemu.log"

# ---- dom0's report -> TAP-like lines -----------------------------------------------------
tr -d '\r' < "$out/qemu.log" > "$out/qemu.txt"
awk '
    /^----- guest console/, /^----- end of guest output/ { print "# " $0; next }
    /XENTEST PASS / { sub(/.*XENTEST PASS /, ""); print "ok - xen: " $0; next }
    /XENTEST FAIL / { sub(/.*XENTEST FAIL /, ""); print "not ok - xen: " $0; next }
    /XENTEST INFO / { sub(/.*XENTEST INFO /, ""); print "# " $0; next }
' "$out/qemu.txt"
if ! grep -q 'XENTEST DONE' "$out/qemu.txt"; then
    echo "# last lines of $out/qemu.log:"
    tail -n 40 "$out/qemu.txt" | sed 's/^/#   /'
    notok "dom0 finished" "no XENTEST DONE from dom0 (QEMU exit status $status after $secs s)"
    exit 1
fi
grep -q 'XENTEST FAIL ' "$out/qemu.txt" && exit 1
exit 0
