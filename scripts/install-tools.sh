#!/usr/bin/env bash
# Installs the pinned command-line tools the tests need into .tools/bin (kept out of git).
#
# Each tool is built from the Go module proxy at a pinned version. We build inside a scratch
# module that requires the pinned version rather than calling `go install pkg@version`, because
# `go install` also asks the proxy for the module's version list (to look for deprecations), and
# the proxy here refuses that list for some modules while serving the pinned version itself.
# A tool already at its pinned version is left alone, so a warm machine pays nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
machine_cache="${XDG_CACHE_HOME:-$HOME/.cache}/snakepit-tools"
mkdir -p "$bin"

if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: Go is not installed. Install Go 1.22 or newer (https://go.dev/dl) and run npm test again." >&2
  exit 1
fi

# name|module|version|package — the binary name, the module and pinned version, the main package.
tools=(
  "battlesnake|github.com/BattlesnakeOfficial/rules|v1.2.3|github.com/BattlesnakeOfficial/rules/cli/battlesnake"
  # The Helm chart's tests (test/chart/): Helm 3 and Helm 4 side by side, kubeconform, kustomize.
  "helm3|helm.sh/helm/v3|v3.21.4|helm.sh/helm/v3/cmd/helm"
  "helm4|helm.sh/helm/v4|v4.3.2|helm.sh/helm/v4/cmd/helm"
  "kubeconform|github.com/yannh/kubeconform|v0.7.0|github.com/yannh/kubeconform/cmd/kubeconform"
  "kustomize|sigs.k8s.io/kustomize/kustomize/v5|v5.8.1|sigs.k8s.io/kustomize/kustomize/v5"
)

build_tool() {
  local name="$1" module="$2" version="$3" package="$4"
  local scratch
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' RETURN
  (
    cd "$scratch"
    go mod init snakepit-tools >/dev/null 2>&1
    go mod edit -require="$module@$version"
    GOFLAGS=-mod=mod go build -o "$bin/$name" "$package"
  )
}

for entry in "${tools[@]}"; do
  IFS='|' read -r name module version package <<<"$entry"
  stamp="$bin/.$name.version"
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$module@$version" ]]; then
    continue
  fi
  # A binary built once for this module@version on this machine is reused by every clone (CI
  # runs on a fresh clone): Helm takes about a minute to link even with a warm Go build cache.
  cached="$machine_cache/${module//\//_}@$version/$name"
  if [[ -x "$cached" ]]; then
    cp "$cached" "$bin/$name"
    echo "$module@$version" >"$stamp"
    continue
  fi
  echo "install-tools: building $name from $module@$version"
  if ! build_tool "$name" "$module" "$version" "$package"; then
    echo "install-tools: could not build $package at $version; check that the Go module proxy is reachable (go env GOPROXY)." >&2
    exit 1
  fi
  mkdir -p "$(dirname "$cached")" && cp "$bin/$name" "$cached"
  echo "$module@$version" >"$stamp"
done
