#!/usr/bin/env python3
"""NIST CAVP vectors for P-256, from Debian's python3-cryptography-vectors,
as plain lines for tests/unit/test_nist_p256.c (read through a pipe at test
time, so the vectors are never copied into the tree):

  siggen HASH MSG D QX QY K R S     FIPS 186-3 SigGen.txt (with d and k)
  sigver HASH MSG QX QY R S P|F     FIPS 186-3 SigVer.rsp
  keypair D QX QY                   FIPS 186-3 KeyPair.rsp
  pkv QX QY P|F                     FIPS 186-3 PKV.rsp (public key validation)
  kas DSCAVS QCAVSX QCAVSY DSIUT QIUTX QIUTY Z P|F
                                    KAS ECC ZZOnly validity tests (init and resp)
  files N                           the last line: how many files were read

Only P-256 sections are written. Exits 1, saying why on stderr, when the
package is not installed: the caller reports that as a failure.
Standard library only.
"""
import os
import re
import sys

ROOTS = [
    "/usr/lib/python3/dist-packages/cryptography_vectors",   # Debian's location
]


def find_root():
    # CAVP_VECTORS names another copy (or, set to a missing directory, shows
    # that a missing package fails the test).
    if "CAVP_VECTORS" in os.environ:
        root = os.environ["CAVP_VECTORS"]
        return root if os.path.isdir(os.path.join(root, "asymmetric", "ECDSA")) else None
    for root in ROOTS:
        if os.path.isdir(os.path.join(root, "asymmetric", "ECDSA")):
            return root
    try:   # elsewhere on this python's path (a pip install, another layout)
        import cryptography_vectors  # noqa: F401  (data only)
        return os.path.dirname(cryptography_vectors.__file__)
    except ImportError:
        return None


def sections(path):
    """Yields (section header, [record dict]) for each [..] section; a record
    is a run of KEY = VALUE lines ended by a blank line or a new section."""
    header, records, rec = None, [], {}
    with open(path, encoding="ascii", errors="replace") as f:
        for raw in f:
            line = raw.strip()
            if line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                if rec:
                    records.append(rec)
                    rec = {}
                # A run of headers ([P-256] [B.4.2 ...]) starts one section,
                # named by all of them.
                if header is not None and not records:
                    header += line
                else:
                    if header is not None:
                        yield header, records
                    header, records = line, []
                continue
            m = re.match(r"^(\w+)\s*=\s*(.*)$", line)
            if m:
                key, value = m.group(1), m.group(2).strip()
                if key in rec:             # a new record without a blank line between
                    records.append(rec)
                    rec = {}
                rec[key] = value
            elif not line and rec:
                records.append(rec)
                rec = {}
    if rec:
        records.append(rec)
    if header is not None:
        yield header, records


def verdict(result):
    return result.strip()[:1]      # "P (0 )" -> "P", "F (2 - R changed)" -> "F"


def main():
    root = find_root()
    if root is None:
        sys.stderr.write("python3-cryptography-vectors is not installed (tools/deps.sh installs it)\n")
        return 1
    ecdsa = os.path.join(root, "asymmetric", "ECDSA", "FIPS_186-3")
    ecdh = os.path.join(root, "asymmetric", "ECDH")
    out, files = [], 0

    def sha(header):
        m = re.match(r"^\[P-256,(SHA-\d+)\]", header)
        return m.group(1) if m else None

    files += 1
    for header, records in sections(os.path.join(ecdsa, "SigGen.txt")):
        h = sha(header)
        for r in records if h else []:
            out.append("siggen %s %s %s %s %s %s %s %s" % (h, r["Msg"], r["d"], r["Qx"], r["Qy"], r["k"], r["R"], r["S"]))
    files += 1
    for header, records in sections(os.path.join(ecdsa, "SigVer.rsp")):
        h = sha(header)
        for r in records if h else []:
            out.append("sigver %s %s %s %s %s %s %s" % (h, r["Msg"], r["Qx"], r["Qy"], r["R"], r["S"], verdict(r["Result"])))
    files += 1
    for header, records in sections(os.path.join(ecdsa, "KeyPair.rsp")):
        if header.startswith("[P-256]"):
            for r in records:
                if "d" in r:
                    out.append("keypair %s %s %s" % (r["d"], r["Qx"], r["Qy"]))
    files += 1
    for header, records in sections(os.path.join(ecdsa, "PKV.rsp")):
        if header.startswith("[P-256]"):
            for r in records:
                out.append("pkv %s %s %s" % (r["Qx"], r["Qy"], verdict(r["Result"])))
    for name in ("KASValidityTest_ECCStaticUnified_NOKC_ZZOnly_init.fax",
                 "KASValidityTest_ECCStaticUnified_NOKC_ZZOnly_resp.fax"):
        files += 1
        for header, records in sections(os.path.join(ecdh, name)):
            if header.startswith("[EC - "):       # EC is the P-256 parameter set
                for r in records:
                    if "dsIUT" in r:
                        out.append("kas %s %s %s %s %s %s %s %s" % (
                            r["dsCAVS"], r["QsCAVSx"], r["QsCAVSy"], r["dsIUT"], r["QsIUTx"], r["QsIUTy"],
                            r["Z"], verdict(r["Result"])))
    out.append("files %d" % files)
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
