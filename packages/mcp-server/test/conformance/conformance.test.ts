import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servingUrl } from '../support/bundle';

// The independent MCP conformance suite (@modelcontextprotocol/conformance 0.1.16), every server
// scenario including the pending ones (--suite all), run against the real bundle over Streamable
// HTTP. It needs Node 22 (it fails to start on Node 20), which scripts/lib/node22.sh provides from
// the npm registry. The suite sends no credentials and calls fixture tools, resources and prompts:
// this instance runs with --insecure-no-auth (refused on anything but loopback) and the test-only
// LDM_MCP_CONFORMANCE_FIXTURES=1 (refused without --insecure-no-auth).
const ROOT = new URL('../../../../', import.meta.url).pathname;
const SUITE = join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const BIN = join(ROOT, 'dist/ldm-mcp-server.mjs');

/** Every server scenario of 0.1.16 (`conformance list --server`): all must pass. */
const SCENARIOS = [
  'server-initialize', 'logging-set-level', 'ping', 'completion-complete', 'tools-list', 'tools-call-simple-text', 'tools-call-image',
  'tools-call-audio', 'tools-call-embedded-resource', 'tools-call-mixed-content', 'tools-call-with-logging', 'tools-call-error',
  'tools-call-with-progress', 'tools-call-sampling', 'tools-call-elicitation', 'json-schema-2020-12', 'elicitation-sep1034-defaults',
  'server-sse-polling', 'server-sse-multiple-streams', 'elicitation-sep1330-enums', 'resources-list', 'resources-read-text',
  'resources-read-binary', 'resources-templates-read', 'resources-subscribe', 'resources-unsubscribe', 'prompts-list',
  'prompts-get-simple', 'prompts-get-with-args', 'prompts-get-embedded-resource', 'prompts-get-with-image', 'dns-rebinding-protection',
];

let server: ChildProcess;
let url: string;
let dir: string;

function serve(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, '--http', '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state'), '--config', join(dir, 'config.json'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  const exit = new Promise<number | null>((r) => child.once('exit', r));
  return { child, url: servingUrl(child), exit };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ldm-conformance-'));
  // The suite opens a session per scenario in quick succession: lift the rate limit.
  await writeFile(join(dir, 'config.json'), JSON.stringify({ http: { rateLimit: { perMinute: 60000, burst: 10000 } } }));
  const s = serve(['--insecure-no-auth'], { LDM_MCP_CONFORMANCE_FIXTURES: '1' });
  server = s.child;
  url = await s.url;
}, 30_000);

afterAll(() => {
  server?.kill('SIGTERM');
});

describe('MCP conformance suite (every server scenario, pending ones included, over Streamable HTTP)', () => {
  test('every scenario passes, and the list of scenarios is the one the README states', () => {
    const node22 = spawnSync('bash', [join(ROOT, 'scripts/lib/node22.sh')], { encoding: 'utf8' });
    expect(node22.status).toBe(0);
    const listed = spawnSync(node22.stdout.trim(), [SUITE, 'list', '--server'], { encoding: 'utf8' });
    expect([...listed.stdout.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1])).toEqual(SCENARIOS);
    const run = spawnSync(node22.stdout.trim(), [SUITE, 'server', '--url', url, '--suite', 'all'], { encoding: 'utf8', timeout: 300_000 });
    const summary = run.stdout.slice(run.stdout.indexOf('=== SUMMARY ==='));
    const passed = [...summary.matchAll(/^✓ (\S+): \d+ passed, 0 failed/gm)].map((m) => m[1]);
    expect({ exit: run.status, passed, failed: summary.match(/^✗.*$/gm) ?? [] }).toEqual({ exit: 0, passed: SCENARIOS, failed: [] });
  }, 320_000);

  test('SSE polling for a 2025-11-25 client: a priming event with an id and retry:, the stream closed mid-call, the result replayed on resume', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
    const init = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'poll', version: '1' } } }) });
    const session = { ...headers, 'mcp-session-id': init.headers.get('mcp-session-id')! };
    await init.text();
    await fetch(url, { method: 'POST', headers: session, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    const call = await fetch(url, { method: 'POST', headers: session, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'test_reconnection', arguments: {} } }) });
    const first = await call.text(); // ends when the server closes the stream, before the result
    expect(first).toMatch(/^id: \S+\nretry: 1000\n/);
    expect(first).not.toContain('"id":2');
    const lastEventId = [...first.matchAll(/^id: (\S+)$/gm)].at(-1)![1]!;
    await new Promise((r) => setTimeout(r, 400));
    const resumed = await fetch(url, { method: 'GET', headers: { ...session, accept: 'text/event-stream', 'last-event-id': lastEventId } });
    const reader = resumed.body!.getReader();
    let replay = '';
    while (!replay.includes('"id":2')) {
      const { value, done } = await reader.read();
      if (done) break;
      replay += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(replay).toContain('Reconnection test completed');
  }, 30_000);

  test('the fixtures are refused outside the test mode: with a token, LDM_MCP_CONFORMANCE_FIXTURES stops the server from starting', async () => {
    await writeFile(join(dir, 'token'), `${'f'.repeat(48)}\n`, { mode: 0o600 });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ http: { tokenFile: join(dir, 'token') } }));
    const s = serve([], { LDM_MCP_CONFORMANCE_FIXTURES: '1' });
    s.url.catch(() => {});
    expect(await s.exit).not.toBe(0);
  }, 30_000);
});
