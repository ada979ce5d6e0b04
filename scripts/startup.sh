#!/bin/sh
# Start-up benchmark (issue 14, point 5): how long thimble takes from process start to the
# first retired instruction — ELF load, board set-up, memory map, first decode — measured as
# the wall time of `thimble run ELF --max-instructions 1` (which stops after one instruction
# and exits 71, the limit's code), best of ROUNDS (default 20). The same figure for
# `thimble --version` is the floor of the process itself (exec, dynamic linking, argument
# parsing); the difference is what the run set-up costs. Figures in milliseconds.
#
# usage: scripts/startup.sh [FIRMWARE-BOARD.elf ...]   (ROUNDS=50 scripts/startup.sh)
#   default: hello and kws on each of the real boards and on mps2-an386.
# Builds thimble in release mode first (or uses $THIMBLE if set).
set -eu
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
    set -- firmware/prebuilt/hello-nano33ble.elf firmware/prebuilt/kws-nano33ble.elf \
        firmware/prebuilt/kws-nucleo-l4r5zi.elf firmware/prebuilt/kws-disco-f746ng.elf \
        firmware/prebuilt/kws-pico.elf firmware/prebuilt/kws-mps2-an386.elf
fi
rounds=${ROUNDS:-20}

thimble=$(scripts/release-bin.sh)

# best_ms CMD...: the smallest wall time of ROUNDS runs of CMD, in ms (3 decimals).
best_ms() {
    best=""
    r=0
    while [ "$r" -lt "$rounds" ]; do
        r=$((r + 1))
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        t=$((t1 - t0))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    awk "BEGIN { printf \"%.3f\", $best / 1000000 }"
}

err=$(mktemp)
trap 'rm -f "$err"' EXIT

floor=$(best_ms "$thimble" --version)
printf '%-36s %10s %12s\n' "elf" "run ms" "set-up ms"
printf '%-36s %10s %12s\n' "(thimble --version: the floor)" "$floor" "-"
for elf in "$@"; do
    name=$(basename "$elf" .elf)
    board=${name#*-}
    rc=0
    "$thimble" run "$elf" --board "$board" --max-instructions 1 --quiet >/dev/null 2>"$err" || rc=$?
    if [ "$rc" -ne 71 ]; then
        echo "startup: $elf: expected exit 71 (instruction limit), got $rc:" >&2
        cat "$err" >&2
        exit 1
    fi
    ms=$(best_ms "$thimble" run "$elf" --board "$board" --max-instructions 1 --quiet)
    printf '%-36s %10s %12s\n' "$name" "$ms" "$(awk "BEGIN { printf \"%.3f\", $ms - $floor }")"
done
