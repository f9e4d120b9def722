#!/usr/bin/env bash
# Builds lossyfs from lossyfs.c (needs gcc, pkg-config and libfuse3-dev). Does nothing when the binary is newer than
# its sources. Prints the binary's path on stdout.
# Usage: bash build.sh [OUT_DIR]   (default: this folder)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR=${1:-$HERE}
mkdir -p "$OUT_DIR"
OUT="$(cd "$OUT_DIR" && pwd)/lossyfs"
if [[ -x $OUT && $OUT -nt $HERE/lossyfs.c && $OUT -nt $HERE/build.sh ]]; then
    echo "$OUT"
    exit 0
fi
command -v gcc >/dev/null || { echo "build.sh: gcc is missing (apt-get install gcc)" >&2; exit 1; }
pkg-config --exists fuse3 2>/dev/null || { echo "build.sh: libfuse3 is missing (apt-get install pkg-config libfuse3-dev)" >&2; exit 1; }
# Built into a temp name and renamed, so an interrupted build never leaves a half-written binary that looks current.
gcc -O2 -Wall -Wextra -Werror -std=gnu11 -o "$OUT.tmp.$$" "$HERE/lossyfs.c" $(pkg-config --cflags --libs fuse3)
mv -f "$OUT.tmp.$$" "$OUT"
echo "$OUT"
