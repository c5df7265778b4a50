#!/bin/sh
# The constant-time check (make check): each case of build/tests/ct_check
# runs under valgrind's memcheck with its secrets marked undefined, and
# every report of a branch or an address computed from a secret fails the
# case unless tests/ct/allow.list names that statement (with its reason).
# Then the self-check: a deliberately leaky function must draw both kinds
# of report, and its constant-time twin none, so that a check that went
# blind fails too. Prints "ok -"/"not ok -" lines; the reports as "# ".
#   CT_ROUNDS=N   secrets per case (default 3: each round is new secrets)
set -u
BUILD=${BUILD:-build}
prog=$BUILD/tests/ct_check
allow=tests/ct/allow.list
rounds=${CT_ROUNDS:-3}

if ! command -v valgrind > /dev/null 2>&1; then
    echo "not ok - ct: valgrind is not installed (tools/deps.sh installs it)"
    exit 1
fi
if [ ! -x "$prog" ]; then
    echo "not ok - ct: $prog is not built (make check builds it)"
    exit 1
fi
failed=0
fail() { failed=$((failed + 1)); }
log=$(mktemp)
verdicts=$(mktemp)
trap 'rm -f "$log" "$verdicts"' EXIT

# vg CASE [ROUNDS]: runs it; $log has valgrind's reports, $verdicts one
# line per report: "allowed N FUNC FILE:LINE" or "report KIND FUNC FILE:LINE: SOURCE".
vg() {
    valgrind --tool=memcheck -q --error-exitcode=99 --leak-check=no --track-origins=yes \
        --fullpath-after= --num-callers=40 --read-inline-info=yes "$prog" "$@" > "$log" 2>&1
    status=$?
    awk -v allow="$allow" '
        function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
        BEGIN {
            n = 0
            while ((getline line < allow) > 0) {
                if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
                k = split(line, f, / ## /)
                if (k < 4) { print "badallow " line; continue }
                n++; afun[n] = trim(f[1]); atext[n] = trim(f[2]); acaller[n] = trim(f[3])
            }
            close(allow)
        }
        function source_line(file, no,    i, l, text) {
            text = ""
            for (i = 1; i <= no && (getline l < file) > 0; i++)
                if (i == no) text = l
            close(file)
            return trim(text)
        }
        function finish(    i, base, text, ok) {
            if (kind == "") return
            base = topfun; sub(/\..*$/, "", base)           # leaky_lookup.constprop.0 -> leaky_lookup
            text = source_line(topfile, topline)
            ok = 0
            for (i = 1; i <= n && !ok; i++)
                if (afun[i] == base && (atext[i] == "*" || index(text, atext[i]) > 0) &&
                    (acaller[i] == "-" || index(stack, " " acaller[i] " ") > 0))
                    ok = i
            if (ok) print "allowed " ok " " base " " topfile ":" topline
            else print "report " kind " " base " " topfile ":" topline ": " text
            kind = ""
        }
        /Conditional jump or move depends on uninitialised/ { finish(); kind = "branch"; frames = 0; stack = " "; next }
        /Use of uninitialised value of size/                { finish(); kind = "address"; frames = 0; stack = " "; next }
        /Syscall param .* uninitialised|uninitialised byte/ { finish(); kind = "syscall"; frames = 0; stack = " "; next }
        /Uninitialised value was created/                   { if (kind != "") collecting = 0; next }
        kind != "" && /^==[0-9]+==    (at|by) 0x/ {
            if (frames == 0) collecting = 1
            if (!collecting) next
            # "at 0x1234: func (/path/file.c:12)"
            line = $0; sub(/^==[0-9]+==    (at|by) 0x[0-9A-Fa-f]+: /, "", line)
            fn = line; sub(/ .*$/, "", fn)
            loc = line; sub(/^[^(]*\(/, "", loc); sub(/\)$/, "", loc)
            if (frames == 0) {
                topfun = fn
                topfile = loc; sub(/:[0-9]+$/, "", topfile)
                topline = loc; sub(/^.*:/, "", topline); topline += 0
            }
            base = fn; sub(/\..*$/, "", base)
            stack = stack base " "
            frames++
            next
        }
        END { finish() }
    ' "$log" > "$verdicts"
}

show_reports() {
    grep '^report\|^badallow' "$verdicts" | sed 's/^/# /'
    sed 's/^/#   /' "$log" | head -n 60
}

for c in $("$prog" list); do
    case $c in selfcheck_*) continue ;; esac
    vg "$c" "$rounds"
    reports=$(grep -c '^report\|^badallow' "$verdicts")
    allowed=$(grep -c '^allowed' "$verdicts")
    used=$(grep '^allowed' "$verdicts" | awk '{print $2}' | sort -un | tr '\n' ' ' | sed 's/ $//')
    if [ "$status" -ne 0 ] && [ "$status" -ne 99 ]; then
        sed 's/^/# /' "$log"
        fail; echo "not ok - ct: $c: ct_check exited with status $status (its own result checks failed)"
    elif [ "$reports" -ne 0 ] || { [ "$status" -eq 99 ] && [ "$allowed" -eq 0 ]; }; then
        show_reports
        fail; echo "not ok - ct: $c: $reports secret-dependent branch(es) or address(es) outside $allow"
    else
        echo "ok - ct: $c under memcheck, $rounds rounds of secrets: no secret-dependent branch or address${used:+ but allow.list's entries $used}"
    fi
done

# The self-check: the check must see a leak when there is one.
vg selfcheck_leaky
addr=$(grep -c '^report address leaky_lookup' "$verdicts")
branch=$(grep -c '^report branch leaky_lookup' "$verdicts")
if [ "$status" -eq 99 ] && [ "$addr" -ge 1 ] && [ "$branch" -ge 1 ]; then
    echo "ok - ct: self-check: memcheck reports leaky_lookup's secret index ($addr) and secret branch ($branch)"
else
    sed 's/^/#   /' "$log"
    fail; echo "not ok - ct: self-check: a deliberately leaky function went unreported (status $status, $addr index, $branch branch reports)"
fi
vg selfcheck_clean
if [ "$status" -eq 0 ] && [ ! -s "$verdicts" ]; then
    echo "ok - ct: self-check: the same lookup done with masks draws no report"
else
    show_reports
    fail; echo "not ok - ct: self-check: a constant-time lookup was reported (status $status)"
fi
[ "$failed" -eq 0 ]
