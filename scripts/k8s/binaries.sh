#!/usr/bin/env bash
# Usage: scripts/k8s/binaries.sh BIN_DIR [GROUP...]
#
# Makes BIN_DIR contain etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok, helm and versitygw (the local stack's S3 server)
# as symlinks; GROUPs (etcd, kwok, helm, kube, versitygw; default all) limit it to
# some, so that independent builds can run side by side. Each one comes from the
# first of:
#   1. $TEST_ASSET_<NAME>          (e.g. TEST_ASSET_KUBE_APISERVER)
#   2. $KUBEBUILDER_ASSETS/<name>
#   3. the cache in ${XDG_CACHE_HOME:-$HOME/.cache}/guardian/k8s/, one folder per
#      tool version (<kubernetes version>/, etcd-<v>/, kwok-<v>/, helm-<v>/,
#      versitygw-<v>/)
#   4. a one-time build from the Go module proxy into that cache
# Versions are pinned in versions.env next to this script.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 BIN_DIR [GROUP...]" >&2; exit 2; }
bin_dir=$1
shift
groups=("$@")
[[ ${#groups[@]} -gt 0 ]] || groups=(etcd kwok helm kube versitygw)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
while IFS='=' read -r key val; do
  [[ -n ${!key:-} ]] || declare "$key=$val"
done < <(grep -E '^[A-Z_]+=' "$here/versions.env")

cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/guardian/k8s
kube_minor=$(cut -d. -f2 <<<"$KUBERNETES_VERSION")

declare -A dir=(
  [kube]=$cache_root/$KUBERNETES_VERSION
  [etcd]=$cache_root/etcd-$ETCD_VERSION
  [kwok]=$cache_root/kwok-$KWOK_VERSION
  [helm]=$cache_root/helm-$HELM_VERSION
  [versitygw]=$cache_root/versitygw-$VERSITYGW_VERSION
)
declare -A bins=(
  [kube]="kube-apiserver kube-controller-manager kube-scheduler kubectl"
  [etcd]=etcd [kwok]=kwok [helm]=helm [versitygw]=versitygw
)
declare -A from=(
  [kube]="k8s.io/kubernetes $KUBERNETES_VERSION (staging modules v0.${KUBERNETES_VERSION#v1.})"
  [etcd]="go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  [kwok]="sigs.k8s.io/kwok $KWOK_VERSION"
  [helm]="helm.sh/helm/v3 $HELM_VERSION"
  [versitygw]="github.com/versity/versitygw $VERSITYGW_VERSION"
)
# Measured on 2 cores, built in this order with a shared Go build cache.
declare -A eta=([kube]="~10 min on 2 cores" [etcd]="~2 min" [kwok]="~2 min" [helm]="~2 min" [versitygw]="~4 min")

log() { echo "[k8s] $*" >&2; }
# With set -e any failing command ends the script; say which step it was in.
step="" build_log="" tmp=""
on_exit() {
  local rc=$?
  [[ -z $tmp ]] || rm -rf "$tmp"
  [[ $rc -eq 0 ]] || log "FAILED: ${step:-see above}${build_log:+ (log: $build_log)}"
}
trap on_exit EXIT

build_kube() {
  local v=$KUBERNETES_VERSION gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/.*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  # k8s.io/kubernetes requires its staging modules as v0.0.0 and replaces them with
  # ./staging/src/...; a module depending on it must redirect them to the
  # published v0.Y.Z tags itself. Derive that list so new staging modules are picked up.
  {
    echo "module guardian.local/kube-build"
    grep -E '^(go [0-9]|godebug [^(])' "$gomod"
    echo "require k8s.io/kubernetes $v"
    awk -v sv="v0.${v#v1.}" '$2 == "=>" && $3 ~ /^\.\/staging\/src\// {print "replace " $1 " => " $1 " " sv}' "$gomod"
  } >go.mod
  cat go.mod
  # Without these -X flags /version and `kubectl version` report v0.0.0.
  local x=
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$kube_minor -X $p.gitTreeState=clean"
  done
  # One invocation so the four commands share their compile work.
  go build -mod=mod -trimpath -ldflags="-s -w$x" -o out/ \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

build_etcd() {
  # etcd's own main module uses local replaces, so `go install` can't build it; wrap etcdmain.
  go mod init guardian.local/etcd-build
  printf '%s\n' 'package main' 'import ("os"; "go.etcd.io/etcd/server/v3/etcdmain")' \
    'func main() { etcdmain.Main(os.Args) }' >main.go
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  go build -mod=mod -trimpath -ldflags="-s -w" -o out/etcd .
}

build_kwok() {
  GOBIN=$PWD/out go install -trimpath -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
}

build_helm() {
  # Helm's release Makefile sets these; without them `helm version` says v3.x and
  # `helm template` assumes Kubernetes v1.20. Point the default at our apiserver's minor.
  local x="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  x+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
    x+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$kube_minor"
  done
  GOBIN=$PWD/out go install -trimpath -ldflags="-s -w $x" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

build_versitygw() {
  # The variables its Makefile sets, so that `versitygw --version` names the release.
  local x="-X main.Version=$VERSITYGW_VERSION -X main.Build=release"
  GOBIN=$PWD/out go install -trimpath -ldflags="-s -w $x" "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
}

cached() {
  local b
  [[ -f ${dir[$1]}/BUILD-INFO ]] || return 1
  for b in ${bins[$1]}; do [[ -x ${dir[$1]}/$b ]] || return 1; done
}

build() {
  local group=$1 d=${dir[$1]} b start
  mkdir -p "$d"
  build_log=$d/build.log
  log "building ${bins[$group]} from ${from[$group]} (first time only, ${eta[$group]})"
  start=$SECONDS
  # Outside the repo and any go.work, so the result doesn't depend on the checkout.
  tmp=$(mktemp -d)
  step="building ${bins[$group]}"
  (cd "$tmp"; export CGO_ENABLED=0 GOWORK=off GOFLAGS=; "build_$group") >"$build_log" 2>&1
  step="installing ${bins[$group]} into $d"
  # Copy under a temp name and rename: a binary in the cache is always complete,
  # and BUILD-INFO (written last) marks the whole folder as complete.
  rm -f "$d/BUILD-INFO"
  for b in ${bins[$group]}; do
    cp "$tmp/out/$b" "$d/.$b.partial" && mv -f "$d/.$b.partial" "$d/$b"
  done
  cat >"$d/.BUILD-INFO.partial" <<INFO
binaries: ${bins[$group]}
source: ${from[$group]}
go: $(cd "$tmp" && go version)
built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $((SECONDS - start))s, CGO_ENABLED=0 -trimpath
dependencies: run 'go version -m <binary>'
INFO
  mv -f "$d/.BUILD-INFO.partial" "$d/BUILD-INFO"
  rm -rf "$tmp"; tmp=""
  step=""
  log "built ${bins[$group]} in $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s -> $d"
}

mkdir -p "$bin_dir"
declare -A src
for group in "${groups[@]}"; do
  [[ -n ${bins[$group]:-} ]] || { step="unknown group $group"; exit 1; }
  missing=0
  for name in ${bins[$group]}; do
    var=TEST_ASSET_$(tr 'a-z-' 'A-Z_' <<<"$name")
    if [[ -n ${!var:-} ]]; then
      src[$name]=${!var}
    elif [[ -n ${KUBEBUILDER_ASSETS:-} && -e $KUBEBUILDER_ASSETS/$name ]]; then
      src[$name]=$KUBEBUILDER_ASSETS/$name
    else
      src[$name]=${dir[$group]}/$name
      missing=1
    fi
  done
  if (( missing )) && ! cached "$group"; then
    # Two runs (CI's install step, a test starting the stack) must not build the same thing at
    # once; different groups may build side by side.
    mkdir -p "$cache_root" && exec 9>>"$cache_root/.lock-$group"
    flock -n 9 || { log "waiting for another run that is building ${bins[$group]} into $cache_root"; flock 9; }
    cached "$group" || build "$group"
    exec 9>&-
  fi
done

for name in "${!src[@]}"; do
  [[ -x ${src[$name]} ]] || { step="$name: ${src[$name]} is not an executable file"; exit 1; }
  target=$(realpath "${src[$name]}")
  # Leave a correct link alone: re-creating it briefly removes it under running tests.
  [[ $(readlink "$bin_dir/$name") == "$target" ]] || ln -sfn "$target" "$bin_dir/$name"
done
log "ready in $bin_dir: ${groups[*]} (kubernetes $KUBERNETES_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION, helm $HELM_VERSION, versitygw $VERSITYGW_VERSION)"
