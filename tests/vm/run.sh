#!/usr/bin/env bash
# The test-host tier: boots a Debian bookworm VM with systemd as PID 1 on pure cgroup v2 (QEMU, TCG,
# no network device) and runs integration tests inside it, as root under the VM's systemd, on
# BUILD_DIR's syscon and test helper:
#   tests/vm/run.sh BUILD_DIR [REGEX...]
# The tests are those whose function name matches a REGEX (default: the lines of tests/vm/subset),
# plus tests/vm/test-vm-host.sh's facts about the VM when a REGEX selects them, plus the leak
# checks. The Debian test tree of tests/fixtures/debian-tree.sh goes in on a disk of its own.
# Prints the guest's TAP renumbered into one stream, then "vm: N passed, N failed". Exits non-zero
# when a test failed or was skipped under CI=true, the VM did not boot, or the tier ran past its
# time bound. Without root or QEMU it skips, unless CI=true, where a skip is a failure.
# Environment: SYSCON_VM_TIER_TIMEOUT (the whole tier, default 1200 s), SYSCON_VM_BOOT_TIMEOUT
# (until the payload starts, default 300 s), SYSCON_CACHE_DIR (default /var/cache/syscon),
# SYSCON_VM_LOG_DIR (default BUILD_DIR/vm-logs).
# Only one VM runs on a machine at a time: a second run waits for the first (within its bound).
# Nothing is left on the host: no loop device, no mount; QEMU is killed and its files removed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
started=$SECONDS
deadline=$((started + ${SYSCON_VM_TIER_TIMEOUT:-1200}))
boot_timeout=${SYSCON_VM_BOOT_TIMEOUT:-300}

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
        echo "usage: tests/vm/run.sh BUILD_DIR [REGEX...]" >&2
        exit 2
fi
build=$(cd "$1" && pwd)
shift
if [ $# -gt 0 ]; then
        regexes=("$@")
else
        mapfile -t regexes < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$here/subset")
fi
regex=$(printf '(%s)|' "${regexes[@]}")
regex=${regex%|}
logs=${SYSCON_VM_LOG_DIR:-$build/vm-logs}

# --- the TAP stream ---------------------------------------------------------------------------------
passed=0 failed=0 skipped=0 n=0
emit() { # STATUS DESCRIPTION: one renumbered TAP line
        local status=$1 desc=$2
        n=$((n + 1))
        echo "$status $n - vm: $desc"
        if [ "$status" = ok ] && [[ ${desc,,} =~ \#[[:space:]]*skip ]]; then
                # A skip inside the VM is a test that could not run where it was meant to.
                if [ "${CI:-}" = true ]; then failed=$((failed + 1)); else skipped=$((skipped + 1)); fi
        elif [ "$status" = ok ]; then
                passed=$((passed + 1))
        else
                failed=$((failed + 1))
        fi
}
finish() { # the plan and the closing line; the exit status
        echo "1..$n"
        local line="vm: $passed passed, $failed failed"
        [ "$skipped" -eq 0 ] || line+=", $skipped skipped"
        echo "$line"
        [ "$failed" -eq 0 ] && [ "$n" -gt 0 ]
}
say() { echo "# vm: $*"; }
cannot_run() { # REASON: the tier cannot run on this machine at all
        if [ "${CI:-}" = true ]; then
                emit "not ok" "the tier runs (CI=true, a skip is a failure): $1"
                finish
                exit 1
        fi
        echo "1..0 # SKIP $1"
        echo "vm: 0 passed, 0 failed, 1 skipped"
        exit 0
}
setup_failed() { # WHAT LOG: a step before the tests failed
        emit "not ok" "$1"
        [ ! -s "$2" ] || tail -n 30 "$2" | sed 's/^/# /'
        finish || true
        exit 1
}
remaining() { echo $((deadline - SECONDS)); }

[ "$(id -u)" -eq 0 ] || cannot_run "needs root"
# A regex that selects no test is a typo, or names tests that have not landed.
names=$(grep -ohE '^[[:space:]]*register(_leak_check|_boot)?[[:space:]]+t_[A-Za-z0-9_]+' \
        "$src"/tests/integration/test-*.sh "$here/test-vm-host.sh" | awk '{ print $2 }')
for r in "${regexes[@]}"; do
        grep -qE -- "$r" <<<"$names" || emit "not ok" "/$r/ selects a test"
done
for f in "$build/src/syscon" "$build/tests/helper/syscon-test-helper"; do
        [ -x "$f" ] || {
                echo "tests/vm/run.sh: $f is missing: build first (ninja -C $build)" >&2
                exit 2
        }
done
for tool in qemu-system-x86_64 debootstrap mkfs.ext4 debugfs setpriv git; do
        command -v "$tool" >/dev/null || cannot_run "$tool not found (tools/install-deps.sh installs it)"
done

# One tier run at a time on a machine, whatever its cache (QEMU under TCG takes every core it gets).
# The lock goes to QEMU too, which dies with this script. The file stays: removing a lock file races.
exec 8>/var/tmp/syscon-vm.lock
t0=$SECONDS
flock -w "$(remaining)" 8 || setup_failed "another VM tier run let go of the machine within the bound" /dev/null
[ $((SECONDS - t0)) -lt 2 ] || say "waited $((SECONDS - t0)) s for another VM tier run to end"

# Working files of runs that died by SIGKILL (no trap ran) go first: their owner is gone.
for old in "${TMPDIR:-/var/tmp}"/syscon-vm-*; do
        if [ -f "$old/owner" ] && ! kill -0 "$(cat "$old/owner")" 2>/dev/null; then
                rm -rf --one-file-system "$old"
        fi
done
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/syscon-vm-XXXXXX")
echo $$ >"$tmp/owner"
qemu_pid=
stop_qemu() {
        [ -n "$qemu_pid" ] || return 0
        kill -TERM "$qemu_pid" 2>/dev/null || true
        for _ in 1 2 3 4 5; do
                kill -0 "$qemu_pid" 2>/dev/null || break
                sleep 1
        done
        kill -KILL "$qemu_pid" 2>/dev/null || true
        wait "$qemu_pid" 2>/dev/null || true
        qemu_pid=
}
trap 'stop_qemu; rm -rf --one-file-system "$tmp"' EXIT
interrupted() {
        stop_qemu
        emit "not ok" "the tier ran to its end (interrupted after $((SECONDS - started)) s)"
        finish || true
        exit 130
}
trap interrupted INT TERM

# --- the disks ---------------------------------------------------------------------------------------
# Each step gets what is left of the bound, less what booting and testing need at least.
step_bound() {
        local b=$(($(remaining) - boot_timeout - 120))
        echo $((b > 0 ? b : 1))
}
step() { # VAR WHAT COMMAND...: COMMAND within the step bound, its output in VAR; fails the tier
        local var=$1 what=$2 out rc=0 t0=$SECONDS
        shift 2
        out=$(timeout -k 10 "$(step_bound)" "$@" 2>"$tmp/step.log") || rc=$?
        [ "$rc" -ne 124 ] || echo "timed out after $((SECONDS - t0)) s" >>"$tmp/step.log"
        [ "$rc" -eq 0 ] || setup_failed "$what" "$tmp/step.log"
        printf -v "$var" '%s' "$out"
}
image='' tree='' tree_image=''
t0=$SECONDS
step image "the VM image was built (tests/vm/build-image.sh)" "$here/build-image.sh"
image_s=$((SECONDS - t0))
t0=$SECONDS
step tree "the Debian test tree was built (tests/fixtures/debian-tree.sh)" "$src/tests/fixtures/debian-tree.sh"
step tree_image "the Debian test tree's disk was built (tests/vm/tree-image.sh)" "$here/tree-image.sh" "$tree"
tree_s=$((SECONDS - t0))

# The payload disk: the binaries under test, the source as git sees it (tests refer to more than
# tests/, e.g. profiles/; build directories stay out) with the VM-only tests added, the guest script
# and what the host asks of it. A fresh one per run; made without a loop device.
payload=$tmp/payload
install -D -m 0755 "$build/src/syscon" "$payload/build/src/syscon"
install -D -m 0755 "$build/tests/helper/syscon-test-helper" "$payload/build/tests/helper/syscon-test-helper"
mkdir -p "$payload/source"
git -C "$src" ls-files -z --cached --others --exclude-standard >"$tmp/files" ||
        setup_failed "the source's files were listed (git ls-files in $src)" /dev/null
# Files deleted in the work tree are still listed (--cached) and stay out.
(
        cd "$src"
        while IFS= read -r -d '' f; do
                if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
        done <"$tmp/files" | xargs -0 cp -a --parents -t "$payload/source"
)
cp "$here/test-vm-host.sh" "$payload/source/tests/integration/test-vm-host.sh"
install -m 0755 "$here/guest.sh" "$payload/guest.sh"
vm_bound=$(($(remaining) - 20))
[ "$vm_bound" -ge $((boot_timeout + 60)) ] ||
        setup_failed "the tier had time left for the VM (${vm_bound} s, it needs $((boot_timeout + 60)) s)" /dev/null
{
        printf 'SYSCON_VM_REGEX=%q\n' "$regex"
        # By this uptime the guest ends the suite, so that it still reports what it got done and
        # powers off before the host's bound.
        printf 'SYSCON_VM_DEADLINE=%q\n' $((vm_bound - 45))
        printf 'SYSCON_VM_TREES=%q\n' "$(basename "$tree")"
        printf 'SYSCON_CACHE_DIR=%q\n' "$(dirname "$(dirname "$tree")")"
        # The suite's limits are set for real hardware; TCG runs several times slower.
        printf 'SYSCON_VM_TEST_TIMEOUT=%q\n' "${SYSCON_VM_TEST_TIMEOUT:-120}"
        printf 'SYSCON_VM_SC_TIMEOUT=%q\n' "${SYSCON_VM_SC_TIMEOUT:-40}"
} >"$payload/tests.env"
size_mib=$(($(du -sm "$payload" | cut -f1) + 256))
truncate -s "${size_mib}M" "$tmp/payload.img"
mkfs.ext4 -q -F -L syscon-payload -d "$payload" "$tmp/payload.img"

# --- the VM -----------------------------------------------------------------------------------------
# No network device (-nic none). The root and tree disks are snapshots: writes go to temporary
# files under TMPDIR, the cached images stay pristine. ttyS0 is the console, ttyS1 the results
# channel. -no-reboot with panic=1: a kernel panic ends QEMU instead of looping. setpriv: should
# this script die by SIGKILL, QEMU dies with it. Not quiet: systemd's unit status on the console is
# what tells a boot that hangs from one that is slow; loglevel=4 keeps the kernel's chatter out.
cmdline="console=ttyS0 root=/dev/vda rootfstype=ext4 rw loglevel=4 panic=1 systemd.unified_cgroup_hierarchy=1"
: >"$tmp/results.log"
: >"$tmp/console.log"
TMPDIR=$tmp setpriv --pdeathsig KILL qemu-system-x86_64 \
        -accel tcg -machine q35 -cpu max -smp 2 -m 2048 \
        -display none -monitor none -nic none -no-reboot \
        -kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$cmdline" \
        -drive "file=$image/root.img,format=raw,if=none,id=root,snapshot=on" \
        -device virtio-blk-pci,drive=root \
        -drive "file=$tmp/payload.img,format=raw,if=none,id=payload" \
        -device virtio-blk-pci,drive=payload \
        -drive "file=$tree_image,format=raw,if=none,id=tree0,snapshot=on" \
        -device virtio-blk-pci,drive=tree0,serial=syscon-tree-0 \
        -serial "file:$tmp/console.log" -serial "file:$tmp/results.log" \
        </dev/null >"$tmp/qemu.log" 2>&1 &
qemu_pid=$!
vm_started=$SECONDS
say "image ${image_s} s, test tree ${tree_s} s; QEMU (TCG) booting, bound ${vm_bound} s"

# A failing test can dump thousands of lines (a tree listing, say): the output gets the first ones,
# the log directory keeps them all.
max_diag=${SYSCON_VM_MAX_DIAGNOSTICS:-150} diag=0 diag_cut=0
diagnostic() {
        diag=$((diag + 1))
        if [ "$diag" -le "$max_diag" ]; then printf '%s\n' "$1"; else diag_cut=$((diag_cut + 1)); fi
}
diagnostics_end() {
        [ "$diag_cut" -eq 0 ] || echo "# ($diag_cut more lines: $logs/results.log)"
        diag=0 diag_cut=0
}
begun='' ended='' suite_exit='' guest_errors=0
handle() { # LINE from the guest's results channel
        local line=${1%$'\r'} status desc
        case "$line" in
        "SYSCON-VM BEGIN"*) begun=$SECONDS && say "payload started ${line#SYSCON-VM BEGIN } s, $((SECONDS - vm_started)) s after QEMU" ;;
        "SYSCON-VM END "*) ended=$SECONDS suite_exit=${line#*suite-exit=} ;;
        "SYSCON-VM ERROR "*) diagnostics_end && emit "not ok" "guest: ${line#SYSCON-VM ERROR }" && guest_errors=1 ;;
        "ok"* | "not ok"*)
                status=ok
                [ "${line#not ok}" = "$line" ] || status="not ok"
                desc=$(sed -E 's/^[[:space:]]*[0-9]*[[:space:]]*(-[[:space:]]*)?//' <<<"${line#"$status"}")
                diagnostics_end
                emit "$status" "$desc"
                ;;
        "Bail out!"*) diagnostics_end && emit "not ok" "the suite bailed out: ${line#Bail out!}" ;;
        "" | 1..*) ;; # the guest's plans; the host prints one plan over everything
        *) diagnostic "$line" ;;
        esac
}
consumed=0 # bytes of results.log handled
drain() { # handles the complete lines that arrived since the last call
        local lines=() i bytes partial=0
        # One copy to work on: QEMU keeps appending to results.log meanwhile.
        tail -c "+$((consumed + 1))" "$tmp/results.log" >"$tmp/chunk"
        bytes=$(wc -c <"$tmp/chunk")
        # A last line without its newline is still being written: leave it for the next call.
        [ -z "$(tail -c 1 "$tmp/chunk")" ] || partial=$(tail -n 1 "$tmp/chunk" | wc -c)
        mapfile -t lines < <(head -c "$((bytes - partial))" "$tmp/chunk")
        for ((i = 0; i < ${#lines[@]}; i++)); do handle "${lines[i]}"; done
        consumed=$((consumed + bytes - partial))
}

outcome=exited
while kill -0 "$qemu_pid" 2>/dev/null; do
        drain
        elapsed=$((SECONDS - vm_started))
        if [ -z "$begun" ] && [ "$elapsed" -ge "$boot_timeout" ]; then
                outcome=no-boot
        elif [ "$elapsed" -ge "$vm_bound" ]; then
                outcome=timeout
        elif [ -n "$ended" ] && [ $((SECONDS - ended)) -ge 60 ]; then
                outcome=no-poweroff
        fi
        [ "$outcome" = exited ] || break
        sleep 1
done
stop_qemu
# One more pass: a line may have completed just before QEMU exited.
echo >>"$tmp/results.log"
drain
diagnostics_end

case "$outcome" in
no-boot) emit "not ok" "the VM booted and started the payload within ${boot_timeout} s" ;;
timeout) emit "not ok" "the VM finished within ${vm_bound} s" ;;
no-poweroff) emit "not ok" "the VM powered itself off after the payload ended" ;;
esac
if [ "$outcome" = exited ] && [ -z "$ended" ] && [ "$guest_errors" -eq 0 ]; then
        emit "not ok" "the guest ran to its end (QEMU exited first: $(tail -n 1 "$tmp/qemu.log" 2>/dev/null))"
fi
if [ -n "$ended" ] && [ "$suite_exit" != 0 ]; then
        emit "not ok" "the integration suite exited 0 (it exited $suite_exit)"
fi

# Logs: the console, the raw results channel, QEMU's own messages, and the guest's results/
# directory read back from the payload disk without mounting it.
rm -rf "$logs"
mkdir -p "$logs"
cp "$tmp/console.log" "$tmp/results.log" "$tmp/qemu.log" "$logs/"
debugfs -R "rdump /results $logs" "$tmp/payload.img" >/dev/null 2>&1 || true
if [ "$failed" -gt 0 ]; then
        say "last console lines (all in $logs/console.log):"
        tail -n 25 "$logs/console.log" | tr -d '\r' | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^/#   /'
fi
boot_s=$([ -n "$begun" ] && echo "$((begun - vm_started)) s" || echo "-")
suite_s=$([ -n "$begun" ] && [ -n "$ended" ] && echo "$((ended - begun)) s" || echo "-")
say "times: image ${image_s} s, test tree ${tree_s} s, boot ${boot_s}, suite ${suite_s}," \
        "VM $((SECONDS - vm_started)) s, tier $((SECONDS - started)) s; logs in $logs"
finish
