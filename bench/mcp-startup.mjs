#!/usr/bin/env node
// Cold start (spawn until tools/list is answered) and peak RSS of ldm-mcp-server against a
// minimal SDK server bundled the same way, measured in the same run, interleaved.
// Usage: node build.mjs && node bench/mcp-startup.mjs [runs=15] [other-server-bundle.mjs ...]
// (extra bundles take the same flags as ldm-mcp-server: for comparing an experimental build)
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 15);

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-'));
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc', 'config.json'), '{}');
  return ['--state-dir', join(dir, 'state'), '--config', join(dir, 'etc', 'config.json')];
}

const SERVERS = {
  'ldm-mcp-server': () => [join(root, 'dist', 'ldm-mcp-server.mjs'), ...setup()],
  'minimal SDK server': () => [join(root, 'dist', 'workers', 'minimal-server.mjs')],
};
for (const extra of process.argv.slice(3)) SERVERS[extra] = () => [extra, ...setup()];

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
        // Let the server settle (heartbeat timers, lazy work) before reading its high-water mark.
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
await once(SERVERS['ldm-mcp-server']()); // warm the page cache for both
await once(SERVERS['minimal SDK server']());
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(SERVERS)) {
    const r = await once(args());
    results[name].ms.push(r.ms);
    results[name].rss.push(r.rss);
  }
}
const ours = results['ldm-mcp-server'];
const base = results['minimal SDK server'];
console.log(`node ${process.version}, ${runs} runs each, interleaved; median of each`);
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(22)} tools/list answered after ${median(r.ms).toFixed(0)} ms, peak RSS ${median(r.rss).toFixed(1)} MB`);
}
console.log(`ratio: ${(median(ours.ms) / median(base.ms)).toFixed(2)}x the minimal server's cold start (goal <= 1.15x); peak RSS ${median(ours.rss).toFixed(1)} MB (goal <= 60 MB)`);
