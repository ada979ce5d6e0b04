#!/bin/sh
# Rebuilds demo.elf (committed, so tests need no toolchain). Paths in DWARF are made relative
# so that the source pane finds demo.c from any checkout.
set -e
cd "$(dirname "$0")"
arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -O1 -g -ffreestanding -nostdlib \
  -fdebug-prefix-map="$(pwd)"=. -T demo.ld -o demo.elf demo.c
