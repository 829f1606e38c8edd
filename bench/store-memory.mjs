// Peak RSS of one ldm-healthcheck run and of an MCP server answering get_context (the briefing)
// and list_incidents, on a host at the 5,000-incident cap with maximal evidence (as the store
// keeps it: bench/workers/seed-max-incidents.ts), against an empty host in the same run.
// usage: node build.mjs && node bench/store-memory.mjs        goal: daemons <= 60 MB
import { spawnSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeSystemd } from './lib/fake-systemd.mjs';
import { measureProcess, median, fmt } from './lib/measure.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const dist = new URL('../dist/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ldm-bench-store-memory-'));

// A failed unit, so each healthcheck run records an incident: it reads and rewrites both files.
const systemd = fakeSystemd(dir, 'case "$1" in list-units) echo "nginx.service loaded failed failed nginx";; show) printf "LoadState=loaded\\nActiveState=failed\\nSubState=failed\\nResult=exit-code\\n";; esac');
// As the units run them (units/ldm-healthcheck.service): a 1 MB young generation.
const env = { ...process.env, PATH: systemd.path, NODE_OPTIONS: '--max-semi-space-size=1' };

function host(name, seeded) {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  if (!seeded) return { dir: d, seed: null };
  const r = spawnSync(process.execPath, [`${dist}workers/seed-max-incidents.mjs`, d, '5000'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seeding failed: ${r.stderr}`);
  return { dir: d, seed: JSON.parse(r.stdout) };
}

/** Peak RSS (MB) of the stdio MCP server answering get_context and list_incidents (status all, 500). */
async function mcpPeak(stateDir) {
  const child = spawn('/usr/bin/time', ['-f', '__TIME__ %e %M', process.execPath, `${dist}ldm-mcp-server.mjs`, '--state-dir', stateDir, '--config', join(stateDir, 'config.json')], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  let buf = '';
  const waiting = new Map();
  child.stdout.setEncoding('utf8').on('data', (c) => {
    buf += c;
    for (let nl; (nl = buf.indexOf('\n')) >= 0; buf = buf.slice(nl + 1)) {
      const msg = JSON.parse(buf.slice(0, nl));
      waiting.get(msg.id)?.(msg);
    }
  });
  let id = 0;
  const request = (method, params) => new Promise((resolve) => {
    waiting.set(++id, resolve);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
  });
  await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  const briefing = await request('tools/call', { name: 'get_context', arguments: {} });
  const list = await request('tools/call', { name: 'list_incidents', arguments: { status: 'all', limit: 500 } });
  if (briefing.error || list.error || list.result.isError) throw new Error(`MCP call failed: ${JSON.stringify(list.error ?? list.result ?? briefing.error).slice(0, 300)}`);
  child.stdin.end();
  await new Promise((r) => child.once('exit', r));
  const m = /__TIME__ ([\d.]+) (\d+)/.exec(err);
  return Number(m[2]) / 1024;
}

const empty = host('empty', false);
const full = host('full', true);
const hc = (h) => measureProcess([process.execPath, `${dist}ldm-healthcheck.mjs`, '--once', '--state-dir', h.dir, '--config', join(h.dir, 'config.json')], { runs, env });
const rows = [];
for (const [label, h] of [['empty host', empty], ['5,000-incident host, maximal evidence', full]]) {
  const check = hc(h);
  const mcp = [];
  for (let r = 0; r < runs; r++) mcp.push(await mcpPeak(h.dir));
  const size = (f) => { try { return statSync(join(h.dir, f)).size / 1048576; } catch { return 0; } };
  rows.push([label, check, median(mcp), Math.max(...mcp), size('incidents.json'), size('patterns.json')]);
}
console.log(`seeded: ${JSON.stringify(full.seed)}`);
console.log(`peak RSS, median of ${runs} runs (${process.version}); goal: healthcheck <= 60 MB`);
console.log('host | healthcheck peak RSS MB (median / max) | MCP get_context + list_incidents peak RSS MB (median / max) | incidents.json MB | patterns.json MB');
for (const [label, check, mcpMed, mcpMax, inc, pat] of rows) console.log(`${label} | ${fmt(check.rssMb)} / ${fmt(check.rssMaxMb)} | ${fmt(mcpMed)} / ${fmt(mcpMax)} | ${fmt(inc, 2)} | ${fmt(pat, 2)}`);
