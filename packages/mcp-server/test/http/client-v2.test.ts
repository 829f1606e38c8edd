import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { bundleEnv, servingUrl } from '../support/bundle';

// Both protocol eras: a client on the current SDK major (@modelcontextprotocol/client 2.x) against
// the bundle, which is built on SDK 1.x and speaks up to 2025-11-25. A 2.x client that probes
// (versionNegotiation 'auto') sends server/discover, gets "method not found" and falls back to the
// 2025 handshake; one pinned to 2026-07-28 cannot connect, because the server has no
// server/discover and no stateless per-request _meta envelope.
const ROOT = new URL('../../../../', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/ldm-mcp-server.mjs');
const TOKEN = 'v2v2v2v2'.repeat(8);

let child: ChildProcess | null = null;
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
  child?.kill('SIGTERM');
  child = null;
});

async function httpServer(): Promise<URL> {
  const dir = await mkdtemp(join(tmpdir(), 'ldm-v2-'));
  await writeFile(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  await writeFile(join(dir, 'config.json'), JSON.stringify({ http: { tokenFile: join(dir, 'token') } }));
  child = spawn(process.execPath, [BIN, '--http', '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state'), '--config', join(dir, 'config.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new URL(await servingUrl(child));
}

const http = (url: URL) => new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } });

describe('a client built on @modelcontextprotocol/client 2.x', () => {
  test.each([['legacy' as const], ['auto' as const]])('over HTTP (versionNegotiation %s): negotiates 2025-11-25 and calls tools', async (mode) => {
    const url = await httpServer();
    const client = new Client({ name: 'v2', version: '2.4' }, { versionNegotiation: { mode } });
    clients.push(client);
    await client.connect(http(url));
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    expect(client.getProtocolEra()).toBe('legacy');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('run_command');
    const r = await client.callTool({ name: 'list_failed_units', arguments: {} });
    expect(r.content.length).toBeGreaterThan(0);
  }, 60_000);

  test('over stdio (versionNegotiation auto): the same', async () => {
    const env = bundleEnv();
    const client = new Client({ name: 'v2', version: '2.4' }, { versionNegotiation: { mode: 'auto' } });
    clients.push(client);
    await client.connect(new StdioClientTransport({ command: process.execPath, args: env.args, stderr: 'ignore', env: { PATH: process.env.PATH ?? '' } }));
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    const r = await client.callTool({ name: 'get_context', arguments: {} });
    expect(r.isError).toBeFalsy();
  }, 60_000);

  test('pinned to 2026-07-28 it cannot connect: the server offers no server/discover (SDK 1.x)', async () => {
    const url = await httpServer();
    const client = new Client({ name: 'v2', version: '2.4' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    clients.push(client);
    await expect(client.connect(http(url))).rejects.toThrow();
  }, 60_000);
});
