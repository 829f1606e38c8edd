#!/usr/bin/env node
// What containment costs and what the memory cap holds, measured through the server itself:
// run_command `true` (p50, p99) and a 10 MB output, each in the sandbox and on the host (host: true,
// pre-authorised by a policy.allow rule in the bench's own config) in the same run; then a command
// that allocates 2 GB in the sandbox: it is stopped, the result says so, and the server answers on.
// With the systemd backend, a second server with policy.sandbox.persistent false runs beside it in
// the same run: the unit per command the persistent sandbox replaced.
// Usage: node build.mjs && node bench/sandbox.mjs [--calls 200] [--backend auto|systemd|bubblewrap]
//          [--server /opt/linux-devops-mcp/bin/ldm-mcp-server]   (the system test runs it that way)
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectStdio } from './lib/mcp-stdio.mjs';
import { fmt, percentile } from './lib/measure.mjs';

const { values: opt } = parseArgs({ options: { calls: { type: 'string', default: '200' }, backend: { type: 'string', default: 'auto' }, server: { type: 'string' }, memory: { type: 'string', default: '512M' } } });
const calls = Number(opt.calls);
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-sandbox-'));
const server = opt.server ? [opt.server] : [process.execPath, join(root, 'dist', 'ldm-mcp-server.mjs')];

async function start(name, persistent) {
  mkdirSync(join(dir, name, 'etc'), { recursive: true });
  const config = { policy: { allow: ['true $', 'head **', 'tr **'], sandbox: { backend: opt.backend, memoryMax: opt.memory, persistent } }, mcp: { maxTimeoutSec: 120 } };
  writeFileSync(join(dir, name, 'etc', 'config.json'), JSON.stringify(config));
  return connectStdio([...server, '--state-dir', join(dir, name, 'state'), '--log-dir', join(dir, name, 'log'), '--config', join(dir, name, 'etc', 'config.json')]);
}
const s = await start('a', true);

async function timed(args, on = s) {
  const t = process.hrtime.bigint();
  const r = await on.call('run_command', args);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.isError) throw new Error(`run_command ${JSON.stringify(args)} failed: ${r.content?.[0]?.text}`);
  return { ms, r: r.structuredContent };
}

async function series(args, n) {
  await timed(args); // the first call loads the tools and chooses the backend
  const times = [];
  // Sandboxed and host calls alternate within one series, so drift on a shared machine hits both.
  for (let i = 0; i < n; i++) times.push((await timed(args)).ms);
  return times;
}

const backend = (await timed({ command: 'true' })).r.sandbox;
const perUnit = backend === 'systemd' ? await start('b', false) : null;
const rows = [];
for (const [label, command, n] of [
  ['true', 'true', calls],
  ['10 MB output', "head -c 10485760 /dev/zero | tr '\\0' x", Math.max(5, Math.floor(calls / 10))],
]) {
  const inBox = [];
  const onHost = [];
  const inUnit = [];
  await timed({ command });
  await timed({ command, host: true });
  if (perUnit) await timed({ command }, perUnit);
  for (let i = 0; i < n; i++) {
    inBox.push((await timed({ command })).ms);
    onHost.push((await timed({ command, host: true })).ms);
    if (perUnit) inUnit.push((await timed({ command }, perUnit)).ms);
  }
  rows.push({ label, n, box: inBox, host: onHost, unit: inUnit });
}
console.log(`run_command through the server (stdio), ${backend} sandbox vs host, same run:`);
for (const { label, n, box, host, unit } of rows) {
  const [b50, b99, h50, h99] = [percentile(box, 50), percentile(box, 99), percentile(host, 50), percentile(host, 99)];
  console.log(`  ${label.padEnd(13)} x${String(n).padEnd(4)} sandbox p50 ${fmt(b50)} ms p99 ${fmt(b99)} ms | host p50 ${fmt(h50)} ms p99 ${fmt(h99)} ms | added p50 ${fmt(b50 - h50)} ms`);
  if (unit.length) {
    const [u50, u99] = [percentile(unit, 50), percentile(unit, 99)];
    console.log(`  ${label.padEnd(13)} x${String(n).padEnd(4)} unit per command (persistent false) p50 ${fmt(u50)} ms p99 ${fmt(u99)} ms | added p50 ${fmt(u50 - h50)} ms`);
  }
}

const avail = () => Number(/MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024;
const before = avail();
const big = await timed({ command: 'head -c 2G /dev/zero | tail >/dev/null', timeout_s: 110 });
const alive = await s.call('run_command', { command: 'echo alive' });
console.log(
  `2 GB allocation (memoryMax ${opt.memory}): exit_code ${big.r.exit_code} signal ${big.r.signal} after ${fmt(big.ms, 0)} ms; note: ${big.r.note ?? '(none)'}; ` +
    `MemAvailable ${fmt(before, 0)} -> ${fmt(avail(), 0)} MB; server answers after: ${alive.structuredContent?.stdout === 'alive\n'}`,
);
await s.close();
await perUnit?.close();
rmSync(dir, { recursive: true, force: true });
if (big.r.exit_code === 0 || alive.structuredContent?.stdout !== 'alive\n') process.exit(1);
