#!/usr/bin/env node
// p50/p99 latency of tools/call round trips over stdio to the bundled ldm-mcp-server:
// system_status (CPU since the previous call, top processes from /proc) and run_command `true`
// (policy decision, a run in the sandbox, audit line). A ping round trip is the baseline.
// Also the cost of the session's first tools/call, which loads the tools.
// Usage: node build.mjs && node bench/mcp-latency.mjs [calls=200]
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectStdio } from './lib/mcp-stdio.mjs';

const root = new URL('..', import.meta.url).pathname;
const calls = Number(process.argv[2] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-'));
mkdirSync(join(dir, 'etc'));
writeFileSync(join(dir, 'etc', 'config.json'), '{}');
// connectStdio initializes the session (initialize, then notifications/initialized).
const session = await connectStdio([process.execPath, join(root, 'dist', 'ldm-mcp-server.mjs'), '--state-dir', join(dir, 'state'), '--config', join(dir, 'etc', 'config.json')]);
const { request } = session;

async function measure(label, method, params) {
  const times = [];
  for (let i = 0; i < calls; i++) {
    const t = process.hrtime.bigint();
    const r = await request(method, params);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.error || r.result?.isError) throw new Error(`${label} failed: ${JSON.stringify(r).slice(0, 300)}`);
  }
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  console.log(`${label.padEnd(26)} p50 ${q(0.5).toFixed(1)} ms   p99 ${q(0.99).toFixed(1)} ms`);
}

// The first tools/call of a session loads the tool definitions, the policy and the incident engine
// (one lazily loaded chunk); get_context does little else, so its first and second calls show that cost.
const timed = async (params) => {
  const t = process.hrtime.bigint();
  await request('tools/call', params);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const firstCall = await timed({ name: 'get_context', arguments: {} });
const secondCall = await timed({ name: 'get_context', arguments: {} });
// The first system_status samples CPU for 250 ms; later calls report the delta since the previous one.
await request('tools/call', { name: 'system_status', arguments: {} });
console.log(`node ${process.version}, ${calls} sequential calls each over stdio`);
console.log(`first tools/call of the session (get_context, loads the tool chunk) ${firstCall.toFixed(1)} ms; the same call again ${secondCall.toFixed(1)} ms`);
await measure('ping (baseline)', 'ping', {});
await measure('system_status', 'tools/call', { name: 'system_status', arguments: {} });
await measure('run_command `true`', 'tools/call', { name: 'run_command', arguments: { command: 'true' } });
await measure('run_command argv [true]', 'tools/call', { name: 'run_command', arguments: { argv: ['true'] } });
await session.close();
