import { describe, test, expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { bundleEnv } from '../support/bundle';

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = ['initialize', 'ping', 'tools/list', 'tools/call', 'resources/list', 'resources/read', 'prompts/get', 'prompts/list', 'nope/x', 'completion/complete', 'logging/setLevel', ''];
const TOOLS = ['system_status', 'read_file', 'journal_query', 'list_incidents', 'find_known_fix', 'job_output', 'service_status', 'no_such_tool', 'get_context'];

function randomValue(rand: () => number, depth = 0): unknown {
  const k = Math.floor(rand() * (depth > 2 ? 6 : 8));
  switch (k) {
    case 0: return null;
    case 1: return rand() < 0.5;
    case 2: return Math.floor(rand() * 2 ** 40) * (rand() < 0.5 ? -1 : 1);
    case 3: return rand() * 1e308;
    case 4: return 'x'.repeat(Math.floor(rand() * 40));
    case 5: return String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(rand() * 0xffff)));
    case 6: return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [`k${i}`, randomValue(rand, depth + 1)]));
  }
}

/** One malformed or random message (without its trailing newline, which the caller adds). */
function fuzzMessage(rand: () => number, i: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  switch (i % 8) {
    case 0: // garbage bytes (no newlines, so each is one bad line)
      return Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256))).toString('latin1').replace(/[\n\r]/g, ' ');
    case 1: // broken JSON
      return JSON.stringify({ jsonrpc: '2.0', id: i, method: pick(METHODS) }).slice(0, Math.floor(rand() * 40));
    case 2: // valid JSON, wrong shape
      return JSON.stringify(randomValue(rand));
    case 3: // unknown or empty methods
      return JSON.stringify({ jsonrpc: '2.0', id: i, method: `x/${Math.floor(rand() * 1e6)}`, params: randomValue(rand) });
    case 4: // wrong param types for real methods
      return JSON.stringify({ jsonrpc: '2.0', id: rand() < 0.5 ? i : randomValue(rand), method: pick(METHODS), params: randomValue(rand) });
    case 5: // tools/call with random arguments
      return JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: pick(TOOLS), arguments: randomValue(rand) } });
    case 6: // wrong jsonrpc version, ids of odd types
      return JSON.stringify({ jsonrpc: pick(['1.0', 2, null, '2.0']), id: randomValue(rand), method: pick(METHODS) });
    default: // huge strings (now and then)
      return i % 400 === 7
        ? JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'find_known_fix', arguments: { text: 'A'.repeat(2_000_000) } } })
        : JSON.stringify({ jsonrpc: '2.0', id: i, method: 'ping', params: { junk: 'B'.repeat(Math.floor(rand() * 5000)) } });
  }
}

describe('fuzz: malformed and random input on stdin', () => {
  test('5,000 messages later the server is alive, answers a ping, and stdout stayed JSON-RPC', async () => {
    // Read-only mode: random arguments reach no write_file, and run_command only in its read-only sandbox.
    const env = bundleEnv({ policy: { mode: 'read-only' } });
    const child = spawn(process.execPath, env.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.resume();
      let exited: number | null | undefined;
      child.on('exit', (code) => (exited = code));
      const write = (line: string) =>
        new Promise<void>((resolve) => (child.stdin.write(`${line}\n`) ? resolve() : child.stdin.once('drain', () => resolve())));
      await write(JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } } }));
      await write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
      const rand = prng(20261124);
      for (let i = 0; i < 5000; i++) await write(fuzzMessage(rand, i));
      await write(JSON.stringify({ jsonrpc: '2.0', id: 'final-ping', method: 'ping' }));
      for (let i = 0; i < 600 && !out.includes('"id":"final-ping"'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(exited).toBeUndefined();
      expect(out).toContain('"id":"final-ping"');
      const lines = out.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(1000);
      for (const line of lines) expect(JSON.parse(line).jsonrpc).toBe('2.0');
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

  test('a 64 MiB message is refused without being buffered (an error answers its id), and the server answers the next one', async () => {
    const env = bundleEnv({ policy: { mode: 'read-only' } });
    const child = spawn(process.execPath, env.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      const write = (data: string | Buffer) => new Promise<void>((resolve) => (child.stdin.write(data) ? resolve() : child.stdin.once('drain', () => resolve())));
      const chunk = Buffer.alloc(1024 * 1024, 'A');
      await write('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"');
      for (let i = 0; i < 64; i++) await write(chunk);
      await write('"}}\n');
      await write(`${JSON.stringify({ jsonrpc: '2.0', id: 'after', method: 'ping' })}\n`);
      for (let i = 0; i < 200 && !out.includes('"id":"after"'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain('"id":"after"');
      const replies = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: unknown; error?: { code: number } });
      expect(replies.find((r) => r.id === 1)).toMatchObject({ error: { code: -32600 } });
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const peakMb = Number(/^VmHWM:\s+(\d+)/m.exec(status)![1]) / 1024;
      expect(peakMb).toBeLessThan(150);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
