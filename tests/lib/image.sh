#!/bin/sh
# tests/lib/image.sh [latest|debug|--env]: runway's image for tests and
# pipeline examples.  Builds it (tools/image.sh) from the build that holds
# $RUNWAY_BIN (default build/runway) unless that binary's image is already
# in the build's podman storage, then prints what to use:
#
#   ref=$(tests/lib/image.sh)           # localhost/runway:latest
#   ref=$(tests/lib/image.sh debug)     # localhost/runway:debug (with /bin/sh)
#   eval "$(tests/lib/image.sh --env)"  # exports CONTAINERS_CONF and
#                                       # CONTAINERS_STORAGE_CONF (the build's
#                                       # storage, runc, ulimits), RUNWAY_IMAGE,
#                                       # RUNWAY_IMAGE_DEBUG
#   podman run --rm --network host "$RUNWAY_IMAGE" -url=... migrate
#
# Parallel callers wait for one build (a lock in the build folder).  The
# build's output goes to stderr; a failed build exits non-zero.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=${RUNWAY_BIN:-$src/build/runway}
build=$(cd "$(dirname "$bin")" && pwd)
what=${1:-latest}

# The image is stale when the binary, the scripts that make it or the commit
# (its timestamp and revision label) changed since it was built.
key=$( { sha256sum "$bin" "$src/tools/image.sh" "$src/tools/closure.sh" | cut -d' ' -f1
         git -C "$src" log -1 --format='%H %ct' 2>/dev/null || true; } | sha256sum | cut -d' ' -f1)

eval "$("$src/tools/image.sh" --env "$build")"
(
  flock 9
  current() {
    [ "$(cat "$build/runway-image.key" 2>/dev/null)" = "$key" ] || return 1
    podman image exists localhost/runway:latest && podman image exists localhost/runway:debug || return 1
    [ "$(podman image inspect --format '{{.Id}}' localhost/runway:latest)" = \
      "$(awk '$1 == "latest" { sub(/^sha256:/, "", $3); print $3 }' "$build/runway-image.digests")" ]
  }
  current && exit 0
  rm -f "$build/runway-image.key"
  "$src/tools/image.sh" "$build" >&2
  echo "$key" >"$build/runway-image.key"
) 9>"$build/runway-image.lock"

case $what in
latest) echo localhost/runway:latest ;;
debug) echo localhost/runway:debug ;;
--env)
  echo "export CONTAINERS_CONF='$CONTAINERS_CONF' CONTAINERS_STORAGE_CONF='$CONTAINERS_STORAGE_CONF'"
  echo "export RUNWAY_IMAGE=localhost/runway:latest RUNWAY_IMAGE_DEBUG=localhost/runway:debug" ;;
*) echo "usage: tests/lib/image.sh [latest|debug|--env]" >&2; exit 2 ;;
esac
