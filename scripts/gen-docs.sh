#!/usr/bin/env bash
# Regenerates the references in docs/ that come from ODS and the ISA table
# (build/docs/**) and copies them over the committed ones. The ctest entry
# docs.generated-up-to-date fails while they differ.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERN_BUILD_DIR:-$root/build}
cmake --build "$build" --target tern-doc
(cd "$build/docs" && find . -name '*.md' -print0) |
  while IFS= read -r -d '' f; do
    mkdir -p "$root/docs/$(dirname "$f")"
    cp "$build/docs/$f" "$root/docs/$f"
    echo "docs/${f#./}"
  done
