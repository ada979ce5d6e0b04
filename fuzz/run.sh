#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer on the stable toolchain:
#
#   fuzz/run.sh TARGET SECONDS [LIBFUZZER-FLAGS...]
#
# builds the fuzz targets with SanitizerCoverage (stable rustc codegen flags, the ones
# cargo-fuzz uses with `-s none`; no nightly, no sanitizer runtime) and runs TARGET for SECONDS
# over a scratch copy of fuzz/corpus/TARGET, so the committed corpus stays as it is (pass
# FUZZ_CORPUS=DIR to keep what a long run finds). Each input gets 10 s (a hang) and the
# process 2 GiB (unbounded memory); a crash leaves its input in fuzz/artifacts/TARGET/.
# Targets: elf exec gdb_packet tflite board_toml budget. Exit status: libFuzzer's (0: nothing).
set -euo pipefail
cd "$(dirname "$0")"
target=$1
secs=$2
shift 2
targets="elf exec gdb_packet tflite board_toml budget"
host=$(rustc -vV | sed -n 's/^host: //p')
# --target keeps the instrumentation out of build scripts and proc macros.
RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing" \
  cargo build --quiet --release --features libfuzzer $(printf -- "--bin %s " $targets) --target "$host" \
  --target-dir target/libfuzzer
bin="target/libfuzzer/$host/release/$target"
# Board memory (8 MiB on mps2-an386) is allocated per input: straight from mmap (zero pages,
# no memset of reused heap memory) once the threshold is fixed.
export MALLOC_MMAP_THRESHOLD_=$((1 << 20))
work=${FUZZ_CORPUS:-$(mktemp -d)}
mkdir -p "$work" "artifacts/$target"
exec "$bin" "$work" "corpus/$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="artifacts/$target/" "$@"
