#!/bin/sh
# Prints the path of the thimble binary the benchmark scripts time: $THIMBLE if it is set,
# otherwise this checkout's release build with the `jit` feature (bench.sh times all three
# engines), built (or brought up to date) first; cargo's own messages go to stderr. Used as `thimble=$(scripts/release-bin.sh)` from the repository root.
set -eu
if [ -n "${THIMBLE:-}" ]; then
    echo "$THIMBLE"
else
    cargo build --release --quiet --features jit >&2
    echo "${CARGO_TARGET_DIR:-target}/release/thimble"
fi
