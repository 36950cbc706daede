#!/usr/bin/env bash
# Builds every example extension crate and places each binary as <name>.hpy0.so in one folder
# (default tests/_build/ext), the universal file every lane and interpreter loads.
# Usage: scripts/build-examples.sh [--release] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug; cargo_flags=()
if [ "${1:-}" = "--release" ]; then profile=release; cargo_flags=(--release); shift; fi
out=${1:-tests/_build/ext}
mkdir -p "$out"
crates=()
for d in examples/*/; do
  [ -f "$d/Cargo.toml" ] && grep -q 'cdylib' "$d/Cargo.toml" && crates+=("$(basename "$d")")
done
# `name@version`: an example may share its package name with a registry dependency (examples/rpds
# is `rpds`, over the `rpds` crate).
pkgs=(); for c in "${crates[@]}"; do
  v=$(sed -n 's/^version = "\(.*\)"/\1/p' "examples/$c/Cargo.toml" | head -1)
  pkgs+=(-p "$c${v:+@$v}")
done
cargo build "${cargo_flags[@]}" "${pkgs[@]}" >&2
for c in "${crates[@]}"; do
  lib="target/$profile/lib${c//-/_}.so"
  cp "$lib" "$out/$c.hpy0.so"
  echo "built $out/$c.hpy0.so" >&2
done
