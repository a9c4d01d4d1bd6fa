#!/usr/bin/env bash
# What the people -> faces -> gender cascade costs per frame (docs/BENCHMARKS.md, "Cascades"): 60 s of the Debian
# test photos (folder camera, looped, fast pacing) through NanoDet, without and with the cascade; prints payloads/s,
# mean timings and the cascades' own line from the shutdown log. Needs fetch.sh and photos.sh run first.
# usage: samples/detector/bench-cascade.sh OUT_DIR EDGESIGHT_COMMAND...   e.g. target/bench-cascade java -jar target/edgesight.jar
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1; shift
for mode in plain cascade; do
  rm -rf "$out/$mode"; mkdir -p "$out/$mode"
  extra=()
  if [ $mode = cascade ]; then
    extra=(--set edgesight.models.face.path=samples/detector/face --set edgesight.models.face.on=detector:person
           --set edgesight.models.gender.path=samples/detector/gear --set edgesight.models.gender.on=face:face
           --set edgesight.models.gender.batch-size=4)
  fi
  "$@" run --duration 60 --set edgesight.models.detector.path=samples/detector/nanodet \
    --set 'edgesight.models.detector.classes=!toilet' \
    --set edgesight.cameras.sample.url= --set edgesight.cameras.photos.url=folder:samples/detector/.download/photos \
    --set edgesight.cameras.photos.model=detector --set edgesight.cameras.photos.loop=true \
    --set edgesight.cameras.photos.pacing=fast --set edgesight.output.dir=$out/$mode \
    --set edgesight.engine.dir=$out/engines "${extra[@]}" > "$out/$mode.log" 2>&1 || { tail -5 "$out/$mode.log"; exit 1; }
  python3 - "$out/$mode/photos.jsonl" "$mode" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rows = rows[len(rows) // 10:]  # the first tenth is warm-up
t0 = min(r["captureTime"] for r in rows); t1 = max(r["captureTime"] for r in rows)
from datetime import datetime
span = (datetime.fromisoformat(t1.replace("Z", "+00:00")) - datetime.fromisoformat(t0.replace("Z", "+00:00"))).total_seconds()
crops = sum(1 for r in rows for p in r["predictions"] if "cascades" in p)
print(f"{sys.argv[2]}: {len(rows)} payloads in {span:.1f} s = {len(rows)/span:.2f} frames/s, mean totalMs "
      f"{sum(r['timings']['totalMs'] for r in rows)/len(rows):.1f}, mean inferenceMs {sum(r['timings']['inferenceMs'] for r in rows)/len(rows):.1f}, person crops {crops}")
PY
  grep "cascade .* crops in" "$out/$mode.log" | sed 's/^.*cascade /  cascade /' || true
done
