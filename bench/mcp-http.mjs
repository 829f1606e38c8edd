#!/usr/bin/env node
// Tool-call latency over Streamable HTTP (bearer token, the real bundle) with 1 client and with 8
// concurrent clients, each in its own session, plus the server's RSS under that load. A ping
// round trip over the same transport is the baseline.
// Usage: node build.mjs && node bench/mcp-http.mjs [calls-per-client=100]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { percentile, fmt } from './lib/measure.mjs';

const root = new URL('..', import.meta.url).pathname;
const calls = Number(process.argv[2] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-http-'));
const token = 'b'.repeat(48);
writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
writeFileSync(join(dir, 'config.json'), JSON.stringify({ http: { tokenFile: join(dir, 'token'), rateLimit: { perMinute: 1e6, burst: 1e5 } } }));
const server = spawn(process.execPath, [join(root, 'dist/ldm-mcp-server.mjs'), '--http', '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state'), '--config', join(dir, 'config.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let err = '';
  server.stderr.setEncoding('utf8').on('data', (c) => {
    err += c;
    const m = /serving MCP on (http:\/\/\S+\/mcp)/.exec(err);
    if (m) resolve(m[1]);
  });
  server.on('exit', () => reject(new Error(`server exited: ${err}`)));
});
const rssMb = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;
const hwmMb = () => Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;

async function client() {
  const c = new Client({ name: 'bench', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return c;
}
async function timed(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
async function run(label, clients, call) {
  const conns = await Promise.all(Array.from({ length: clients }, client));
  const times = [];
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 20);
  await Promise.all(conns.map(async (c) => {
    for (let i = 0; i < calls; i++) times.push(await timed(() => call(c)));
  }));
  clearInterval(sampler);
  await Promise.all(conns.map((c) => c.close()));
  console.log(`${label} | ${clients} | ${fmt(percentile(times, 50))} | ${fmt(percentile(times, 99))} | ${fmt(peakRss)}`);
}

const tool = (name, args) => (c) => c.callTool({ name, arguments: args }).then((r) => { if (r.isError) throw new Error(JSON.stringify(r)); });
console.log(`node ${process.version}, ${calls} calls per client, Streamable HTTP with bearer token`);
console.log('call | clients | p50 ms | p99 ms | server RSS MB (peak sampled)');
for (const clients of [1, 8]) {
  await run('ping (baseline)', clients, (c) => c.ping());
  await run('system_status', clients, tool('system_status', {}));
  await run('run_command `true`', clients, tool('run_command', { command: 'true' }));
}
console.log(`server peak RSS over the whole run (VmHWM): ${fmt(hwmMb())} MB`);
server.kill('SIGTERM');
