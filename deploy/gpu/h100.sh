#!/usr/bin/env bash
# The TensorRT runs on an NVIDIA GPU machine that has the driver and the CUDA 13 libraries but no Java and no
# TensorRT (docs/BENCHMARKS.md, "TensorRT on an NVIDIA H100"). Everything it needs arrives in parts under $KIT:
#   aNN, bNN, cNN  the parts made by deploy/gpu/make-kit.sh (a: a jlinked JRE and TensorRT 10.6's libraries from
#             org.bytedeco:tensorrt:10.6-1.5.11:linux-x86_64-redist; b: target/edgesight.jar and test models; c: TensorRT's
#             builder resource), with
#             their sha256 sums; each transfer copies one part there:  mkdir -p /tmp/kit && cp .gpu/* /tmp/kit/
# Usage: deploy/gpu/h100.sh STEP...   steps: unpack check bench pipeline cached errors soak (in that order: all)
set -uo pipefail
KIT="${KIT:-/tmp/kit}"
OUTDIR="${OUT:-$KIT/out}"
mkdir -p "$OUTDIR"
JAVA="$KIT/jre/bin/java"
JAR="$KIT/edgesight.jar"
M="$KIT/models"
ENGINES="$KIT/engines"

site=$(python3 -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null)
export LD_LIBRARY_PATH="$KIT/trt-libs:$site/nvidia/cudnn/lib:$site/nvidia/cu13/lib:/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
JOPTS=(-Dorg.bytedeco.javacpp.cachedir="$KIT/jcache" -Djava.io.tmpdir="$KIT/tmp" -Xmx8g)
es() { "$JAVA" "${JOPTS[@]}" -jar "$JAR" "$@"; }

unpack() {
    cd "$KIT" || exit 1
    for k in a b c; do
        if ls "$k"?? >/dev/null 2>&1; then
            sha256sum -c --quiet "SHA256SUMS.parts-$k" || { echo "== KIT $k: PARTS MISSING OR CORRUPT"; ls; exit 1; }
            cat "$k"?? | tar xf - && rm -f "$k"?? && sha256sum -c --quiet "SHA256SUMS.kit-$k" \
                || { echo "== KIT $k: SHA256 MISMATCH"; exit 1; }
            echo "== kit $k unpacked"
        fi
    done
    if [ -f jre.tgz ]; then rm -rf jre && tar xzf jre.tgz && rm jre.tgz; fi
    if [ -f models.tar ]; then mkdir -p "$M" && tar xf models.tar -C "$M" && rm models.tar; fi
    for z in tensorrt-libs.zip builder.zip; do
        [ -f "$z" ] || continue
        mkdir -p trt-libs && python3 - "$z" trt-libs <<'PY'
import sys, zipfile, os, shutil
z = zipfile.ZipFile(sys.argv[1])
for i in z.infolist():
    if i.filename.startswith('org/bytedeco/tensorrt/linux-x86_64/lib') and not i.is_dir():
        with z.open(i) as s, open(os.path.join(sys.argv[2], os.path.basename(i.filename)), 'wb') as d: shutil.copyfileobj(s, d, 1 << 20)
PY
        rm -f "$z"
    done
    mkdir -p "$KIT/tmp" "$M" "$ENGINES"
    ls -l "$KIT" "$KIT/trt-libs" "$M"; df -h "$KIT" | tail -1
}

check() {
    echo "== $(nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader)"
    echo "== $(ldd --version | head -1)"
    "$JAVA" -version 2>&1 | head -1
    [ -f "$M/resnet50.onnx" ] || es onnx resnet50 --out "$M/resnet50.onnx"
    [ -f "$M/shapes-colour.onnx" ] || es onnx shapes --out "$M/shapes-colour.onnx"
    ls -l "$M"
}

# the sample video through the ONNX colour classifier, on TensorRT chosen automatically (auto), to MQTT
smoke() {
    es --max-frames 600 --set edgesight.models.sample.path="$M/shapes-colour.onnx" \
        --set edgesight.engine.dir="$ENGINES" 2>&1 | tee "$OUTDIR/smoke.log" \
        | grep -E "tensorrt|TensorRT|engine 'sample'|stopped|WARN|ERROR|Exception|edgesight:" | cut -c1-400 | tail -40
}

# The seed's benchmark on TensorRT: ResNet-50 (the project's generator, seed 42, the CPU benchmarks' weights),
# engines built for batch 1, 2, 4 and 8 in FP32 and FP16, 50 warm-up and 1000 timed runs each.
bench() {
    for p in FP32 FP16; do
        es bench --model sample --batch 1,2,4,8 --warmup 50 --runs 1000 \
            --set edgesight.models.sample.path="$M/resnet50.onnx" --set edgesight.models.sample.labels= \
            --set edgesight.models.sample.normalize=caffe --set edgesight.models.sample.channel-order=BGR \
            --set edgesight.models.sample.runtime=tensorrt --set edgesight.models.sample.precision=$p \
            --set edgesight.engine.dir="$ENGINES" --json "$OUTDIR/bench-trt-$p.json" 2>&1 | tee "$OUTDIR/bench-$p.log" \
            | grep -v 'timed\|warm-up' | tail -60
    done
    # the same model on ONNX Runtime's CPU provider, on this machine's 16 cores, for the ratio
    es bench --model sample --batch 1,8 --warmup 10 --runs 100 --threads 16 \
        --set edgesight.models.sample.path="$M/resnet50.onnx" --set edgesight.models.sample.labels= \
        --set edgesight.models.sample.normalize=caffe --set edgesight.models.sample.channel-order=BGR \
        --set edgesight.models.sample.runtime=onnxruntime --json "$OUTDIR/bench-ort-cpu.json" 2>&1 | grep -v 'timed\|warm-up' | tail -8
}

cached() {
    # a second start loads the cached engines; a manifest planted with another GPU name is rebuilt
    es bench --model sample --batch 4 --warmup 5 --runs 20 \
        --set edgesight.models.sample.path="$M/resnet50.onnx" --set edgesight.models.sample.labels= \
        --set edgesight.models.sample.normalize=caffe --set edgesight.models.sample.channel-order=BGR \
        --set edgesight.models.sample.runtime=tensorrt --set edgesight.engine.dir="$ENGINES" 2>&1 | grep -E "engine '|images/s" | tail -8
    man=$(ls -d "$ENGINES"/sample-b4-FP32-*/manifest.json | head -1)
    sed -i 's/"gpu=NVIDIA H100[^"]*"/"gpu=NVIDIA A100-SXM4-40GB"/' "$man"
    grep -o '"gpu=[^"]*"' "$man"
    es bench --model sample --batch 4 --warmup 5 --runs 20 \
        --set edgesight.models.sample.path="$M/resnet50.onnx" --set edgesight.models.sample.labels= \
        --set edgesight.models.sample.normalize=caffe --set edgesight.models.sample.channel-order=BGR \
        --set edgesight.models.sample.runtime=tensorrt --set edgesight.engine.dir="$ENGINES" 2>&1 | grep -E "engine '|images/s" | tail -8
}

# camera -> preprocess -> batch -> TensorRT -> decode -> MQTT (embedded broker), against the bare engine
pipeline() {
    es bench --model sample --batch 1,4,8 --warmup 50 --runs 1000 --pipeline --frames 3000 \
        --set edgesight.models.sample.path="$M/resnet50.onnx" --set edgesight.models.sample.labels= \
        --set edgesight.models.sample.normalize=caffe --set edgesight.models.sample.channel-order=BGR \
        --set edgesight.models.sample.precision=FP16 --set edgesight.engine.dir="$ENGINES" \
        --json "$OUTDIR/pipeline-resnet50.json" 2>&1 | grep -v 'timed\|warm-up' | tail -30
    # a generated detector (seed-drawn weights) through the detection decoder
    es bench --model sample --batch 1,4,8 --warmup 50 --runs 1000 --pipeline --frames 3000 \
        --set edgesight.models.sample.path="$M/detector.onnx" --set edgesight.models.sample.labels= \
        --set edgesight.models.sample.decoder=detection --set edgesight.models.sample.box-format=xyxy-score-class \
        --set edgesight.models.sample.box-coordinates=normalized --set edgesight.models.sample.min-score=0.6 \
        --set edgesight.models.sample.precision=FP16 --set edgesight.engine.dir="$ENGINES" \
        --json "$OUTDIR/pipeline-detector.json" 2>&1 | grep -v 'timed\|warm-up' | tail -30
}

errors() {
    for f in "$M"/bad-*.onnx; do
        echo "---- $(basename "$f")"
        es --max-frames 10 --set edgesight.models.sample.path="$f" --set edgesight.models.sample.runtime=tensorrt \
            --set edgesight.engine.dir="$ENGINES" 2>&1 | grep -vE '^\s+at ' | tail -6
        echo "exit ${PIPESTATUS[0]}"
    done
    echo "---- workspace bigger than the GPU"
    es --max-frames 10 --set edgesight.models.sample.path="$M/shapes-colour.onnx" --set edgesight.models.sample.runtime=tensorrt \
        --set edgesight.engine.trt.max-workspace-bytes=137438953472 --set edgesight.engine.gpu.memory-limit-mb=0 \
        --set edgesight.engine.dir="$ENGINES" 2>&1 | tail -4
    echo "exit ${PIPESTATUS[0]}"
}

for step in "${@:-unpack check bench cached pipeline errors}"; do
    for s in $step; do echo "######## $s $(date -u +%T)"; "$s"; done
done
