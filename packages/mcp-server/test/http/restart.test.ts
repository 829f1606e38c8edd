import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

// A real process restart (what a standby stop and the next socket-activated start amount to):
// a client built on the SDK keeps its session and goes on calling tools, without reconnecting.
const ROOT = new URL('../../../../', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/ldm-mcp-server.mjs');
const TOKEN = 'r3st4rt0'.repeat(8);

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGTERM');
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

function start(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, '--http', '--listen', `127.0.0.1:${port}`, '--state-dir', join(dir, 'state'), '--config', join(dir, 'config.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no start: ${err}`)), 20_000);
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      err += c;
      if (/serving MCP on/.test(err)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('HTTP sessions survive a restart of the server process', () => {
  test('the same client goes on calling tools after a restart; the session book keeps no session id in clear', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-http-restart-'));
    await writeFile(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ http: { tokenFile: join(dir, 'token') } }));
    const port = await freePort();
    let server = await start(dir, port);

    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } });
    const client = new Client({ name: 'survivor', version: '1' }, { capabilities: { elicitation: { form: {} } } });
    const errors: Error[] = [];
    client.onerror = (e) => errors.push(e);
    await client.connect(transport);
    const before = await client.callTool({ name: 'list_failed_units', arguments: {} });
    const sessionId = transport.sessionId!;
    expect(sessionId).toBeTruthy();

    await stop(server);
    const book = await readFile(join(dir, 'state', 'http-sessions.json'), 'utf8');
    expect(book).not.toContain(sessionId);
    expect(JSON.parse(book).sessions).toEqual([expect.objectContaining({ clientInfo: { name: 'survivor', version: '1' }, capabilities: { elicitation: { form: {} } } })]);
    expect((await stat(join(dir, 'state', 'http-sessions.json'))).mode & 0o077).toBe(0);

    server = await start(dir, port);
    const after = await client.callTool({ name: 'list_failed_units', arguments: {} });
    expect(after.isError).toBe(before.isError);
    expect(transport.sessionId).toBe(sessionId);
    expect((await client.listTools()).tools.length).toBeGreaterThan(10);

    // A session the client ended is not taken back by the next run.
    await transport.terminateSession();
    await stop(server);
    server = await start(dir, port);
    const stale = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
    });
    expect(stale.status).toBe(404);
    await client.close();
  }, 90_000);
});
