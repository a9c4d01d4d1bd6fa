#!/usr/bin/env bash
# Real footage for the motion gating tests and the `bench pipeline` motion part, taken from a Debian package (not
# drawn, not committed): opencv-doc's examples/data/vtest.avi (768x576, people walking across a still scene, 795
# frames at 10 fps). The .deb is downloaded with apt-get and unpacked with dpkg-deb; nothing is installed.
# Idempotent. usage: samples/motion/footage.sh   -> samples/motion/.download/vtest.avi
set -euo pipefail
cd "$(dirname "$0")"
OUT=.download
[ -s "$OUT/vtest.avi" ] && { echo "footage.sh: $OUT/vtest.avi ready" >&2; exit 0; }
mkdir -p "$OUT/debs"
download() {  # apt-get download, refreshing the package lists once if the package is unknown
  (cd "$OUT/debs" && apt-get download -q "$@" >/dev/null 2>&1) || {
    apt-get update -qq >/dev/null 2>&1 || true
    (cd "$OUT/debs" && apt-get download -q "$@")
  }
}
rm -f "$OUT"/debs/*.deb
download opencv-doc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$OUT"/debs/opencv-doc_*.deb | tar -x -C "$tmp" --wildcards '*/examples/data/vtest.avi'
find "$tmp" -name vtest.avi -exec cp {} "$OUT/vtest.avi" \;
ls "$OUT"/debs/*.deb | xargs -n1 basename > "$OUT/SOURCES.txt"
rm -rf "$OUT/debs"
[ -s "$OUT/vtest.avi" ] || { echo "footage.sh: vtest.avi not found in opencv-doc" >&2; exit 4; }
echo "footage.sh: $OUT/vtest.avi ready" >&2
