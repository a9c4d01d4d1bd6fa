#!/usr/bin/env bash
# Proves the JetPack jars (pom profiles jetpack4, jetpack5, jetpack6; docs/JETSON.md):
#   1. builds each one that is missing (mvn -B -q -DskipTests -P<profile> package; they share the Maven repository),
#   2. floor-checks every jar in target/ (io.edgesight.platform.FloorCheck: every bundled native's GLIBC, GLIBCXX and
#      CXXABI needs against the floor in the jar's manifest), and shows the check failing on a copy of the jetpack4
#      jar with a planted newer native (TensorFlow's JNI library: GLIBC_2.34),
#   3. runs jars under qemu-aarch64 on a Debian arm64 userland (deploy/arm64-emulation-check.sh): the sample video
#      through ONNX Runtime to MQTT, predictions compared with an x86_64 jar of the same profile (same JavaCPP
#      release: target/edgesight-<profile>-x86_64.jar, built here), no TensorFlow class loaded; the jetpack4 jar's
#      one-line refusal of a SavedModel; the jetpack6 jar's refusal of glibc 2.31 (below its 2.35).
#
#   deploy/jetpack-check.sh [--emulate "jetpack4 jetpack5 jetpack6"] [--build] [--frames N]
#   (.ci/run: --emulate jetpack4, the hardest floor, to stay within CI's time)
#
#   --emulate LIST  the jars run under emulation (default: all three). jetpack4 runs on -cpu cortex-a57 (Jetson
#                   Nano/TX2) and jetpack5 on cortex-a76 (Xavier's ARMv8.2), both on Debian 11 bullseye (glibc 2.31,
#                   the oldest userland Debian serves; JetPack 4.6's 2.27 is left to the floor check); jetpack6 on
#                   cortex-a76 on Debian 12 bookworm (glibc 2.36; JetPack 6 is 2.35).
#   --build         rebuild the JetPack jars even when present
#   --frames N      frames per emulated run (default 48)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

EMULATE="jetpack4 jetpack5 jetpack6"
BUILD=0
FRAMES=48
while [ $# -gt 0 ]; do
  case "$1" in
    --emulate) EMULATE=$2; shift 2 ;;
    --build) BUILD=1; shift ;;
    --frames) FRAMES=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "jetpack-check: $*"; }
die() { echo "jetpack-check: FAILED: $*" >&2; exit 1; }
secs() { echo $(( ($(date +%s%N) - $1) / 1000000000 )); }
WORK=$ROOT/target/jetpack-check
rm -rf "$WORK"; mkdir -p "$WORK"
X86_JAR=$ROOT/target/edgesight.jar

# ------------------------------------------------------------------ 1. jars
t0=$(date +%s%N)
if [ ! -f "$X86_JAR" ]; then say "building $X86_JAR"; mvn -B -q -DskipTests package; fi
for p in jetpack4 jetpack5 jetpack6; do
  if [ $BUILD = 1 ] || [ ! -f "target/edgesight-$p.jar" ]; then
    t=$(date +%s%N)
    mvn -B -q -DskipTests -P"$p" package >"$WORK/build-$p.log" 2>&1 || { tail -30 "$WORK/build-$p.log"; die "the $p build failed"; }
    say "built target/edgesight-$p.jar ($(( $(stat -c %s "target/edgesight-$p.jar") / 1048576 )) MiB) in $(secs "$t") s"
  fi
done
# x86_64 twins of the emulated profiles: the same JavaCPP release (FFmpeg, OpenCV) for the prediction comparison
for p in $EMULATE; do
  if [ $BUILD = 1 ] || [ ! -f "target/edgesight-$p-x86_64.jar" ]; then
    t=$(date +%s%N)
    # JavaCPP 1.5.6 published CUDA 10.2 for linux-arm64 only: the twin takes that release's CUDA 11.4 bindings (it runs
    # on the CPU and never loads CUDA)
    twin=(); [ "$p" = jetpack4 ] && twin=(-Dcuda.version=11.4-8.2-1.5.6)
    mvn -B -q -DskipTests -P"$p" -Dnative.platform=linux-x86_64 -Dort.native.other=linux-aarch64 "${twin[@]}" \
      -Djar.name="edgesight-$p-x86_64" -Dedgesight.target="$p-x86_64" package >"$WORK/build-$p-x86_64.log" 2>&1 \
      || { tail -30 "$WORK/build-$p-x86_64.log"; die "the $p x86_64 build failed"; }
    say "built target/edgesight-$p-x86_64.jar in $(secs "$t") s"
  fi
done
say "jars ready in $(secs "$t0") s"

# ------------------------------------------------------------------ 2. floor check
floor_check() { java -cp "$X86_JAR" io.edgesight.platform.FloorCheck "$@"; }
jars=()
for j in target/edgesight.jar target/edgesight-linux-arm64.jar target/edgesight-jetpack4.jar \
         target/edgesight-jetpack5.jar target/edgesight-jetpack6.jar; do
  [ -f "$j" ] && jars+=("$j")
done
floor_check "${jars[@]}" || die "a jar's natives need more than its declared floor (ABOVE THE FLOOR lines above)"
for p in jetpack4 jetpack5; do
  tf=$(unzip -Z1 "target/edgesight-$p.jar" | grep -c 'libjnitensorflow\|libtensorflow' || true)
  [ "$tf" = 0 ] || die "edgesight-$p.jar carries $tf TensorFlow natives"
done
say "jetpack4 and jetpack5 jars carry no TensorFlow natives"

# The check must fail on a newer native: TensorFlow's arm64 JNI library (GLIBC_2.34) planted into a jetpack4 copy.
planted=$WORK/edgesight-jetpack4-planted.jar
cp target/edgesight-jetpack4.jar "$planted"
mkdir -p "$WORK/plant/org/bytedeco/javacpp/linux-arm64"
unzip -p target/edgesight-jetpack6.jar org/tensorflow/internal/c_api/linux-arm64/libjnitensorflow.so \
  >"$WORK/plant/org/bytedeco/javacpp/linux-arm64/libplanted.so"
[ -s "$WORK/plant/org/bytedeco/javacpp/linux-arm64/libplanted.so" ] || die "no libjnitensorflow.so in the jetpack6 jar to plant"
(cd "$WORK/plant" && jar uf "$planted" org/bytedeco/javacpp/linux-arm64/libplanted.so)
set +e
floor_check "$planted" >"$WORK/planted.txt" 2>&1; rc=$?
set -e
cat "$WORK/planted.txt"
[ $rc = 1 ] || die "the floor check passed (exit $rc) a jetpack4 jar with a planted GLIBC_2.34 native"
grep -q 'ABOVE THE FLOOR org/bytedeco/javacpp/linux-arm64/libplanted.so needs GLIBC_2.34' "$WORK/planted.txt" \
  || die "the floor check failed the planted jar without naming the planted native"
say "OK: the floor check fails the planted newer native (exit 1)"

# ------------------------------------------------------------------ 3. emulated runs
for p in $EMULATE; do
  case "$p" in
    jetpack4) cpu=cortex-a57; userland=bullseye ;;
    jetpack5) cpu=cortex-a76; userland=bullseye ;;
    jetpack6) cpu=cortex-a76; userland=bookworm ;;
    *) die "--emulate takes jetpack4, jetpack5, jetpack6; got $p" ;;
  esac
  t=$(date +%s%N)
  no_tf=(); [ "$p" = jetpack6 ] || no_tf=(--no-tensorflow-classes)
  # Tolerance 1e-3, as the generic arm64 check. The x86_64 reference decodes with FFmpeg's portable C code
  # (deploy/PortableFfmpegRun.java): with x86_64's SSSE3 yuv420p->bgr24 converter the ONNX colour classifier (colour
  # differences x 100 before its softmax) scored up to 6e-3 away from arm64, which has no such converter.
  deploy/arm64-emulation-check.sh --jar "target/edgesight-$p.jar" --x86-jar "target/edgesight-$p-x86_64.jar" \
    --cpu "$cpu" --userland "$userland" --onnx --tolerance 1e-3 \
    --frames "$FRAMES" "${no_tf[@]}" | sed "s/^/  [$p] /"
  say "$p: emulated run (qemu -cpu $cpu, Debian $userland) in $(secs "$t") s"
done

# The refusals, as a user on the board sees them (one line on stderr, exit 2), under emulation on bullseye.
SYSROOT=$ROOT/.cache/arm64-sysroot-bullseye
ARM_JAVA=$SYSROOT/usr/lib/jvm/java-17-openjdk-arm64/bin/java
if [ -x "$ARM_JAVA" ]; then
  refuse() { # jar, expected text, extra args...
    local jar=$1 want=$2; shift 2
    local t out rc
    t=$(date +%s%N)
    set +e
    out=$(qemu-aarch64-static -cpu cortex-a57 -L "$SYSROOT" "$ARM_JAVA" -Dorg.bytedeco.javacpp.cachedir="$ROOT/.cache/javacpp-arm64" \
      -jar "$jar" --max-frames 1 --set "edgesight.output.dir=$WORK/refusal" --set "edgesight.engine.dir=$WORK/refusal-engines" \
      --set edgesight.mqtt.embedded.port=18833 --set camel.server.port=18083 --set camel.management.port=18083 "$@" 2>"$WORK/refusal.err")
    rc=$?
    set -e
    grep -v '^edgesight: ' "$WORK/refusal.err" | grep -v '^\s*$' | head -5 || true
    [ $rc = 2 ] || die "$(basename "$jar") exited $rc, not 2 (stderr: $(tr '\n' ' ' <"$WORK/refusal.err" | cut -c1-400))"
    [ "$(grep -c '^edgesight: ' "$WORK/refusal.err")" = 1 ] || die "$(basename "$jar"): not one error line: $(cat "$WORK/refusal.err")"
    grep -q -- "$want" "$WORK/refusal.err" || die "$(basename "$jar"): the error line does not say '$want': $(cat "$WORK/refusal.err")"
    say "$(basename "$jar") refuses in $(secs "$t") s (exit 2): $(grep '^edgesight: ' "$WORK/refusal.err")"
  }
  # the default sample model is a SavedModel
  refuse target/edgesight-jetpack4.jar "is a TensorFlow SavedModel, but this jar (jetpack4) has no TensorFlow"
  [ -f target/edgesight-jetpack6.jar ] \
    && refuse target/edgesight-jetpack6.jar "needs glibc >= 2.35, but this system has glibc 2.31"
else
  say "no bullseye sysroot (no jetpack4/jetpack5 emulation ran): refusals not checked"
fi
say "OK in $(secs "$t0") s"
echo "jetpack-check: passed"
