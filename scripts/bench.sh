#!/bin/sh
# Speed benchmark: simulated instructions per second of thimble on compute-bound
# firmware, printed next to QEMU's wall time for the same ELF (and a check that
# both print the same output).
#
# usage: scripts/bench.sh [FIRMWARE.elf ...]
#   default: firmware/prebuilt/bench_conv_int8-cortex-{m4,m3,m0plus}.elf
#   (the int8 convolution of conv_int8 run 100 times, ~150-220 M instructions)
#   and firmware/prebuilt/bench_dsp-cortex-{m4,m7}.elf (CMSIS-style int8/q15 kernels on
#   DSP-extension intrinsics, ~132 M instructions) and
#   firmware/prebuilt/bench_fp-cortex-{m4,m7}.elf (TFLM-style float kernels, about half of
#   the instructions FP, ~110-120 M instructions)
# Then the accounting overhead on the first ELF (isa-thumb/examples/bench_loop).
#
# Builds thimble in release mode first (or uses $THIMBLE if set).  The board follows the ELF name like
# scripts/qemu-run.sh: cortex-m0plus -> mps2-an385 --core cortex-m0plus,
# cortex-m3 -> mps2-an385, cortex-m4 -> mps2-an386.  Target (issue 2): at least
# 100 M simulated instructions per second on a 2-core CI machine.
set -eu
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
    set -- firmware/prebuilt/bench_conv_int8-cortex-m4.elf \
        firmware/prebuilt/bench_conv_int8-cortex-m3.elf \
        firmware/prebuilt/bench_conv_int8-cortex-m0plus.elf \
        firmware/prebuilt/bench_dsp-cortex-m4.elf \
        firmware/prebuilt/bench_dsp-cortex-m7.elf \
        firmware/prebuilt/bench_fp-cortex-m4.elf \
        firmware/prebuilt/bench_fp-cortex-m7.elf
fi

if [ -n "${THIMBLE:-}" ]; then
    thimble="$THIMBLE"
else
    cargo build --release --quiet
    thimble=target/release/thimble
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

printf '%-34s %13s %10s %9s %10s %s\n' "elf" "instructions" "thimble s" "MIPS" "qemu s" "same output"
for elf in "$@"; do
    case "$(basename "$elf")" in
        *-cortex-m0plus*) board="--board mps2-an385 --core cortex-m0plus" ;;
        *-cortex-m4*) board="--board mps2-an386" ;;
        *-cortex-m7*) board="--board mps2-an500" ;;
        *) board="--board mps2-an385" ;;
    esac
    t0=$(now)
    # shellcheck disable=SC2086 # board is a word list on purpose
    "$thimble" run "$elf" $board --json "$tmp/report.json" >"$tmp/thimble.out" 2>"$tmp/thimble.err" || {
        echo "bench: thimble failed on $elf:" >&2
        cat "$tmp/thimble.err" >&2
        exit 1
    }
    t1=$(now)
    instr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instructions"])' "$tmp/report.json")
    if command -v qemu-system-arm >/dev/null 2>&1; then
        q0=$(now)
        scripts/qemu-run.sh "$elf" >"$tmp/qemu.out" || true
        q1=$(now)
        qs=$(awk "BEGIN { printf \"%.3f\", $q1 - $q0 }")
        if cmp -s "$tmp/qemu.out" "$tmp/thimble.out"; then same=yes; else same=NO; fi
    else
        qs="-"
        same="(no qemu)"
    fi
    ts=$(awk "BEGIN { printf \"%.3f\", $t1 - $t0 }")
    mips=$(awk "BEGIN { printf \"%.1f\", $instr / ($t1 - $t0) / 1000000 }")
    printf '%-34s %13s %10s %9s %10s %s\n' "$(basename "$elf")" "$instr" "$ts" "$mips" "$qs" "$same"
done

# Overhead of the accounting (issue 4: at most 25% of the instructions per second without it):
# the same ELF with and without statistics, stack marks, call tracking and the clock.
if [ -z "${THIMBLE:-}" ]; then
    cargo build --release --quiet -p isa-thumb --example bench_loop
    echo
    case "$(basename "$1")" in
        *-cortex-m0plus*) set -- "$1" mps2-an385 cortex-m0plus ;;
        *-cortex-m4*) set -- "$1" mps2-an386 ;;
        *-cortex-m7*) set -- "$1" mps2-an500 ;;
        *) set -- "$1" mps2-an385 ;;
    esac
    target/release/examples/bench_loop "$@" >/dev/null
fi
