#!/bin/sh
# How crunch scales: generates a site of PAGES pages (default 10000) in
# sections of 100, each page about 3 kB of Markdown with front matter (a
# title, a description and a date), headings, a list, a table, a code
# block, links to pages of its own and the next section and to a heading
# of another page, then crunches it ROUNDS times (default 3) into a blob
# and prints the wall time and peak memory (maximum resident set size,
# from GNU time) of each round and the median time. The site is a base
# URL with a feed for one section, so the sitemap and a feed are built too.
#
# Usage: bench/crunch.sh [PAGES] [ROUNDS]   (env CRUNCH, default build/crunch;
#                                            KEEP=DIR keeps the site and blob there)
# Run on demand, never by make check: a shared machine makes times noisy.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
crunch=${CRUNCH:-$top/build/crunch}
pages=${1:-10000}
rounds=${2:-3}
[ -x "$crunch" ] || { echo "bench/crunch.sh: $crunch is not built (make)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/crunch.sh: /usr/bin/time is missing (Debian package time)" >&2; exit 1; }
if [ -n "${KEEP:-}" ]; then
    work=$KEEP
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/crunch-bench.XXXXXX")
    trap 'rm -rf "$work"' EXIT INT TERM
fi

python3 "$top/bench/crunch_site.py" "$work/site" "$pages"
echo "bench/crunch.sh: $pages pages, $(du -sk "$work/site" | cut -f1) KiB of source in $work/site"

times=""
i=1
while [ "$i" -le "$rounds" ]; do
    /usr/bin/time -f '%e %M' -o "$work/time.out" "$crunch" --quiet --site "$work/site" -o "$work/content.blob"
    read -r secs kib < "$work/time.out"
    echo "round $i: $secs s, peak memory $((kib / 1024)) MiB ($kib KiB max RSS), blob $(wc -c < "$work/content.blob") bytes"
    times="$times $secs"
    i=$((i + 1))
done
median=$(printf '%s\n' $times | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
echo "median: $median s for $pages pages"
