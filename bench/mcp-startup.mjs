#!/usr/bin/env node
// Cold start (spawn until tools/list is answered) and peak RSS of ldm-mcp-server against a
// minimal SDK server bundled the same way, measured in the same run, interleaved. ldm-mcp-server
// is measured on a fresh state directory (the goal's case) and on a lived-in one (1000 incidents,
// 200 patterns: bench/lib/lived-in-state.mjs), once as the suite's writers leave it (briefing
// digests in state.json) and once with the digests stale, so the briefing reads the whole files.
// Usage: node build.mjs && node bench/mcp-startup.mjs [runs=15] [other-server-bundle.mjs ...]
// (extra bundles take the same flags as ldm-mcp-server: for comparing an experimental build;
// EXTRA_LIVED_IN=1 starts them on the lived-in state)
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLivedInState } from './lib/lived-in-state.mjs';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 15);

function setup({ livedIn = false, digests = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-'));
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc', 'config.json'), '{}');
  if (livedIn) writeLivedInState(join(dir, 'state'), { digests });
  return ['--state-dir', join(dir, 'state'), '--config', join(dir, 'etc', 'config.json')];
}

const OURS = 'ldm-mcp-server';
const BASE = 'minimal SDK server';
const SERVERS = {
  [OURS]: () => [join(root, 'dist', 'ldm-mcp-server.mjs'), ...setup()],
  [BASE]: () => [join(root, 'dist', 'workers', 'minimal-server.mjs')],
  [`${OURS}, lived-in state`]: () => [join(root, 'dist', 'ldm-mcp-server.mjs'), ...setup({ livedIn: true })],
  [`${OURS}, lived-in, stale digests`]: () => [join(root, 'dist', 'ldm-mcp-server.mjs'), ...setup({ livedIn: true, digests: false })],
};
for (const extra of process.argv.slice(3)) SERVERS[extra] = () => [extra, ...setup({ livedIn: process.env.EXTRA_LIVED_IN === '1' })];

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+)/m.exec(status)[1]) / 1024;
}

function once(args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    const send = (m) => child.stdin.write(`${JSON.stringify(m)}\n`);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      if (out.includes('"id":1,') || out.includes('"id":1}')) {
        if (!out.includes('"id":2')) {
          send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
        }
      }
      if (out.includes('"id":2')) {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        // Let the server settle (the first heartbeat, timers, lazy work) before reading its high-water mark.
        setTimeout(() => {
          const rss = peakRssMb(child.pid);
          child.stdin.end();
          child.on('exit', () => resolve({ ms, rss }));
        }, 300);
      }
    });
    child.on('error', reject);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(Object.keys(SERVERS).map((k) => [k, { ms: [], rss: [] }]));
for (const make of Object.values(SERVERS)) await once(make()); // warm the page cache for all
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(SERVERS)) {
    const r = await once(args());
    results[name].ms.push(r.ms);
    results[name].rss.push(r.rss);
  }
}
const base = results[BASE];
console.log(`node ${process.version}, ${runs} runs each, interleaved; median of each`);
for (const [name, r] of Object.entries(results)) {
  const ratio = name === BASE ? '' : `  (${(median(r.ms) / median(base.ms)).toFixed(2)}x the minimal server)`;
  console.log(`${name.padEnd(44)} tools/list answered after ${median(r.ms).toFixed(0).padStart(3)} ms, peak RSS ${median(r.rss).toFixed(1)} MB${ratio}`);
}
const ours = results[OURS];
console.log(`goal (fresh state): <= 1.15x the minimal server's cold start and <= 60 MB; measured ${(median(ours.ms) / median(base.ms)).toFixed(2)}x and ${median(ours.rss).toFixed(1)} MB`);
