// Bundles each binary into one ESM file under dist/ with esbuild. No type checking here:
// that is `npm run typecheck`, kept out of the build so a 1 GB host can build.
import { build } from 'esbuild';
import { readFileSync, readdirSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('.', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
export const BINARIES = ['mcp-server', 'healthcheck', 'idle-watcher', 'boot-check'];

// CJS dependencies (winston, proper-lockfile, systeminformation) call require() on node
// built-ins; inside an ESM bundle that needs a real require.
const banner = [
  '#!/usr/bin/env node',
  "import { createRequire as __ldmCreateRequire } from 'node:module';",
  'const require = __ldmCreateRequire(import.meta.url);',
].join('\n');

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: banner },
  define: { LDM_VERSION: JSON.stringify(version) },
  alias: { '@ldm/core': join(root, 'packages/core/src/index.ts') },
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
};

const entries = Object.fromEntries(BINARIES.map((b) => [`ldm-${b}`, join(root, `packages/${b}/src/main.ts`)]));
// The log fingerprinting command (`npm run fingerprint -- FILE...`); not installed as a service.
entries['ldm-fingerprint'] = join(root, 'packages/core/bin/ldm-fingerprint.ts');
// Helper programs that tests and benchmarks spawn as separate OS processes.
for (const dir of ['packages/core/test/workers', 'bench/workers']) {
  const abs = join(root, dir);
  if (!existsSync(abs)) continue;
  for (const f of readdirSync(abs)) if (f.endsWith('.ts')) entries[`workers/${f.replace(/\.ts$/, '')}`] = join(abs, f);
}
for (const extra of (process.env.LDM_EXTRA_ENTRIES ?? '').split(',').filter(Boolean)) {
  const [name, file] = extra.split('=');
  entries[name] = join(root, file);
}

await build({ ...common, entryPoints: entries, outdir: join(root, 'dist'), outExtension: { '.js': '.mjs' } });
for (const b of BINARIES) chmodSync(join(root, 'dist', `ldm-${b}.mjs`), 0o755);
