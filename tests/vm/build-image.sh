#!/usr/bin/env bash
# Prints the directory of the VM image (vmlinuz, initrd.img, root.img), building it first if the
# cache has none. The cache lives outside the repository ($SYSCON_CACHE_DIR/vm, default
# /var/cache/syscon/vm) and is keyed by everything that goes into the image: the package list, this
# script and the files under image/. A change to any of them builds a new image.
# Needs root (debootstrap, chroot); needs no loop device and mounts nothing itself.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${SYSCON_CACHE_DIR:-/var/cache/syscon}/vm

say() { echo "vm-image: $*" >&2; }

key_inputs() {
        local f
        for f in "$here/packages" "$here/build-image.sh" "$here"/image/*; do
                printf '== %s\n' "${f#"$here"/}"
                cat "$f"
        done
}
key=$(key_inputs | sha256sum | cut -c1-16)
image=$cache/bookworm-$key

found() {
        # The time of last use, for the clean-up below.
        touch "$image"
        echo "$image"
        exit 0
}
[ ! -e "$image/root.img" ] || found

mkdir -p "$cache"
# Two runs at once build one image: the second waits here, then finds it.
exec 9>"$cache/.lock"
flock 9
[ ! -e "$image/root.img" ] || found

for tool in debootstrap mkfs.ext4; do
        command -v "$tool" >/dev/null || {
                say "$tool is missing: apt-get install debootstrap e2fsprogs"
                exit 1
        }
done

tmp=$(mktemp -d "$cache/.building-XXXXXX")
cleanup() {
        # A debootstrap that failed half-way can leave proc/sys mounted in the tree: unmount first,
        # and never let rm cross into another file system.
        local m
        findmnt -rno TARGET | { grep -F "$tmp/" || true; } | sort -r | while read -r m; do
                umount -l "$m" || true
        done
        rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
tree=$tmp/tree
started=$SECONDS

run_logged() { # LOG COMMAND...: quiet unless it fails
        local log=$1
        shift
        if ! "$@" >"$log" 2>&1; then
                say "failed: $*"
                tail -n 40 "$log" >&2
                return 1
        fi
}

packages=$(sed 's/#.*//' "$here/packages" | xargs | tr ' ' ,)
say "debootstrap bookworm (minbase + $packages), a few minutes on a cold cache"
run_logged "$tmp/debootstrap.log" debootstrap --variant=minbase --include="$packages" bookworm "$tree"

# Identity. A fixed machine-id: with an empty one every boot is a first boot, and
# systemd-firstboot would prompt on the console; the root disk is a snapshot, so each boot is the
# same machine anyway.
echo syscon-vm >"$tree/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tsyscon-vm\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$tree/etc/hosts"
printf '%s' "$key" | sha256sum | cut -c1-32 >"$tree/etc/machine-id"
rm -f "$tree/var/lib/dbus/machine-id"
# The kernel mounts the root read-write (root=/dev/vda rw); nothing else to mount, nothing to fsck.
echo "# root comes from the kernel command line" >"$tree/etc/fstab"

# Keep the boot minimal: under TCG every unit costs seconds. Masked: consoles (the host talks to the
# guest over serial files, not logins), periodic jobs, first-boot and update-on-boot jobs (the disk
# is a throwaway snapshot), and other units that a VM without network or real disks does not need.
mask=(
        getty.target getty@.service serial-getty@.service console-getty.service
        apt-daily.timer apt-daily-upgrade.timer apt-daily.service apt-daily-upgrade.service
        dpkg-db-backup.timer dpkg-db-backup.service
        e2scrub_all.timer e2scrub_all.service e2scrub_reap.service fstrim.timer fstrim.service
        systemd-firstboot.service systemd-machine-id-commit.service
        ldconfig.service systemd-hwdb-update.service systemd-journal-catalog-update.service
        systemd-update-done.service systemd-update-utmp-runlevel.service
        systemd-pstore.service systemd-boot-system-token.service
        systemd-networkd-wait-online.service systemd-network-generator.service
        remote-fs.target cryptsetup.target veritysetup.target
        # Fires 15 min after boot: its transient cgroup would show in the suite's leak check.
        systemd-tmpfiles-clean.timer
)
for u in "${mask[@]}"; do
        ln -sfn /dev/null "$tree/etc/systemd/system/$u"
done
mkdir -p "$tree/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' >"$tree/etc/systemd/journald.conf.d/syscon-vm.conf"

install -D -m 0755 "$here/image/syscon-vm-stub" "$tree/usr/local/libexec/syscon-vm-stub"
install -D -m 0644 "$here/image/syscon-vm.service" "$tree/etc/systemd/system/syscon-vm.service"
mkdir -p "$tree/etc/systemd/system/multi-user.target.wants"
ln -sfn ../syscon-vm.service "$tree/etc/systemd/system/multi-user.target.wants/syscon-vm.service"

# Kernel modules: drop what a VM without hardware never loads (a smaller disk, a faster mkfs), keep
# everything a container test may want (net, netfilter, fs, block).
kver=$(basename "$(echo "$tree"/lib/modules/*)")
for d in sound drivers/gpu drivers/media drivers/infiniband drivers/net/wireless drivers/bluetooth \
         drivers/staging drivers/iio drivers/hid drivers/input drivers/usb drivers/video net/bluetooth \
         net/wireless net/mac80211 drivers/isdn drivers/scsi/fcoe drivers/net/ethernet; do
        rm -rf "$tree/lib/modules/$kver/kernel/$d"
done
run_logged "$tmp/depmod.log" chroot "$tree" depmod -a "$kver"

# The initrd that debootstrap's kernel install made is MODULES=most (every storage driver, tens of
# MiB to unpack under TCG). MODULES=dep cannot work in a chroot (it probes the running host), so
# list exactly what the VM's root needs: virtio PCI + block, ext4.
cat >"$tree/etc/initramfs-tools/conf.d/syscon-vm.conf" <<'EOF'
MODULES=list
COMPRESS=gzip
EOF
printf '%s\n' virtio_pci virtio_blk ext4 >>"$tree/etc/initramfs-tools/modules"
run_logged "$tmp/initramfs.log" chroot "$tree" update-initramfs -u -k "$kver"
chroot "$tree" lsinitramfs "/boot/initrd.img-$kver" >"$tmp/initrd.list"
for m in virtio_pci virtio_blk ext4; do
        grep -q "/$m\.ko" "$tmp/initrd.list" || {
                say "the initrd lacks $m.ko"
                exit 1
        }
done

mkdir "$tmp/out"
cp "$tree/boot/vmlinuz-$kver" "$tmp/out/vmlinuz"
cp "$tree/boot/initrd.img-$kver" "$tmp/out/initrd.img"
echo "$kver" >"$tmp/out/kernel-version"
rm -rf "$tree/var/cache/apt/archives"/*.deb "$tree/var/lib/apt/lists"/*_Packages

# The root disk without a loop device or a mount: mkfs.ext4 -d copies the tree into a sparse file.
# 8 GiB of address space, a few hundred MiB used; QEMU opens it as a snapshot, so it stays pristine.
truncate -s 8G "$tmp/out/root.img"
run_logged "$tmp/mkfs.log" mkfs.ext4 -q -F -L syscon-vm-root -d "$tree" "$tmp/out/root.img"

mv "$tmp/out" "$image"
# Images of other keys unused for two days are dead weight. (Not all of them at once: branches with
# different inputs, tested in turn on one machine, would rebuild their images every time.)
find "$cache" -mindepth 1 -maxdepth 1 -name 'bookworm-*' -mtime +2 -exec rm -rf --one-file-system {} +
say "built $image in $((SECONDS - started)) s"
echo "$image"
