#!/usr/bin/env bash
# tools/image.sh [BUILD_DIR]: `make image`.  Builds runway's OCI image FROM
# scratch out of BUILD_DIR/runway, writes it as OCI archives
# (BUILD_DIR/runway-image.oci.tar and BUILD_DIR/runway-image-debug.oci.tar),
# prints their sizes and digests, and loads both into the podman storage
# under BUILD_DIR/containers as localhost/runway:latest and :debug.
#
# The layers are tar files written here rather than by a Dockerfile build:
# sorted entries, owner 0, every timestamp the commit's (SOURCE_DATE_EPOCH),
# gzip without a name or time, so two builds of one commit give one digest.
# --no-load writes the archives only.
#
# tools/image.sh --env [BUILD_DIR] prints the exports that point podman at
# that storage (runc, raised ulimits), for scripts that run the image.
set -euo pipefail
umask 022
export LC_ALL=C
src=$(cd "$(dirname "$0")/.." && pwd)
env_only=false load=true
case ${1:-} in
--env) env_only=true; shift ;;
--no-load) load=false; shift ;;
esac
build=$(cd "${1:-build}" && pwd)
bin=$build/runway
image_name=localhost/runway
image_user=10001

die() { echo "runway: $*" >&2; exit 1; }

# image_podman_env: podman's configuration for the storage under the build
# folder.  crun fails on this kind of host ("cgroups in hybrid mode not
# supported") and the default ulimits are too low for runc, hence both.
image_podman_env() {
  local dir=$build/containers
  mkdir -p "$dir"
  printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/storage"\nrunroot = "%s/run"\n' \
    "$dir" "$dir" >"$dir/storage.conf"
  printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
    >"$dir/containers.conf"
  export CONTAINERS_CONF=$dir/containers.conf CONTAINERS_STORAGE_CONF=$dir/storage.conf
}

if $env_only; then
  image_podman_env
  printf 'export CONTAINERS_CONF=%s CONTAINERS_STORAGE_CONF=%s\n' "$CONTAINERS_CONF" "$CONTAINERS_STORAGE_CONF"
  exit 0
fi

# image_need TOOL PACKAGE: stops with the Debian package to install when TOOL is missing.
image_need() {
  command -v "$1" >/dev/null || die "make image needs $1; install the Debian package $2 (tools/deps.sh test does)"
}
image_need tar tar
image_need gzip gzip
image_need sha256sum coreutils
image_need strip binutils
image_need dpkg-query dpkg
image_need busybox busybox-static
$load && image_need podman podman
[ -x "$bin" ] || die "$bin is missing; run 'make build' first"

version=$("$bin" version 2>/dev/null | awk '/^runway/ && !v { v = $2 } END { print v }') || true
[ -n "$version" ] || version=$(sed -n 's/^project(runway VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
revision=$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 0)}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

work=$(mktemp -d "$build/image.tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- the root file system -------------------------------------------------

# image_owned ROOT FILE: notes FILE as a file of ROOT's layer whose Debian
# package counts; under merged /usr dpkg may know it by either name.
image_owned() {
  local f
  for f in "$2" "$(readlink -f "$2")"; do
    printf '%s\n%s\n' "${f#/usr}" "/usr${f#/usr}"
  done >>"$work/owned.$(basename "$1")"
}

# image_copy ROOT FILE: copies FILE under ROOT at its real path, with the
# name it was reached by as a symlink to it, and notes its package.
image_copy() {
  local root=$1 file=$2 real
  real=$(readlink -f "$file")
  mkdir -p "$root$(dirname "$real")"
  cp "$real" "$root$real"
  local link
  link=$(dirname "$real")/$(basename "$file")
  [ "$link" = "$real" ] || ln -sfn "$(basename "$real")" "$root$link"
  image_owned "$root" "$file"
}

# image_packages ROOT: each package whose files ROOT holds gets its dpkg
# status stanza under /var/lib/dpkg/status.d (the form scanners read in
# distroless images) and its copyright file.
image_packages() {
  local root=$1 pkg name list=$work/owned.$(basename "$1")
  mkdir -p "$root/var/lib/dpkg/status.d"
  # One dpkg-query for all files: each call reads the whole database.
  { cat "$work/packages.$(basename "$root")"
    sort -u "$list" | { xargs dpkg-query -S 2>/dev/null || true; } | grep ': /' | sed 's/: \/.*//; s/, /\n/g'
  } | sort -u | while read -r pkg; do
    [ -n "$pkg" ] || continue
    name=${pkg%%:*}
    dpkg-query -s "$pkg" >"$root/var/lib/dpkg/status.d/$name"
    if [ -f "/usr/share/doc/$name/copyright" ]; then
      mkdir -p "$root/usr/share/doc/$name"
      cp "/usr/share/doc/$name/copyright" "$root/usr/share/doc/$name/copyright"
    fi
  done
}

# The base layer: runway, its libraries and loader, CA certificates, a
# non-root user, Flyway's /flyway layout.  No shell, no package manager.
image_base_root() {
  local root=$work/base
  mkdir -p "$root"/{flyway/sql,flyway/conf,etc/ssl/certs,tmp,usr/lib,usr/lib64}
  : >"$work/packages.base"
  : >"$work/owned.base"
  ln -s usr/lib "$root/lib"
  ln -s usr/lib64 "$root/lib64"
  cp "$bin" "$root/flyway/runway"
  strip --strip-unneeded "$root/flyway/runway"
  ln -s runway "$root/flyway/flyway"
  local lib
  "$src/tools/closure.sh" "$bin" >"$work/closure"
  while read -r lib; do
    case $lib in
    /lib64/*) # the loader's name in PT_INTERP: a symlink to the real file, as in Debian
      image_copy "$root" "$(readlink -f "$lib")"
      ln -sfn "$(readlink -f "$lib" | sed 's|^/usr||')" "$root/usr$lib" ;;
    *) image_copy "$root" "$lib" ;;
    esac
  done <"$work/closure"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  echo ca-certificates >>"$work/packages.base"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nrunway:x:%s:%s:runway:/flyway:/sbin/nologin\n' \
    "$image_user" "$image_user" >"$root/etc/passwd"
  printf 'root:x:0:\nrunway:x:%s:\n' "$image_user" >"$root/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
  image_packages "$root"
  chmod 1777 "$root/tmp"
}

# The debug layer: Debian's static busybox as /bin/sh and its other applets.
image_debug_root() {
  local root=$work/debug applet
  mkdir -p "$root/bin"
  : >"$work/packages.debug"
  : >"$work/owned.debug"
  cp "$(command -v busybox)" "$root/bin/busybox"
  image_owned "$root" "$(command -v busybox)"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  image_packages "$root"
}

# --- OCI blobs --------------------------------------------------------------

# image_blob FILE: moves FILE into the blob store, prints its digest.
image_blob() {
  local sum
  sum=$(sha256sum "$1" | cut -d' ' -f1)
  mkdir -p "$work/oci/blobs/sha256"
  mv "$1" "$work/oci/blobs/sha256/$sum"
  echo "sha256:$sum"
}

image_size() { stat -c %s "$work/oci/blobs/sha256/${1#sha256:}"; }

# image_layer NAME: the layer of $work/NAME; sets layer_digest, layer_diff_id, layer_raw.
image_layer() {
  local root=$work/$1
  (cd "$root" && find . -mindepth 1 | sed 's|^\./||' | sort) >"$work/$1.list"
  tar -C "$root" --create --file "$work/$1.tar" --format=gnu --no-recursion \
    --numeric-owner --owner=0 --group=0 --mtime="@$epoch" -T "$work/$1.list"
  layer_raw=$(stat -c %s "$work/$1.tar")
  layer_diff_id=sha256:$(sha256sum "$work/$1.tar" | cut -d' ' -f1)
  gzip -n -9 "$work/$1.tar"
  layer_digest=$(image_blob "$work/$1.tar.gz")
}

# image_manifest TAG DIFF_IDS LAYERS: writes config and manifest for one
# image; LAYERS is "digest,digest"; sets manifest_digest, manifest_size.
image_manifest() {
  local tag=$1 diff_ids=$2 layers=$3 path=/flyway:/usr/bin:/bin
  local history='{"created":"'$created'","created_by":"make image: runway '$version', its libraries, CA certificates"}'
  [ "$tag" = debug ] && history=$history',{"created":"'$created'","created_by":"make image: static busybox"}'
  printf '{"architecture":"amd64","os":"linux","created":"%s","config":{"User":"%s:%s","Env":["PATH=%s"],"Entrypoint":["/flyway/runway"],"WorkingDir":"/flyway","Labels":{"org.opencontainers.image.title":"runway","org.opencontainers.image.version":"%s","org.opencontainers.image.revision":"%s"}},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[%s]}' \
    "$created" "$image_user" "$image_user" "$path" "$version" "$revision" "$diff_ids" "$history" >"$work/config.json"
  local config config_size layer_json="" d
  config_size=$(stat -c %s "$work/config.json")
  config=$(image_blob "$work/config.json")
  for d in ${layers//,/ }; do
    layer_json="$layer_json${layer_json:+,}"'{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"'$d'","size":'$(image_size "$d")'}'
  done
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
    "$config" "$config_size" "$layer_json" >"$work/manifest.json"
  manifest_size=$(stat -c %s "$work/manifest.json")
  manifest_digest=$(image_blob "$work/manifest.json")
  config_digest=$config
}

# image_archive TAG OUT: an OCI archive of the image just described, with
# only its own blobs, written beside OUT and renamed into place when whole.
image_archive() {
  local tag=$1 out=$2 dir=$work/archive-$1 d
  mkdir -p "$dir/blobs/sha256"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_digest" "$manifest_size" "$image_name:$tag" >"$dir/index.json"
  for d in "$manifest_digest" "$config_digest" ${4//,/ }; do
    cp "$work/oci/blobs/sha256/${d#sha256:}" "$dir/blobs/sha256/"
  done
  (cd "$dir" && find . -mindepth 1 | sed 's|^\./||' | sort) >"$dir.list"
  tar -C "$dir" --create --file "$out.tmp" --format=gnu --no-recursion \
    --numeric-owner --owner=0 --group=0 --mtime="@$epoch" -T "$dir.list"
  mv "$out.tmp" "$out"
}

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }

image_base_root
image_debug_root
image_layer base
base_digest=$layer_digest base_diff=$layer_diff_id base_raw=$layer_raw
image_layer debug
debug_digest=$layer_digest debug_diff=$layer_diff_id debug_raw=$layer_raw

trap 'rm -rf "$work"; rm -f "$build"/runway-image*.oci.tar.tmp' EXIT
image_manifest latest "\"$base_diff\"" "$base_digest"
image_archive latest "$build/runway-image.oci.tar" "" "$base_digest"
latest_manifest=$manifest_digest latest_config=$config_digest
latest_gz=$(($(image_size "$base_digest") + $(image_size "$config_digest") + manifest_size))

image_manifest debug "\"$base_diff\",\"$debug_diff\"" "$base_digest,$debug_digest"
image_archive debug "$build/runway-image-debug.oci.tar" "" "$base_digest,$debug_digest"
debug_manifest=$manifest_digest debug_config=$config_digest
debug_gz=$((latest_gz + $(image_size "$debug_digest")))

# The facts tests and scripts read back (tests/lib/image.sh).
printf 'latest %s %s %s %s\ndebug %s %s %s %s\n' \
  "$latest_manifest" "$latest_config" "$base_raw" "$latest_gz" \
  "$debug_manifest" "$debug_config" "$((base_raw + debug_raw))" "$debug_gz" >"$build/runway-image.digests.tmp"
mv "$build/runway-image.digests.tmp" "$build/runway-image.digests"

echo "runway image $image_name:latest ($version, $revision)"
echo "  $build/runway-image.oci.tar"
echo "  digest $latest_manifest"
echo "  size $(mb "$base_raw") uncompressed, $(mb "$latest_gz") gzip-compressed"
echo "runway image $image_name:debug (adds a static busybox)"
echo "  $build/runway-image-debug.oci.tar"
echo "  digest $debug_manifest"
echo "  size $(mb $((base_raw + debug_raw))) uncompressed, $(mb "$debug_gz") gzip-compressed"

# Into the build's podman storage, tagged; the archives stay for docker load,
# skopeo copy or a registry push.
$load || exit 0
image_podman_env
image_load() { # ARCHIVE CONFIG_DIGEST TAG...
  local archive=$1 config=$2 out
  shift 2
  out=$(podman load -q -i "$archive" 2>&1) || die "podman load $archive failed: $out"
  podman tag "${config#sha256:}" "$@" || die "podman tag failed"
}
image_load "$build/runway-image.oci.tar" "$latest_config" "$image_name:latest" "$image_name:$version"
image_load "$build/runway-image-debug.oci.tar" "$debug_config" "$image_name:debug" "$image_name:$version-debug"
echo "loaded into podman storage $build/containers: eval \"\$(tools/image.sh --env $build)\"; podman run --rm $image_name:latest info"
