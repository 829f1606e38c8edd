import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mcpPing, StateDocSchema } from '@ldm/core';
import { readFile } from 'node:fs/promises';
import { servingUrl } from '../support/bundle';

// The built bundle, as systemd runs it: `ldm-mcp-server --http` with a token file.
const ROOT = new URL('../../../../', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/ldm-mcp-server.mjs');
const TOKEN = 'a1b2c3d4'.repeat(8);
let child: ChildProcess | null = null;
afterEach(() => {
  child?.kill('SIGTERM');
  child = null;
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'ldm-http-bundle-'));
  await writeFile(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  await writeFile(join(dir, 'config.json'), JSON.stringify({ http: { tokenFile: join(dir, 'token') } }));
  return dir;
}

function startServer(dir: string, extra: string[] = []): Promise<string> {
  child = spawn(process.execPath, [BIN, '--http', '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state'), '--config', join(dir, 'config.json'), ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.on('exit', () => expect(out).toBe(''));
  return servingUrl(child);
}

describe('ldm-mcp-server --http (bundle)', () => {
  test('tools over HTTP with the token from the config; 401 without; heartbeat says http; the healthcheck ping works', async () => {
    const dir = await setup();
    const url = await startServer(dir);
    expect((await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    const client = new Client({ name: 'jest', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['run_command', 'system_status', 'journal_query', 'record_incident']));
    const status = await client.callTool({ name: 'system_status', arguments: {} });
    expect(status.isError).toBeFalsy();
    await client.close();
    const state = StateDocSchema.parse(JSON.parse(await readFile(join(dir, 'state', 'state.json'), 'utf8')));
    expect(state.sessions).toEqual([expect.objectContaining({ pid: child!.pid, transport: 'http' })]);
    const ping = await mcpPing({ url, token: TOKEN, timeoutMs: 5000, fetch });
    expect(ping.ok).toBe(true);
    expect((await mcpPing({ url, token: 'wrong', timeoutMs: 5000, fetch })).ok).toBe(false);
  }, 60_000);

  test('with the default limits: 200 bad-token requests end in 429, then the token holder still connects', async () => {
    const dir = await setup();
    const url = await startServer(dir);
    const statuses = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const r = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: `Bearer wrong${i}` } });
      statuses.add(r.status);
      await r.body?.cancel();
    }
    expect([...statuses].sort()).toEqual([401, 429]);
    const client = new Client({ name: 'jest', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    await client.ping();
    await client.close();
  }, 60_000);

  test('refuses to start without a token, or on a public address in test mode', async () => {
    const dir = await setup();
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, '--http', '--state-dir', join(dir, 'state'), ...args], { encoding: 'utf8', timeout: 20_000 });
    const noToken = run(['--listen', '127.0.0.1:0', '--token-file', join(dir, 'missing'), '--config', join(dir, 'config.json')]);
    expect(noToken.status).toBe(78);
    expect(noToken.stderr).toMatch(/couldn't read the token file/);
    // The errno name survives redaction, and the message says how to make a token.
    expect(noToken.stderr).toContain('ENOENT: no such file or directory');
    expect(noToken.stderr).toContain(`(umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \\n' > ${join(dir, 'missing')})`);
    const publicTest = run(['--listen', '0.0.0.0:0', '--insecure-no-auth', '--config', join(dir, 'config.json')]);
    expect(publicTest.status).toBe(78);
    expect(publicTest.stderr).toMatch(/only allowed on a loopback address/);
    const strayFlag = run(['--listen', 'nonsense', '--config', join(dir, 'config.json')]);
    expect(strayFlag.status).toBe(64);
  });
});
