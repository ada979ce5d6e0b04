#!/bin/sh
# CoreMark calibration: builds EEMBC CoreMark from a checkout you give it, with thimble's own
# platform layer (firmware/calib/coremark/), for each core, runs it in thimble and prints
# CoreMark/MHz next to published hardware figures (docs/timing.md "Calibration" names their
# sources).
#
#   scripts/calibrate.sh COREMARK_DIR [ITERATIONS]
#
# COREMARK_DIR is a checkout of github.com/eembc/coremark (never committed here: it is
# EEMBC's code under its own licence). ITERATIONS defaults to 20. THIMBLE names the binary
# (default: this checkout's release build, brought up to date first by
# scripts/release-bin.sh); OPT the optimisation flags (default -O2).
# Needs arm-none-eabi-gcc with newlib. The build goes to a temporary directory.
#
# The timed region is CoreMark's own (start_time/stop_time around iterate()); the port reads
# DWT CYCCNT (SysTick on ARMv6-M), so CoreMark/MHz = iterations * 10^6 / cycles, whatever the
# board clock. Every run must recognise the 2K performance seeds and print no CRC error
# (list, matrix, state), or the script fails. CoreMark itself also counts a run shorter than
# 10 s of wall time as an error (a reporting rule for hardware): the short simulated runs
# here break that rule only, and the script ignores it.
set -eu

cm=${1:?usage: scripts/calibrate.sh COREMARK_DIR [ITERATIONS]}
iters=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
fw=$root/firmware
opt=${OPT:--O2}
[ -f "$cm/core_main.c" ] || { echo "calibrate: $cm/core_main.c not found (a CoreMark checkout?)" >&2; exit 66; }
thimble=$(cd "$root" && scripts/release-bin.sh)
case $thimble in /*) ;; *) thimble=$root/$thimble ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name | gcc CPU flags | linker script | board sources | board defines | thimble args |
# published CoreMark/MHz (GCC-built hardware) | Arm's figure
targets='
m0plus-mps2|-mcpu=cortex-m0plus -mfloat-abi=soft|mps2-an385||-DCLOCK_HZ=25000000|--board mps2-an385 --core cortex-m0plus|1.82|2.46
m0plus-pico|-mcpu=cortex-m0plus -mfloat-abi=soft|pico|boards/pico/board.c boards/pico/boot2_crc.S|-DBOARD_INIT -DBOARD_UART -Iboards/pico -DCLOCK_HZ=125000000|--board pico|1.82|2.46
m3-mps2|-mcpu=cortex-m3 -mfloat-abi=soft|mps2-an385||-DCLOCK_HZ=25000000|--board mps2-an385|-|3.34
m4-mps2|-mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16|mps2-an386||-DCLOCK_HZ=25000000|--board mps2-an386|2.45|3.42
m4-nucleo|-mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16|nucleo-l4r5zi|boards/nucleo-l4r5zi/board.c|-DBOARD_INIT -DBOARD_UART -Iboards/stm32 -DCLOCK_HZ=120000000|--board nucleo-l4r5zi|2.45|3.42
m7-mps2|-mcpu=cortex-m7 -mfloat-abi=hard -mfpu=fpv5-d16|mps2-an500||-DCLOCK_HZ=25000000|--board mps2-an500|4.24|5.01
m7-disco|-mcpu=cortex-m7 -mfloat-abi=hard -mfpu=fpv5-sp-d16|disco-f746ng|boards/disco-f746ng/board.c|-DBOARD_INIT -DBOARD_UART -Iboards/stm32 -DCLOCK_HZ=216000000|--board disco-f746ng|4.24|5.01
'

printf '%-12s %10s %12s %9s %9s %8s %6s\n' target iterations cycles CM/MHz GCC-hw ratio Arm
echo "$targets" | while IFS='|' read -r name cpu ld bsrcs bdefs args pub arm; do
    [ -n "$name" ] || continue
    elf=$tmp/coremark-$name.elf
    srcs=""
    for s in $bsrcs; do srcs="$srcs $fw/$s"; done
    # shellcheck disable=SC2086
    (cd "$fw" && arm-none-eabi-gcc -mthumb $cpu $opt -g -std=gnu11 -ffunction-sections -fdata-sections \
        -I"$cm" -I"$fw/calib/coremark" -I"$fw/common" $bdefs \
        -DITERATIONS="$iters" -DFLAGS_STR="\"$opt\"" \
        "$cm/core_list_join.c" "$cm/core_main.c" "$cm/core_matrix.c" "$cm/core_state.c" \
        "$cm/core_util.c" "$fw/calib/coremark/core_portme.c" \
        "$fw/common/startup.c" "$fw/common/semihosting.c" "$fw/common/syscalls.c" $srcs \
        --specs=nano.specs -nostartfiles -L"$fw/ld" -Wl,--gc-sections -Wl,--build-id=none \
        -Wl,--no-warn-rwx-segments -T"$fw/ld/$ld.ld" -o "$elf") \
        2>"$tmp/$name.cc" || { cat "$tmp/$name.cc" >&2; echo "calibrate: $name: build failed" >&2; exit 1; }
    # shellcheck disable=SC2086
    "$thimble" run "$elf" $args --quiet --max-seconds 600 >"$tmp/$name.out" 2>"$tmp/$name.err" || {
        cat "$tmp/$name.out" "$tmp/$name.err" >&2; echo "calibrate: $name: run failed" >&2; exit 1; }
    if ! grep -q "^2K performance run parameters" "$tmp/$name.out" ||
        grep -q "ERROR! .* crc" "$tmp/$name.out"; then
        cat "$tmp/$name.out" >&2; echo "calibrate: $name: CoreMark's CRCs did not validate" >&2; exit 1
    fi
    line=$(grep '^thimble: .* iterations in .* cycles' "$tmp/$name.out")
    n=$(echo "$line" | awk '{print $2}')
    c=$(echo "$line" | awk '{print $5}')
    awk -v name="$name" -v n="$n" -v c="$c" -v pub="$pub" -v arm="$arm" 'BEGIN {
        cm = n * 1e6 / c
        ratio = (pub == "-") ? "-" : sprintf("%.2f", cm / pub)
        printf "%-12s %10d %12d %9.2f %9s %8s %6s\n", name, n, c, cm, pub, ratio, arm }'
done
echo "CoreMark/MHz = iterations x 10^6 / cycles (CYCCNT, SysTick on M0+); flags $opt."
echo "GCC-hw: GCC-built hardware results, Arm: Arm's published figures (docs/timing.md names the sources)."
