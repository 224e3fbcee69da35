#!/bin/sh
# Writes an assembler file that embeds syscon-init ($1) into the launcher ($2).
set -eu
cat > "$2" <<ASM
        .section .rodata.syscon_init, "a"
        .balign 64
        .globl syscon_init_blob_start
        .globl syscon_init_blob_end
syscon_init_blob_start:
        .incbin "$(realpath "$1")"
syscon_init_blob_end:
        .section .note.GNU-stack, "", %progbits
ASM
