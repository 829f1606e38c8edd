#!/usr/bin/env node
// bundle.mjs - bundles driver.mjs with the MCP SDK client into one file, so the container (which
// has no registry and only the host's node) runs it without a node_modules of its own.
// Usage: node bundle.mjs OUT.mjs
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) { console.error('usage: node bundle.mjs OUT.mjs'); process.exit(64); }
await build({
  entryPoints: [join(here, 'driver.mjs')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // CJS dependencies of the SDK (cross-spawn, ajv) call require() on node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
