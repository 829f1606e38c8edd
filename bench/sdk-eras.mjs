#!/usr/bin/env node
// What moving the server to the 2.x SDK would cost: the smallest stdio server on each SDK, bundled
// the way the suite bundles its binaries, started RUNS times in alternation; prints the median time
// until tools/list is answered and the median peak RSS (VmHWM) of each, side by side.
// Usage: node bench/sdk-eras.mjs [RUNS]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { median } from './lib/measure.mjs';

const runs = Number(process.argv[2] ?? 9);
const here = new URL('.', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'ldm-sdk-eras-'));
const banner = { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" };
const bundles = {};
for (const era of ['v1', 'v2']) {
  bundles[era] = join(out, `server-${era}.mjs`);
  await build({ entryPoints: [join(here, 'sdk-eras', `server-${era}.mjs`)], bundle: true, platform: 'node', format: 'esm', minify: true, outfile: bundles[era], banner, logLevel: 'error' });
}

/** Starts a bundle, initializes, lists tools; resolves to { ms, rssMb } once tools/list answered. */
function startOnce(file) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [file], { stdio: ['pipe', 'pipe', 'inherit'] });
    const timer = setTimeout(() => (child.kill(), reject(new Error(`${file}: no tools/list in 20 s`))), 20_000);
    let buf = '';
    let answers = 0;
    const send = (m) => child.stdin.write(`${JSON.stringify(m)}\n`);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        answers++;
        if (answers === 1) {
          send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
        } else if (answers === 2) {
          const ms = performance.now() - t0;
          const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]);
          clearTimeout(timer);
          child.kill();
          if (!JSON.parse(line).result?.tools?.length) return reject(new Error(`${file}: tools/list failed: ${line.slice(0, 200)}`));
          resolve({ ms, rssMb: hwm / 1024 });
        }
      }
    });
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  });
}

const results = { v1: [], v2: [] };
for (let i = 0; i < runs; i++) for (const era of ['v1', 'v2']) results[era].push(await startOnce(bundles[era]));
const size = (f) => (readFileSync(f).length / 1024).toFixed(0);
for (const era of ['v1', 'v2']) {
  const r = results[era];
  console.log(`SDK ${era === 'v1' ? '1.x (@modelcontextprotocol/sdk)   ' : '2.x (@modelcontextprotocol/server)'}: tools/list answered in ${median(r.map((x) => x.ms)).toFixed(0)} ms, peak RSS ${median(r.map((x) => x.rssMb)).toFixed(1)} MB, bundle ${size(bundles[era])} KB (median of ${runs})`);
}
