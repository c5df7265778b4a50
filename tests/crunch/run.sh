#!/bin/sh
# Tests of tools/crunch: every bad fixture under tests/crunch/bad/<case>/
# must fail with exit status 1, print each line of its `expect` file (with
# @DIR@ standing for the fixture directory) as part of a "FILE:LINE: message"
# diagnostic, and write nothing; every fixture under tests/crunch/warn/<case>/
# must compile (exit status 0, the blob written) while printing on stderr
# exactly the lines of its `expect` file, each a "FILE:LINE: warning: message"
# diagnostic, with --quiet too; the good fixture under tests/crunch/good/
# must compile, export what it publishes, and build a blob that the reader
# accepts (checked in depth by tests/crunch/blob_check.c, built by make check).
#
# Usage: tests/crunch/run.sh   (env CRUNCH, default build/crunch;
#                               env TEST_CRUNCH_BLOB, default $BUILD/tests/crunch_blob_check)
# Prints one "ok - NAME" or "not ok - NAME: why" line per test, and
# diagnostics prefixed with "# "; exits 0 if all passed, 1 otherwise.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
crunch=${CRUNCH:-build/crunch}
blob_test=${TEST_CRUNCH_BLOB:-${BUILD:-build}/tests/crunch_blob_check}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/crunch-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0

ok() { echo "ok - $1"; }
not_ok() {
    echo "not ok - $1: $2"
    failed=1
}
# Shows a file's lines as "# " diagnostics.
show() { sed 's/^/# /' "$1"; }

if [ ! -x "$crunch" ]; then
    not_ok "crunch binary" "$crunch is not built"
    exit 1
fi

# Arguments naming the inputs of a fixture directory.
inputs_of() {
    args=""
    [ -d "$1/site" ] && args="$args --site $1/site"
    [ -d "$1/zones" ] && args="$args --zones $1/zones"
    echo "$args"
}

# ---- bad inputs ------------------------------------------------------------
for case_dir in tests/crunch/bad/*/; do
    case_dir=${case_dir%/}
    name=${case_dir##*/}
    out="$tmp/$name"
    mkdir -p "$out"
    # shellcheck disable=SC2046
    "$crunch" $(inputs_of "$case_dir") -o "$out/content.blob" --export "$out/export" \
        >"$out/stdout" 2>"$out/stderr"
    status=$?
    why=""
    if [ "$status" -ne 1 ]; then
        why="exit status $status, expected 1"
    elif [ -e "$out/content.blob" ] || [ -e "$out/content.blob.tmp" ]; then
        why="wrote an output blob despite errors"
    elif [ -e "$out/export" ]; then
        why="exported files despite errors"
    elif [ -s "$out/stdout" ]; then
        why="printed to stdout on failure"
    else
        while IFS= read -r expected || [ -n "$expected" ]; do
            [ -n "$expected" ] || continue
            line=$(printf '%s\n' "$expected" | sed "s|@DIR@|$case_dir|g")
            if ! grep -qF -- "$line" "$out/stderr"; then
                why="stderr lacks: $line"
                break
            fi
        done <"$case_dir/expect"
        # Every diagnostic names a file (and a line, except for directories).
        if [ -z "$why" ] && grep -v '^crunch: ' "$out/stderr" | grep -qv "^$case_dir/[^:]*\(:[0-9][0-9]*\)\{0,1\}: "; then
            why="a diagnostic is not in FILE:LINE: form"
        fi
    fi
    if [ -n "$why" ]; then
        not_ok "bad input $name" "$why"
        show "$out/stderr"
    else
        ok "bad input $name"
    fi
done

# ---- inputs that warn ----------------------------------------------------------
# Warnings are printed but do not fail the build.
for case_dir in tests/crunch/warn/*/; do
    [ -d "$case_dir" ] || continue
    case_dir=${case_dir%/}
    name=${case_dir##*/}
    out="$tmp/warn-$name"
    mkdir -p "$out"
    sed "s|@DIR@|$case_dir|g" "$case_dir/expect" | grep -v '^$' >"$out/expected"
    # shellcheck disable=SC2046
    "$crunch" $(inputs_of "$case_dir") -o "$out/content.blob" >"$out/stdout" 2>"$out/stderr"
    status=$?
    # shellcheck disable=SC2046
    "$crunch" --quiet $(inputs_of "$case_dir") -o "$out/quiet.blob" >"$out/quiet.stdout" 2>"$out/quiet.stderr"
    quiet_status=$?
    why=""
    if [ "$status" -ne 0 ]; then
        why="exit status $status, expected 0"
    elif [ ! -s "$out/content.blob" ] || [ -e "$out/content.blob.tmp" ]; then
        why="no output blob"
    elif ! grep -q '^crunch: .* -> .*content\.blob' "$out/stdout"; then
        why="no summary line on stdout"
    elif grep -v "^$case_dir/[^:]*:[0-9][0-9]*: warning: " "$out/stderr" | grep -q .; then
        why="a line on stderr is not a FILE:LINE: warning: diagnostic"
    elif ! cmp -s "$out/stderr" "$out/expected"; then
        why="stderr differs from the expected warnings (in order)"
    elif [ "$quiet_status" -ne 0 ] || [ ! -s "$out/quiet.blob" ]; then
        why="--quiet: exit status $quiet_status or no blob"
    elif [ -s "$out/quiet.stdout" ] || ! cmp -s "$out/quiet.stderr" "$out/expected"; then
        why="--quiet: printed to stdout, or other warnings"
    fi
    if [ -n "$why" ]; then
        not_ok "warning input $name" "$why"
        show "$out/stderr"
    else
        ok "warning input $name"
    fi
done

# A failing run leaves an existing output file untouched.
printf 'old\n' >"$tmp/keep.blob"
"$crunch" --zones tests/crunch/bad/zone-syntax/zones -o "$tmp/keep.blob" 2>/dev/null
if [ "$(cat "$tmp/keep.blob")" = old ] && [ ! -e "$tmp/keep.blob.tmp" ]; then
    ok "failing run keeps the previous output"
else
    not_ok "failing run keeps the previous output" "output file changed"
fi

# ---- usage -------------------------------------------------------------------
check_usage() {
    name=$1 expected=$2
    shift 2
    "$crunch" "$@" >"$tmp/usage.out" 2>"$tmp/usage.err"
    status=$?
    if [ "$status" -eq "$expected" ]; then
        ok "usage: $name"
    else
        not_ok "usage: $name" "exit status $status, expected $expected"
        show "$tmp/usage.err"
    fi
}
check_usage "no arguments" 2
check_usage "no output given" 2 --site tests/crunch/good/site
check_usage "no input given" 2 -o "$tmp/x.blob"
check_usage "unknown option" 2 --bogus -o "$tmp/x.blob"
check_usage "option without its argument" 2 --site
check_usage "--help" 0 --help
if grep -q '^usage: crunch' "$tmp/usage.out"; then
    ok "usage: --help prints usage on stdout"
else
    not_ok "usage: --help prints usage on stdout" "no usage line"
fi

# ---- golden directories: front matter, GFM, anchors, sitemap, feeds ------------
# Every tests/crunch/golden/<case>/ holds a site and `expect/`, the exact
# tree `crunch --export` must write for it (with the arguments of its
# optional `flags` file): each front matter field's effect, the tables,
# anchors and table of contents, the sitemap, robots.txt and feed.
# After a deliberate change of the output, regenerate a case's expect/
# with crunch (SOURCE_DATE_EPOCH does not matter to exports) and review the diff.
for case_dir in tests/crunch/golden/*/; do
    case_dir=${case_dir%/}
    name=${case_dir##*/}
    out="$tmp/golden-$name"
    flags=$(cat "$case_dir/flags" 2>/dev/null)
    # shellcheck disable=SC2086
    "$crunch" --quiet $flags --site "$case_dir/site" --export "$out" -o "$out.blob" >"$out.stdout" 2>"$out.stderr"
    status=$?
    if [ "$status" -ne 0 ]; then
        not_ok "golden $name" "exit status $status"
        show "$out.stderr"
    elif ! diff -r "$case_dir/expect" "$out" >"$out.diff" 2>&1; then
        not_ok "golden $name" "the export differs from $case_dir/expect"
        head -n 20 "$out.diff" | sed 's/^/# /'
    else
        ok "golden $name"
    fi
done
# The effects the exports cannot show.
"$crunch" --site tests/crunch/golden/fm-draft/site -o "$tmp/drafts.blob" >"$tmp/drafts.out" 2>&1
if grep -q '^crunch: 2 pages, 1 draft left out, 0 assets' "$tmp/drafts.out"; then
    ok "drafts: the summary counts the draft left out"
else
    not_ok "drafts: the summary counts the draft left out" "$(cat "$tmp/drafts.out")"
fi
# An alias is a 301 to its page in the blob's redirect table (the links to
# the alias paths in the golden fixture pass the check only because of it).
redirects=$(python3 - "$tmp/golden-fm-aliases.blob" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
# Table 7 of the directory (BLOB_TABLE_HTTP_REDIRECTS, src/content/blob_format.h):
# offset and count at 56 + 7 * 8; records of 24 bytes: from (offset,
# length), to (offset, length), status, reserved.
off, count = struct.unpack_from("<II", d, 56 + 7 * 8)
for i in range(count):
    fo, fl, to, tl, status = struct.unpack_from("<IIIII", d, off + 24 * i)
    print(d[fo:fo + fl].decode(), d[to:to + tl].decode(), status)
PY
)
if [ "$redirects" = "/moved-too /moved 301
/old/moved /moved 301" ]; then
    ok "aliases: each is a 301 to its page in the blob"
else
    not_ok "aliases: each is a 301 to its page in the blob" "$(echo "$redirects" | tr '\n' ' ')"
fi
# The sitemaps validate against the protocol's rules (tests/crunch/sitemap.xsd).
for sitemap in "$tmp"/golden-*/sitemap.xml; do
    name=${sitemap#"$tmp"/golden-}
    if xmllint --noout --schema tests/crunch/sitemap.xsd "$sitemap" >"$tmp/xmllint.out" 2>&1; then
        ok "sitemap $name validates against sitemap.xsd"
    else
        not_ok "sitemap $name validates against sitemap.xsd" "xmllint says:"
        show "$tmp/xmllint.out"
    fi
done
# The feed parses with Debian's feedparser (python3-feedparser: the
# system's python3, whatever python3 is first on PATH), without its bozo
# flag, newest entry first.
feed_check=$(/usr/bin/python3 - "$tmp/golden-feed/news/atom.xml" <<'PY' 2>&1
import sys
import feedparser
d = feedparser.parse(sys.argv[1])
dates = [e.published_parsed for e in d.entries]
print("bozo" if d.bozo else "clean", len(d.entries),
      "ordered" if dates == sorted(dates, reverse=True) else "unordered",
      d.feed.get("title"), d.entries[0].link if d.entries else "-")
PY
)
if [ "$feed_check" = "clean 3 ordered News https://news.example/news/second" ]; then
    ok "feed: feedparser reads it without bozo, 3 entries newest first"
else
    not_ok "feed: feedparser reads it without bozo, 3 entries newest first" "$feed_check"
fi

# ---- the good fixture --------------------------------------------------------
good=tests/crunch/good
epoch=1000000000
SOURCE_DATE_EPOCH=$epoch "$crunch" --site $good/site --zones $good/zones \
    -o "$tmp/good.blob" --export "$tmp/export" >"$tmp/good.out" 2>"$tmp/good.err"
status=$?
if [ "$status" -eq 0 ] && [ ! -s "$tmp/good.err" ] && [ -s "$tmp/good.blob" ] && [ ! -e "$tmp/good.blob.tmp" ]; then
    ok "good input compiles"
else
    not_ok "good input compiles" "exit status $status"
    show "$tmp/good.err"
fi
summary='^crunch: 3 pages, 4 assets, 2 zones (18 records) -> [^ ]*/good\.blob ([0-9][0-9]* bytes), [^ ]*/export/ (export) in [0-9][0-9]* ms$'
if grep -q "$summary" "$tmp/good.out" && [ "$(wc -l <"$tmp/good.out")" -eq 1 ]; then
    ok "summary line"
else
    not_ok "summary line" "unexpected stdout"
    show "$tmp/good.out"
fi
if [ "$(head -c 8 "$tmp/good.blob" 2>/dev/null)" = UNIHBLOB ]; then
    ok "blob starts with the magic"
else
    not_ok "blob starts with the magic" "bad magic"
fi

# Exactly the published files, at their URL paths.
(cd "$tmp/export" 2>/dev/null && find . -type f | sort) >"$tmp/exported"
printf '%s\n' ./css/style.css ./docs/crunch.html ./docs/index.html ./img/logo.png ./img/pattern.png ./index.html ./robots.txt \
    >"$tmp/exported.expected"
if cmp -s "$tmp/exported" "$tmp/exported.expected"; then
    ok "export: exactly the published files"
else
    not_ok "export: exactly the published files" "different file list"
    show "$tmp/exported"
fi

contains() {
    name=$1 file=$2 text=$3
    if grep -qF -- "$text" "$tmp/export/$file" 2>/dev/null; then
        ok "$name"
    else
        not_ok "$name" "$file lacks $text"
    fi
}
contains "export: page title from the first h1, HTML-escaped" index.html \
    '<title>Welcome &amp; &quot;hello&quot; - fixture</title>'
contains "export: page rendered from Markdown" index.html '<a href="/docs/crunch">docs page</a>'
contains "export: raw HTML left out" index.html '<!-- raw HTML omitted -->'
contains "export: {{path}} of the index page" index.html 'data-path="/"'
contains "export: h1 found after other content, inline markup in title dropped" docs/crunch.html \
    '<title>The crunch tool - fixture</title>'
contains "export: inline markup kept in the body" docs/crunch.html '<h1 id="the-crunch-tool">The <em>crunch</em> <code>tool</code></h1>'
contains "export: code escaped" docs/crunch.html 'code block with &lt;angle&gt; &amp; ampersand'
contains "export: {{path}} is the clean URL" docs/crunch.html 'data-path="/docs/crunch"'
contains "export: {{path}} of a directory index" docs/index.html 'data-path="/docs/"'
if cmp -s "$tmp/export/img/logo.png" $good/site/img/logo.png &&
    cmp -s "$tmp/export/css/style.css" $good/site/css/style.css; then
    ok "export: assets byte-identical to their sources"
else
    not_ok "export: assets byte-identical to their sources" "content differs"
fi

# Same inputs and SOURCE_DATE_EPOCH: the same bytes.
SOURCE_DATE_EPOCH=$epoch "$crunch" --quiet --site $good/site --zones $good/zones -o "$tmp/again.blob" \
    >"$tmp/quiet.out" 2>&1
if cmp -s "$tmp/good.blob" "$tmp/again.blob"; then
    ok "blob is reproducible"
else
    not_ok "blob is reproducible" "two runs differ"
fi
if [ ! -s "$tmp/quiet.out" ]; then
    ok "--quiet prints nothing"
else
    not_ok "--quiet prints nothing" "printed output"
fi

# SOURCE_DATE_EPOCH clamps file times: two checkouts of the same sources,
# made at different times after the epoch, give the same bytes; a file older
# than the epoch keeps its own time (its Last-Modified).
for copy in a b; do
    rm -rf "$tmp/co-$copy"
    cp -R $good "$tmp/co-$copy"
done
find "$tmp/co-a" -exec touch -d '@1700000000' {} +
find "$tmp/co-b" -exec touch -d '@1800000000' {} +
touch -d '@900000000' "$tmp/co-a/site/robots.txt" "$tmp/co-b/site/robots.txt"
for copy in a b; do
    SOURCE_DATE_EPOCH=$epoch "$crunch" --quiet --site "$tmp/co-$copy/site" --zones "$tmp/co-$copy/zones" \
        -o "$tmp/co-$copy.blob" >/dev/null 2>&1
done
if [ -s "$tmp/co-a.blob" ] && cmp -s "$tmp/co-a.blob" "$tmp/co-b.blob"; then
    ok "SOURCE_DATE_EPOCH: checkouts at different times give the same blob"
else
    not_ok "SOURCE_DATE_EPOCH: checkouts at different times give the same blob" "the blobs differ"
fi
# mtime of each HTTP file record (mtime at 48; 72-byte records in format versions 2 to 5, 88 from 6)
mtimes=$(python3 - "$tmp/co-a.blob" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, count = struct.unpack_from("<II", d, 56)
for i in range(count):
    r = off + 88 * i
    poff, plen = struct.unpack_from("<II", d, r)
    print(d[poff:poff + plen].decode(), struct.unpack_from("<Q", d, r + 48)[0])
PY
)
want_mtimes="/css/style.css $epoch
/docs/crunch.html $epoch
/docs/index.html $epoch
/img/logo.png $epoch
/img/pattern.png $epoch
/index.html $epoch
/robots.txt 900000000"
if [ "$mtimes" = "$want_mtimes" ]; then
    ok "SOURCE_DATE_EPOCH: newer times clamped to it, an older file keeps its own"
else
    not_ok "SOURCE_DATE_EPOCH: newer times clamped to it, an older file keeps its own" "$(echo "$mtimes" | tr '\n' ' ')"
fi

# ---- --dev: the live-reload loop's blob (tools/crunch/dev_reload.h) ----------
# The directory's flags word: after 14 tables of 8 bytes and `created`.
blob_flags() {
    python3 -c 'import struct, sys; d = open(sys.argv[1], "rb").read(); print(struct.unpack_from("<I", d, 56 + 14 * 8 + 8)[0])' "$1" 2>/dev/null
}
SOURCE_DATE_EPOCH=$epoch "$crunch" --dev --site $good/site --zones $good/zones \
    -o "$tmp/dev.blob" --export "$tmp/dev-export" >"$tmp/dev.out" 2>"$tmp/dev.err"
status=$?
if [ "$status" -eq 0 ] && [ "$(blob_flags "$tmp/dev.blob")" = 1 ] && [ "$(blob_flags "$tmp/good.blob")" = 0 ]; then
    ok "--dev: the blob has the development flag; without --dev it has none"
else
    not_ok "--dev: the blob has the development flag; without --dev it has none" \
        "status $status, flags $(blob_flags "$tmp/dev.blob") and $(blob_flags "$tmp/good.blob")"
    show "$tmp/dev.err"
fi
# Brotli is left out of a development blob (http_emit.h): the count of
# files with a brotli body (88-byte file records, br_body's length at 76).
brotli_files() {
    python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read()
off, count = struct.unpack_from("<II", d, 56)
print(sum(1 for i in range(count) if struct.unpack_from("<I", d, off + 88 * i + 76)[0] > 0))' "$1" 2>/dev/null
}
dev_br=$(brotli_files "$tmp/dev.blob")
good_br=$(brotli_files "$tmp/good.blob")
if [ "$dev_br" = 0 ] && [ "${good_br:-0}" -gt 0 ]; then
    ok "--dev: no brotli variants (the loop recrunches on every save); $good_br without --dev"
else
    not_ok "--dev: no brotli variants; some without --dev" "$dev_br with --dev, $good_br without"
fi
tag='<script src="/.unihost/live.js" data-build="'
pages=$(find "$tmp/dev-export" -name '*.html' | wc -l)
tagged=$(find "$tmp/dev-export" -name '*.html' -exec grep -lF "$tag" {} + 2>/dev/null | wc -l)
if [ "$pages" -eq 3 ] && [ "$tagged" -eq "$pages" ] && grep -qF 'new EventSource("/.unihost/live")' "$tmp/dev-export/.unihost/live.js" &&
    grep -q "$tag"'[0-9a-f]\{32\}"></script>$' "$tmp/dev-export/index.html" &&
    grep -A1 -F "$tag" "$tmp/dev-export/index.html" | grep -q '</body>'; then
    ok "--dev: every page loads the live-reload script, just before </body>, and the script is published"
else
    not_ok "--dev: every page loads the live-reload script, just before </body>, and the script is published" \
        "$tagged of $pages pages"
fi
if ! grep -rqF "<script src=\"/.unihost/" "$tmp/export" && [ ! -e "$tmp/export/.unihost" ]; then
    ok "without --dev: no page names the script and it is not published"
else
    not_ok "without --dev: no page names the script and it is not published" "found in $tmp/export"
fi
# The build identity: the same site gives the same one (a rebuild of an
# unchanged site reloads no page), a changed page another.
build_id() {
    python3 -c 'import sys; print(open(sys.argv[1], "rb").read()[184:200].hex())' "$1" 2>/dev/null
}
"$crunch" --quiet --dev --site $good/site -o "$tmp/dev-again.blob" 2>/dev/null
rm -rf "$tmp/dev-changed" && cp -R $good "$tmp/dev-changed"
echo 'One more line.' >> "$tmp/dev-changed/site/docs/crunch.md"
"$crunch" --quiet --dev --site "$tmp/dev-changed/site" -o "$tmp/dev-changed.blob" 2>/dev/null
id=$(build_id "$tmp/dev.blob")
if [ "$id" != 00000000000000000000000000000000 ] && [ "$id" = "$(build_id "$tmp/dev-again.blob")" ] &&
    [ "$id" != "$(build_id "$tmp/dev-changed.blob")" ] && grep -q "data-build=\"$id\"" "$tmp/dev-export/index.html" &&
    [ "$(build_id "$tmp/good.blob")" = 00000000000000000000000000000000 ]; then
    ok "--dev: the build identity in the blob is the pages', the same for the same site, another for a change"
else
    not_ok "--dev: the build identity in the blob is the pages', the same for the same site, another for a change" \
        "$id, $(build_id "$tmp/dev-again.blob"), $(build_id "$tmp/dev-changed.blob")"
fi
# A broken link with --dev: the messages as without it, and the error page
# written in place of the site (the status still 1).
rm -rf "$tmp/dev-bad" && cp -R $good "$tmp/dev-bad"
printf '\n[gone](/no-such-page)\n' >> "$tmp/dev-bad/site/index.md"
line=$(wc -l < "$tmp/dev-bad/site/index.md")
"$crunch" --dev --site "$tmp/dev-bad/site" --zones "$tmp/dev-bad/zones" -o "$tmp/dev-bad.blob" \
    --export "$tmp/dev-bad-export" >"$tmp/dev-bad.out" 2>"$tmp/dev-bad.err"
status=$?
where="$tmp/dev-bad/site/index.md:$line: link to /no-such-page, which the site does not publish"
if [ "$status" -eq 1 ] && grep -qF "$where" "$tmp/dev-bad.err"; then
    ok "--dev: a broken link fails as without it, FILE:LINE on stderr"
else
    not_ok "--dev: a broken link fails as without it, FILE:LINE on stderr" "status $status"
    show "$tmp/dev-bad.err"
fi
if [ "$(blob_flags "$tmp/dev-bad.blob")" = 1 ] && [ ! -e "$tmp/dev-bad-export" ] &&
    "$crunch" --quiet --dev --site "$tmp/dev-bad/site" -o "$tmp/dev-bad.blob" 2>/dev/null; [ $? -eq 1 ] &&
    grep -aqF "$where" "$tmp/dev-bad.blob" && grep -aqF "$tag" "$tmp/dev-bad.blob"; then
    ok "--dev: the error page's blob is written (messages, live-reload script), nothing exported"
else
    not_ok "--dev: the error page's blob is written (messages, live-reload script), nothing exported" \
        "flags $(blob_flags "$tmp/dev-bad.blob")"
fi
zone_count() {
    python3 -c 'import struct, sys; print(struct.unpack_from("<I", open(sys.argv[1], "rb").read(), 56 + 8 + 4)[0])' "$1" 2>/dev/null
}
"$crunch" --dev --site "$tmp/dev-bad/site" --zones "$tmp/dev-bad/zones" -o "$tmp/dev-bad.blob" >/dev/null 2>&1
zones_kept=$(zone_count "$tmp/dev-bad.blob")
cp -R "$tmp/dev-bad" "$tmp/dev-bad-zone"
echo 'oops IN TXT' >> "$tmp/dev-bad-zone/zones/$(ls "$tmp/dev-bad-zone/zones" | grep '\.zone$' | head -n 1)"
"$crunch" --dev --site "$tmp/dev-bad-zone/site" --zones "$tmp/dev-bad-zone/zones" -o "$tmp/dev-bad-zone.blob" >/dev/null 2>&1
if [ "$zones_kept" = "$(zone_count "$tmp/good.blob")" ] && [ "$zones_kept" -gt 0 ] &&
    [ "$(zone_count "$tmp/dev-bad-zone.blob")" = 0 ] && [ "$(blob_flags "$tmp/dev-bad-zone.blob")" = 1 ]; then
    ok "--dev: the error page's blob keeps the zones when they have no error, and has none when they have"
else
    not_ok "--dev: the error page's blob keeps the zones when they have no error, and has none when they have" \
        "zones: $zones_kept, $(zone_count "$tmp/dev-bad-zone.blob")"
fi
"$crunch" --site "$tmp/dev-bad/site" -o "$tmp/prod-bad.blob" >/dev/null 2>&1
if [ ! -e "$tmp/prod-bad.blob" ]; then
    ok "without --dev: a broken link writes nothing, error page neither"
else
    not_ok "without --dev: a broken link writes nothing, error page neither" "$tmp/prod-bad.blob exists"
fi

# The deep checks of the blob, with the reader the unikernel uses.
if [ -x "$blob_test" ]; then
    "$blob_test" "$tmp/good.blob" "$epoch" "$good/site" >"$tmp/blob_test.out" 2>&1
    status=$?
    grep -E '^(ok|not ok) - ' "$tmp/blob_test.out"
    grep -vE '^(ok|not ok) - ' "$tmp/blob_test.out" | sed 's/^\(# \)\{0,1\}/# /'
    if [ "$status" -ne 0 ] && ! grep -q '^not ok - ' "$tmp/blob_test.out"; then
        not_ok "blob: deep checks" "$blob_test exited with status $status"
    fi
    [ "$status" -eq 0 ] || failed=1
else
    not_ok "blob: deep checks" "$blob_test is not built (make check builds it)"
fi

exit $failed
