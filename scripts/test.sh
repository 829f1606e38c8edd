#!/usr/bin/env bash
# The whole test suite: type check, lint, layer rules, bundle, unit + integration tests on this Node, then again on Node 22.
# Usage: scripts/test.sh [--help]   (env: LDM_SKIP_NODE22=1 runs the current Node only)
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then sed -n '2,3p' "$0"; exit 0; fi
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

step "type check (tsc --noEmit)"
npx tsc -p tsconfig.json --noEmit

step "shell scripts (shellcheck)"
bash scripts/lint.sh

step "lint (eslint, typescript-eslint)"
npx eslint .

step "layers (dependency-cruiser, docs/architecture.md)"
npx depcruise packages/*/src --ignore-known

step "bundle (esbuild)"
node build.mjs

step "jest on $(node --version)"
NODE_OPTIONS=--experimental-vm-modules npx jest --ci

if [[ "${LDM_SKIP_NODE22:-0}" != 1 ]]; then
  node22=$(bash scripts/lib/node22.sh)
  step "jest on $("$node22" --version)"
  # The suite spawns `node` for bundles and workers: put Node 22 first on PATH for them too.
  PATH="$(dirname "$node22"):$PATH" NODE_OPTIONS=--experimental-vm-modules "$node22" node_modules/jest/bin/jest.js --ci
fi
