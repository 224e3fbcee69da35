#!/usr/bin/env bash
# Checks the layering of the source tree (docs/ARCHITECTURE.md): every #include "DIR/..." of a project
# header must name a header of the same layer or of one below it, and every project header is
# included by its folder. TAP on stdout; exits non-zero on a violation.
#   tools/check-layers.sh [SOURCE_ROOT]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

# The layers from the bottom up; a file's layer is that of the longest folder that holds it.
layers=(src/basic network/nl network src/core src/settings src/verbs src)
layer_of() { # PATH: the index of its layer, or nothing
        local best=-1 best_len=0 i
        for i in "${!layers[@]}"; do
                case "$1" in
                "${layers[i]}"/*)
                        if [ "${#layers[i]}" -gt "$best_len" ]; then best=$i best_len=${#layers[i]}; fi ;;
                esac
        done
        [ "$best" -ge 0 ] && echo "$best"
}
# Where an include names a header: "basic/x.h" is src/basic/x.h, "network/x.h" is network/x.h.
header_path() {
        case "$1" in
        network/*) echo "$1" ;;
        *) echo "src/$1" ;;
        esac
}

n=0 failed=0
check() { # DESCRIPTION PROBLEMS
        n=$((n + 1))
        if [ -z "$2" ]; then
                echo "ok $n - $1"
        else
                echo "not ok $n - $1"
                printf '%s\n' "$2" | sed 's/^/# /'
                failed=$((failed + 1))
        fi
}

up=() unprefixed=() missing=()
while IFS= read -r file; do
        from=$(layer_of "$file") || continue
        while IFS= read -r inc; do
                [ -n "$inc" ] || continue
                if [[ $inc != */* ]]; then
                        unprefixed+=("$file: #include \"$inc\"")
                        continue
                fi
                target=$(header_path "$inc")
                if [ ! -f "$target" ]; then
                        missing+=("$file: #include \"$inc\" ($target does not exist)")
                        continue
                fi
                to=$(layer_of "$target") || continue
                if [ "$to" -gt "$from" ]; then
                        up+=("$file (${layers[from]}) includes $inc (${layers[to]})")
                fi
        done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(git ls-files -co --exclude-standard -- 'src/*.[ch]' 'network/*.[ch]' 2>/dev/null || find src network -name '*.[ch]')

# syscon-init is its own static executable: the handshake's wire format is all it may share.
init_includes=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' init/*.c |
        grep -v '^basic/' || true)

check "no file includes a header of a higher layer" "$(printf '%s\n' "${up[@]}" | sed '/^$/d')"
check "project headers are included by their folder" "$(printf '%s\n' "${unprefixed[@]}" | sed '/^$/d')"
check "every included project header exists" "$(printf '%s\n' "${missing[@]}" | sed '/^$/d')"
check "syscon-init uses only the basic layer" "$init_includes"
echo "1..$n"
[ "$failed" -eq 0 ]
