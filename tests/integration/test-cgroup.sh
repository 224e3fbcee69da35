# shellcheck shell=bash
# cgroups: each container in a cgroup of its own (the hierarchies syscon runs in, BASE/syscon/NAME,
# or with systemd as PID 1 its scope machine.slice/syscon-NAME.scope), limits from --property=
# enforced by the kernel and seen from inside, the OOM report, removal at exit and after a SIGKILLed
# supervisor, and every bad value refused before anything exists. The same tests run in the VM tier
# (tests/vm: pure cgroup v2, systemd as PID 1).

# The hierarchies a container joins: the v1 ones with these controllers (and those a property
# needs: blkio for IOWeight=, cpu for CPUQuota= and CPUWeight=, cpuset for AllowedCPUs=, which a
# test announces in CG_EXTRA_V1), and cgroup2.
CG_MANAGED_V1='memory|cpuacct|pids|name=systemd'
CG_EXTRA_V1=

cg_name() { # SUFFIX: a machine name no other run of the suite uses
        echo "cgt-$RUN_ID-$1"
}

# syscon asks systemd for a scope when systemd is PID 1 and its bus answers; so does this.
cg_systemd_mode() {
        [ -z "${CG_NO_SYSTEMD:-}" ] && [ -d /run/systemd/system ] && busctl --system status >/dev/null 2>&1
}

# Where the container NAME's cgroups must be, one path a line: BASE/syscon/NAME in every hierarchy
# syscon (a child of this shell, so in the same cgroups) runs in, or systemd's scope (which holds the
# container in its leaf "payload", and syscon's holder process in "holder").
cg_expected_dirs() { # NAME
        local line id controllers path mount
        if cg_systemd_mode; then
                echo "/sys/fs/cgroup/machine.slice/syscon-$1.scope"
                return
        fi
        while IFS= read -r line; do
                id=${line%%:*} controllers=${line#*:} controllers=${controllers%%:*} path=${line#*:*:}
                path=${path%/}
                if [ "$id" = 0 ]; then
                        if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
                                mount=/sys/fs/cgroup
                        elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
                                mount=/sys/fs/cgroup/unified
                        else
                                continue # legacy: syscon's cgroup2 mount is private
                        fi
                else
                        # shellcheck disable=SC2001 # one word per controller
                        grep -qxE "$CG_MANAGED_V1${CG_EXTRA_V1:+|$CG_EXTRA_V1}" <(echo "$controllers" | tr ',' '\n') ||
                                continue
                        # mountinfo: ... MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS
                        mount=$(awk -v c="$controllers" '{
                                        for (s = 7; $s != "-"; s++) ;
                                        if ($(s + 1) != "cgroup") next
                                        n = split($(s + 3), o, ","); k = split(c, w, ","); found = 0
                                        for (i = 1; i <= k; i++) for (j = 1; j <= n; j++) if (w[i] == o[j]) found++
                                        if (found == k) { print $5; exit } }' /proc/self/mountinfo)
                        [ -n "$mount" ] || continue
                fi
                echo "$mount$path/syscon/$1"
        done </proc/self/cgroup
}

# Those of them that exist.
cg_existing_dirs() { # NAME
        local d
        cg_expected_dirs "$1" | while IFS= read -r d; do
                [ -d "$d" ] && echo "$d"
        done
}

# The container's own cgroup2 directory.
cg_unified_dir() { # NAME
        if cg_systemd_mode; then
                echo "$(cg_expected_dirs "$1")/payload"
                return
        fi
        cg_expected_dirs "$1" | grep -v -E '/sys/fs/cgroup/(memory|cpu|cpuacct|cpuset|pids|blkio|systemd)/' | head -n 1
}

cg_v1_dir() { # CONTROLLER NAME
        cg_expected_dirs "$2" | grep -E "^/sys/fs/cgroup/([^/]*,)?$1(,[^/]*)?/" | head -n 1
}

memory_is_v1() {
        grep -qE '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' /proc/self/cgroup
}

# Starts "syscon run -M NAME OPTS TREE helper wait-signal 0" in the background and waits until the
# helper is ready. Sets BG_PID.
cg_start_bg() { # NAME [OPTS...]
        local name=$1
        shift
        # shellcheck disable=SC2034 # read by fail()
        LAST_CMD="syscon run -M $name $* $BASE_TREE $HELPER_IN_TREE wait-signal 0"
        env --default-signal=INT,TERM "$SYSCON" run -M "$name" "$@" "$BASE_TREE" "$HELPER_IN_TREE" wait-signal 0 \
                </dev/null >"$T/bg-out" 2>"$T/bg-err" &
        BG_PID=$!
        on_exit "kill -KILL $BG_PID 2>/dev/null; wait $BG_PID 2>/dev/null"
        if ! wait_for_line "$T/bg-out" '^ready=1$' 10; then
                cp "$T/bg-out" "$T/out"
                cp "$T/bg-err" "$T/err"
                fail "the helper did not get ready within 10 s"
        fi
}

cg_stop_bg() {
        kill -TERM "$BG_PID"
        wait_pid "$BG_PID" 10 || fail "syscon still runs 10 s after SIGTERM"
        cp "$T/bg-out" "$T/out"
        cp "$T/bg-err" "$T/err"
}

t_cgroup_placement() {
        local name want have dir pid
        name=$(cg_name placement)
        want=$(cg_expected_dirs "$name")
        [ -n "$want" ] || fail "found no cgroup hierarchy this shell runs in"
        expect_eq "$(cg_existing_dirs "$name")" "" "cgroups of $name before it starts"

        cg_start_bg "$name"
        have=$(cg_existing_dirs "$name")
        expect_eq "$have" "$want" "the container's cgroups (BASE/syscon/NAME in each hierarchy)"
        dir=$(cg_unified_dir "$name")
        [ -n "$dir" ] || fail "no cgroup2 directory for $name"
        # The supervisor stays outside; syscon-init and the helper are inside, in every hierarchy.
        expect_eq "$(grep -c '' "$dir/cgroup.procs")" 2 "processes in $dir (syscon-init and the helper)"
        grep -qx "$BG_PID" "$dir/cgroup.procs" && fail "the supervisor is in the container's cgroup"
        if cg_systemd_mode; then
                pid=$(cat "$have/holder/cgroup.procs")
                expect_eq "$(ps -o ppid= -p "$pid" | tr -d ' ')" "$BG_PID" \
                        "parent of the scope's holder $pid (the supervisor)"
                expect_eq "$(cat "$have/cgroup.procs")" "" "processes in the scope itself (all in its leaves)"
                grep -qx "$BG_PID" "$have/cgroup.procs" "$have/holder/cgroup.procs" &&
                        fail "the supervisor is in the scope"
        else
                while IFS= read -r dir; do
                        pid=$(head -n 1 "$dir/cgroup.procs")
                        [ -n "$pid" ] || fail "no process in $dir"
                done <<<"$have"
        fi
        cg_stop_bg
        expect_rc 0
        expect_eq "$(cg_existing_dirs "$name")" "" "cgroups of $name after it ended"
}
register t_cgroup_placement "the container's processes, not the supervisor, are in its own cgroup(s) (BASE/syscon/NAME or systemd's scope); removed at exit"

# Runs COMMAND with systemd out of sight: sd_booted() looks for /run/systemd/system.
without_systemd() { # COMMAND...: replaces the calling (sub)shell
        # shellcheck disable=SC2016 # expanded by the inner shell
        exec unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run/systemd 2>/dev/null; exec "$@"' sh "$@"
}

# Where systemd is PID 1 (the VM tier), syscon behaves as on a host without it once systemd is out
# of sight: BASE/syscon/NAME in the cgroup it runs in.
t_cgroup_without_systemd() {
        local name dir base
        name=$(cg_name nosystemd)
        CG_NO_SYSTEMD=1
        dir=$(cg_unified_dir "$name")
        [ -n "$dir" ] || fail "no cgroup2 hierarchy to expect the container in"
        without_systemd env --default-signal=INT,TERM "$SYSCON" run -M "$name" "$BASE_TREE" "$HELPER_IN_TREE" \
                wait-signal 0 </dev/null >"$T/bg-out" 2>"$T/bg-err" &
        BG_PID=$!
        on_exit "kill -KILL $BG_PID 2>/dev/null; wait $BG_PID 2>/dev/null"
        wait_for_line "$T/bg-out" '^ready=1$' 10 || fail "the helper did not get ready within 10 s"
        expect_eq "$(grep -c '' "$dir/cgroup.procs" 2>/dev/null)" 2 "processes in $dir (syscon-init and the helper)"
        cg_stop_bg
        expect_rc 0
        expect_eq "$(cg_existing_dirs "$name")" "" "cgroups of $name after it ended"

        # A limit: v1 controllers take it anywhere; cgroup v2 only where syscon's cgroup passes the
        # controller on to the cgroups below it (syscon never changes its own cgroup), and says so.
        LAST_CMD="syscon run -M $name --property=TasksMax=10 (systemd out of sight)"
        RC=0
        timeout -k 5 "$SC_TIMEOUT" bash -c "$(declare -f without_systemd); without_systemd \"\$@\"" bash \
                "$SYSCON" run -M "$name" --property=TasksMax=10 "$BASE_TREE" "$HELPER_IN_TREE" forks 0 \
                </dev/null >"$T/out" 2>"$T/err" || RC=$?
        base=$(sed -n 's/^0:://p' /proc/self/cgroup)
        if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] &&
                ! grep -qw pids "/sys/fs/cgroup$base/cgroup.subtree_control"; then
                expect_launcher_error "whose cgroup $base does not pass it on"
        else
                expect_rc 0
                expect_eq "$(kv forks)" 8 "children forked under TasksMax=10"
        fi
        expect_eq "$(cg_existing_dirs "$name")" "" "cgroups of $name after the limited run"
}
register t_cgroup_without_systemd "without systemd in sight, the container is in BASE/syscon/NAME of the cgroup syscon runs in"

t_cgroup_namespace() {
        local name line
        name=$(cg_name ns)
        observe "$BASE_TREE" -M "$name" -- cgroup
        # Every hierarchy's path is the namespace's root: the container sees its own cgroup as "/".
        while IFS= read -r line; do
                [[ $line == *:/ ]] || fail "the container sees its cgroup as ${line#cgroup=}, not as the root"
        done < <(grep '^cgroup=' "$T/out")
        expect_match "$(grep -c '^cgroup=0::/$' "$T/out")" '^1$' "the cgroup2 line inside"
        observe "$BASE_TREE" -M "$name" -- ls /sys/fs/cgroup
        grep -q 'cgroup.procs' "$T/out" || fail "no cgroup2 tree on /sys/fs/cgroup inside"
}
register t_cgroup_namespace "inside, every cgroup path is / (own cgroup namespace) and /sys/fs/cgroup is the container's cgroup2"

t_cgroup_memory_max_oom() {
        local name got
        name=$(cg_name oom)
        # Without a limit the same hog gets all it asks for: the limit is what stops it below.
        observe "$BASE_TREE" -M "$name" -- memhog 4 64
        expect_eq "$(kv done)" 1 "memhog without a limit finished"

        in_tree "$BASE_TREE" -M "$name" --property=MemoryMax=32M -- memhog 4 256
        expect_rc 137
        got=$(awk -F= '/^allocated_mb=/ { v = $2 } END { print v + 0 }' "$T/out")
        echo "allocated before the kill: ${got} MiB"
        [ "$got" -ge 8 ] && [ "$got" -lt 32 ] || fail "the hog got ${got} MiB under MemoryMax=32M, want 8..31"
        grep -q '^done=' "$T/out" && fail "the hog finished under MemoryMax=32M"
        grep -qxF "syscon: the container's memory limit MemoryMax=32M was hit: the kernel killed 1 process(es)" \
                "$T/err" || fail "no OOM report on stderr"
        expect_eq "$(cg_existing_dirs "$name")" "" "cgroups of $name after it ended"
}
register t_cgroup_memory_max_oom "MemoryMax=32M: a memory hog dies at the limit, and syscon reports the OOM kill on stderr"

t_cgroup_tasks_max() {
        local name dir n
        name=$(cg_name tasks)
        # syscon-init and the helper count too: the helper may fork TasksMax - 2 children.
        observe "$BASE_TREE" -M "$name" --property=TasksMax=16 -- forks 0
        expect_eq "$(kv forks)" 14 "children forked under TasksMax=16"
        expect_eq "$(kv errno)" EAGAIN "fork()'s error at the limit"

        # While a container sits at its limit, the host forks as usual.
        SC_TIMEOUT=20
        env "$SYSCON" run -M "$name" --property=TasksMax=16 "$BASE_TREE" "$HELPER_IN_TREE" forks 3000 \
                </dev/null >"$T/bg-out" 2>"$T/bg-err" &
        BG_PID=$!
        on_exit "kill -KILL $BG_PID 2>/dev/null; wait $BG_PID 2>/dev/null"
        wait_for_line "$T/bg-out" '^forks=' 10 || fail "the fork loop did not report within 10 s"
        dir=$(cg_v1_dir pids "$name")
        [ -n "$dir" ] || dir=$(cg_unified_dir "$name")
        expect_eq "$(cat "$dir/pids.current")" 16 "tasks in the container at its limit ($dir/pids.current)"
        n=$(seq 50 | xargs -P 50 -I{} sh -c 'echo {}' | grep -c '')
        expect_eq "$n" 50 "processes the host started in parallel meanwhile"
        wait_pid "$BG_PID" 15 || fail "the fork loop did not end"
        expect_rc 0
}
register t_cgroup_tasks_max "TasksMax=16: a fork loop stops at 14 children (EAGAIN) while the host forks freely"

t_cgroup_cpu_quota() {
        local name wall cpu cg
        name=$(cg_name cpu)
        SC_TIMEOUT=15
        observe "$BASE_TREE" -M "$name" --property=CPUQuota=20% -- busy 2
        wall=$(kv wall_ms) cpu=$(kv cpu_ms) cg=$(kv cgroup_cpu_ms)
        echo "wall ${wall} ms, own CPU ${cpu} ms, the cgroup's CPU ${cg} ms"
        [ "$((cpu * 100 / wall))" -ge 10 ] && [ "$((cpu * 100 / wall))" -le 30 ] ||
                fail "a busy loop under CPUQuota=20% got $((cpu * 100 / wall))% of a CPU, want 10..30%"
        [ "$((cg * 100 / wall))" -ge 10 ] && [ "$((cg * 100 / wall))" -le 30 ] ||
                fail "the container's cgroup used $((cg * 100 / wall))% of a CPU (cpu.stat), want 10..30%"
}
register t_cgroup_cpu_quota "CPUQuota=20%: a busy loop gets about a fifth of a CPU (own CPU time and the cgroup's cpu.stat)"

t_cgroup_allowed_cpus() {
        local name all last
        name=$(cg_name cpus)
        observe "$BASE_TREE" -M "$name" -- affinity
        all=$(kv cpus)
        last=$(awk '/^Cpus_allowed_list/ { n = split($2, r, /[-,]/); print r[n] }' /proc/self/status)
        observe "$BASE_TREE" -M "$name" --property=AllowedCPUs="$last" -- affinity
        expect_eq "$(kv cpus)" "$last" "CPUs the container may run on with AllowedCPUs=$last (all: $all)"
        observe "$BASE_TREE" -M "$name" --property=AllowedCPUs=0 -- affinity
        expect_eq "$(kv cpus)" 0 "CPUs the container may run on with AllowedCPUs=0"
}
register t_cgroup_allowed_cpus "AllowedCPUs= restricts the container's CPU affinity"

t_cgroup_accounting() {
        local name line ns
        name=$(cg_name acct)
        SC_TIMEOUT=15
        SYSCON_LOG_LEVEL=debug in_tree "$BASE_TREE" -M "$name" -- busy 1
        expect_rc 0
        line=$(grep "Container $name used:" "$T/err") || fail "no accounting line in the debug log"
        ns=$(sed -E 's/.*CPU ([0-9]+) ns.*/\1/' <<<"$line")
        [ "$ns" -ge 500000000 ] && [ "$ns" -lt 20000000000 ] ||
                fail "CPU time accounted to a 1 s busy loop: $ns ns"
        [[ $line =~ memory\ peak\ [0-9]+\ bytes ]] || fail "no memory peak in: $line"
        [[ $line =~ OOM\ kills\ 0 ]] || fail "OOM kills not 0 in: $line"
}
register t_cgroup_accounting "accounting: CPU time, memory peak and OOM kills read from the container's cgroup at exit"

t_cgroup_removed_after_sigkill() {
        local name
        name=$(cg_name killed)
        cg_start_bg "$name"
        # A second container of the same name while the first runs: refused, the first untouched.
        sc run -M "$name" "$BASE_TREE" /bin/true
        expect_launcher_error "already running"
        kill -0 "$BG_PID" || fail "the running container died when a second one of its name was refused"
        expect_eq "$(cg_existing_dirs "$name")" "$(cg_expected_dirs "$name")" "the running container's cgroups"

        kill -KILL "$BG_PID"
        wait "$BG_PID" 2>/dev/null
        if cg_systemd_mode; then
                # The container died with its supervisor, and systemd removes an empty scope itself.
                in_tree "$BASE_TREE" -M "$name" -- exit 0
                expect_rc 0
        else
                [ -n "$(cg_existing_dirs "$name")" ] || fail "nothing left to clean up after SIGKILL (test is void)"
                in_tree "$BASE_TREE" -M "$name" -- exit 0
                expect_rc 0
                grep -q "Removing the cgroups of container $name, left behind" "$T/err" ||
                        fail "the next start of $name did not say it removed the stale cgroups"
        fi
        expect_eq "$(cg_existing_dirs "$name")" "" "cgroups of $name after the next start ended"
}
register t_cgroup_removed_after_sigkill "a SIGKILLed supervisor's cgroups are removed by the next start of the name; a running one is not touched"

t_cgroup_bad_properties() {
        local name p
        name=$(cg_name bad)
        for p in MemoryMax=banana MemoryMax=-1 MemoryMax=0 MemoryMax=18446744073709551616 CPUQuota=0% \
                AllowedCPUs=3-1 TasksMax=0 Bogus=1; do
                sc run -M "$name" --property="$p" "$BASE_TREE" /bin/true
                expect_launcher_error "$p"
                expect_eq "$(cg_existing_dirs "$name")" "" "cgroups after --property=$p"
        done
}
register t_cgroup_bad_properties "every bad --property= value: 125, one message naming it, no cgroup"

t_cgroup_unenforceable() {
        local name
        name=$(cg_name unenforceable)
        sc run -M "$name" --property=AllowedCPUs=1023 "$BASE_TREE" /bin/true
        expect_launcher_error "AllowedCPUs=1023"
        expect_eq "$(cg_existing_dirs "$name")" "" "cgroups after AllowedCPUs=1023"
        if memory_is_v1; then
                sc run -M "$name" --property=MemoryHigh=1G "$BASE_TREE" /bin/true
                expect_launcher_error "MemoryHigh="
                expect_eq "$(cg_existing_dirs "$name")" "" "cgroups after MemoryHigh=1G"
        fi
}
register t_cgroup_unenforceable "a limit the host cannot enforce (CPUs it lacks; MemoryHigh= on v1 memory): 125, no cgroup"

# The weights are relative shares, which only show under contention: check that they reach the
# kernel's files, in systemd's conversions (CPUWeight=200 is cpu.shares 2048 on v1; IOWeight=300 is
# BFQ weight 118).
t_cgroup_weights_reach_the_kernel() {
        local name dir got
        name=$(cg_name weights)
        CG_EXTRA_V1='blkio|cpu'
        cg_start_bg "$name" --property=CPUWeight=200 --property=IOWeight=300
        dir=$(cg_v1_dir cpu "$name")
        if [ -n "$dir" ]; then
                expect_eq "$(cat "$dir/cpu.shares")" 2048 "$dir/cpu.shares for CPUWeight=200"
        else
                dir=$(cg_unified_dir "$name")
                expect_eq "$(cat "$dir/cpu.weight")" 200 "$dir/cpu.weight for CPUWeight=200"
        fi
        dir=$(cg_v1_dir blkio "$name")
        [ -n "$dir" ] || dir=$(cg_unified_dir "$name")
        dir=$(ls "$dir"/io.weight "$dir"/io.bfq.weight "$dir"/blkio.bfq.weight "$dir"/blkio.weight 2>/dev/null | head -n 1)
        [ -n "$dir" ] || fail "no I/O weight file for the container"
        got=$(cat "$dir")
        case "$dir" in
        */io.weight) expect_eq "$got" "default 300" "$dir" ;;
        */blkio.weight) expect_eq "$got" 1000 "$dir" ;;
        *) expect_eq "$got" 118 "$dir" ;;
        esac
        cg_stop_bg
        expect_rc 0
}
register t_cgroup_weights_reach_the_kernel "CPUWeight= and IOWeight= reach the kernel's weight files (systemd's conversions)"
