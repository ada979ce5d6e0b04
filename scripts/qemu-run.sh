#!/bin/sh
# Run one firmware ELF in QEMU (the oracle for thimble's differential tests).
#
# usage: scripts/qemu-run.sh [-M MACHINE] [-t SECONDS] FIRMWARE.elf
#
# Guest output goes to stdout: semihosting (SYS_WRITE to ":tt", SYS_WRITE0,
# SYS_WRITEC) and CMSDK UART0 share one stdio chardev, so they stay in order.
# (Without chardev=..., QEMU 7.2 prints SYS_WRITE0/SYS_WRITEC on its stderr
# but SYS_WRITE to ":tt" on stdout.)  The
# script exits with the guest's semihosting exit status (QEMU passes the
# SYS_EXIT_EXTENDED status through as its own exit status, modulo 256).
# A guest that does not exit within the timeout (default 30 s) gives 124.
#
# The machine defaults from the ELF's name: *-cortex-m4* -> mps2-an386,
# *-cortex-m7* -> mps2-an500, anything else (cortex-m0plus, cortex-m3) ->
# mps2-an385 (QEMU's MPS2 machines accept only their own CPU; ARMv6-M code
# runs unchanged on the Cortex-M3 of AN385).  QEMU_MACHINE overrides it too.
set -u

machine="${QEMU_MACHINE:-}"
timeout_s="${QEMU_TIMEOUT:-30}"
while [ $# -gt 1 ]; do
    case "$1" in
        -M) machine="$2"; shift 2 ;;
        -t) timeout_s="$2"; shift 2 ;;
        *) break ;;
    esac
done
if [ $# -ne 1 ]; then
    echo "usage: $0 [-M MACHINE] [-t SECONDS] FIRMWARE.elf" >&2
    exit 2
fi
elf="$1"
if [ ! -f "$elf" ]; then
    echo "qemu-run: no such file: $elf" >&2
    exit 2
fi
if ! command -v qemu-system-arm >/dev/null 2>&1; then
    echo "qemu-run: qemu-system-arm not found (apt-get install qemu-system-arm)" >&2
    exit 127
fi
if [ -z "$machine" ]; then
    case "$(basename "$elf")" in
        *-cortex-m4*) machine=mps2-an386 ;;
        *-cortex-m7*) machine=mps2-an500 ;;
        *) machine=mps2-an385 ;;
    esac
fi

timeout "$timeout_s" qemu-system-arm -M "$machine" -display none -monitor none \
    -chardev stdio,id=con,mux=on -serial chardev:con \
    -semihosting-config enable=on,target=native,chardev=con \
    -kernel "$elf" </dev/null
status=$?
if [ "$status" -eq 124 ]; then
    echo "qemu-run: $elf did not exit within ${timeout_s} s on $machine" >&2
fi
exit "$status"
