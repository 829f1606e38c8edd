// Bundles each binary with esbuild into dist/: ldm-<name>.mjs plus the chunks it loads on demand
// (dist/chunks/), so a start loads only what starting needs. No type checking here: that is
// `npm run typecheck`, kept out of the build so a 1 GB host can build.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('.', import.meta.url).pathname;
const dist = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
export const BINARIES = ['mcp-server', 'healthcheck', 'idle-watcher', 'boot-check'];

// CJS dependencies (winston, proper-lockfile, systeminformation) call require() on node
// built-ins; inside an ESM bundle that needs a real require. Every file of a split build gets
// this banner, and most never call it: the real require is made on the first call (createRequire
// costs a few hundred µs, seven times over on the server's start path).
const banner = [
  '#!/usr/bin/env node',
  "import { createRequire as __ldmCreateRequire } from 'node:module';",
  'let __ldmRequire;',
  'const require = (id) => (__ldmRequire ??= __ldmCreateRequire(import.meta.url))(id);',
].join('\n');

// The daemons' own guard (core/src/guard/run-main.ts) exists only once their code has loaded; an
// exception before that (a module that fails to evaluate) would exit with Node's 1, which Nagios
// and the units read as WARNING. Until the guard listens, this one exits 70 with the stack at err.
const loadGuard = [
  '// @ldm-load-guard',
  "if (!globalThis.__ldmLoadGuard) { globalThis.__ldmLoadGuard = (e) => { if (process.listenerCount('uncaughtException') > 1) return;",
  "  process.stderr.write(String((e && e.stack) || e).split('\\n').map((l) => `<3>${l}\\n`).join('')); process.exit(70); };",
  "  process.on('uncaughtException', globalThis.__ldmLoadGuard); }",
].join('\n');

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: banner },
  define: { LDM_VERSION: JSON.stringify(version) },
  alias: {
    '@ldm/core': join(root, 'packages/core/src/index.ts'),
    'graceful-fs': join(root, 'packages/core/shims/graceful-fs.cjs'),
  },
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  outExtension: { '.js': '.mjs' },
  // For profiling: node --cpu-prof then map the frames back to the sources.
  sourcemap: process.env.LDM_SOURCEMAP === '1',
};

/** tools/list as the SDK renders it from the tool definitions, computed by running them once. */
async function renderToolList() {
  const tmp = mkdtempSync(join(tmpdir(), 'ldm-build-'));
  try {
    await build({ ...common, entryPoints: { 'render-tool-list': join(root, 'packages/mcp-server/bin/render-tool-list.ts') }, outdir: tmp });
    return JSON.parse(execFileSync(process.execPath, [join(tmp, 'render-tool-list.mjs')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

rmSync(dist, { recursive: true, force: true });
const toolList = await renderToolList();

// One build per binary: its lazily loaded parts become chunks of its own, so no binary's start
// loads a chunk because another binary shares part of it.
await Promise.all(
  BINARIES.map((b) =>
    build({
      ...common,
      ...(b === 'mcp-server' ? { define: { ...common.define, LDM_TOOL_LIST: JSON.stringify(toolList) } } : {}),
      banner: { js: `${banner}\n${loadGuard}` },
      entryPoints: { [`ldm-${b}`]: join(root, `packages/${b}/src/main.ts`) },
      outdir: dist,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
    }),
  ),
);
for (const b of BINARIES) chmodSync(join(dist, `ldm-${b}.mjs`), 0o755);

// The log fingerprinting command (`npm run fingerprint -- FILE...`), and helper programs that
// tests and benchmarks spawn as separate OS processes: single files, not installed.
const entries = { 'ldm-fingerprint': join(root, 'packages/core/bin/ldm-fingerprint.ts') };
for (const dir of ['packages/core/test/workers', 'bench/workers']) {
  const abs = join(root, dir);
  if (!existsSync(abs)) continue;
  for (const f of readdirSync(abs)) if (f.endsWith('.ts')) entries[`workers/${f.replace(/\.ts$/, '')}`] = join(abs, f);
}
for (const extra of (process.env.LDM_EXTRA_ENTRIES ?? '').split(',').filter(Boolean)) {
  const [name, file] = extra.split('=');
  entries[name] = join(root, file);
}
await build({ ...common, entryPoints: entries, outdir: dist });
