#!/bin/sh
# Integration test: unihost's HTTP service with the embedded content blob
# (built from site/), in a network namespace. Every expected body comes from
# `crunch --site site --export DIR`: each exported file must be served
# byte-identical, with the right headers; its gzip and brotli
# representations must decode (gzip -d, brotli -d) to those bytes.
UH_TEST=http
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
for tool in curl gzip brotli bash timeout python3; do
    command -v "$tool" > /dev/null || { notok "tools" "$tool is not installed"; exit 1; }
done

uh_setup "uh-http-$$" "uhhttp$$"

SITE=$UH_TMP/site
if ! "$CRUNCH" --quiet --site site --export "$SITE" > "$UH_TMP/crunch.log" 2>&1; then
    notok "crunch --export" "$(tr '\n' ' ' < "$UH_TMP/crunch.log")"
    exit 1
fi
(cd "$SITE" && find . -type f | sed 's|^\./||' | sort) > "$UH_TMP/files"
echo "# exported $(wc -l < "$UH_TMP/files") files"
check "crunch exported index.html and 404.html" "missing in the export" \
    [ -f "$SITE/index.html" -a -f "$SITE/404.html" ]

stale=$(find site -type f -newer "$UNIHOST" 2>/dev/null | head -n 3 | tr '\n' ' ')
[ -z "$stale" ] || echo "# note: $stale(in site/) changed after $UNIHOST was built: its embedded blob may be stale (run make)"
if uh_start; then ok "unihost starts and is ready"; else notok "unihost starts and is ready" "see the log above"; exit 1; fi

BASE=http://$UNIHOST_GUEST4
H=$UH_TMP/hdr
B=$UH_TMP/body

# get URL [curl options...]: response headers in $H (CR removed), body in $B
get() {
    _u=$1
    shift
    rm -f "$H" "$B"
    if ! uh_alive "$UH_PID"; then
        echo "unihost is not running" > "$UH_TMP/curl.err"
        : > "$H"; : > "$B"
        return 1
    fi
    nsx curl -sS -m 5 -g -D "$H.raw" -o "$B" "$@" "$_u" > "$UH_TMP/curl.err" 2>&1 < /dev/null
    _rc=$?
    tr -d '\r' < "$H.raw" > "$H" 2>/dev/null
    rm -f "$H.raw"
    [ -f "$B" ] || : > "$B"
    [ "$_rc" -eq 0 ] || echo "# curl $_u failed ($_rc): $(tr '\n' ' ' < "$UH_TMP/curl.err")"
    return $_rc
}
status() { awk 'NR == 1 {print $2}' "$H"; }
# hval NAME: the value of response header NAME in $H
hval() { awk -v h="$1" 'index($0, ":") && tolower(substr($0, 1, index($0, ":") - 1)) == tolower(h) {
    v = substr($0, index($0, ":") + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); print v }' "$H"; }
hcount() { hval "$1" | wc -l; }
fsize() { wc -c < "$1" | tr -d ' '; }

# The media type a file should be served with, from its extension.
want_type() {
    case $1 in
    *.html|*.htm) echo "text/html; charset=utf-8" ;;
    *.css) echo "text/css; charset=utf-8" ;;
    *.js|*.mjs) echo "text/javascript" ;;
    *.json) echo "application/json" ;;
    *.txt) echo "text/plain; charset=utf-8" ;;
    *.xml) echo "application/xml" ;;
    *.svg) echo "image/svg+xml" ;;
    *.png) echo "image/png" ;;
    *.jpg|*.jpeg) echo "image/jpeg" ;;
    *.gif) echo "image/gif" ;;
    *.webp) echo "image/webp" ;;
    *.ico) echo "image/x-icon" ;;
    *.woff2) echo "font/woff2" ;;
    *.woff) echo "font/woff" ;;
    *.pdf) echo "application/pdf" ;;
    esac
}
compressible() {
    case $1 in *.html|*.htm|*.css|*.js|*.mjs|*.json|*.txt|*.xml|*.svg) return 0 ;; esac
    return 1
}
# type_ok GOT WANT: same media type; for text/* also the UTF-8 charset
type_ok() {
    _g=$(echo "$1" | tr 'A-Z' 'a-z' | tr -d ' ')
    _w=$(echo "$2" | tr 'A-Z' 'a-z' | tr -d ' ')
    [ "${_g%%;*}" = "${_w%%;*}" ] || return 1
    case $_w in *charset=*) [ "$_g" = "$_w" ] ;; esac
}
HTTP_DATE='^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-6][0-9] GMT$'

# headers_problems FILE: what is wrong with the 200 headers in $H for FILE
headers_problems() {
    _f=$1
    _cl=$(hval Content-Length)
    [ "$(hcount Content-Length)" = 1 ] && [ "$_cl" = "$(fsize "$SITE/$_f")" ] ||
        printf 'Content-Length %s, file has %s bytes; ' "$_cl" "$(fsize "$SITE/$_f")"
    _ct=$(hval Content-Type)
    _wt=$(want_type "$_f")
    if [ -n "$_wt" ]; then
        type_ok "$_ct" "$_wt" || printf "Content-Type '%s', want '%s'; " "$_ct" "$_wt"
    else
        [ -n "$_ct" ] || printf 'no Content-Type; '
    fi
    _et=$(hval ETag)
    [ "$(hcount ETag)" = 1 ] && echo "$_et" | grep -Eq '^"[!#-~]+"$' ||
        printf "ETag '%s' is not one strong quoted tag; " "$_et"
    hval Last-Modified | grep -Eq "$HTTP_DATE" || printf "Last-Modified '%s' not an HTTP date; " "$(hval Last-Modified)"
    hval Date | grep -Eq "$HTTP_DATE" || printf "Date '%s' not an HTTP date; " "$(hval Date)"
    if compressible "$_f"; then
        hval Vary | grep -qi 'accept-encoding' || printf "no 'Vary: Accept-Encoding' for a compressible type; "
    fi
    [ -z "$(hval Content-Encoding)" ] || printf "Content-Encoding '%s' without Accept-Encoding; " "$(hval Content-Encoding)"
    [ "$(hval X-Content-Type-Options)" = nosniff ] || printf 'no X-Content-Type-Options: nosniff; '
    [ "$(hval Accept-Ranges)" = bytes ] || printf "Accept-Ranges '%s', want bytes; " "$(hval Accept-Ranges)"
    _cc=$(hval Cache-Control)
    _wcc=$(want_cache "$_f")
    [ "$(hcount Cache-Control)" = 1 ] && [ "$_cc" = "$_wcc" ] || printf "Cache-Control '%s', want '%s'; " "$_cc" "$_wcc"
}

# want_cache FILE: the Cache-Control site/_cache gives FILE (first matching
# pattern, '*' matching anything), else crunch's defaults.
want_cache() {
    _p="/$1"
    if [ -f site/_cache ]; then
        while read -r _pat _val; do
            case $_pat in ''|'#'*) continue ;; esac
            # shellcheck disable=SC2254
            case $_p in $_pat) echo "$_val"; return ;; esac
        done < site/_cache
    fi
    case $1 in *.html) echo no-cache ;; *) echo "public, max-age=3600" ;; esac
}

# decode CODING: stdin decoded by the coding's own tool (gzip -d, brotli -d)
decode() {
    case $1 in
    gzip) gzip -dc ;;
    br) brotli -dc ;;
    *) return 1 ;;
    esac
}

# url_of FILE: the URL path of an exported file
url_of() { echo "/$1"; }
# clean_urls FILE: the other URLs of a page: without .html, and the
# directory URL for an index.html
clean_urls() {
    case $1 in
    index.html) echo / ; echo /index ;;
    */index.html) echo "/${1%index.html}" ; echo "/${1%.html}" ;;
    *.html) echo "/${1%.html}" ;;
    esac
}

largest=    # the largest html and css files, for the gzip checks
largest_css=
while read -r f; do
    # ---- GET: bytes and headers
    why=
    if ! get "$BASE$(url_of "$f")"; then
        why="curl failed: $(cat "$UH_TMP/curl.err")"
    else
        [ "$(status)" = 200 ] || why="status $(status); "
        cmp -s "$B" "$SITE/$f" || why="${why}body differs from the exported file ($(fsize "$B") bytes vs $(fsize "$SITE/$f")); "
        why="$why$(headers_problems "$f")"
    fi
    if [ -z "$why" ]; then ok "GET /$f: 200, same bytes as the export, Content-Length, Content-Type $(hval Content-Type), strong ETag, dates"
    else notok "GET /$f" "$why"; fi
    cp "$H" "$UH_TMP/get.hdr"
    etag=$(hval ETag)

    # ---- HEAD: the same headers (but Date), no body
    why=
    if ! get "$BASE$(url_of "$f")" -I; then
        why="curl -I failed: $(cat "$UH_TMP/curl.err")"
    else
        grep -vi '^date:' "$UH_TMP/get.hdr" > "$UH_TMP/a"
        grep -vi '^date:' "$H" > "$UH_TMP/b"
        cmp -s "$UH_TMP/a" "$UH_TMP/b" || why="headers differ from GET's: $(diff "$UH_TMP/a" "$UH_TMP/b" | grep '^[<>]' | tr '\n' ' ')"
    fi
    if [ -z "$why" ]; then ok "HEAD /$f: same status and headers as GET"; else notok "HEAD /$f" "$why"; fi

    # ---- clean URLs of pages
    for u in $(clean_urls "$f"); do
        if get "$BASE$u" && [ "$(status)" = 200 ] && cmp -s "$B" "$SITE/$f" && [ "$(hval ETag)" = "$etag" ]; then
            ok "GET $u: same bytes and ETag as /$f"
        else
            notok "GET $u" "status $(status), $(fsize "$B") bytes, ETag $(hval ETag); want 200 with the bytes of /$f ($(fsize "$SITE/$f") bytes), ETag $etag"
        fi
    done

    # ---- content codings: curl --compressed (which offers gzip and br)
    # gets the same bytes once decoded; each coded representation stored
    # has its own strong ETag and length, decodes with gzip -d or
    # brotli -d to the file, and revalidates with its own ETag
    why=
    if ! get "$BASE$(url_of "$f")" --compressed; then
        why="curl --compressed failed: $(cat "$UH_TMP/curl.err")"
    else
        [ "$(status)" = 200 ] || why="status $(status); "
        cmp -s "$B" "$SITE/$f" || why="${why}decoded body differs from the export; "
        enc=$(hval Content-Encoding)
        case $enc in ""|gzip|br) ;; *) why="${why}Content-Encoding '$enc'; " ;; esac
    fi
    # what a gzip-only client and a gzip-and-br client get, for the figure
    gzip_client=$(fsize "$SITE/$f")
    br_client=$gzip_client
    codings=
    for coding in gzip br; do
        get "$BASE$(url_of "$f")" -H "Accept-Encoding: $coding"
        got=$(hval Content-Encoding)
        if [ -z "$got" ]; then
            cmp -s "$B" "$SITE/$f" || why="${why}no $coding variant, yet not the file's bytes; "
            continue
        fi
        codings="$codings $coding"
        case $coding in gzip) gzip_client=$(fsize "$B"); br_client=$gzip_client ;; br) br_client=$(fsize "$B") ;; esac
        coded_etag=$(hval ETag)
        [ "$got" = "$coding" ] || why="${why}Accept-Encoding $coding got Content-Encoding '$got'; "
        compressible "$f" || why="${why}$coding variant of an incompressible type; "
        [ "$coded_etag" != "$etag" ] || why="${why}$coding variant has the identity ETag $etag; "
        echo "$coded_etag" | grep -Eq '^"[!#-~]+"$' || why="${why}$coding ETag '$coded_etag' not strong; "
        hval Vary | grep -qi 'accept-encoding' || why="${why}no Vary: Accept-Encoding with $coding; "
        [ "$(hval Content-Length)" = "$(fsize "$B")" ] ||
            why="${why}$coding Content-Length $(hval Content-Length) but $(fsize "$B") bytes; "
        [ "$(fsize "$B")" -lt "$(fsize "$SITE/$f")" ] || why="${why}$coding variant not smaller than the file; "
        decode "$coding" < "$B" 2>/dev/null | cmp -s - "$SITE/$f" || why="${why}$coding -d of the body is not the file; "
        cp "$B" "$UH_TMP/coded.$coding"
        get "$BASE$(url_of "$f")" -H "Accept-Encoding: $coding" -H "If-None-Match: $coded_etag"
        [ "$(status)" = 304 ] && [ "$(hval ETag)" = "$coded_etag" ] ||
            why="${why}If-None-Match with the $coding ETag: status $(status), want 304; "
    done
    if [ "$codings" = " gzip br" ]; then
        [ "$(fsize "$UH_TMP/coded.br")" -lt "$(fsize "$UH_TMP/coded.gzip")" ] ||
            why="${why}br variant ($(fsize "$UH_TMP/coded.br") bytes) not smaller than gzip's ($(fsize "$UH_TMP/coded.gzip")); "
        [ "$enc" = br ] || why="${why}curl --compressed got '$enc', want br, the smaller; "
    fi
    echo "$f $(fsize "$SITE/$f") $gzip_client $br_client" >> "$UH_TMP/sizes"
    if [ -z "$why" ]; then ok "GET /$f with Accept-Encoding: same bytes decoded${codings:+ (variants:$codings, each with its own ETag)}"
    else notok "GET /$f content codings" "$why"; fi
    case $f in
    *.html) if [ -z "$largest" ] || [ "$(fsize "$SITE/$f")" -gt "$(fsize "$SITE/$largest")" ]; then largest=$f; fi ;;
    *.css) if [ -z "$largest_css" ] || [ "$(fsize "$SITE/$f")" -gt "$(fsize "$SITE/$largest_css")" ]; then largest_css=$f; fi ;;
    esac

    # ---- conditional GET: If-None-Match with the ETag -> 304, no body
    if get "$BASE$(url_of "$f")" -H "If-None-Match: $etag" && [ "$(status)" = 304 ] && [ ! -s "$B" ] &&
       [ "$(hval ETag)" = "$etag" ]; then
        ok "GET /$f with If-None-Match: its ETag: 304, no body, same ETag"
    else
        notok "GET /$f If-None-Match" "status $(status), $(fsize "$B") body bytes, ETag $(hval ETag); want 304, 0, $etag"
    fi

    # ---- IPv6
    if get "http://[$UNIHOST_GUEST6]$(url_of "$f")" && [ "$(status)" = 200 ] && cmp -s "$B" "$SITE/$f"; then
        ok "GET http://[$UNIHOST_GUEST6]/$f: same bytes"
    else
        notok "GET /$f over IPv6" "status $(status), $(fsize "$B") bytes: $(cat "$UH_TMP/curl.err")"
    fi
done < "$UH_TMP/files"

# ---- brotli and gzip really are used for the big text files
for f in $largest $largest_css; do
    for offer in "gzip" "gzip, br"; do
        want=br
        [ "$offer" = gzip ] && want=gzip
        get "$BASE/$f" --compressed -H "Accept-Encoding: $offer"
        if [ "$(hval Content-Encoding)" = "$want" ] && cmp -s "$B" "$SITE/$f"; then
            ok "/$f ($(fsize "$SITE/$f") bytes) is served with Content-Encoding: $want to a client offering '$offer'"
        else
            notok "$want for /$f" "Content-Encoding '$(hval Content-Encoding)' for a $(fsize "$SITE/$f")-byte file offering '$offer'"
        fi
    done
done

# ---- Accept-Encoding q-values (RFC 9110 12.5.3) on the largest page: curl
# --compressed decodes what comes back, and the raw representation decodes
# with the gzip or brotli tool, both to the exported file
while IFS='|' read -r offer want; do
    why=
    get "$BASE/$largest" --compressed -H "Accept-Encoding: $offer" || why="curl --compressed failed; "
    got=$(hval Content-Encoding)
    [ "$got" = "$want" ] || why="${why}Content-Encoding '$got', want '$want'; "
    cmp -s "$B" "$SITE/$largest" || why="${why}curl's decoding differs from the file; "
    get "$BASE/$largest" -H "Accept-Encoding: $offer" || why="${why}raw GET failed; "
    [ "$(hval Content-Length)" = "$(fsize "$B")" ] || why="${why}Content-Length $(hval Content-Length), $(fsize "$B") bytes; "
    case $want in
    "") cmp -s "$B" "$SITE/$largest" || why="${why}identity body differs from the file; " ;;
    *) decode "$want" < "$B" 2>/dev/null | cmp -s - "$SITE/$largest" || why="${why}$want -d of the raw body is not the file; " ;;
    esac
    check "Accept-Encoding '$offer': ${want:-identity}, decoding to /$largest" "$why" [ -z "$why" ]
done <<'OFFERS'
br|br
br;q=0.5, gzip|gzip
gzip;q=0.5, br|br
gzip, br|br
deflate, gzip, br, zstd|br
br;q=0, gzip|gzip
br, gzip;q=0|br
br;q=0, gzip;q=0|
*|br
*, br;q=0|gzip
*;q=0.5, identity|
identity;q=0, gzip;q=0.1|gzip
deflate, zstd|
OFFERS

# ---- the figure: bytes of the bundled site's pages, CSS and JS as sent to
# a client taking no coding, gzip only, and gzip and br
awk '$1 ~ /\.(html|css|js)$/ { i += $2; g += $3; b += $4; n++ }
     END { if (n && g) printf "# content codings over %d HTML/CSS/JS files: identity %d bytes, gzip %d, gzip and br %d: %.1f%% smaller than gzip\n", n, i, g, b, 100 * (g - b) / g }' "$UH_TMP/sizes"
smaller=$(awk '$1 ~ /\.(html|css|js)$/ { g += $3; b += $4 } END { print (b < g) ? "yes" : "no" }' "$UH_TMP/sizes")
check "brotli saves bytes over gzip across the site's HTML, CSS and JS" "br total not below gzip's" [ "$smaller" = yes ]

# ---- If-None-Match with another ETag: 200
get "$BASE/" -H 'If-None-Match: "0123456789"'
check "If-None-Match with a different ETag: 200 with the body" "status $(status)" \
    eval '[ "$(status)" = 200 ] && cmp -s "$B" "$SITE/index.html"'
get "$BASE/" -H 'If-None-Match: *'
check "If-None-Match: * : 304" "status $(status)" [ "$(status)" = 304 ]

# ---- directories without the slash: 301 to the slash
for d in $(sed -n 's|^\(.*\)/index\.html$|\1|p' "$UH_TMP/files"); do
    get "$BASE/$d"
    if [ "$(status)" = 301 ] && [ "$(hval Location)" = "/$d/" ]; then
        ok "GET /$d: 301 with Location: /$d/"
    else
        notok "GET /$d redirect" "status $(status), Location '$(hval Location)'"
    fi
done

# ---- missing paths: 404 with the body of /404.html
for u in "/no-such-page-$$" "/docs/no-such-page-$$.html" "/no/such/dir/"; do
    get "$BASE$u"
    if [ "$(status)" = 404 ] && cmp -s "$B" "$SITE/404.html" && [ "$(hval Content-Length)" = "$(fsize "$SITE/404.html")" ] &&
       type_ok "$(hval Content-Type)" "text/html; charset=utf-8"; then
        ok "GET $u: 404 with the body of /404.html"
    else
        notok "GET $u" "status $(status), $(fsize "$B") bytes, Content-Type '$(hval Content-Type)'; want 404 with 404.html ($(fsize "$SITE/404.html") bytes)"
    fi
done

# ---- other methods: 405 with Allow
for m in POST PUT DELETE; do
    get "$BASE/" -X "$m" -d x
    allow=$(hval Allow | tr -d ' ')
    if [ "$(status)" = 405 ] && [ "$allow" = "GET,HEAD,OPTIONS" ]; then
        ok "$m /: 405 with Allow: $(hval Allow)"
    else
        notok "$m /" "status $(status), Allow '$(hval Allow)'; want 405 with Allow: GET, HEAD, OPTIONS"
    fi
done

# ---- Host header
get "$BASE/" -H 'Host:'
check "HTTP/1.1 without Host: 400" "status $(status)" [ "$(status)" = 400 ]
get "$BASE/" -0 -H 'Host:'
check "HTTP/1.0 without Host: 200 with index.html" "status $(status)" \
    eval '[ "$(status)" = 200 ] && cmp -s "$B" "$SITE/index.html"'

# ---- raw HEAD: nothing at all after the headers (bash's /dev/tcp, inside the namespace)
raw() {  # raw REQUEST-PRINTF-FORMAT: the whole response, the server closing
    nsx timeout 5 bash -c 'exec 3<>/dev/tcp/$0/80 && printf "$1" >&3 && cat <&3' "$UNIHOST_GUEST4" "$1" < /dev/null
}
for hp in "/index.html 200" "/no-such-page-$$ 404"; do
    set -- $hp
    raw "HEAD $1 HTTP/1.1\r\nHost: www.unihost.test\r\nConnection: close\r\n\r\n" > "$UH_TMP/raw"
    after=$(tr -d '\r' < "$UH_TMP/raw" | awk 'f {n += length($0) + 1} /^$/ && !f {f = 1} END {print f ? n + 0 : -1}')
    if ! head -n 1 "$UH_TMP/raw" | grep -q "^HTTP/1.1 $2 " || [ "$after" -lt 0 ]; then
        notok "raw HEAD $1" "no complete $2 response: $(head -c 200 "$UH_TMP/raw" | tr '\r\n' '  ')"
    else
        check "raw HEAD $1: $2 and no byte after the header block" "$after bytes after the headers" [ "$after" -eq 0 ]
    fi
done
raw 'GET / HTTP/1.1\r\nHost: www.unihost.test\r\n\r\nGET /docs/ HTTP/1.1\r\nHost: www.unihost.test\r\nConnection: close\r\n\r\n' > "$UH_TMP/raw"
n=$(grep -c '^HTTP/1.1 200' "$UH_TMP/raw")
check "two pipelined requests on one connection: two 200 responses" "$n responses" [ "$n" -eq 2 ]

# ---- OPTIONS: 204 with the same Allow, no body
get "$BASE/docs/" -X OPTIONS
check "OPTIONS /docs/: 204 with Allow: GET, HEAD, OPTIONS and no body" \
    "status $(status), Allow '$(hval Allow)', $(fsize "$B") body bytes" \
    eval '[ "$(status)" = 204 ] && [ "$(hval Allow | tr -d " ")" = GET,HEAD,OPTIONS ] && [ ! -s "$B" ]'
get "$BASE" --request-target '*' -X OPTIONS
check "OPTIONS *: 204" "status $(status)" [ "$(status)" = 204 ]

# ---- ranges (on the largest page, identity and gzip)
big=$SITE/$largest
size=$(fsize "$big")
get "$BASE/$largest" -r 0-99
head -c 100 "$big" > "$UH_TMP/want"
check "Range: bytes=0-99 of /$largest: 206, Content-Range bytes 0-99/$size, the first 100 bytes" \
    "status $(status), Content-Range '$(hval Content-Range)', Content-Length $(hval Content-Length), $(fsize "$B") bytes" \
    eval '[ "$(status)" = 206 ] && [ "$(hval Content-Range)" = "bytes 0-99/$size" ] && [ "$(hval Content-Length)" = 100 ] && cmp -s "$B" "$UH_TMP/want"'
get "$BASE/$largest" -r -50
tail -c 50 "$big" > "$UH_TMP/want"
check "Range: bytes=-50: 206 with the last 50 bytes" "status $(status), Content-Range '$(hval Content-Range)'" \
    eval '[ "$(status)" = 206 ] && [ "$(hval Content-Range)" = "bytes $((size - 50))-$((size - 1))/$size" ] && cmp -s "$B" "$UH_TMP/want"'
get "$BASE/$largest" -r "$size-"
check "Range past the end: 416 with Content-Range: bytes */$size" "status $(status), Content-Range '$(hval Content-Range)'" \
    eval '[ "$(status)" = 416 ] && [ "$(hval Content-Range)" = "bytes */$size" ]'
get "$BASE/$largest" -r 0-9,20-29
check "two ranges: the whole page with 200 (multipart is not served)" "status $(status)" \
    eval '[ "$(status)" = 200 ] && cmp -s "$B" "$big"'
# a range of a coded representation: its bytes, its length, its ETag
for coding in gzip br; do
    get "$BASE/$largest" -H "Accept-Encoding: $coding"
    cp "$B" "$UH_TMP/full.$coding"
    coded_etag=$(hval ETag)
    coded_size=$(fsize "$UH_TMP/full.$coding")
    get "$BASE/$largest" -H "Accept-Encoding: $coding" -r 10-109
    tail -c +11 "$UH_TMP/full.$coding" | head -c 100 > "$UH_TMP/want"
    check "Range with $coding: 206 over the $coding bytes, Content-Range bytes 10-109/$coded_size, $coding ETag" \
        "status $(status), Content-Range '$(hval Content-Range)', Content-Encoding '$(hval Content-Encoding)', ETag $(hval ETag) vs $coded_etag" \
        eval '[ "$(status)" = 206 ] && [ "$(hval Content-Encoding)" = "$coding" ] && [ "$(hval Content-Range)" = "bytes 10-109/$coded_size" ] && [ "$(hval ETag)" = "$coded_etag" ] && cmp -s "$B" "$UH_TMP/want"'
done
# the pieces of a coded representation put together decode to the page
get "$BASE/$largest" -H 'Accept-Encoding: br' -r 0-99 && cp "$B" "$UH_TMP/pieces.br"
get "$BASE/$largest" -H 'Accept-Encoding: br' -r 100- && cat "$B" >> "$UH_TMP/pieces.br"
check "brotli ranges 0-99 and 100- together: brotli -d gives /$largest" "they do not decode to the page" \
    eval 'brotli -dc < "$UH_TMP/pieces.br" 2>/dev/null | cmp -s - "$big"'
# one representation's ETag neither revalidates nor ranges another
get "$BASE/$largest" -H 'Accept-Encoding: br'
br_etag=$(hval ETag)
get "$BASE/$largest" -H 'Accept-Encoding: gzip' -H "If-None-Match: $br_etag"
check "If-None-Match with the br ETag, gzip accepted: 200 with gzip" "status $(status), Content-Encoding '$(hval Content-Encoding)'" \
    eval '[ "$(status)" = 200 ] && [ "$(hval Content-Encoding)" = gzip ] && cmp -s "$B" "$UH_TMP/full.gzip"'
get "$BASE/$largest" -H 'Accept-Encoding: br' -H "If-None-Match: $br_etag" -I
check "HEAD with If-None-Match of the br ETag: 304 with that ETag" "status $(status), ETag $(hval ETag)" \
    eval '[ "$(status)" = 304 ] && [ "$(hval ETag)" = "$br_etag" ]'
get "$BASE/$largest" -H 'Accept-Encoding: br' -r 0-9 -H "If-Range: $br_etag"
check "If-Range with the br ETag, br accepted: 206" "status $(status)" [ "$(status)" = 206 ]
get "$BASE/$largest" -H 'Accept-Encoding: gzip' -r 0-9 -H "If-Range: $br_etag"
check "If-Range with the br ETag, gzip accepted: 200 with all of gzip" "status $(status)" \
    eval '[ "$(status)" = 200 ] && cmp -s "$B" "$UH_TMP/full.gzip"'
# a resumed download: curl -C asks for the rest and appends it
head -c 1000 "$big" > "$UH_TMP/partial"
nsx curl -sS -m 5 -C - -o "$UH_TMP/partial" "$BASE/$largest" < /dev/null 2> "$UH_TMP/curl.err"
check "curl -C - resumes a partial download to the exact file" "$(cat "$UH_TMP/curl.err")" cmp -s "$UH_TMP/partial" "$big"

# ---- If-Range: the range only while the validator matches
get "$BASE/$largest"
etag=$(hval ETag)
lm=$(hval Last-Modified)
get "$BASE/$largest" -r 0-9 -H "If-Range: $etag"
check "If-Range with the current ETag: 206" "status $(status)" [ "$(status)" = 206 ]
get "$BASE/$largest" -r 0-9 -H 'If-Range: "stale"'
check "If-Range with another ETag: 200 with the whole page" "status $(status)" \
    eval '[ "$(status)" = 200 ] && cmp -s "$B" "$big"'
get "$BASE/$largest" -r 0-9 -H "If-Range: $lm"
check "If-Range with Last-Modified: 206" "status $(status)" [ "$(status)" = 206 ]
get "$BASE/$largest" -r 0-9 -H 'If-Range: Thu, 01 Jan 1998 00:00:00 GMT'
check "If-Range with another date: 200" "status $(status)" [ "$(status)" = 200 ]

# ---- If-Modified-Since (curl -z sends it)
get "$BASE/$largest" -H "If-Modified-Since: $lm"
check "If-Modified-Since: its Last-Modified: 304, no body, ETag and Cache-Control kept" \
    "status $(status), $(fsize "$B") bytes: $(cat "$UH_TMP/curl.err")" \
    eval '[ "$(status)" = 304 ] && [ ! -s "$B" ] && [ "$(hval ETag)" = "$etag" ] && [ -n "$(hval Cache-Control)" ]'
get "$BASE/$largest" -z 'Thu, 01 Jan 1998 00:00:00 GMT'
check "If-Modified-Since long before: 200" "status $(status)" [ "$(status)" = 200 ]
get "$BASE/$largest" -H "If-Modified-Since: $lm" -H 'If-None-Match: "other"'
check "If-Modified-Since is ignored beside If-None-Match: 200" "status $(status)" [ "$(status)" = 200 ]

# ---- redirects declared in site/_redirects
nred=0
while read -r from to code; do
    case $from in ''|'#'*) continue ;; esac
    code=${code:-301}
    nred=$((nred + 1))
    get "$BASE$from"
    if [ "$(status)" = "$code" ] && [ "$(hval Location)" = "$to" ] && [ "$(hval Content-Length)" = "$(fsize "$B")" ]; then
        ok "GET $from: $code with Location: $to (site/_redirects)"
    else
        notok "redirect $from" "status $(status), Location '$(hval Location)'; want $code to $to"
    fi
done < site/_redirects
if [ "$nred" -gt 0 ]; then
    first=$(awk '$1 !~ /^#/ && NF >= 2 {print $1; exit}' site/_redirects)
    target=$(awk '$1 !~ /^#/ && NF >= 2 {print $2; exit}' site/_redirects)
    get "$BASE$first" -L
    final=$(awk '/^HTTP\// {s = $2} END {print s}' "$H")
    check "curl -L follows $first to the page at $target" "final status $final" eval '[ "$final" = 200 ] && [ -s "$B" ]'
fi

# ---- raw sockets: pipelining in one write, limits, HTTP/1.0
rawpy() { nsx python3 tests/integration/lib/rawhttp.py "$UNIHOST_GUEST4" 80 5; }
# four different requests in one write: responses in request order
{
    printf 'GET /%s HTTP/1.1\r\nHost: p\r\n\r\n' "$largest" "$largest_css"
    printf 'GET /no-such-%s HTTP/1.1\r\nHost: p\r\n\r\n' "$$"
    printf 'GET /index.html HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n'
} | rawpy > "$UH_TMP/pipe"
want="200 $(fsize "$SITE/$largest")|200 $(fsize "$SITE/$largest_css")|404 $(fsize "$SITE/404.html")|200 $(fsize "$SITE/index.html")|closed"
got=$(awk -F '\t' 'NF > 1 {printf "%s %s|", $1, $2} NF == 1 {printf "%s", $1}' "$UH_TMP/pipe")
check "4 pipelined requests in one write: 4 responses in request order, then close" "got $got, want $want" [ "$got" = "$want" ]

printf 'GET /index.html HTTP/1.0\r\n\r\n' | rawpy > "$UH_TMP/raw10"
check "HTTP/1.0 without keep-alive: one response, then the server closes" "$(tr '\n\t' '| ' < "$UH_TMP/raw10")" \
    eval '[ "$(head -n 1 "$UH_TMP/raw10" | cut -f1)" = 200 ] && [ "$(tail -n 1 "$UH_TMP/raw10")" = closed ]'
printf 'GET /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' | nsx python3 tests/integration/lib/rawhttp.py "$UNIHOST_GUEST4" 80 1 > "$UH_TMP/raw10k"
check "HTTP/1.0 with Connection: keep-alive: the connection stays open" "$(tr '\n\t' '| ' < "$UH_TMP/raw10k")" \
    eval '[ "$(head -n 1 "$UH_TMP/raw10k" | cut -f1)" = 200 ] && [ "$(tail -n 1 "$UH_TMP/raw10k")" = timeout ]'

python3 -c 'import sys; sys.stdout.write("GET / HTTP/1.1\r\nHost: p\r\nX-Fill: " + "a" * 9000 + "\r\n\r\n")' | rawpy > "$UH_TMP/r431"
check "9000-byte header: 431, then close" "$(tr '\n\t' '| ' < "$UH_TMP/r431")" \
    eval '[ "$(head -n 1 "$UH_TMP/r431" | cut -f1)" = 431 ] && [ "$(tail -n 1 "$UH_TMP/r431")" = closed ]'
python3 -c 'import sys; sys.stdout.write("GET /" + "u" * 3000 + " HTTP/1.1\r\nHost: p\r\n\r\n")' | rawpy > "$UH_TMP/r414"
check "3000-byte request target: 414, then close" "$(tr '\n\t' '| ' < "$UH_TMP/r414")" \
    eval '[ "$(head -n 1 "$UH_TMP/r414" | cut -f1)" = 414 ] && [ "$(tail -n 1 "$UH_TMP/r414")" = closed ]'
printf 'GET / HTTP/1.1\r\nHost: p\r\nContent-Length: 1000000\r\n\r\n' | rawpy > "$UH_TMP/r413"
check "GET announcing a 1 MB body: 413, then close" "$(tr '\n\t' '| ' < "$UH_TMP/r413")" \
    eval '[ "$(head -n 1 "$UH_TMP/r413" | cut -f1)" = 413 ] && [ "$(tail -n 1 "$UH_TMP/r413")" = closed ]'
printf 'GET / HTTP/1.1\r\nHost: p\r\nContent-Length: 11\r\n\r\nhello worldGET /index.html HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n' | rawpy > "$UH_TMP/rbody"
check "GET with a small body: body discarded, the next request answered" "$(tr '\n\t' '| ' < "$UH_TMP/rbody")" \
    eval '[ "$(cut -f1 "$UH_TMP/rbody" | tr "\n" " ")" = "200 200 closed " ]'
python3 -c 'import sys; sys.stdout.write("GET / HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n" + "1000\r\n" + "z" * 4096 + "\r\n" + "1000\r\n" + "z" * 4096 + "\r\n" + "1000\r\n" + "z" * 4096 + "\r\n" + "1000\r\n" + "z" * 4096 + "\r\n" + "1000\r\n" + "z" * 4096 + "\r\n0\r\n\r\n")' | rawpy > "$UH_TMP/rchunk"
check "GET with a 20 KiB chunked body: 413, then close" "$(tr '\n\t' '| ' < "$UH_TMP/rchunk")" \
    eval '[ "$(head -n 1 "$UH_TMP/rchunk" | cut -f1)" = 413 ] && [ "$(tail -n 1 "$UH_TMP/rchunk")" != timeout ]'

# ---- Vary and nosniff on a 404 and a redirect too
get "$BASE/no-such-page-$$"
check "404: X-Content-Type-Options: nosniff" "'$(hval X-Content-Type-Options)'" [ "$(hval X-Content-Type-Options)" = nosniff ]

# ---- persistent connections: several URLs, one connection
set --
for f in index.html docs/index.html css/style.css; do set -- "$@" -o /dev/null "$BASE/$f"; done
conns=$(nsx curl -sS -m 5 -w '%{num_connects}\n' "$@" < /dev/null 2> "$UH_TMP/curl.err" | awk '{s += $1} END {print s + 0}')
check "3 URLs in one curl run reuse one connection (num_connects total $conns)" "$conns connections: $(cat "$UH_TMP/curl.err")" \
    [ "$conns" -eq 1 ]
# every exported file, compressed, ranged and conditional, on one connection
set --
while read -r f; do set -- "$@" -o /dev/null "$BASE/$f"; done < "$UH_TMP/files"
codes=$(nsx curl -sS -m 10 --compressed -w '%{num_connects} %{http_code}\n' "$@" < /dev/null 2> "$UH_TMP/curl.err")
conns=$(echo "$codes" | awk '{s += $1} END {print s + 0}')
bad=$(echo "$codes" | awk '$2 != 200' | wc -l)
check "all $(wc -l < "$UH_TMP/files") files with --compressed on one connection, all 200" \
    "$conns connections, $bad not 200: $(cat "$UH_TMP/curl.err")" eval '[ "$conns" -eq 1 ] && [ "$bad" -eq 0 ]'

# ---- the server is still healthy after all this
check "unihost is still running" "it exited: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')" uh_alive "$UH_PID"

uh_finish
