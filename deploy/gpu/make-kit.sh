#!/usr/bin/env bash
# Prepares, on a machine with Maven and a JDK, the files deploy/gpu/h100.sh needs on the GPU machine, as parts of at
# most 58 MiB (a transfer there carries at most 64 MiB). TensorRT 10.6 comes from Maven Central
# (org.bytedeco:tensorrt:10.6-1.5.11:linux-x86_64-redist): kit a = a jlinked JRE and TensorRT's libraries without the
# builder resource, kit c = the builder resource (all GPU architectures; needed to build engines, not to load or
# parse), kit b = target/edgesight.jar and the ONNX models of deploy/gpu/GpuModels.java.
# Usage: deploy/gpu/make-kit.sh OUTDIR [a] [b] [c]
set -euo pipefail
out=$(realpath -m "${1:?OUTDIR}"); shift
kits="${*:-a b c}"
cd "$(dirname "$0")/../.."
jdk=${JLINK_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$out"
make_parts() {   # make_parts NAME DIR: tar DIR's files into NAME parts pNN with sums
    local name=$1 dir=$2
    rm -rf "$out/$name" && mkdir -p "$out/$name"
    (cd "$dir" && sha256sum * > "SHA256SUMS.kit-$name" && tar cf - *) | (cd "$out/$name" && split -b 58M -d -a 2 - "$name")
    (cd "$out/$name" && sha256sum "$name"?? > "SHA256SUMS.parts-$name")
    ls -l "$out/$name"
}
redist=~/.m2/repository/org/bytedeco/tensorrt/10.6-1.5.11/tensorrt-10.6-1.5.11-linux-x86_64-redist.jar
if [[ " $kits " == *" a "* || " $kits " == *" c "* ]]; then
    mvn -B -q dependency:get -Dartifact=org.bytedeco:tensorrt:10.6-1.5.11:jar:linux-x86_64-redist -Dtransitive=false
fi
if [[ " $kits " == *" a "* ]]; then   # the JRE and TensorRT without its builder resource (enough to load and parse)
    stage=$(mktemp -d)
    (cd "$stage" && unzip -q "$redist" 'org/bytedeco/tensorrt/linux-x86_64/*' -x '*builder_resource*' \
        && zip -q -r tensorrt-libs.zip org && rm -rf org)
    mods=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps target/edgesight.jar)
    "$jdk/bin/jlink" --add-modules "$mods,jdk.crypto.ec,jdk.zipfs,jdk.unsupported" --strip-debug --no-header-files \
        --no-man-pages --output "$stage/jre"
    (cd "$stage" && tar czf jre.tgz jre && rm -rf jre)
    make_parts a "$stage"
    rm -rf "$stage"
fi
if [[ " $kits " == *" c "* ]]; then   # TensorRT's builder resource (all GPU architectures, 1.4 GB), copied as it is
    stage=$(mktemp -d)
    zip -q -U "$redist" 'org/bytedeco/tensorrt/linux-x86_64/libnvinfer_builder_resource.so.10.6.0' --out "$stage/builder.zip"
    make_parts c "$stage"
    rm -rf "$stage"
fi
if [[ " $kits " == *" b "* ]]; then
    stage=$(mktemp -d)
    cp target/edgesight.jar "$stage/"
    java -cp target/edgesight.jar deploy/gpu/GpuModels.java "$stage/models" >/dev/null
    (cd "$stage/models" && tar cf ../models.tar . ) && rm -rf "$stage/models"
    make_parts b "$stage"
    rm -rf "$stage"
fi
