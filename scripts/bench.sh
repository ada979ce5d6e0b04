#!/bin/sh
# Speed benchmark: each ELF under thimble's three engines (--engine interp, the reference,
# --engine block and --engine jit) and under QEMU, interleaved round by round so that all
# four see the same minutes of this VM, best of ROUNDS (default 3) wall times each; then the
# ratios: block and jit against interp (their speed-ups) and thimble against QEMU (time ratio,
# below 1 means thimble is faster), and whether the engines wrote identical reports and
# whether thimble's output equals QEMU's.
#
# usage: scripts/bench.sh [FIRMWARE.elf ...]        (ROUNDS=5 scripts/bench.sh for more)
#   default: firmware/prebuilt/bench_conv_int8-cortex-{m4,m3,m0plus}.elf
#   (the int8 convolution of conv_int8 run 100 times, ~150-220 M instructions)
#   and firmware/prebuilt/bench_dsp-cortex-{m4,m7}.elf (CMSIS-style int8/q15 kernels on
#   DSP-extension intrinsics, ~132 M instructions) and
#   firmware/prebuilt/bench_fp-cortex-{m4,m7}.elf (TFLM-style float kernels, about half of
#   the instructions FP, ~110-120 M instructions), the steady state of repeated inferences
#   (kws_loop-mps2-an386: 20 kws inferences in a row, 181 M instructions), and the four MLPerf
#   Tiny models as single inferences on mps2-an386 (kws, vww, ic, ad; 2-30 M instructions).
# The rss column is the largest peak resident set of thimble's runs of that ELF, in MiB (by
# /usr/bin/time when it is installed, "-" otherwise).
# Then the accounting overhead on the first ELF (isa-thumb/examples/bench_loop).
#
# Builds thimble in release mode first (or uses $THIMBLE if set).  The board follows the ELF name like
# scripts/qemu-run.sh: cortex-m0plus -> mps2-an385 --core cortex-m0plus,
# cortex-m3 -> mps2-an385, cortex-m4 -> mps2-an386, cortex-m7 -> mps2-an500; other ELFs
# (<prog>-<board>.elf) run on their board in thimble only.
set -eu
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
    set -- firmware/prebuilt/bench_conv_int8-cortex-m4.elf \
        firmware/prebuilt/bench_conv_int8-cortex-m3.elf \
        firmware/prebuilt/bench_conv_int8-cortex-m0plus.elf \
        firmware/prebuilt/bench_dsp-cortex-m4.elf \
        firmware/prebuilt/bench_dsp-cortex-m7.elf \
        firmware/prebuilt/bench_fp-cortex-m4.elf \
        firmware/prebuilt/bench_fp-cortex-m7.elf \
        firmware/prebuilt/kws_loop-mps2-an386.elf \
        firmware/prebuilt/kws-mps2-an386.elf \
        firmware/prebuilt/vww-mps2-an386.elf \
        firmware/prebuilt/ic-mps2-an386.elf \
        firmware/prebuilt/ad-mps2-an386.elf
fi
rounds=${ROUNDS:-3}

thimble=$(scripts/release-bin.sh)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# Peak RSS of each thimble run, when GNU time is there to tell it.
timer=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
    timer=/usr/bin/time
fi
# min A B: the smaller of two decimal numbers ("-" when A is "-").
min() { awk "BEGIN { a = \"$1\"; b = $2; if (a == \"-\" || b < a + 0) print b; else print a }"; }

printf '%-32s %12s %9s %9s %9s %9s %8s %8s %9s %9s %9s %6s %s\n' "elf" "instructions" "interp s" \
    "block s" "jit s" "qemu s" "block/in" "jit/in" "interp/q" "block/q" "jit/q" "rss" "same"
for elf in "$@"; do
    qemu=yes
    qm=""
    case "$(basename "$elf" .elf)" in
        *-cortex-m0plus) board="--board mps2-an385 --core cortex-m0plus" ;;
        *-cortex-m4) board="--board mps2-an386" ;;
        *-cortex-m7) board="--board mps2-an500" ;;
        *-cortex-m3) board="--board mps2-an385" ;;
        *-mps2-an385 | *-mps2-an386 | *-mps2-an500)
            qm=${elf##*-}; qm=${qm%.elf}; qm="mps2-$qm"; board="--board $qm" ;;
        *-nano33ble) board="--board nano33ble"; qemu=no ;;
        *-nucleo-l4r5zi) board="--board nucleo-l4r5zi"; qemu=no ;;
        *-disco-f746ng) board="--board disco-f746ng"; qemu=no ;;
        *-pico) board="--board pico"; qemu=no ;;
        *) echo "bench: no board for $elf" >&2; exit 1 ;;
    esac
    command -v qemu-system-arm >/dev/null 2>&1 || qemu=no
    best_i=-; best_b=-; best_j=-; best_q=-; rss=0
    r=0
    while [ "$r" -lt "$rounds" ]; do
        r=$((r + 1))
        for engine in interp block jit; do
            t0=$(now)
            # shellcheck disable=SC2086 # board and timer are word lists on purpose
            ${timer:+$timer -f %M -o "$tmp/rss"} \
                "$thimble" run "$elf" $board --engine "$engine" --json "$tmp/$engine.json" \
                >"$tmp/$engine.out" 2>"$tmp/$engine.err" || {
                case $? in
                    0 | 1 | 2 | 3) ;; # the guest's own exit status
                    *) echo "bench: thimble --engine $engine failed on $elf:" >&2
                       cat "$tmp/$engine.err" >&2
                       exit 1 ;;
                esac
            }
            t1=$(now)
            if [ -n "$timer" ]; then
                kb=$(tail -n 1 "$tmp/rss")
                [ "$kb" -gt "$rss" ] && rss=$kb
            fi
            s=$(awk "BEGIN { printf \"%.3f\", $t1 - $t0 }")
            case $engine in
                interp) best_i=$(min "$best_i" "$s") ;;
                block) best_b=$(min "$best_b" "$s") ;;
                *) best_j=$(min "$best_j" "$s") ;;
            esac
        done
        if [ "$qemu" = yes ]; then
            q0=$(now)
            if [ -n "$qm" ]; then
                QEMU_MACHINE=$qm scripts/qemu-run.sh "$elf" >"$tmp/qemu.out" || true
            else
                scripts/qemu-run.sh "$elf" >"$tmp/qemu.out" || true
            fi
            q1=$(now)
            best_q=$(min "$best_q" "$(awk "BEGIN { printf \"%.3f\", $q1 - $q0 }")")
        fi
    done
    instr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instructions"])' "$tmp/interp.json")
    if cmp -s "$tmp/interp.json" "$tmp/block.json" && cmp -s "$tmp/interp.out" "$tmp/block.out" \
        && cmp -s "$tmp/interp.json" "$tmp/jit.json" && cmp -s "$tmp/interp.out" "$tmp/jit.out"; then
        same="engines"
    else
        same="ENGINES DIFFER"
    fi
    if [ "$qemu" = yes ]; then
        if cmp -s "$tmp/qemu.out" "$tmp/interp.out"; then same="$same+qemu"; else same="$same, QEMU OUTPUT DIFFERS"; fi
        iq=$(awk "BEGIN { printf \"%.2f\", $best_i / $best_q }")
        bq=$(awk "BEGIN { printf \"%.2f\", $best_b / $best_q }")
        jq=$(awk "BEGIN { printf \"%.2f\", $best_j / $best_q }")
    else
        iq=-; bq=-; jq=-
    fi
    bi=$(awk "BEGIN { printf \"%.2fx\", $best_i / $best_b }")
    ji=$(awk "BEGIN { printf \"%.2fx\", $best_i / $best_j }")
    if [ -n "$timer" ]; then rss=$(awk "BEGIN { printf \"%.1f\", $rss / 1024 }"); else rss=-; fi
    printf '%-32s %12s %9s %9s %9s %9s %8s %8s %9s %9s %9s %6s %s\n' "$(basename "$elf")" "$instr" \
        "$best_i" "$best_b" "$best_j" "$best_q" "$bi" "$ji" "$iq" "$bq" "$jq" "$rss" "$same"
done
echo "(best of $rounds interleaved rounds; block/in and jit/in: interp time / block or jit time,"
echo " the engines' speed-ups; interp/q, block/q and jit/q: thimble's time / QEMU's, below 1 is"
echo " faster than QEMU)"

# Overhead of the accounting (issue 4: at most 25% of the instructions per second without it):
# the same ELF with and without statistics, stack marks, call tracking and the clock.
if [ -z "${THIMBLE:-}" ]; then
    cargo build --release --quiet -p isa-thumb --example bench_loop
    echo
    case "$(basename "$1")" in
        *-cortex-m0plus*) set -- "$1" mps2-an385 cortex-m0plus ;;
        *-cortex-m4*) set -- "$1" mps2-an386 ;;
        *-cortex-m7*) set -- "$1" mps2-an500 ;;
        *-cortex-m3*) set -- "$1" mps2-an385 ;;
        # bench_loop attaches no devices (no SCB to enable the FPU through), so it takes
        # only the bare-metal cortex-m ELFs.
        *) set -- firmware/prebuilt/bench_conv_int8-cortex-m4.elf mps2-an386 ;;
    esac
    target/release/examples/bench_loop "$@" >/dev/null
fi
