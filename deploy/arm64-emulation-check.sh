#!/usr/bin/env bash
# Proves target/edgesight-linux-arm64.jar runs: runs it on the sample under qemu user-mode emulation (arm64 Java
# 17 from Debian's arm64 packages, unpacked into .cache/arm64-sysroot) and checks its predictions equal those of
# the x86_64 jar, frame by frame, within a tolerance.
#
#   deploy/arm64-emulation-check.sh [--frames N] [--tolerance T] [--build] [--cpu MODEL] [--jar JAR]
#                                   [--userland bookworm|bullseye] [--onnx] [--no-tensorflow-classes] [--x86-jar JAR]
#
#   --frames N      frames of the sample video to compare (default 48: every class of the sample appears)
#   --tolerance T   largest allowed |score difference| for any class reported by both runs (default 1e-3)
#   --build         build both jars first (otherwise only the missing ones are built)
#   --cpu MODEL     qemu CPU model (default max): cortex-a57 = Jetson Nano/TX2 (ARMv8.0), cortex-a72 = Raspberry Pi 4,
#                   cortex-a76 or neoverse-n1 = ARMv8.2 like Xavier's Carmel and Orin's Cortex-A78AE
#   --jar JAR       the arm64 jar to run (default target/edgesight-linux-arm64.jar), e.g. target/edgesight-jetpack4.jar
#   --userland D    Debian release of the arm64 userland: bookworm (default; glibc 2.36) or bullseye (glibc 2.31,
#                   libstdc++ of GCC 10: the oldest Debian serves, for the JetPack 4 and 5 jars)
#   --onnx          both runs use the sample's ONNX colour classifier (edgesight onnx shapes) instead of the SavedModel
#   --no-tensorflow-classes  fail when the arm64 run loads any org.tensorflow class (the jars without TensorFlow)
#   --x86-jar JAR   the x86_64 jar to compare with (default target/edgesight.jar); for a JetPack jar, one built from
#                   the same JavaCPP release (FFmpeg and OpenCV versions change the decoded pixels)
#
# Needs: root for apt-get (qemu-user-static, unzip) unless they are installed; network to Debian's archive the
# first time (the sysroot is kept in .cache/ and reused). Does not change the host's dpkg architectures: the arm64
# packages are fetched with a private apt state under .cache/arm64-apt and unpacked with dpkg -x.
# Ports: EDGESIGHT_X86_PORTS / EDGESIGHT_ARM64_PORTS as "mqtt,http" (defaults 18831,18081 and 18832,18082).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

FRAMES=48
TOLERANCE=1e-3
BUILD=0
CPU=max
ARM_JAR=
USERLAND=bookworm
ONNX=0
NO_TF_CLASSES=0
X86_JAR=
while [ $# -gt 0 ]; do
  case "$1" in
    --frames) FRAMES=$2; shift 2 ;;
    --tolerance) TOLERANCE=$2; shift 2 ;;
    --build) BUILD=1; shift ;;
    --cpu) CPU=$2; shift 2 ;;
    --jar) ARM_JAR=$2; shift 2 ;;
    --userland) USERLAND=$2; shift 2 ;;
    --onnx) ONNX=1; shift ;;
    --no-tensorflow-classes) NO_TF_CLASSES=1; shift ;;
    --x86-jar) X86_JAR=$(realpath -m "$2"); shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

CACHE=$ROOT/.cache
case "$USERLAND" in
  bookworm) SYSROOT=$CACHE/arm64-sysroot; APTDIR=$CACHE/arm64-apt ;;
  bullseye) SYSROOT=$CACHE/arm64-sysroot-bullseye; APTDIR=$CACHE/arm64-apt-bullseye ;;
  *) echo "--userland must be bookworm or bullseye, got $USERLAND" >&2; exit 2 ;;
esac
DEFAULT_X86_JAR=$ROOT/target/edgesight.jar
X86_JAR=${X86_JAR:-$DEFAULT_X86_JAR}
DEFAULT_ARM_JAR=$ROOT/target/edgesight-linux-arm64.jar
ARM_JAR=$(realpath -m "${ARM_JAR:-$DEFAULT_ARM_JAR}")
JAR_BASE=$(basename "$ARM_JAR" .jar)
WORK=$ROOT/target/arm64-check
[ "$ARM_JAR" = "$DEFAULT_ARM_JAR" ] || WORK=$ROOT/target/arm64-check-${JAR_BASE#edgesight-}-$USERLAND
ARM_JAVA=$SYSROOT/usr/lib/jvm/java-17-openjdk-arm64/bin/java
# What the arm64 JVM and the jar's natives need at run time (TF, FFmpeg, OpenCV, OpenBLAS, JavaCPP).
ARM_PACKAGES=(openjdk-17-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g libva2 libva-drm2 libdrm2)
IFS=, read -r X86_MQTT X86_HTTP <<<"${EDGESIGHT_X86_PORTS:-18831,18081}"
IFS=, read -r ARM_MQTT ARM_HTTP <<<"${EDGESIGHT_ARM64_PORTS:-18832,18082}"
# edgesight itself refuses unknown EDGESIGHT_* variables: these are this script's, not the runs'
unset EDGESIGHT_X86_PORTS EDGESIGHT_ARM64_PORTS

say() { echo "arm64-check: $*"; }
die() { echo "arm64-check: FAILED: $*" >&2; exit 1; }

# ------------------------------------------------------------------ host tools
export DEBIAN_FRONTEND=noninteractive
need_host=()
command -v qemu-aarch64-static >/dev/null || need_host+=(qemu-user-static)
command -v unzip >/dev/null || need_host+=(unzip)
if [ ${#need_host[@]} -gt 0 ]; then
  say "installing ${need_host[*]} (Debian)"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_host[@]}" >/dev/null
fi

# ------------------------------------------------------------------ jars
if [ "$X86_JAR" = "$DEFAULT_X86_JAR" ] && { [ $BUILD = 1 ] || [ ! -f "$X86_JAR" ]; }; then
  say "building $X86_JAR"; mvn -B -q -DskipTests package
fi
[ -f "$X86_JAR" ] || die "no $X86_JAR"
if [ "$ARM_JAR" = "$DEFAULT_ARM_JAR" ] && { [ $BUILD = 1 ] || [ ! -f "$ARM_JAR" ]; }; then
  say "building $ARM_JAR"; mvn -B -q -DskipTests -Pplatform-linux-arm64 package
fi
[ -f "$ARM_JAR" ] || die "no $ARM_JAR (build it with its profile, e.g. mvn -B -DskipTests -Pjetpack4 package)"

# Every native library in the arm64 jar must be an AArch64 ELF under a linux-arm64 folder (ONNX Runtime calls it linux-aarch64).
say "checking the natives in $(basename "$ARM_JAR")"
natives=$(unzip -Z1 "$ARM_JAR" | grep -E '\.(so(\.[0-9]+)*|dll|dylib|jnilib)$' || true)
[ -n "$natives" ] || die "no native libraries in $ARM_JAR"
foreign=$(grep -vE '/linux-(arm64|aarch64)/' <<<"$natives" || true)
[ -z "$foreign" ] || die "natives of another platform in $ARM_JAR: $(tr '\n' ' ' <<<"$foreign")"
n_natives=0
while IFS= read -r entry; do
  # e_machine, bytes 18-19 of the ELF header: b7 00 = AArch64 (3e 00 would be x86-64)
  machine=$(unzip -p "$ARM_JAR" "$entry" 2>/dev/null | head -c 20 | od -An -tx1 -j18 -N2 | tr -d ' \n' || true)
  [ "$machine" = "b700" ] || die "$entry is not an AArch64 ELF (e_machine $machine)"
  n_natives=$((n_natives + 1))
done <<<"$natives"
say "$n_natives native libraries in $(basename "$ARM_JAR"), all AArch64 under linux-arm64/"

# ------------------------------------------------------------------ arm64 sysroot (Debian's arm64 Java 17)
if [ ! -x "$ARM_JAVA" ] || [ ! -f "$SYSROOT/.packages" ]; then
  say "fetching ${ARM_PACKAGES[*]} (arm64, Debian $USERLAND) into $SYSROOT"
  rm -rf "$SYSROOT" "$APTDIR/debs"
  mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/debs" "$SYSROOT"
  touch "$APTDIR/status"
  # A private apt state: the host's sources and keys, arm64 as the only architecture; the host's dpkg is untouched.
  APT_OPTS=(-o Dir::State="$APTDIR" -o Dir::State::Lists="$APTDIR/lists" -o Dir::State::status="$APTDIR/status"
            -o Dir::Cache="$APTDIR/cache" -o APT::Architecture=arm64 -o APT::Architectures::=arm64
            -o Debug::NoLocking=true -o APT::Sandbox::User=root)
  if [ "$USERLAND" = bullseye ]; then
    # Debian 11's own archive and keys (in debian-archive-keyring), not the host's release. Its point releases carry
    # OpenJDK 17; the security archive is left out (its bullseye pool is not served everywhere).
    printf '%s\n' \
      "deb [signed-by=/usr/share/keyrings/debian-archive-bullseye-stable.gpg] http://deb.debian.org/debian bullseye main" \
      "deb [signed-by=/usr/share/keyrings/debian-archive-bullseye-automatic.gpg] http://deb.debian.org/debian bullseye-updates main" \
      >"$APTDIR/sources.list"
    APT_OPTS+=(-o Dir::Etc::SourceList="$APTDIR/sources.list" -o Dir::Etc::SourceParts=/nonexistent)
  fi
  apt-get "${APT_OPTS[@]}" update -qq
  (cd "$APTDIR/debs" && apt-get "${APT_OPTS[@]}" download -qq "${ARM_PACKAGES[@]}")
  for deb in "$APTDIR"/debs/*.deb; do dpkg -x "$deb" "$SYSROOT"; done
  # The JDK's conf and lib files are absolute links into /etc/java-17-openjdk; point them into the sysroot so
  # the host's own /etc (which may have no arm64 Java) is never read.
  while IFS= read -r link; do
    target=$(readlink "$link")
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$SYSROOT$target")" "$link"
  done < <(find "$SYSROOT" -type l -lname '/*')
  (cd "$APTDIR/debs" && ls -- *.deb) > "$SYSROOT/.packages"
  rm -rf "$APTDIR/debs"
fi
[ -x "$ARM_JAVA" ] || die "no arm64 java in $SYSROOT"
say "arm64 Java: $(qemu-aarch64-static -L "$SYSROOT" "$ARM_JAVA" -version 2>&1 | sed -n 2p)"

# ------------------------------------------------------------------ the two runs
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$X86_MQTT" "$X86_HTTP" "$ARM_MQTT" "$ARM_HTTP"; do
  port_free "$p" || die "port $p is in use; set EDGESIGHT_X86_PORTS / EDGESIGHT_ARM64_PORTS"
done

rm -rf "$WORK"; mkdir -p "$WORK"
MODEL_ARGS=()
if [ $ONNX = 1 ]; then
  # the sample's colour classifier as ONNX (hand-set weights), written by the x86_64 jar; labels.txt beside it
  java -jar "$X86_JAR" onnx shapes --out "$WORK/model/shapes-colour.onnx" >/dev/null \
    || die "could not write the ONNX sample model"
  MODEL_ARGS=(--set "edgesight.models.sample.path=$WORK/model/shapes-colour.onnx"
              --set "edgesight.models.sample.labels=$WORK/model/labels.txt")
fi
run_args() { # output dir, mqtt port, http port
  echo --max-frames "$FRAMES" "${MODEL_ARGS[@]}" \
    --set "edgesight.output.dir=$1" --set "edgesight.engine.dir=$1-engines" \
    --set edgesight.cameras.sample.pacing=fast \
    --set edgesight.cameras.sample.loop=false \
    --set "edgesight.mqtt.embedded.port=$2" \
    --set "camel.server.port=$3" --set "camel.management.port=$3"
}

# x86_64 first: it also writes the sample video (samples/generated/) that both runs then read. It runs with FFmpeg's
# SIMD code off (deploy/PortableFfmpegRun.java): x86_64's SSSE3 yuv420p->bgr24 converter rounds unlike the C one
# that arm64 uses (no arm64 converter for bgr24), which alone moved the ONNX colour classifier's scores by 6e-3.
say "x86_64 run of $(basename "$X86_JAR") ($FRAMES frames, FFmpeg's portable C code)"
t0=$(date +%s%N)
# shellcheck disable=SC2046
java -cp "$X86_JAR" deploy/PortableFfmpegRun.java $(run_args "$WORK/x86_64" "$X86_MQTT" "$X86_HTTP") >"$WORK/x86_64.log" 2>&1 \
  || { tail -20 "$WORK/x86_64.log"; die "the x86_64 run failed (log: $WORK/x86_64.log)"; }
t1=$(date +%s%N)

say "arm64 run of $(basename "$ARM_JAR") under qemu-aarch64-static -cpu $CPU, Debian $USERLAND ($FRAMES frames; about 10x slower than native)"
# shellcheck disable=SC2046
qemu-aarch64-static -cpu "$CPU" -L "$SYSROOT" "$ARM_JAVA" -Dorg.bytedeco.javacpp.cachedir="$CACHE/javacpp-arm64" \
  -Xlog:class+load=info:file="$WORK/arm64-classes.log" \
  -jar "$ARM_JAR" $(run_args "$WORK/arm64" "$ARM_MQTT" "$ARM_HTTP") >"$WORK/arm64.log" 2>&1 \
  || { tail -20 "$WORK/arm64.log"; die "the arm64 run failed (log: $WORK/arm64.log)"; }
t2=$(date +%s%N)

# The arm64 process's own start-up self-check, as a user on the board would see it.
sed -n '/edgesight self-check/,/engine /p' "$WORK/arm64.log" | sed 's/^[0-9:. ]*INFO *SelfCheck *//'
grep -q 'platform   linux-arm64' "$WORK/arm64.log" || die "the arm64 run's self-check does not say linux-arm64"
grep -q 'engine     CPU' "$WORK/arm64.log" || die "the arm64 run's self-check does not say engine CPU"
tf_classes=$(grep -c ' org\.tensorflow\.' "$WORK/arm64-classes.log" || true)
say "the arm64 run loaded $(grep -c 'source:' "$WORK/arm64-classes.log" || true) classes, $tf_classes of them org.tensorflow.*"
[ $NO_TF_CLASSES = 0 ] || [ "$tf_classes" = 0 ] \
  || die "the arm64 run loaded TensorFlow classes: $(grep -m3 ' org\.tensorflow\.' "$WORK/arm64-classes.log" | tr '\n' ' ')"

# ------------------------------------------------------------------ compare
compare=$(java -cp "$X86_JAR" deploy/ComparePredictions.java "$WORK/x86_64/sample.jsonl" "$WORK/arm64/sample.jsonl" \
  "$FRAMES" "$TOLERANCE") && ok=1 || ok=0
echo "$compare"
x86_s=$(( (t1 - t0) / 1000000000 )); arm_s=$(( (t2 - t1) / 1000000000 ))
jar_mb=$(( $(stat -c %s "$ARM_JAR") / 1048576 ))
say "$(basename "$ARM_JAR") ${jar_mb} MiB; x86_64 run ${x86_s} s, arm64 run under emulation ${arm_s} s" \
  "(JVM start and first-time native extraction included); logs and outputs in ${WORK#"$ROOT"/}"
[ "$ok" = 1 ] || die "predictions differ (see the MISMATCH lines above)"
say "OK: $(basename "$ARM_JAR")'s predictions (qemu -cpu $CPU, Debian $USERLAND$([ $ONNX = 1 ] && echo ", ONNX Runtime")) equal the x86_64 jar's on $FRAMES frames (tolerance $TOLERANCE)"
echo "arm64-check: 1 passed, 0 failed"
