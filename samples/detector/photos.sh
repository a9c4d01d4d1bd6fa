#!/usr/bin/env bash
# Real photographs for the detector tests, taken from Debian packages (not drawn, not committed):
#   python3-skimage          astronaut.png (a person), chelsea.png (a cat), coffee.png (a cup), motorcycle_left.png
#   python-matplotlib-data   grace_hopper.jpg (a person)
# The .deb files are downloaded with apt-get and unpacked with dpkg-deb; nothing is installed.
# Idempotent. usage: samples/detector/photos.sh   -> samples/detector/.download/photos/
set -euo pipefail
cd "$(dirname "$0")"
OUT=.download/photos
mkdir -p "$OUT" .download/debs
want="astronaut.png chelsea.png coffee.png motorcycle_left.png grace_hopper.jpg"
missing=false
for f in $want; do [ -s "$OUT/$f" ] || missing=true; done
$missing || { echo "photos.sh: $OUT ready" >&2; exit 0; }

download() {  # apt-get download, refreshing the package lists once if the package is unknown
  (cd .download/debs && apt-get download -q "$@" >/dev/null 2>&1) || {
    apt-get update -qq >/dev/null 2>&1 || true
    (cd .download/debs && apt-get download -q "$@")
  }
}
rm -f .download/debs/*.deb
download python3-skimage python-matplotlib-data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile .download/debs/python3-skimage_*.deb | tar -x -C "$tmp" --wildcards \
  '*/skimage/data/astronaut.png' '*/skimage/data/chelsea.png' '*/skimage/data/coffee.png' '*/skimage/data/motorcycle_left.png'
dpkg-deb --fsys-tarfile .download/debs/python-matplotlib-data_*.deb | tar -x -C "$tmp" --wildcards '*/sample_data/grace_hopper.jpg'
find "$tmp" -type f \( -name '*.png' -o -name '*.jpg' \) -exec cp {} "$OUT/" \;
ls .download/debs/*.deb | xargs -n1 basename > "$OUT/SOURCES.txt"
rm -f .download/debs/*.deb
for f in $want; do [ -s "$OUT/$f" ] || { echo "photos.sh: $f not found in the packages" >&2; exit 4; }; done
echo "photos.sh: $OUT ready" >&2
