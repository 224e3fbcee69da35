#!/usr/bin/env bash
# Prints a pkg-config directory whose libsystemd.pc names a static libsystemd, building it first
# from Debian's systemd source package when the cache has none (about a minute):
#   tools/libsystemd-static.sh
#   PKG_CONFIG_PATH=$(tools/libsystemd-static.sh) meson setup build/static -Dstatic=true
# Debian ships libsystemd only as a shared library, whose dependencies (libgcrypt, liblzma, libzstd,
# liblz4, libgpg-error) cost every start their loading and about 2 MB of resident memory, for
# journal and crypto code that sd-event, sd-bus and sd-daemon never call. The source is the same
# version as the installed libsystemd-dev where the archive still has it, taken from the Debian
# mirrors this host's apt already uses. Only the library's public sd_* symbols stay global: its
# internal helpers (log_*, strv_*, ...) would otherwise clash with the program's own.
# The cache ($SYSCON_CACHE_DIR, default /var/cache/syscon) is keyed by the version and this script.
set -euo pipefail

die() {
        echo "libsystemd-static.sh: $*" >&2
        exit 1
}

src_root=$(cd "$(dirname "$0")/.." && pwd)
"$src_root/tools/install-deps.sh" dpkg-dev gperf libmount-dev libcap-dev libcrypt-dev python3-jinja2 >&2

cache=${SYSCON_CACHE_DIR:-/var/cache/syscon}
want=$(dpkg-query -W -f='${Version}' libsystemd-dev 2>/dev/null) || die "libsystemd-dev is not installed"

# A deb-src twin of every Debian entry the host's apt has, in an apt state of our own: the host's
# configuration and package lists stay as they are.
apt_dir=$cache/libsystemd-static/apt
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")

write_source_list() {
        mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
        {
                grep -hE '^deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
                        grep -E 'debian' | sed -E 's/^deb([[:space:]])/deb-src\1/' || true
        } >"$apt_dir/sources.list"
        rm -f "$apt_dir/parts/"*.sources
        local f
        for f in /etc/apt/sources.list.d/*.sources; do
                [ -f "$f" ] || continue
                grep -qE '^URIs:.*debian' "$f" || continue
                sed -E 's/^Types:.*/Types: deb-src/' "$f" >"$apt_dir/parts/$(basename "$f")"
        done
        [ -s "$apt_dir/sources.list" ] || compgen -G "$apt_dir/parts/*.sources" >/dev/null ||
                die "no Debian archive in this host's apt sources to take the systemd source from"
}

fetch_source() { # DIR -> prints the unpacked source directory
        local dir=$1 version
        write_source_list
        apt-get "${apt_opts[@]}" -qq update >&2 || die "apt-get update of the source lists failed"
        version=$want
        if ! apt-cache "${apt_opts[@]}" showsrc "systemd=$want" 2>/dev/null | grep -q "^Version: $want$"; then
                version=$(apt-cache "${apt_opts[@]}" showsrc systemd | sed -n 's/^Version: //p' | sort -V | tail -n 1)
                [ -n "$version" ] || die "the Debian archive offers no systemd source package"
                echo "libsystemd-static.sh: systemd $want is no longer in the archive; building $version" >&2
        fi
        (cd "$dir" && apt-get "${apt_opts[@]}" -qq source --download-only "systemd=$version" >&2) ||
                die "could not download the source of systemd $version"
        (cd "$dir" && dpkg-source -x --no-check ./*.dsc source >&2) || die "could not unpack systemd $version"
        echo "$dir/source"
}

# Everything but the library is left out: no optional dependency may reach into it.
configure() { # SOURCE BUILD
        local off=() o
        for o in acl apparmor audit blkid bzip2 dns-over-tls gcrypt gnutls ima libidn2 lz4 openssl p11kit \
                pcre2 seccomp selinux smack xz zlib zstd; do
                off+=("-D$o=false")
        done
        meson setup "$2" "$1" --buildtype=release -Dmode=release -Dauto_features=disabled \
                -Dstatic-libsystemd=pic -Dtests=false -Dman=false -Dhtml=false "${off[@]}" >&2
}

build() {
        local source version
        # Global: the EXIT trap still needs it after a failure has left this function.
        tmp=$(mktemp -d "$cache/libsystemd-static/.building-XXXXXX")
        trap 'rm -rf --one-file-system "$tmp"' EXIT
        source=$(fetch_source "$tmp")
        configure "$source" "$tmp/build"
        # A generated header that libsystemd.a's objects do not depend on in 252's build files.
        if grep -q '^version\.h:' <(ninja -C "$tmp/build" -t targets all); then
                ninja -C "$tmp/build" version.h >&2
        fi
        ninja -C "$tmp/build" libsystemd.a >&2

        grep -ohE '\bsd_[a-z0-9_]+' "$source/src/libsystemd/libsystemd.sym" | sort -u >"$tmp/public"
        ld -r --whole-archive "$tmp/build/libsystemd.a" -o "$tmp/all.o"
        objcopy --keep-global-symbols="$tmp/public" "$tmp/all.o" "$tmp/libsystemd.o"
        if nm -g --defined-only "$tmp/libsystemd.o" | awk '{print $3}' | grep -v '^sd_' | grep -q .; then
                die "symbols other than sd_* are still global in the static libsystemd"
        fi

        mkdir -p "$tmp/out/lib" "$tmp/out/include" "$tmp/out/pkgconfig"
        ar rcs "$tmp/out/lib/libsystemd.a" "$tmp/libsystemd.o"
        cp -r "$source/src/systemd" "$tmp/out/include/systemd"
        version=$(dpkg-parsechangelog -l "$source/debian/changelog" -S Version)
        cat >"$tmp/out/pkgconfig/libsystemd.pc" <<EOF
prefix=$out
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: systemd
Description: systemd Library, static (tools/libsystemd-static.sh)
Version: ${version%%-*}
Libs: -L\${libdir} -lsystemd
Libs.private: -pthread -lrt
Cflags: -I\${includedir}
EOF
        rm -rf --one-file-system "$out"
        mv -T "$tmp/out" "$out"
        rm -rf --one-file-system "$tmp"
        trap - EXIT
}

key=$( { echo "$want"; cat "$0"; } | sha256sum | cut -c1-16)
out=$cache/libsystemd-static/$key
if [ ! -f "$out/pkgconfig/libsystemd.pc" ]; then
        mkdir -p "$cache/libsystemd-static"
        exec {lock}>"$cache/libsystemd-static/.lock"
        flock "$lock"
        [ -f "$out/pkgconfig/libsystemd.pc" ] || build
        exec {lock}>&-
fi
echo "$out/pkgconfig"
