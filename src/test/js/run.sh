#!/usr/bin/env bash
# Installs the pinned TensorFlow.js and Human packages (package-lock.json) once, then runs tfjs-reference.cjs (or,
# with --human first, human-detect.mjs) with the arguments given. Used by the Java tests that compare imports and
# decoders with TF.js and Human.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed (Debian: apt-get install nodejs npm)" >&2; exit 3; }
done
if [ ! -f "$here/node_modules/.edgesight-installed" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.edgesight-installed" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
  touch "$here/node_modules/.edgesight-installed"
fi
script=tfjs-reference.cjs
[ "${1:-}" = --human ] && { script=human-detect.mjs; shift; }
exec node "$here/$script" "$@"
