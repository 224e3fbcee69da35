#!/usr/bin/env bash
# The test-host tier: boots a Debian bookworm VM with systemd as PID 1 on pure cgroup v2 (QEMU, TCG,
# no network device) and runs the privileged integration suite inside it, on BUILD_DIR's syscon.
#   tests/vm/run.sh BUILD_DIR [TEST-NAMES...]
# TEST-NAMES (test function names) reach the suite as SYSCON_TESTS; none means the whole suite.
# Prints the guest's TAP renumbered into one stream, then "vm: N passed, N failed". Exits non-zero
# when a test failed, the VM did not boot, or it ran past its time bound.
# Environment: SYSCON_CACHE_DIR (image cache, default /var/cache/syscon), SYSCON_VM_TIMEOUT (whole
# VM run, default 900 s), SYSCON_VM_BOOT_TIMEOUT (until the payload starts, default 300 s),
# SYSCON_VM_LOG_DIR (default BUILD_DIR/vm-logs). Needs root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
        echo "usage: tests/vm/run.sh BUILD_DIR [TEST-NAMES...]" >&2
        exit 2
fi
build=$(cd "$1" && pwd)
shift
selected="$*"
vm_timeout=${SYSCON_VM_TIMEOUT:-900}
boot_timeout=${SYSCON_VM_BOOT_TIMEOUT:-300}
logs=${SYSCON_VM_LOG_DIR:-$build/vm-logs}

say() { echo "# vm: $*"; }

if [ "$(id -u)" -ne 0 ]; then
        echo "tests/vm/run.sh: needs root (debootstrap, chroot)" >&2
        exit 2
fi
syscon=$build/src/syscon
helper=$build/tests/helper/syscon-test-helper
for f in "$syscon" "$helper"; do
        [ -x "$f" ] || {
                echo "tests/vm/run.sh: $f is missing: build first (ninja -C $build)" >&2
                exit 2
        }
done

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v debugfs >/dev/null || need+=(e2fsprogs)
if [ "${#need[@]}" -gt 0 ]; then
        say "installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

started=$SECONDS
image=$("$here/build-image.sh")
say "image $image ready after $((SECONDS - started)) s"

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/syscon-vm-XXXXXX")
qemu_pid=
cleanup() {
        if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
                kill -TERM "$qemu_pid" 2>/dev/null || true
                for _ in 1 2 3 4 5; do
                        kill -0 "$qemu_pid" 2>/dev/null || break
                        sleep 1
                done
                kill -KILL "$qemu_pid" 2>/dev/null || true
                wait "$qemu_pid" 2>/dev/null || true
        fi
        rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The payload disk: the binaries under test, the repository's tests, the guest script and what the
# host asks of it. A fresh one per run; made without a loop device or a mount.
payload=$tmp/payload
install -D -m 0755 "$syscon" "$payload/build/src/syscon"
install -D -m 0755 "$helper" "$payload/build/tests/helper/syscon-test-helper"
mkdir -p "$payload/source"
cp -a "$src/tests" "$payload/source/tests"
install -m 0755 "$here/guest.sh" "$payload/guest.sh"
{
        printf 'SYSCON_TESTS=%q\n' "$selected"
        # The guest stops the suite itself ~90 s before the host would kill QEMU (a boot takes ~25 s
        # under TCG), so that a slow suite still reports what it got done.
        suite_timeout=$((vm_timeout - 90))
        [ "$suite_timeout" -ge 30 ] || suite_timeout=30
        printf 'SYSCON_VM_SUITE_TIMEOUT=%q\n' "$suite_timeout"
        # The suite's per-test and per-run limits inside the VM, when the caller sets them.
        [ -z "${SYSCON_VM_TEST_TIMEOUT:-}" ] || printf 'SYSCON_VM_TEST_TIMEOUT=%q\n' "$SYSCON_VM_TEST_TIMEOUT"
        [ -z "${SYSCON_VM_SC_TIMEOUT:-}" ] || printf 'SYSCON_VM_SC_TIMEOUT=%q\n' "$SYSCON_VM_SC_TIMEOUT"
} >"$payload/tests.env"
size_mib=$(($(du -sm "$payload" | cut -f1) + 512))
truncate -s "${size_mib}M" "$tmp/payload.img"
mkfs.ext4 -q -F -L syscon-payload -d "$payload" "$tmp/payload.img"

# No network device at all (-nic none); the root disk is a snapshot (writes go to a temporary file
# under TMPDIR, the cached image stays pristine); ttyS0 is the console, ttyS1 the results channel.
# -no-reboot with panic=1: a kernel panic ends QEMU instead of looping.
cmdline="console=ttyS0 root=/dev/vda rootfstype=ext4 rw quiet panic=1 systemd.unified_cgroup_hierarchy=1"
: >"$tmp/results.log"
TMPDIR=$tmp qemu-system-x86_64 \
        -accel tcg -machine q35 -cpu max -smp 2 -m 2048 \
        -display none -monitor none -nic none -no-reboot \
        -kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$cmdline" \
        -drive "file=$image/root.img,format=raw,if=virtio,snapshot=on" \
        -drive "file=$tmp/payload.img,format=raw,if=virtio" \
        -serial "file:$tmp/console.log" -serial "file:$tmp/results.log" \
        </dev/null >"$tmp/qemu.log" 2>&1 &
qemu_pid=$!
vm_started=$SECONDS
say "QEMU (TCG, pid $qemu_pid) booting; bound ${vm_timeout} s, boot bound ${boot_timeout} s"

passed=0 failed=0 skipped=0 n=0 begun=0 ended=0 suite_exit= errors=()
emit() { # STATUS DESCRIPTION: one renumbered TAP line
        local status=$1 desc=$2 directive
        diagnostics_end
        n=$((n + 1))
        echo "$status $n - vm: $desc"
        directive=$(echo "$desc" | grep -ioE '#[[:space:]]*(skip|todo)' | head -n 1 | tr -d '#[:space:]' || true)
        case "$status:${directive,,}" in
        ok:skip | "not ok:todo" | "not ok:skip") skipped=$((skipped + 1)) ;;
        ok:*) passed=$((passed + 1)) ;;
        *) failed=$((failed + 1)) ;;
        esac
}
handle() { # LINE from the guest's results channel
        local line=${1%$'\r'} desc
        [ -n "$line" ] || return 0
        case "$line" in
        "SYSCON-VM BEGIN") begun=1 ;;
        "SYSCON-VM END "*) ended=1 suite_exit=${line#*suite-exit=} ;;
        "SYSCON-VM ERROR "*) errors+=("${line#SYSCON-VM ERROR }") ;;
        "ok"* | "not ok"*)
                local status=ok
                [ "${line#not ok}" = "$line" ] || status="not ok"
                desc=${line#"$status"}
                desc=$(echo "$desc" | sed -E 's/^[[:space:]]*[0-9]*[[:space:]]*(-[[:space:]]*)?//')
                emit "$status" "$desc"
                ;;
        "Bail out!"*) emit "not ok" "the suite bailed out: ${line#Bail out!}" ;;
        1..*) ;; # the guest's plans; the host prints one plan over everything
        *) diagnostic "$line" ;;
        esac
}
# A failing test can dump thousands of lines (a tree listing, say): the console gets the first
# ones, the log directory keeps them all.
max_diag=${SYSCON_VM_MAX_DIAGNOSTICS:-150} diag=0 diag_cut=0
diagnostic() {
        diag=$((diag + 1))
        if [ "$diag" -le "$max_diag" ]; then
                printf '%s\n' "$1"
        else
                diag_cut=$((diag_cut + 1))
        fi
}
diagnostics_end() {
        [ "$diag_cut" -eq 0 ] || echo "# ($diag_cut more lines: $logs/results.log)"
        diag=0 diag_cut=0
}

consumed=0
drain() { # handles the complete lines that arrived since the last call
        local lines=() i
        mapfile -t lines <"$tmp/results.log"
        local complete=${#lines[@]}
        # A last line without its newline is still being written.
        if [ "$complete" -gt 0 ] && [ -n "$(tail -c 1 "$tmp/results.log")" ]; then
                complete=$((complete - 1))
        fi
        for ((i = consumed; i < complete; i++)); do handle "${lines[$i]}"; done
        consumed=$complete
}

outcome=exited
while kill -0 "$qemu_pid" 2>/dev/null; do
        drain
        elapsed=$((SECONDS - vm_started))
        if [ "$begun" -eq 0 ] && [ "$elapsed" -ge "$boot_timeout" ]; then
                outcome=no-boot
                break
        fi
        if [ "$elapsed" -ge "$vm_timeout" ]; then
                outcome=timeout
                break
        fi
        sleep 1
done
if [ "$outcome" != exited ]; then
        kill -TERM "$qemu_pid" 2>/dev/null || true
        sleep 2
        kill -KILL "$qemu_pid" 2>/dev/null || true
fi
wait "$qemu_pid" 2>/dev/null || true
qemu_pid=
# One more pass: a line may have completed just before QEMU exited.
echo >>"$tmp/results.log"
drain
diagnostics_end
vm_seconds=$((SECONDS - vm_started))

for e in "${errors[@]}"; do emit "not ok" "guest error: $e"; done
case "$outcome" in
no-boot) emit "not ok" "the VM booted and started the payload within ${boot_timeout} s" ;;
timeout) emit "not ok" "the VM finished within ${vm_timeout} s" ;;
esac
if [ "$outcome" = exited ] && [ "$ended" -eq 0 ] && [ "${#errors[@]}" -eq 0 ]; then
        emit "not ok" "the guest ran to its end (QEMU exited first: $(tail -n 1 "$tmp/qemu.log" 2>/dev/null))"
fi
if [ "$ended" -eq 1 ] && [ "$suite_exit" != 0 ]; then
        emit "not ok" "the integration suite exited 0 (it exited $suite_exit)"
fi
[ "$n" -gt 0 ] || emit "not ok" "the guest reported anything at all"

# Logs: the console, the raw results channel, QEMU's own messages, and the guest's results/
# directory read back from the payload disk without mounting it.
rm -rf "$logs"
mkdir -p "$logs"
cp "$tmp/console.log" "$tmp/results.log" "$tmp/qemu.log" "$logs/"
debugfs -R "rdump /results $logs" "$tmp/payload.img" >/dev/null 2>&1 || true
if [ "$failed" -gt 0 ]; then
        say "last console lines (all in $logs/console.log):"
        tail -n 25 "$logs/console.log" | tr -d '\r' | sed 's/^/#   /'
fi
say "VM ran ${vm_seconds} s, $((SECONDS - started)) s in all; logs in $logs"

echo "1..$n"
line="vm: $passed passed, $failed failed"
[ "$skipped" -eq 0 ] || line+=", $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
