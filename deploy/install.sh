#!/usr/bin/env bash
# Installs edgesight as a systemd service (config/edgesight.service). Idempotent: running it again gives the same
# result; your edits of the config, routes and env file are kept (new defaults go to *.dist beside them).
#
#   sudo deploy/install.sh [--jar FILE] [--prefix DIR] [--confdir DIR] [--destdir DIR] [--no-start]
#
#   --jar FILE     the jar to install (default: target/edgesight-linux-arm64.jar on aarch64,
#                  target/edgesight.jar on x86_64)
#   --prefix DIR   where the jar, sample model and docs go (default /opt/edgesight)
#   --confdir DIR  config, routes and env file (default /etc/edgesight)
#   --destdir DIR  install into a staging root (packaging, tests): files only, no user, no systemctl
#   --no-start     do not enable and (re)start the service
#
# Creates the system user 'edgesight' (sysusers.d, or useradd without systemd-sysusers), group 'video' for cameras.
# Needs Java 17 at /usr/bin/java on the target (Debian/Ubuntu: apt-get install openjdk-17-jre-headless).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=""
PREFIX=/opt/edgesight
CONFDIR=/etc/edgesight
DESTDIR=""
START=1
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;;
    --prefix) PREFIX=$2; shift 2 ;;
    --confdir) CONFDIR=$2; shift 2 ;;
    --destdir) DESTDIR=$2; shift 2 ;;
    --no-start) START=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "install: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$PREFIX$CONFDIR" in *' '*) echo "install: --prefix and --confdir must not contain spaces" >&2; exit 2 ;; esac
if [ -z "$JAR" ]; then
  case "$(uname -m)" in
    aarch64|arm64) JAR=target/edgesight-linux-arm64.jar ;;
    *) JAR=target/edgesight.jar ;;
  esac
fi
[ -f "$JAR" ] || { echo "install: $JAR not found; build it first (docs/DEPLOY.md)" >&2; exit 1; }
if [ -z "$DESTDIR" ] && [ "$(id -u)" != 0 ]; then echo "install: run as root (or use --destdir)" >&2; exit 1; fi
if [ -n "$DESTDIR" ]; then mkdir -p "$DESTDIR"; DESTDIR=$(cd "$DESTDIR" && pwd); fi

say() { echo "install: $*"; }
# install_file MODE SRC DEST: copies only when the content or mode differs (so a second run changes nothing).
install_file() {
  local mode=$1 src=$2 dest=$3
  mkdir -p "$(dirname "$dest")"
  if [ -f "$dest" ] && cmp -s "$src" "$dest" && [ "$(stat -c %a "$dest")" = "${mode#0}" ]; then return 0; fi
  install -m "$mode" "$src" "$dest.tmp.$$" && mv -f "$dest.tmp.$$" "$dest"
  say "wrote ${dest#"$DESTDIR"}"
}
# install_config SRC DEST: a file the user edits. Written when missing; when it differs from the new default,
# the user's file stays and the default goes to DEST.dist.
install_config() {
  local src=$1 dest=$2
  if [ ! -e "$dest" ]; then install_file 0644 "$src" "$dest"
  elif ! cmp -s "$src" "$dest"; then install_file 0644 "$src" "$dest.dist"
  fi
}

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

# The shipped config with the installed paths: the sample model from the prefix, output and the generated sample
# video relative to the working directory /var/lib/edgesight.
sed -e "s#^edgesight.models.sample.path = samples/models/shapes#edgesight.models.sample.path = $PREFIX/samples/models/shapes#" \
    -e "s#^edgesight.models.sample.labels = samples/models/shapes/labels.txt#edgesight.models.sample.labels = $PREFIX/samples/models/shapes/labels.txt#" \
    config/application.properties > "$STAGE/application.properties"
grep -q "^edgesight.models.sample.path = $PREFIX/" "$STAGE/application.properties" \
  || { echo "install: config/application.properties has no 'edgesight.models.sample.path = samples/models/shapes' line to rewrite" >&2; exit 1; }
sed -e "s#/opt/edgesight#$PREFIX#g" -e "s#/etc/edgesight#$CONFDIR#g" config/edgesight.service > "$STAGE/edgesight.service"
cat > "$STAGE/edgesight.env" <<'EOF'
# Environment of the edgesight service (systemctl restart edgesight after editing).
# JVM flags: the unit's default is sized for a 4 GB board; e.g. on an 8 GB board:
#JAVA_OPTS=-Xms256m -Xmx1536m -XX:MaxDirectMemorySize=256m -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=96m -Xss512k -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Dorg.bytedeco.javacpp.cachedir=/var/cache/edgesight/javacpp
# Any configuration key: EDGESIGHT_<KEY> (upper case, dots and dashes as underscores), e.g.
#EDGESIGHT_CAMERAS_SAMPLE_URL=rtsp://user:password@192.168.1.20:554/stream1
EOF
cat > "$STAGE/sysusers.conf" <<'EOF'
# edgesight service user (systemd-sysusers); its home is the service's working directory.
u edgesight - "edgesight service" /var/lib/edgesight /usr/sbin/nologin
m edgesight video
EOF

D=$DESTDIR
install_file 0644 "$JAR" "$D$PREFIX/edgesight.jar"
for f in samples/models/shapes/*; do install_file 0644 "$f" "$D$PREFIX/samples/models/shapes/$(basename "$f")"; done
for f in docs/DEPLOY.md docs/JETSON.md; do
  if [ -f "$f" ]; then install_file 0644 "$f" "$D$PREFIX/$f"; fi
done
install_config "$STAGE/application.properties" "$D$CONFDIR/application.properties"
# the pipeline routes ship inside the jar; the routes folder is for the user's own additional routes
for f in routes/*; do [ -f "$f" ] && install_config "$f" "$D$CONFDIR/routes/$(basename "$f")"; done
install_config "$STAGE/edgesight.env" "$D$CONFDIR/edgesight.env"
install_file 0644 "$STAGE/edgesight.service" "$D/etc/systemd/system/edgesight.service"
install_file 0644 "$STAGE/sysusers.conf" "$D/usr/lib/sysusers.d/edgesight.conf"

if [ -n "$DESTDIR" ]; then
  say "staged into $DESTDIR (no user created, systemctl not called)"
  exit 0
fi

getent group video >/dev/null || groupadd --system video
if ! id edgesight >/dev/null 2>&1; then
  if command -v systemd-sysusers >/dev/null; then systemd-sysusers /usr/lib/sysusers.d/edgesight.conf
  else useradd --system --home-dir /var/lib/edgesight --no-create-home --shell /usr/sbin/nologin edgesight; fi
  say "created system user edgesight"
fi
id -nG edgesight | tr ' ' '\n' | grep -qx video || usermod -a -G video edgesight
[ -x /usr/bin/java ] || say "WARNING: /usr/bin/java not found: apt-get install openjdk-17-jre-headless"

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  if [ $START = 1 ]; then
    systemctl enable edgesight.service
    systemctl restart edgesight.service
    say "started; logs: journalctl -u edgesight -f"
  else
    say "installed; start with: systemctl enable --now edgesight"
  fi
else
  say "systemd is not running here: installed files only"
fi
