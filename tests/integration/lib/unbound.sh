# shellcheck shell=sh
# Unbound as the recursive resolver of the integration tests (sourced after
# lib/uh.sh, not run). All of one Unbound's files are in one directory,
# DIR: its config, root hints, pid file, log and output.
#
#   unbound_conf DIR ADDR ROOT_NAME ROOT_ADDR
#                                 -- DIR/unbound.conf: one thread listening
#                                    on ADDR:53, no user switch, chroot,
#                                    syslog or remote control, its log in
#                                    DIR/unbound.log; recursing from the
#                                    root hint ROOT_NAME at ROOT_ADDR
#                                    (DIR/root.hints); test. a delegated
#                                    zone like any other; the rest of its
#                                    "server:" clause (access control,
#                                    validation, logging) read from stdin.
#                                    A "not ok" and return 1 if
#                                    unbound-checkconf refuses it
#   unbound_start NS DIR          -- Unbound on DIR/unbound.conf in the
#                                    namespace NS, in the foreground of a
#                                    background job: UB_PID; its log emptied
#                                    first, its output in UNBOUND_OUT
#                                    (DIR/stderr.N, N counting the starts).
#                                    Not waited for: what "ready" means
#                                    (which name answers) is the test's

UNBOUND_STARTS=0
UNBOUND_OUT=

unbound_conf() {
    _dir=$1 _addr=$2 _root_name=$3 _root_addr=$4
    printf '.\t3600000\tNS\t%s\n%s\t3600000\tA\t%s\n' "$_root_name" "$_root_name" "$_root_addr" > "$_dir/root.hints"
    {
        cat <<CONF
server:
    interface: $_addr
    port: 53
    num-threads: 1
    so-reuseport: no
    username: ""
    chroot: ""
    directory: "$_dir"
    pidfile: "$_dir/unbound.pid"
    logfile: "$_dir/unbound.log"
    use-syslog: no
    verbosity: 1
    root-hints: "$_dir/root.hints"
    # test. is a special-use name (RFC 6761) that Unbound answers itself by
    # default; here it is a real, delegated zone
    local-zone: "test." nodefault
CONF
        cat
        printf 'remote-control:\n    control-enable: no\n'
    } > "$_dir/unbound.conf"
    unbound-checkconf "$_dir/unbound.conf" > "$_dir/checkconf.log" 2>&1 && return 0
    notok "unbound config" "unbound-checkconf: $(tr '\n' ' ' < "$_dir/checkconf.log")"
    return 1
}

unbound_start() {
    UNBOUND_STARTS=$((UNBOUND_STARTS + 1))
    UNBOUND_OUT=$2/stderr.$UNBOUND_STARTS
    : > "$2/unbound.log"
    # not through nsx: $! would be the subshell's PID, not Unbound's
    ip netns exec "$1" unbound -d -c "$2/unbound.conf" > "$UNBOUND_OUT" 2>&1 &
    # shellcheck disable=SC2034 # the test's, which ends Unbound
    UB_PID=$!
}
