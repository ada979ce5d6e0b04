#!/bin/sh
# Count (and optionally list) the instructions QEMU executes for one ELF: an
# independent second opinion for thimble's instruction counter.
#
# usage: scripts/qemu-trace.sh [-M MACHINE] [-t SECONDS] [--pcs FILE] FIRMWARE.elf
#
# Runs QEMU with -singlestep (one guest instruction per translation block) and
# -d exec,nochain (one "Trace" log line per executed block), so the number of
# Trace lines is the number of instructions executed, condition-failed and
# IT-skipped ones included.  Guest stdout goes to stdout as in qemu-run.sh;
# the count goes to stderr as "qemu-trace: instructions=N"; --pcs FILE writes
# the PC of every executed instruction, one hex word per line, in order.
# Exit status: the guest's.
#
# Caveat: when an interrupt arrives, QEMU may log a block and then leave it
# before its instruction runs (the block is re-entered after the handler), so
# for programs with interrupts (exceptions-*) the count can be a little high
# and is timing dependent.  Programs without interrupts (conv_int8, alu,
# loadstore, hello) give exact, repeatable counts.
set -u

machine="${QEMU_MACHINE:-}"
timeout_s="${QEMU_TIMEOUT:-120}"
pcs=""
while [ $# -gt 1 ]; do
    case "$1" in
        -M) machine="$2"; shift 2 ;;
        -t) timeout_s="$2"; shift 2 ;;
        --pcs) pcs="$2"; shift 2 ;;
        *) break ;;
    esac
done
if [ $# -ne 1 ]; then
    echo "usage: $0 [-M MACHINE] [-t SECONDS] [--pcs FILE] FIRMWARE.elf" >&2
    exit 2
fi
elf="$1"
if [ ! -f "$elf" ]; then
    echo "qemu-trace: no such file: $elf" >&2
    exit 2
fi
if ! command -v qemu-system-arm >/dev/null 2>&1; then
    echo "qemu-trace: qemu-system-arm not found (apt-get install qemu-system-arm)" >&2
    exit 127
fi
if [ -z "$machine" ]; then
    case "$(basename "$elf")" in
        *-cortex-m4*) machine=mps2-an386 ;;
        *-cortex-m7*) machine=mps2-an500 ;;
        *) machine=mps2-an385 ;;
    esac
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/log"
# Reduce the log as it is written ("Trace 0: HOSTPTR [flags/PC/flags/flags] sym").
if [ -n "$pcs" ]; then
    awk '/^Trace/ { split($4, f, "/"); print f[2] }' "$tmp/log" > "$pcs" &
else
    grep -c '^Trace' "$tmp/log" > "$tmp/count" &
fi
reader=$!

timeout "$timeout_s" qemu-system-arm -M "$machine" -display none -monitor none \
    -chardev stdio,id=con,mux=on -serial chardev:con \
    -semihosting-config enable=on,target=native,chardev=con \
    -singlestep -d exec,nochain -D "$tmp/log" -kernel "$elf" </dev/null
status=$?
wait "$reader"
if [ -n "$pcs" ]; then
    n=$(wc -l < "$pcs")
else
    n=$(cat "$tmp/count")
fi
echo "qemu-trace: instructions=$n" >&2
if [ "$status" -eq 124 ]; then
    echo "qemu-trace: $elf did not exit within ${timeout_s} s on $machine" >&2
fi
exit "$status"
