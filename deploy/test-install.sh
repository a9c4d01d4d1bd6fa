#!/usr/bin/env bash
# Tests deploy/install.sh and config/edgesight.service without a running systemd:
#   - systemd-analyze verify on the shipped unit and on the installed (path-rewritten) units; any message fails
#   - install twice into a temporary root (--destdir): the second run writes nothing, the tree is byte-identical
#   - a user's edit of the config survives a re-install (the new default goes to .dist), and a third run is a no-op
#   - --prefix/--confdir rewrite every path in the unit and the config
#   - with target/edgesight.jar built: the real install and the service run, as the unit says. In a private mount
#     namespace (overlays on /etc, /var and /usr, a tmpfs on /opt: the host's files are not touched) install.sh
#     runs for real twice (user edgesight created once, files at their real paths), then the unit's ExecStart with
#     the unit's JAVA_OPTS runs as edgesight in the WorkingDirectory for 24 frames.
#     Skipped (and said so) when the jar is missing or namespaces are not allowed.
# Needs systemd-analyze (Debian package systemd) and /usr/bin/java (the unit's ExecStart must exist to verify).
#
#   deploy/test-install.sh
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "install-test: ok   $*"; }
ko() { failed=$((failed + 1)); echo "install-test: FAIL $*"; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "not a real jar: the install test only copies it" > "$TMP/edgesight.jar"

# verify UNIT: systemd-analyze verify must exit 0 and print nothing (warnings such as unknown keys are failures too).
verify() {
  local out
  if out=$(systemd-analyze verify --man=no "$1" 2>&1) && [ -z "$out" ]; then ok "systemd-analyze verify $2"
  else ko "systemd-analyze verify $2: $out"; fi
}
# snapshot DIR: path, mode, size and sha256 of every file, sorted.
snapshot() {
  (cd "$1" && find . -printf '%p %y %m %s\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

verify config/edgesight.service "config/edgesight.service"

# ---------------------------------------------------------------- twice into the same root
R=$TMP/root
deploy/install.sh --destdir "$R" --jar "$TMP/edgesight.jar" > "$TMP/run1.log"
snapshot "$R" > "$TMP/snap1"
deploy/install.sh --destdir "$R" --jar "$TMP/edgesight.jar" > "$TMP/run2.log"
snapshot "$R" > "$TMP/snap2"
if cmp -s "$TMP/snap1" "$TMP/snap2"; then ok "second install leaves the tree byte-identical"
else ko "second install changed the tree: $(diff "$TMP/snap1" "$TMP/snap2" | head -5)"; fi
if grep -q 'wrote' "$TMP/run2.log"; then ko "second install wrote files: $(grep wrote "$TMP/run2.log" | tr '\n' ' ')"
else ok "second install writes nothing"; fi

for f in opt/edgesight/edgesight.jar opt/edgesight/samples/models/shapes/saved_model.pb \
         opt/edgesight/samples/models/shapes/labels.txt etc/edgesight/application.properties \
         etc/edgesight/routes/README.md etc/edgesight/edgesight.env \
         etc/systemd/system/edgesight.service usr/lib/sysusers.d/edgesight.conf; do
  [ -f "$R/$f" ] || ko "missing /$f"
done
ok "every file installed (jar, sample model, config, the folder for your own routes, env, unit, sysusers.d)"
verify "$R/etc/systemd/system/edgesight.service" "installed unit"
if grep -q '^edgesight.models.sample.path = /opt/edgesight/samples/models/shapes$' "$R/etc/edgesight/application.properties"
then ok "installed config points at the installed sample model"; else ko "installed config model path"; fi

# ---------------------------------------------------------------- a user's edit survives
sed -i 's/^edgesight.models.sample.batch-size = .*/edgesight.models.sample.batch-size = 8/' "$R/etc/edgesight/application.properties"
deploy/install.sh --destdir "$R" --jar "$TMP/edgesight.jar" > "$TMP/run3.log"
if grep -q '^edgesight.models.sample.batch-size = 8$' "$R/etc/edgesight/application.properties" \
   && [ -f "$R/etc/edgesight/application.properties.dist" ]; then
  ok "an edited config is kept; the new default goes to application.properties.dist"
else ko "an edited config was overwritten"; fi
snapshot "$R" > "$TMP/snap3"
deploy/install.sh --destdir "$R" --jar "$TMP/edgesight.jar" > "$TMP/run4.log"
snapshot "$R" > "$TMP/snap4"
if cmp -s "$TMP/snap3" "$TMP/snap4"; then ok "re-install after an edit is idempotent too"
else ko "re-install after an edit changed the tree"; fi

# ---------------------------------------------------------------- other paths
P=$TMP/root2
deploy/install.sh --destdir "$P" --jar "$TMP/edgesight.jar" --prefix /srv/es --confdir /srv/es-conf >/dev/null
unit=$P/etc/systemd/system/edgesight.service
# shellcheck disable=SC2016 # $JAVA_OPTS is literal text of the unit
if grep -q '^ExecStart=/usr/bin/java $JAVA_OPTS -jar /srv/es/edgesight.jar run --config /srv/es-conf/application.properties --routes /srv/es-conf/routes$' "$unit" \
   && ! grep -Eq '/opt/edgesight|/etc/edgesight' "$unit" \
   && grep -q '^edgesight.models.sample.path = /srv/es/samples/models/shapes$' "$P/srv/es-conf/application.properties"; then
  ok "--prefix and --confdir rewrite the unit and the config"
else ko "--prefix/--confdir: $(grep -E '^(ExecStart|Documentation|EnvironmentFile)' "$unit" | tr '\n' ' ')"; fi
verify "$unit" "unit installed with --prefix/--confdir"

# ---------------------------------------------------------------- the unit says what the issue asks
u=config/edgesight.service
for want in '^User=edgesight$' '^Restart=on-failure$' '^StandardOutput=journal$' '^WantedBy=multi-user.target$' \
            '-Xmx768m' '--config /etc/edgesight/application.properties --routes /etc/edgesight/routes'; do
  grep -Eq -- "$want" "$u" || ko "config/edgesight.service lacks $want"
done
ok "unit: unprivileged user, config and routes, restart on failure, journal, enabled at boot, JVM memory flags"

# ---------------------------------------------------------------- the service's own command, for real
service_run() {
  local jar=target/edgesight.jar
  if [ ! -f "$jar" ]; then echo "install-test: skip service run: $jar not built (mvn -B -DskipTests package)"; return; fi
  if ! unshare -m true 2>/dev/null; then echo "install-test: skip service run: no mount namespaces here"; return; fi
  mkdir -p "$TMP"/ov/{etc,var,usr}/{up,work}
  # The sample runs at the video's pace (realtime, looping) as installed; stop after 24 frames, own ports.
  local extra="--max-frames 24 --set edgesight.mqtt.embedded.port=18841 --set camel.server.port=18091 --set camel.management.port=18091"
  # shellcheck disable=SC2016 # expanded by the inner bash
  unshare -m bash -euc '
    OV=$1 OUT=$2 JAR=$3 EXTRA=$4
    mount --make-rprivate /
    for d in etc var usr; do
      mount -t overlay overlay -o "lowerdir=/$d,upperdir=$OV/$d/up,workdir=$OV/$d/work" "/$d"
    done
    mkdir -p /opt && mount -t tmpfs tmpfs /opt
    # the real install (no --destdir): files at their real paths, the edgesight user, twice
    deploy/install.sh --jar "$JAR" --no-start > "$OUT/real1.log" 2>&1
    deploy/install.sh --jar "$JAR" --no-start > "$OUT/real2.log" 2>&1
    id -nG edgesight > "$OUT/groups" 2>&1 || true
    getent passwd edgesight > "$OUT/passwd" || true
    unit=/etc/systemd/system/edgesight.service
    opts=$(sed -n "s/^Environment=\"JAVA_OPTS=\\(.*\\)\"\$/\\1/p" $unit)
    exec_start=$(sed -n "s/^ExecStart=//p" $unit)
    user=$(sed -n "s/^User=//p" $unit); workdir=$(sed -n "s/^WorkingDirectory=//p" $unit)
    state=$(sed -n "s/^StateDirectory=//p" $unit); cache=$(sed -n "s/^CacheDirectory=//p" $unit)
    echo "$user $workdir $state $cache" > "$OUT/unit-fields"
    cmd="${exec_start/\$JAVA_OPTS/$opts} $EXTRA"
    # what StateDirectory= and CacheDirectory= do: /var/lib/<name>, /var/cache/<name>, owned by User=
    mkdir -p "/var/lib/$state" "/var/cache/$cache" && chown "$user:$user" "/var/lib/$state" "/var/cache/$cache"
    cd "$workdir"
    set +e
    setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
      env -i PATH=/usr/bin:/bin HOME=/nonexistent bash -c "exec $cmd" > "$OUT/service.log" 2>&1 &
    pid=$!; peak=0
    while kill -0 $pid 2>/dev/null; do
      hwm=$(sed -n "s/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$pid/status 2>/dev/null || true)
      [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
      sleep 0.5
    done
    wait $pid; echo $? > "$OUT/service.rc"; echo $peak > "$OUT/service.peak-kb"
    wc -l < /var/lib/edgesight/output/sample.jsonl > "$OUT/service.lines" 2>/dev/null || echo 0 > "$OUT/service.lines"
    ls /var/lib/edgesight/samples/generated > "$OUT/service.generated" 2>/dev/null || true
    ls /var/cache/edgesight/javacpp > "$OUT/service.cache" 2>/dev/null || true
  ' _ "$TMP/ov" "$TMP" "$jar" "$extra" || { ko "service run: namespace set-up failed: $(tail -3 "$TMP/real1.log" 2>/dev/null)"; return; }
  cp "$TMP/service.log" target/install-test-service.log
  if grep -q 'created system user edgesight' "$TMP/real1.log" && ! grep -qE 'wrote|created' "$TMP/real2.log" \
     && grep -qw video "$TMP/groups" && grep -q '^edgesight:.*:/var/lib/edgesight:/usr/sbin/nologin$' "$TMP/passwd"; then
    ok "real install (private mount namespace): user edgesight (group video, no login) created once; second run changes nothing"
  else
    ko "real install: $(cat "$TMP/real1.log" "$TMP/real2.log" "$TMP/groups" "$TMP/passwd" | tr '\n' ' ')"
  fi
  local rc lines peak
  rc=$(cat "$TMP/service.rc"); lines=$(cat "$TMP/service.lines"); peak=$(( $(cat "$TMP/service.peak-kb") / 1024 ))
  if [ "$(cat "$TMP/unit-fields")" = "edgesight /var/lib/edgesight edgesight edgesight" ] && [ "$rc" = 0 ] \
     && [ "$lines" = 24 ] && grep -q 'shapes.mp4' "$TMP/service.generated" && [ -s "$TMP/service.cache" ] \
     && grep -q 'edgesight self-check' "$TMP/service.log"; then
    ok "service run: the unit's ExecStart and JAVA_OPTS as edgesight in /var/lib/edgesight: exit 0, 24 predictions" \
       "in output/sample.jsonl, sample video in samples/generated, natives in /var/cache/edgesight (peak RSS ${peak} MiB)"
  else
    ko "service run: fields=$(cat "$TMP/unit-fields") rc=$rc lines=$lines; log tail: $(tail -5 "$TMP/service.log" | tr '\n' ' ')"
  fi
}
service_run

echo "install-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
