# shellcheck shell=bash
# `syscon boot` (issue #3), each lifecycle with --private-users=no and with -U (issue #4): a Debian
# bookworm tree with systemd, one with sysvinit, and a busybox tree with busybox init. The test
# installs a probe (guest-record.sh) in its private copy of the tree, which the guest's own init
# runs: it records what the booted guest sees into /var/lib/syscon-test and then powers off,
# reboots, exits or waits for the test to shut the guest down from outside. The test reads the
# records through the tree.
#
# The Debian trees come from tests/fixtures/debian-tree.sh's cache, built (about a minute each)
# before the first test by boot_build_fixtures, only when a selected test needs them. A test whose
# tree could not be built skips; with CI=true that is a failure.
#
# Shutdown on SIGTERM to syscon: syscon sends the init its kill signal (systemd: SIGRTMIN+3; busybox
# init: SIGUSR2, its poweroff). sysvinit has no signal for a clean poweroff (SIGTERM and SIGRTMIN+3
# are ignored, SIGPWR runs powerfail entries whose script bookworm lacks): SIGINT runs Debian's
# ctrlaltdel entry, a reboot, which ends the container because a stop was asked for. What the tests
# demand is init-independent: the guest ran its shutdown (the probe's stop record), did not boot
# again, and syscon exited 0 within BOOT_SHUTDOWN_BOUND seconds, as for a poweroff from inside
# (systemd-nspawn exits 0 there too).

BOOT_HOSTNAME=sit-boot-host
BOOT_SC_TIMEOUT=60       # one `syscon boot` in the foreground, reboots included
BOOT_UP_BOUND=60         # from starting syscon to the probe's boot record
BOOT_SHUTDOWN_BOUND=30   # from SIGTERM to syscon's exit
BOOT_TEST_SECONDS=150    # a test's time limit (at TEST_TIMEOUT's default)
BOOT_RECORDS=/var/lib/syscon-test

declare -A boot_fixture_needed=() boot_cache=() boot_cache_error=()

# Registers FUNCTION twice, as FUNCTION_no (--private-users=no) and FUNCTION_U (-U): BOOT_USERNS
# tells it which, and boot_userns_opts gives the option.
register_boot() { # FUNCTION DESCRIPTION KIND
        local fn=$1 desc=$2 kind=$3 mode
        for mode in no U; do
                eval "${fn}_$mode() { BOOT_USERNS=$mode; $fn; }"
                if register_slow "${fn}_$mode" "$desc ($(BOOT_USERNS=$mode boot_userns_opts))" "$BOOT_TEST_SECONDS"; then
                        boot_fixture_needed[$kind]=1
                fi
        done
}

boot_userns_opts() {
        case "$BOOT_USERNS" in
        no) echo --private-users=no ;;
        U) echo -U ;;
        esac
}

# Setup: builds (or finds in the cache) the Debian trees the selected tests need, and lists them for
# the leak check that proves no test wrote to them.
boot_build_fixtures() {
        local kind log
        for kind in systemd sysvinit; do
                [ -n "${boot_fixture_needed[$kind]:-}" ] || continue
                log=$WORK/logs/fixture-debian-$kind.log
                echo "Debian $kind tree: tests/fixtures/debian-tree.sh --variant $kind (a minute when not cached)"
                if boot_cache[$kind]=$("$SYSCON_SOURCE_ROOT/tests/fixtures/debian-tree.sh" --variant "$kind" 2>"$log"); then
                        tree_listing "${boot_cache[$kind]}" >"$WORK/snap/boot-cache-$kind"
                else
                        boot_cache[$kind]=
                        boot_cache_error[$kind]="debian-tree.sh --variant $kind failed: $(tail -n 3 "$log" | tr '\n' ' ')"
                        echo "${boot_cache_error[$kind]}"
                fi
        done
}
register_setup boot_build_fixtures

# --- the guest tree ------------------------------------------------------------------------------

# Sets BOOT_TREE to this test's private tree of KIND (systemd or sysvinit: the cached Debian tree;
# busybox: built fresh), removed when the test ends. Without a user namespace a Debian tree is an
# overlay on the cache (instant); with one it is a full copy, because syscon ID-maps the tree and
# overlayfs cannot be ID-mapped (mount_setattr(MOUNT_ATTR_IDMAP) fails with EINVAL).
boot_tree() { # KIND
        local kind=$1 tree=$WORK/trees/boot-$1-$BASHPID lower
        case "$kind" in
        busybox)
                on_exit "rm -rf --one-file-system '$tree'"
                "$SYSCON_SOURCE_ROOT/tests/fixtures/busybox-boot-tree.sh" "$tree" "$SYSCON_TEST_HELPER" >"$T/fixture.log" 2>&1 ||
                        fail "building the busybox boot tree failed: $(cat "$T/fixture.log")"
                ;;
        systemd | sysvinit)
                lower=${boot_cache[$kind]:-}
                [ -n "$lower" ] || skip "no Debian $kind tree: ${boot_cache_error[$kind]:-not built}"
                if [ "$BOOT_USERNS" = no ]; then
                        mkdir "$tree" "$T/upper" "$T/work"
                        on_exit "rmdir '$tree'"
                        mount -t overlay overlay -o "lowerdir=$lower,upperdir=$T/upper,workdir=$T/work" "$tree" ||
                                fail "cannot mount an overlay of $lower on $tree"
                        on_exit "umount '$tree' || umount -l '$tree'"
                else
                        on_exit "rm -rf --one-file-system '$tree'"
                        cp -a --reflink=auto "$lower" "$tree" || fail "cannot copy $lower to $tree"
                fi
                ;;
        esac
        dir_key "$tree" >>"$WORK/snap/tree-keys"
        BOOT_TREE=$tree BOOT_KIND=$kind
        on_exit "[ \"\$TEST_STATUS\" = 0 ] || [ \"\$TEST_STATUS\" = 77 ] || boot_diagnostics"
}

# Installs the probe in BOOT_TREE, to be run by its init at every boot and shutdown, with ACTION i
# for boot i (poweroff, reboot, halt, exit CODE or wait).
install_probe() { # ACTION...
        local tree=$BOOT_TREE
        mkdir -p "$tree/usr/local/sbin" "$tree/usr/local/bin" "$tree$BOOT_RECORDS"
        # shellcheck disable=SC2154 # here: run.sh's directory
        install -m 0755 "$here/guest-record.sh" "$tree/usr/local/sbin/syscon-test-record"
        install -m 0755 "$SYSCON_TEST_HELPER" "$tree/usr/local/bin/syscon-test-helper"
        printf '%s\n' "$@" >"$tree$BOOT_RECORDS/plan"
        case "$BOOT_KIND" in
        systemd) install_probe_systemd "$tree" ;;
        sysvinit)
                # The boot record once rc 2 is done (a "once" entry after the "wait" ones); the stop
                # record first thing in runlevels 0 and 6, before rc kills and unmounts.
                sed -i -e '/^l0:0:wait:/i rs:06:wait:/usr/local/sbin/syscon-test-record stop' \
                        -e '$a rb:2345:once:/usr/local/sbin/syscon-test-record boot' "$tree/etc/inittab"
                grep -q '^rs:06' "$tree/etc/inittab" || fail "the sysvinit tree's inittab has no l0 entry"
                ;;
        busybox)
                # rcS runs S99 during sysinit, which busybox init finishes before it acts on a
                # poweroff: the probe goes to the background so that sysinit can end.
                printf '#!/bin/sh\n/usr/local/sbin/syscon-test-record boot &\n' >"$tree/etc/init.d/S99record"
                printf '#!/bin/sh\nexec /usr/local/sbin/syscon-test-record stop\n' >"$tree/etc/init.d/K01record"
                chmod 0755 "$tree/etc/init.d/S99record" "$tree/etc/init.d/K01record"
                ;;
        esac
}

install_probe_systemd() { # TREE
        local units=$1/etc/systemd/system
        # Type=simple, so the boot does not wait for the probe and `is-system-running --wait` in it
        # can see the boot finish.
        cat >"$units/syscon-test-record.service" <<'EOF'
[Unit]
Description=syscon test: record what the booted guest sees

[Service]
Type=simple
ExecStart=/usr/local/sbin/syscon-test-record boot

[Install]
WantedBy=multi-user.target
EOF
        # Stopped (ExecStop) early in the shutdown, whatever its kind.
        cat >"$units/syscon-test-stop.service" <<'EOF'
[Unit]
Description=syscon test: record the shutdown

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/usr/local/sbin/syscon-test-record stop

[Install]
WantedBy=multi-user.target
EOF
        ln -s ../syscon-test-record.service "$units/multi-user.target.wants/"
        ln -s ../syscon-test-stop.service "$units/multi-user.target.wants/"
}

# What the probe saw on boot N.
obs() { # N KEY
        cat "$BOOT_TREE$BOOT_RECORDS/boot-$1/$2" 2>/dev/null
}

events() {
        cat "$BOOT_TREE$BOOT_RECORDS/events" 2>/dev/null
}

# Shown when a boot test fails: what the guest recorded and the end of its console.
boot_diagnostics() {
        local f
        echo "--- guest records ($BOOT_TREE$BOOT_RECORDS):"
        for f in "$BOOT_TREE$BOOT_RECORDS"/events "$BOOT_TREE$BOOT_RECORDS"/boot-*/*; do
                [ -f "$f" ] || continue
                case "${f##*/}" in
                mountinfo) continue ;;
                esac
                echo "- ${f#"$BOOT_TREE$BOOT_RECORDS"/}:"
                head -n 30 "$f" | cut -c1-300
        done
        for f in out err; do
                [ -s "$T/$f" ] || continue
                echo "--- the end of syscon's std$f:"
                tail -n 40 "$T/$f" | cut -c1-300
        done
}

# --- running the guest ---------------------------------------------------------------------------

boot_machine_name() {
        echo "sit-boot-$BASHPID"
}

# `syscon boot USERNS-OPTION -M NAME OPTS BOOT_TREE [-- INIT-ARGS]` in the foreground, bounded.
boot_fg() { # [OPTS...] [-- INIT-ARGS...]
        local opts=() machine
        machine=$(boot_machine_name)
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                opts+=("$1")
                shift
        done
        host_state_snapshot
        SC_TIMEOUT=$BOOT_SC_TIMEOUT sc boot "$(boot_userns_opts)" -M "$machine" "${opts[@]}" "$BOOT_TREE" "$@"
}

# The same in the background (sc_bg), returning once the probe has recorded boot 1.
boot_bg() { # [OPTS...]
        host_state_snapshot
        on_exit "kill_procs_under '$BOOT_TREE'"
        sc_bg boot "$(boot_userns_opts)" -M "$(boot_machine_name)" "$@" "$BOOT_TREE"
        wait_for_boot 1
}

# Waits until the probe has recorded boot N of the background syscon's guest.
wait_for_boot() { # N
        local deadline=$((SECONDS + BOOT_UP_BOUND))
        until grep -qx "boot $1" "$BOOT_TREE$BOOT_RECORDS/events" 2>/dev/null; do
                if ! is_running "$BG_PID"; then
                        wait_pid "$BG_PID" 1
                        bg_output_to_out
                        fail "syscon exited (status $RC) before the guest came up (boot $1)"
                fi
                if [ "$SECONDS" -ge "$deadline" ]; then
                        bg_output_to_out
                        fail "the guest did not come up (no record of boot $1) within $BOOT_UP_BOUND s"
                fi
                sleep 0.1
        done
}

# Sends SIG to the background syscon and waits up to SECONDS for it to exit (RC: its status).
signal_boot_bg() { # SIG SECONDS
        kill -s "$1" "$BG_PID"
        if ! wait_pid "$BG_PID" "$2"; then
                bg_output_to_out
                fail "syscon still runs $2 s after SIG$1"
        fi
        bg_output_to_out
}

# --- expectations --------------------------------------------------------------------------------

# The guest's records of boots and shutdowns, one line each, are exactly LINE... (extended regexes).
expect_events() { # LINE-REGEX...
        local got want
        got=$(events | tr '\n' '|')
        want=$(printf '%s|' "$@")
        [[ $got =~ ^$want$ ]] || fail "guest events: got '${got//|/; }', want '${want//|/; }'"
}

# A UUID in one form: 32 lower-case hex digits.
uuid_hex() { # UUID
        echo "$1" | tr -d '-' | tr 'A-F' 'a-f'
}

# What every init's guest sees on boot N, given the --uuid the boot was started with.
expect_container_interface() { # N UUID
        local n=$1 uuid map base
        uuid=$(uuid_hex "$2")
        expect_eq "$(obs "$n" pid1_container_env | grep '^container=')" container=syscon "PID 1's \$container"
        expect_eq "$(uuid_hex "$(obs "$n" pid1_container_env | sed -n 's/^container_uuid=//p')")" "$uuid" \
                "PID 1's \$container_uuid"
        expect_match "$(obs "$n" container_manager)" syscon "/run/host/container-manager"
        expect_eq "$(uuid_hex "$(obs "$n" container_uuid)")" "$uuid" "/run/host/container-uuid"
        expect_eq "$(obs "$n" hostname)" "$BOOT_HOSTNAME" "hostname"
        expect_match "$(obs "$n" boot_id)" '^[0-9a-f-]{36}$' "boot id"
        expect_ne "$(obs "$n" boot_id)" "$(cat /proc/sys/kernel/random/boot_id)" "boot id (the host's)"
        expect_eq "$(kv rdonly <(obs "$n" proc_sys_statvfs))" 1 "/proc/sys read-only"
        expect_eq "$(kv rdonly <(obs "$n" sys_statvfs))" 1 "/sys read-only"
        map=$(obs "$n" uid_map | tr -s ' ' | sed 's/^ //')
        expect_eq "$(obs "$n" gid_map | tr -s ' ' | sed 's/^ //')" "$map" "gid_map (the uid_map's)"
        case "$BOOT_USERNS" in
        no)
                expect_eq "$map" "0 0 4294967295" "uid_map without a user namespace"
                expect_eq "$(kv open <(obs "$n" proc_sys_write))" EROFS "opening /proc/sys/kernel/domainname for writing"
                ;;
        U)
                # The file's owner, the host's root, is unmapped: the permission check fails before
                # the read-only mount's (statvfs above shows the mount).
                expect_match "$(kv open <(obs "$n" proc_sys_write))" '^(EROFS|EACCES)$' \
                        "opening /proc/sys/kernel/domainname for writing"
                expect_match "$map" '^0 [0-9]+ 65536$' "uid_map with -U"
                base=$(cut -d' ' -f2 <<<"$map")
                [ "$base" -ge 524288 ] && [ $((base % 65536)) -eq 0 ] ||
                        fail "uid_map with -U: base $base is not a multiple of 65536 at or above 524288"
                # The tree is ID-mapped: what the guest's root made is root's on disk.
                expect_eq "$(stat -c %u:%g "$BOOT_TREE$BOOT_RECORDS/boots")" 0:0 \
                        "owner on disk of a file the guest's root made"
                ;;
        esac
}

# No process, mount or cgroup of the guest's left; the host as before the boot.
expect_boot_left_nothing() {
        expect_eq "$(procs_under "$BOOT_TREE")" "" "processes in the tree after syscon exited"
        expect_eq "$(awk -v t="$BOOT_TREE/" 'index($5, t) == 1' /proc/self/mountinfo)" "" "mounts in the tree"
        expect_eq "$(find /sys/fs/cgroup -type d -name "*$(boot_machine_name)*" 2>/dev/null)" "" \
                "cgroups named after the machine"
        expect_host_state_unchanged
}

new_uuid() {
        cat /proc/sys/kernel/random/uuid
}

# --- the lifecycles, for each init ---------------------------------------------------------------

# The probe powers off on boot 1 (systemd) or reboots on boot 1 and powers off on boot 2; each boot
# sees the container interface and its init's own signs of a complete boot; exit status 0.
boot_to_poweroff() { # KIND STOP-EVENT...
        local kind=$1 uuid n
        shift
        uuid=$(new_uuid)
        boot_tree "$kind"
        if [ $# = 1 ]; then
                install_probe poweroff
        else
                install_probe reboot poweroff
        fi
        boot_fg --hostname="$BOOT_HOSTNAME" --uuid="$uuid"
        expect_rc 0
        expect_events "boot 1" "$1" ${2:+"boot 2" "$2"}
        for ((n = 1; n <= $#; n++)); do
                "expect_${kind}_booted" "$n" "$uuid"
                expect_container_interface "$n" "$uuid"
        done
        [ $# = 1 ] || expect_ne "$(obs 2 boot_id)" "$(obs 1 boot_id)" "boot id after the reboot (the first boot's)"
        expect_boot_left_nothing
}

# The probe waits on boot 1; SIGTERM to syscon must take the guest through its shutdown (STOP-EVENT,
# no second boot) to exit status 0 within BOOT_SHUTDOWN_BOUND seconds.
boot_sigterm() { # KIND STOP-EVENT-REGEX
        local uuid
        uuid=$(new_uuid)
        boot_tree "$1"
        install_probe wait
        boot_bg --hostname="$BOOT_HOSTNAME" --uuid="$uuid"
        signal_boot_bg TERM "$BOOT_SHUTDOWN_BOUND"
        expect_rc 0
        expect_events "boot 1" "$2"
        "expect_${1}_booted" 1 "$uuid"
        expect_boot_left_nothing
}

expect_systemd_booted() { # N UUID
        local n=$1
        expect_eq "$(obs "$n" state)" running "systemctl is-system-running --wait"
        expect_eq "$(obs "$n" failed)" "" "failed units"
        expect_match "$(obs "$n" pid1_exe)" '/lib/systemd/systemd$' "PID 1"
        expect_eq "$(obs "$n" virt)" container-other "systemd-detect-virt -c (systemd 252 for container=syscon)"
        expect_eq "$(obs "$n" machine_id)" "$(uuid_hex "$2")" "/etc/machine-id (from --uuid)"
        expect_eq "$(obs "$n" cgroup_fstype)" cgroup2 "file system on /sys/fs/cgroup"
        expect_eq "$(obs "$n" pid1_cgroup | grep '^0::')" 0::/init.scope "PID 1's cgroup2 cgroup"
        expect_match "$(obs "$n" cgroup_root | tr '\n' ' ')" 'init\.scope.*system\.slice' "/sys/fs/cgroup"
        expect_eq "$(obs "$n" journal_warnings | grep -i cgroup)" "" "cgroup warnings and errors in the guest's journal"
}

expect_sysvinit_booted() { # N
        expect_match "$(obs "$1" pid1_exe)" '/sbin/init$' "PID 1"
        expect_eq "$(obs "$1" pid1_comm)" init "PID 1's name"
        expect_eq "$(obs "$1" runlevel)" "N 2" "runlevel"
}

expect_busybox_booted() { # N
        expect_eq "$(obs "$1" pid1_exe)" /bin/busybox "PID 1"
        expect_eq "$(obs "$1" pid1_comm)" init "PID 1's name"
}

t_boot_systemd_poweroff() {
        boot_to_poweroff systemd "stop 1"
}
register_boot t_boot_systemd_poweroff \
        "boot: systemd reaches running with no failed unit or cgroup error, sees the container interface; poweroff exits 0" systemd

t_boot_systemd_reboot_exit() {
        local uuid
        uuid=$(new_uuid)
        boot_tree systemd
        install_probe reboot "exit 7"
        boot_fg --hostname="$BOOT_HOSTNAME" --uuid="$uuid"
        expect_rc 7
        expect_events "boot 1" "stop 1" "boot 2" "stop 2"
        expect_systemd_booted 2 "$uuid"
        expect_container_interface 2 "$uuid"
        expect_ne "$(obs 2 boot_id)" "$(obs 1 boot_id)" "boot id after the reboot (the first boot's)"
        expect_boot_left_nothing
}
register_boot t_boot_systemd_reboot_exit \
        "boot: systemd's reboot boots again in the same syscon, same machine id, new boot id; 'systemctl exit 7' exits 7" systemd

t_boot_systemd_sigterm() {
        boot_sigterm systemd "stop 1"
}
register_boot t_boot_systemd_sigterm \
        "boot: SIGTERM to syscon shuts systemd down cleanly within ${BOOT_SHUTDOWN_BOUND}s, exit 0, nothing left" systemd

t_boot_sysvinit_reboot_poweroff() {
        boot_to_poweroff sysvinit "stop 1 6" "stop 2 0"
}
register_boot t_boot_sysvinit_reboot_poweroff \
        "boot: sysvinit reaches runlevel 2 and sees the container interface; reboot boots again, poweroff exits 0" sysvinit

t_boot_sysvinit_sigterm() {
        boot_sigterm sysvinit "stop 1 [06]"
}
register_boot t_boot_sysvinit_sigterm \
        "boot: SIGTERM to syscon shuts sysvinit down through its rc scripts, no second boot, exit 0, nothing left" sysvinit

t_boot_busybox_reboot_poweroff() {
        boot_to_poweroff busybox "stop 1" "stop 2"
}
register_boot t_boot_busybox_reboot_poweroff \
        "boot: busybox init sees the container interface; reboot boots again, poweroff exits 0" busybox

t_boot_busybox_sigterm() {
        boot_sigterm busybox "stop 1"
}
register_boot t_boot_busybox_sigterm \
        "boot: SIGTERM to syscon shuts busybox init down through its shutdown actions, no second boot, exit 0" busybox

t_boot_second_sigterm_kills() {
        boot_tree busybox
        install_probe wait
        # A shutdown that hangs after the probe's stop record.
        printf '#!/bin/sh\nexec sleep 600\n' >"$BOOT_TREE/etc/init.d/K02hang"
        chmod 0755 "$BOOT_TREE/etc/init.d/K02hang"
        boot_bg --hostname="$BOOT_HOSTNAME"
        kill -TERM "$BG_PID"
        wait_for_line "$BOOT_TREE$BOOT_RECORDS/events" '^stop 1$' "$BOOT_SHUTDOWN_BOUND" ||
                fail "no shutdown began within $BOOT_SHUTDOWN_BOUND s of the first SIGTERM"
        sleep 0.5
        kill -0 "$BG_PID" 2>/dev/null || fail "syscon exited while the guest's shutdown hangs"
        signal_boot_bg TERM 5
        echo "exit status after the second SIGTERM: $RC"
        [ "$RC" != 0 ] || fail "exit status 0 after the guest was killed in the middle of its shutdown"
        expect_boot_left_nothing
}
register_boot t_boot_second_sigterm_kills \
        "boot: a second SIGTERM kills a guest whose shutdown hangs within 5 s, non-zero status, nothing left" busybox

# --- a reader that goes away ---------------------------------------------------------------------

# `syscon boot T 2>&1 | head -1`: the reader takes the guest's first console line and goes. syscon
# must carry on without it (its writes to the pipe fail, SIGPIPE must not kill it): the guest
# reboots, which syscon logs to the gone reader, boots again and, on SIGTERM to syscon, goes through
# its own shutdown; exit status 0, nothing left.
boot_reader_gone() { # KIND
        local reader
        BOOT_USERNS=no
        boot_tree "$1"
        install_probe reboot wait
        if [ "$1" = busybox ]; then
                # busybox init says nothing on the console until the shutdown.
                printf '#!/bin/sh\necho sit-console-line\n' >"$BOOT_TREE/etc/init.d/S01say"
                chmod 0755 "$BOOT_TREE/etc/init.d/S01say"
        fi
        mkfifo "$T/pipe"
        head -n 1 "$T/pipe" >"$T/head-out" &
        reader=$!
        on_exit "kill -KILL $reader 2>/dev/null; wait $reader 2>/dev/null; true"
        SC_BG_OUT=$T/pipe SC_BG_ERR=$T/pipe boot_bg --hostname="$BOOT_HOSTNAME"
        wait_pid "$reader" 10 || fail "head -1 did not exit within 10 s of the boot"
        expect_ne "$(cat "$T/head-out")" "" "the line head -1 read"
        wait_for_boot 2
        signal_boot_bg TERM "$BOOT_SHUTDOWN_BOUND"
        expect_rc 0
        expect_events "boot 1" "stop 1" "boot 2" "stop 2"
        expect_boot_left_nothing
}

t_boot_busybox_reader_gone() {
        boot_reader_gone busybox
}
register_slow t_boot_busybox_reader_gone \
        "boot: busybox guest piped into head -1 (stdout and stderr) reboots, shuts down on SIGTERM, exit 0, nothing left" \
        "$BOOT_TEST_SECONDS"

t_boot_systemd_reader_gone() {
        boot_reader_gone systemd
}
register_slow t_boot_systemd_reader_gone \
        "boot: systemd guest piped into head -1 (stdout and stderr) reboots, shuts down on SIGTERM, exit 0, nothing left" \
        "$BOOT_TEST_SECONDS" && boot_fixture_needed[systemd]=1

# --- init lookup and refusals --------------------------------------------------------------------

# An init that records its PID, arguments and $container in /sit-init.out, then exits CODE.
write_fake_init() { # PATH CODE
        mkdir -p "$(dirname "$BOOT_TREE$1")"
        printf '#!/bin/sh\n{ echo "init=%s pid=$$ container=$container"; echo "args=$*"; } >/sit-init.out\nexit %s\n' \
                "$1" "$2" >"$BOOT_TREE$1"
        chmod 0755 "$BOOT_TREE$1"
}

t_boot_init_lookup() {
        BOOT_USERNS=no
        boot_tree busybox
        write_fake_init /usr/lib/systemd/systemd 3
        write_fake_init /lib/systemd/systemd 4
        boot_fg
        expect_rc 3
        expect_eq "$(head -n 1 "$BOOT_TREE/sit-init.out")" "init=/usr/lib/systemd/systemd pid=1 container=syscon" \
                "the init that ran (/usr/lib/systemd/systemd first)"
        rm "$BOOT_TREE/usr/lib/systemd/systemd"
        boot_fg
        expect_rc 4
        expect_eq "$(head -n 1 "$BOOT_TREE/sit-init.out")" "init=/lib/systemd/systemd pid=1 container=syscon" \
                "the init that ran (/lib/systemd/systemd before /sbin/init)"
        write_fake_init /sit-init 5
        boot_fg --init=/sit-init -- one "two words"
        expect_rc 5
        expect_eq "$(cat "$BOOT_TREE/sit-init.out")" "init=/sit-init pid=1 container=syscon"$'\n'"args=one two words" \
                "--init=/sit-init with INIT-ARGS 'one' 'two words'"
        boot_fg --init=/sit-no-such-init
        expect_launcher_error /sit-no-such-init
        expect_boot_left_nothing
}
register t_boot_init_lookup "boot: init is /usr/lib/systemd/systemd, then /lib/systemd/systemd, then /sbin/init; --init=PATH and INIT-ARGS"

# syscon ignores SIGPIPE (a reader of its output may go away), and so may its caller: the init it
# boots must start with every signal at its default, as it does with syscon-init.
t_boot_init_signals_clean() {
        BOOT_USERNS=no
        boot_tree busybox
        trap '' PIPE USR1
        boot_fg --init="$HELPER_IN_TREE" -- signals
        expect_rc 0
        tr -d '\r' <"$T/out" >"$T/signals"
        expect_eq "$(kv blocked "$T/signals")" 0000000000000000 "the init's blocked signal mask"
        expect_eq "$(kv ignored "$T/signals")" 0000000000000000 "the init's ignored signal mask"
        expect_boot_left_nothing
}
register t_boot_init_signals_clean "boot: the init starts with no signal blocked or ignored (not SIGPIPE, which syscon ignores)"

t_boot_refusals() {
        local what listing
        BOOT_USERNS=no
        boot_tree busybox
        for what in init os-release both; do
                case "$what" in
                init) rm "$BOOT_TREE/sbin/init" ;;
                os-release)
                        ln -s /bin/busybox "$BOOT_TREE/sbin/init"
                        rm "$BOOT_TREE/etc/os-release"
                        ;;
                both) rm "$BOOT_TREE/sbin/init" ;;
                esac
                listing=$(tree_listing "$BOOT_TREE")
                boot_fg
                echo "without $what: $(head -n 1 "$T/err")"
                expect_launcher_error "syscon run"
                case "$what" in
                os-release) grep -q os-release "$T/err" || fail "the message does not name os-release" ;;
                esac
                expect_eq "$(tree_listing "$BOOT_TREE")" "$listing" "the tree after the refusal"
                expect_boot_left_nothing
                # A refused boot rewrites nothing, not even when asked to shift the tree's owners.
                boot_fg --private-users=pick --private-users-ownership=chown
                expect_launcher_error "syscon run"
                expect_eq "$(tree_listing "$BOOT_TREE")" "$listing" "the tree after the refusal with ownership chown"
                expect_boot_left_nothing
        done
}
register t_boot_refusals "boot: a tree without init, without os-release, or both is refused with 125 and a hint at 'syscon run'"

# --- leak check ----------------------------------------------------------------------------------

t_leak_boot_cache() {
        local snap kind changes
        for snap in "$WORK"/snap/boot-cache-*; do
                [ -e "$snap" ] || continue
                kind=${snap##*boot-cache-}
                changes=$(diff "$snap" <(tree_listing "${boot_cache[$kind]}") | head -n 20)
                [ -z "$changes" ] || fail "the cached Debian $kind tree was written to: $changes"
        done
}
register_leak_check t_leak_boot_cache "leak check: the cached Debian trees the boot tests used are unchanged"
