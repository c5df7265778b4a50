# bench/cpu.sh, sourced by the benchmarks: how much CPU a server and the
# load generator used during one measurement, so that every row shows which
# side was the bottleneck (a row where the client sits at 100% of its
# threads measures the client, not the server).

clock_ticks=$(getconf CLK_TCK)

# tree_ticks PID: user+system clock ticks used so far by PID and its direct
# children (nginx's worker is a child of the pid the script started).
tree_ticks() {
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
        { pid = $1; sub(/^.*\) /, "")       # comm may hold spaces; after ") " field 1 is the state
          if (pid == root || $2 == root) t += $12 + $13 }
        END { print t + 0 }'
}

# child_ticks: user+system ticks of this shell's children that have been
# waited for (the load generator runs as a direct child).
child_ticks() {
    sed 's/^.*) //' "/proc/$$/stat" | awk '{ print $14 + $15 }'
}

# cpu_percent TICKS SECONDS: TICKS as a percentage of one core over SECONDS
cpu_percent() {
    awk -v t="$1" -v s="$2" -v hz="$clock_ticks" 'BEGIN { printf "%.0f%%", (s > 0 ? 100 * t / (hz * s) : 0) }'
}
