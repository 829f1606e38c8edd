// Append latency into an incidents.json that already holds 5,000 incidents, with 1 writer and
// with 8 concurrent writers (separate processes), against two baselines measured in the same
// run: the same writers on an empty store, and one raw read-modify-write of the 5,000 with
// writeFileAtomic but no lock and no validation. The store's size limit is raised in the worker
// so that it holds the 5,000 (bench/workers/store-bench.ts).
// usage: node bench/store.mjs   (after node build.mjs)
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, fmt } from './lib/measure.mjs';

const worker = new URL('../dist/workers/store-bench.mjs', import.meta.url).pathname;
const APPENDS = Number(process.env.BENCH_APPENDS ?? 100);

function seed(count) {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-store-'));
  const now = Date.now();
  const incidents = Array.from({ length: count }, (_, n) => {
    const t = new Date(now - (5000 - n) * 60_000).toISOString();
    return {
      id: `inc-seed-${n}`, time: t, lastSeen: t, count: 1, source: 'healthcheck', severity: n % 3 ? 'warn' : 'crit',
      subject: `unit-${n % 40}.service`, summary: `unit-${n % 40}.service failed: exit code ${n % 7}`,
      evidence: [`line one of evidence ${n}`, `line two ${n}`], fingerprints: [`fp${n % 50}`], patternId: `pat-${n % 50}`,
      status: n % 4 ? 'resolved' : 'open',
    };
  });
  writeFileSync(join(dir, 'incidents.json'), `${JSON.stringify({ version: 1, incidents }, null, 1)}\n`);
  copyFileSync(join(dir, 'incidents.json'), join(dir, 'raw.json'));
  return dir;
}

function runWriters(writers, mode, count = 5000) {
  const dir = seed(count);
  return Promise.all(
    Array.from({ length: writers }, (_, w) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [worker, dir, String(APPENDS), `w${w}`, ...(mode ? [mode] : [])]);
        let out = '';
        child.stdout.on('data', (c) => (out += c));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`writer exited ${code}`))));
      }),
    ),
  ).then((lists) => lists.flat());
}

const rows = [];
for (const writers of [1, 8]) {
  const raw = await runWriters(1, '--raw');
  const empty = await runWriters(writers, undefined, 0);
  const store = await runWriters(writers);
  rows.push({ writers, p50: percentile(store, 50), p99: percentile(store, 99), emptyP50: percentile(empty, 50), emptyP99: percentile(empty, 99), rawP50: percentile(raw, 50), rawP99: percentile(raw, 99) });
}
console.log(`incidents.json append latency (${APPENDS} appends per writer; ${process.version}); goal: 8 writers on 5,000 incidents p99 <= 100 ms`);
console.log('writers | 5,000 incidents p50 ms | p99 ms | empty store p50 ms | p99 ms | raw rewrite of 5,000 p50 ms | p99 ms');
for (const r of rows) console.log(`${r.writers} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.emptyP50)} | ${fmt(r.emptyP99)} | ${fmt(r.rawP50)} | ${fmt(r.rawP99)}`);
console.log('empty store = the same writers through the store on an empty incidents.json; raw rewrite = one writer, read-modify-write of the 5,000 with writeFileAtomic, no lock, no validation');
