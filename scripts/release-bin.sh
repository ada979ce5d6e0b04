#!/bin/sh
# Prints the path of the thimble binary the benchmark scripts time: $THIMBLE if it is set,
# otherwise this checkout's release build, built (or brought up to date) first; cargo's own
# messages go to stderr. Used as `thimble=$(scripts/release-bin.sh)` from the repository root.
set -eu
if [ -n "${THIMBLE:-}" ]; then
    echo "$THIMBLE"
else
    cargo build --release --quiet >&2
    echo "${CARGO_TARGET_DIR:-target}/release/thimble"
fi
