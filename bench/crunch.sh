#!/bin/sh
# How crunch scales: generates a site of PAGES pages (default 10000) in
# sections of 100, each page about 3 kB of Markdown with front matter (a
# title, a description and a date), headings, a list, a table, a code
# block, links to pages of its own and the next section and to a heading
# of another page, then crunches it ROUNDS times (default 3) into a blob
# and prints, for each round, the wall time, the CPU time (user + system)
# and the peak memory (maximum resident set size, from GNU time), then the
# medians. On a shared machine the wall time includes waiting for a CPU;
# the CPU time is what crunch itself costs. The site has a base URL and a
# feed for one section, so the sitemap and a feed are built too.
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

times="" cpus=""
i=1
while [ "$i" -le "$rounds" ]; do
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" "$crunch" --quiet --site "$work/site" -o "$work/content.blob"
    read -r secs user sys kib < "$work/time.out"
    cpu=$(echo "$user $sys" | awk '{ printf "%.2f", $1 + $2 }')
    echo "round $i: $secs s wall, $cpu s CPU ($user user, $sys system), peak memory $((kib / 1024)) MiB, blob $(wc -c < "$work/content.blob") bytes"
    times="$times $secs"
    cpus="$cpus $cpu"
    i=$((i + 1))
done
median() { printf '%s\n' "$@" | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'; }
# shellcheck disable=SC2086
echo "median: $(median $times) s wall, $(median $cpus) s CPU, for $pages pages"
echo "(machine load while measuring: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs)"
