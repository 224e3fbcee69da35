# shellcheck shell=bash
# Shared by the integration tests (sourced by run.sh). Every test runs in a subshell of its own, with
# $T a private scratch directory, and these helpers:
#   sc ARGS...            runs "$SYSCON ARGS..." bounded by a timeout, stdin from $SC_STDIN
#                         (/dev/null by default); stdout in $T/out, stderr in $T/err, status in $RC
#   in_tree TREE [OPTS...] -- SUBCOMMAND [ARGS...]
#                         sc run OPTS TREE /usr/bin/syscon-test-helper SUBCOMMAND ARGS
#   new_tree NAME         a private copy of the base tree in $NEW_TREE (removed when the test ends)
#   sc_bg ARGS...         starts "$SYSCON ARGS..." in the background (BG_PID), killed when the test ends;
#                         its output goes to $SC_BG_OUT and $SC_BG_ERR ($T/bg-out and $T/bg-err by default)
#   start_bg TREE [OPTS...] -- SUBCOMMAND [ARGS...]
#                         sc_bg of in_tree's run, until the helper prints ready=1
#   on_exit CMD           queues CMD to run when the test ends, last queued first; TEST_STATUS
#                         then holds the test's exit status (0 passed, 77 skipped, else failed)
#   expect_* / fail       assertions: a failure prints why (and the last run's output) and ends the test
#   skip REASON           ends the test as skipped

HELPER_IN_TREE=/usr/bin/syscon-test-helper
SC_TIMEOUT=${SC_TIMEOUT:-10}
SC_STDIN=/dev/null
RC=

# --- cleanup -------------------------------------------------------------------------------------

_cleanups=()
on_exit() {
        _cleanups+=("$1")
}
run_cleanups() {
        # shellcheck disable=SC2034 # read by the queued commands
        TEST_STATUS=$?
        local i
        for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
                eval "${_cleanups[i]}" || echo "# cleanup failed: ${_cleanups[i]}"
        done
        _cleanups=()
}

# --- assertions ----------------------------------------------------------------------------------

dump_last_run() {
        local f
        for f in out err; do
                if [ -s "$T/$f" ]; then
                        echo "--- last run's std$f (first 40 lines):"
                        head -n 40 "$T/$f" | cut -c1-300
                fi
        done
}

fail() {
        echo "FAIL: $*"
        [ -n "${LAST_CMD:-}" ] && echo "last command: $LAST_CMD (status $RC)"
        dump_last_run
        exit 1
}

skip() {
        echo "$*" >"$SKIP_FILE"
        exit 77
}

# Values are shown quoted as bash would ($'...' where they hold control characters).
expect_eq() { # GOT WANT WHAT
        [ "$1" = "$2" ] || fail "$3: got ${1@Q}, want ${2@Q}"
}

expect_ne() { # GOT UNWANTED WHAT
        [ "$1" != "$2" ] || fail "$3: got ${1@Q}, which it must not be"
}

expect_match() { # GOT EXTENDED-REGEX WHAT
        [[ $1 =~ $2 ]] || fail "$3: got ${1@Q}, want a match for /$2/"
}

expect_rc() { # WANT
        [ "$RC" = "$1" ] || fail "exit status: got $RC, want $1"
}

expect_empty_file() { # FILE WHAT
        [ ! -s "$1" ] || fail "$2: want nothing, got: $(head -c 300 "$1")"
}

# A launcher error: status 125 and stderr one "syscon: ..." message that names NEEDLE.
expect_launcher_error() { # NEEDLE
        expect_rc 125
        local first lines
        first=$(head -n 1 "$T/err")
        lines=$(grep -c '' "$T/err")
        expect_match "$first" '^syscon: ' "first line of stderr"
        grep -qF -- "$1" "$T/err" || fail "stderr does not name '$1'"
        [ "$lines" -le 2 ] || fail "stderr has $lines lines, want one message"
        expect_empty_file "$T/out" "stdout"
}

# --- reading the helper's key=value output ------------------------------------------------------

kv() { # KEY [FILE]: the value of the first KEY=... token
        awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) { print substr($i, length(k) + 2); exit } }' \
                "${2:-$T/out}"
}

# Sorted, space-separated list of the values of KEY over all lines.
kv_all() { # KEY [FILE]
        awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2) }' \
                "${2:-$T/out}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# --- running syscon ------------------------------------------------------------------------------

sc() {
        LAST_CMD="syscon $*"
        RC=0
        timeout -k 5 "$SC_TIMEOUT" "$SYSCON" "$@" <"$SC_STDIN" >"$T/out" 2>"$T/err" || RC=$?
        [ "$RC" != 124 ] || fail "syscon did not finish within ${SC_TIMEOUT}s"
}

# Starts syscon in the background with default signal dispositions (a script's async jobs otherwise
# inherit SIGINT ignored), stdin from /dev/null, output in $T/bg-out and $T/bg-err (or where
# SC_BG_OUT and SC_BG_ERR say: a FIFO, say). Sets BG_PID; the test's end kills it if it still runs.
sc_bg() { # ARGS...
        # shellcheck disable=SC2034 # read by fail()
        LAST_CMD="syscon $*"
        # Emptied here, not only by the job's redirection, which may come later: a wait for a line
        # must not find the previous run's.
        : >"$T/bg-out"
        : >"$T/bg-err"
        env --default-signal=INT,TERM,HUP,QUIT,USR1,USR2,PIPE "$SYSCON" "$@" </dev/null \
                >"${SC_BG_OUT:-$T/bg-out}" 2>"${SC_BG_ERR:-$T/bg-err}" &
        BG_PID=$!
        on_exit "kill -KILL $BG_PID 2>/dev/null; wait $BG_PID 2>/dev/null; true"
}

# Copies the background run's output to where fail() and kv() read it.
bg_output_to_out() {
        cp "$T/bg-out" "$T/out"
        cp "$T/bg-err" "$T/err"
}

in_tree() { # TREE [SYSCON-OPTIONS...] -- SUBCOMMAND [ARGS...]
        local tree=$1 opts=()
        shift
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                opts+=("$1")
                shift
        done
        [ "${1:-}" = -- ] || fail "in_tree: missing --"
        shift
        sc run "${opts[@]}" "$tree" "$HELPER_IN_TREE" "$@"
}

# Like in_tree, and the helper must have exited 0.
observe() {
        in_tree "$@"
        expect_rc 0
}

# Sets NEW_TREE (not printed: the cleanup must be queued in the test's own shell, not in a $(...)).
new_tree() { # NAME
        NEW_TREE=$WORK/trees/$1
        cp -a "$BASE_TREE" "$NEW_TREE" || fail "cannot copy the base tree to $NEW_TREE"
        on_exit "rm -rf --one-file-system '$NEW_TREE'"
        dir_key "$NEW_TREE" >>"$WORK/snap/tree-keys"
}

# Starts "syscon run OPTS TREE helper ARGS..." in the background (sc_bg) and waits until the helper
# says ready=1. Sets BG_PID to syscon's pid.
start_bg() { # TREE [OPTS...] -- ARGS...
        local tree=$1 opts=()
        shift
        while [ "$1" != -- ]; do
                opts+=("$1")
                shift
        done
        shift
        on_exit "kill_procs_under '$tree'"
        sc_bg run "${opts[@]}" "$tree" "$HELPER_IN_TREE" "$@"
        if ! wait_for_line "$T/bg-out" '^ready=1$' 10; then
                bg_output_to_out
                fail "the helper did not get ready within 10 s"
        fi
}

# --- host-side observations ----------------------------------------------------------------------

# dev:ino of a directory: how a container's processes are found from the host. Their
# /proc/PID/root reads "/" (it is resolved in the container's mount namespace), but it is the
# tree's directory inode, bind-mounted.
dir_key() { # DIR
        stat -L -c '%d:%i' "$1" 2>/dev/null
}

# Processes whose root directory is DIR (or a directory with one of the dev:ino KEYS, for trees
# already removed), or whose working directory or executable lies under DIR: a container that
# outlived its launcher, or a launcher that outlived its test. The suite's own shells, which work
# in $WORK/cwd, do not count.
procs_under() { # DIR [KEY...]
        local dir=$1
        shift
        # One find for the keys of every root, one for every cwd and exe link (a fork per process
        # would take seconds). find fails for a process that exits meanwhile (this pipeline's own
        # do): that must not fail the listing, or with pipefail kill_procs_under sees nothing.
        {
                find -L /proc/[0-9]*/root -maxdepth 0 -printf '%p %D:%i\n' 2>/dev/null
                find /proc/[0-9]*/cwd /proc/[0-9]*/exe -maxdepth 0 -printf '%p %l\n' 2>/dev/null
                true
        } | awk -v dir="$dir" -v keys=" $(dir_key "$dir") $* " -v work_cwd="$WORK/cwd" -v syscon="$SYSCON" '
                { split($1, f, "/"); pid = f[3]; what = f[4]; seen[pid] = 1
                  if (what == "root") key[pid] = $2; else if (what == "cwd") cwd[pid] = $2; else exe[pid] = $2 }
                END {
                        for (pid in seen) {
                                mine = index(keys, " " key[pid] " ") > 0 && key[pid] != ""
                                if (cwd[pid] == work_cwd && exe[pid] != syscon && !mine)
                                        continue
                                if (mine || index(cwd[pid] "/", dir "/") == 1 || index(exe[pid] "/", dir "/") == 1)
                                        printf "%s root=%s cwd=%s exe=%s\n", pid, key[pid], cwd[pid], exe[pid]
                        }
                }' | LC_ALL=C sort -n
}

# Processes running this build's launcher binary.
procs_of_syscon() {
        find /proc/[0-9]*/exe -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
                awk -v syscon="$SYSCON" '$2 == syscon { split($1, f, "/"); print f[3], "exe=" $2 }'
}

# SIGKILLs every process under DIR and waits (up to 5 s) until they are gone.
kill_procs_under() { # DIR
        local pids deadline=$((SECONDS + 5))
        while pids=$(procs_under "$1" | cut -d' ' -f1) && [ -n "$pids" ]; do
                # shellcheck disable=SC2086
                kill -KILL $pids 2>/dev/null
                [ "$SECONDS" -lt "$deadline" ] || return 1
                sleep 0.05
        done
}

# The open fds of process PID (default: this shell), sorted, space-separated.
fd_list() { # [PID]
        (cd "/proc/${1:-$BASHPID}/fd" && printf '%s\n' *) | LC_ALL=C sort -n | tr '\n' ' '
}

mounts_mentioning() { # STRING
        grep -F -- "$1" /proc/self/mountinfo || true
}

# machine.slice is systemd's: it makes the slice for the first container scope and keeps it.
cgroup_dirs() {
        # Only what syscon makes (BASE/syscon/NAME, syscon-NAME.scope), at any depth: other users of
        # the machine (its own sandbox included) make and remove cgroups of their own meanwhile.
        find /sys/fs/cgroup -mindepth 1 -maxdepth 8 -type d \( -name syscon -o -name 'syscon-*' \) 2>/dev/null |
                while read -r d; do find "$d" -maxdepth 3 -type d; done | LC_ALL=C sort
}

# The cgroups that are not in SNAPSHOT (a cgroup_dirs listing). Others may be using the machine: a
# transient cgroup of theirs gets a moment to go.
new_cgroups() { # SNAPSHOT
        local new
        new=$(comm -13 "$1" <(cgroup_dirs))
        if [ -n "$new" ]; then
                sleep 2
                new=$(comm -13 "$1" <(cgroup_dirs))
        fi
        echo "$new"
}

# Entries at the top of the host's root and of the places a launcher might leave state or device
# nodes; compared before and after, with what other users of the machine change left out, and
# /run/mount, libmount's state directory that the suite's own mount(8) calls create, and syscon's
# runtime directory, whose ID range leases any start may tidy up (a stale one from a killed
# syscon goes at the next start): t_leak_userns_leases checks that none is left at the end.
host_entries() {
        {
                find / /dev /run /var/lib /var/run /dev/shm -mindepth 1 -maxdepth 1 2>/dev/null
                find /run -mindepth 2 -maxdepth 3 -path '*syscon*' 2>/dev/null
        } | grep -vE '^/dev/(pts|loop|vcs|tty|char|block|disk)|^/run/mount$|^/run/syscon(/|$)' |
                LC_ALL=C sort -u
}

# The files in syscon's runtime directory that belong to a container (its ID range lease): not the
# directories or the lock files that the first start creates for all later ones, nor the cache of
# compiled system call filters, which any start may add to (t_seccomp_cache checks that it is only
# ever a cache).
runtime_state() {
        find /run/syscon -path /run/syscon/seccomp -prune -o ! -type d ! -name .lock -print 2>/dev/null |
                LC_ALL=C sort
}

# What a container's end must leave as it was: the number of host mounts, the cgroups and syscon's
# runtime state (ID range leases, locks). Snapshot before starting it, compare after.
host_state_snapshot() {
        grep -c '' /proc/self/mountinfo >"$T/snap-mounts"
        cgroup_dirs >"$T/snap-cgroups"
        runtime_state >"$T/snap-run"
}

expect_host_state_unchanged() {
        expect_eq "$(procs_of_syscon)" "" "syscon processes"
        expect_eq "$(grep -c '' /proc/self/mountinfo)" "$(cat "$T/snap-mounts")" "number of host mounts"
        expect_eq "$(new_cgroups "$T/snap-cgroups")" "" "new cgroups"
        expect_eq "$(runtime_state)" "$(cat "$T/snap-run")" "/run/syscon"
}

# The host mounts a hostile tree could hit: /, /proc, /dev, /sys, /run, /tmp and what is under them.
host_mounts_fingerprint() {
        awk '{ print $5, $(NF - 2) }' /proc/self/mountinfo |
                grep -E '^/(proc|dev|sys|run|tmp)?(/[^ ]*)? ' | LC_ALL=C sort
}

# A fingerprint of a directory outside the trees: names, types, modes, sizes, link targets,
# content checksums and the directory's own inode and mtime.
dir_fingerprint() { # DIR
        (
                cd "$1" || exit 1
                stat -c '%n %F %a %s %i %Y' . || exit 1
                find . -mindepth 1 -printf '%p %y %m %s %l\n' | LC_ALL=C sort
                find . -type f -exec sha256sum {} + | LC_ALL=C sort
        )
}

# Every entry of a tree with type, mode, owner, size and link target (not times: reading counts).
tree_listing() { # DIR
        find "$1" -printf '/%P %y %m %U:%G %s %l\n' | LC_ALL=C sort
}

# Waits up to SECONDS for FILE to contain a line matching REGEX.
wait_for_line() { # FILE REGEX SECONDS
        local deadline=$((SECONDS + $3))
        while ! grep -qE -- "$2" "$1" 2>/dev/null; do
                [ "$SECONDS" -lt "$deadline" ] || return 1
                sleep 0.05
        done
}

# Whether PID runs: exists and has not exited (kill -0 also finds a zombie nobody waited for).
is_running() { # PID
        kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# Waits up to SECONDS for PID (a child of this shell) to exit; sets RC to its status.
wait_pid() { # PID SECONDS
        local deadline=$((SECONDS + $2))
        while is_running "$1"; do
                [ "$SECONDS" -lt "$deadline" ] || return 1
                sleep 0.05
        done
        RC=0
        wait "$1" || RC=$?
}
