import { afterEach, describe, expect, test } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import * as z from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parseConfig, silentLogger } from '@ldm/core';
import { McpHttpServer, type HttpServerOptions } from '../../src/http/http-server';
import { defaultOriginPolicy } from '../../src/http/origin-guard';

const TOKEN = 't0k3n-'.repeat(8);

function sessionServer(): Promise<{ server: McpServer }> {
  const server = new McpServer({ name: 'test', version: '1' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.registerTool('slow', { inputSchema: { ms: z.number() } }, async ({ ms }) => {
    await new Promise((r) => setTimeout(r, ms));
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return Promise.resolve({ server });
}

let running: McpHttpServer | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

async function start(over: Partial<HttpServerOptions> = {}) {
  const http = new McpHttpServer({
    createSession: sessionServer,
    token: TOKEN,
    origins: defaultOriginPolicy('127.0.0.1', 0),
    rateLimit: { perMinute: 6000, burst: 1000 },
    maxBodyBytes: 64 * 1024,
    maxSessions: 4,
    sessionIdleMs: 60_000,
    logger: silentLogger,
    ...over,
  });
  await new Promise<void>((r) => http.server.listen(0, '127.0.0.1', r));
  const { port } = http.server.address() as AddressInfo;
  http.setOriginPolicy(defaultOriginPolicy('127.0.0.1', port));
  running = http;
  return { http, port, url: new URL(`http://127.0.0.1:${port}/mcp`) };
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

function post(port: number, body: string, headers: Record<string, string>, path = '/mcp') {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function connect(url: URL, token = TOKEN) {
  const client = new Client({ name: 'jest', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

describe('the HTTP endpoint', () => {
  test('a valid token works with the SDK Client', async () => {
    const { url } = await start();
    const client = await connect(url);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    expect(result.content).toEqual([{ type: 'text', text: 'hello' }]);
    await client.ping();
    await client.close();
  });

  test('no token or a wrong token gets 401, before any session exists', async () => {
    const { port, http } = await start();
    const host = `127.0.0.1:${port}`;
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`]) {
      const r = await post(port, JSON.stringify(INIT), { host, ...(auth ? { authorization: auth } : {}) });
      expect({ auth, status: r.status }).toEqual({ auth, status: 401 });
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect(http.sessionCount).toBe(0);
    await expect(connect(new URL(`http://${host}/mcp`), 'nope'.repeat(10))).rejects.toThrow();
  });

  test('a wrong Origin or Host gets 403 even with the token', async () => {
    const { port } = await start();
    const auth = `Bearer ${TOKEN}`;
    expect((await post(port, JSON.stringify(INIT), { host: `127.0.0.1:${port}`, origin: 'http://evil.example', authorization: auth })).status).toBe(403);
    expect((await post(port, JSON.stringify(INIT), { host: `evil.example:${port}`, authorization: auth })).status).toBe(403);
    expect((await post(port, JSON.stringify(INIT), { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, authorization: auth })).status).toBe(200);
  });

  test('an oversized body is rejected with 413 and the server keeps serving', async () => {
    const { port, url } = await start();
    const big = JSON.stringify({ ...INIT, params: { ...INIT.params, pad: 'x'.repeat(100 * 1024) } });
    const r = await post(port, big, { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}` });
    expect(r.status).toBe(413);
    const client = await connect(url);
    await client.ping();
    await client.close();
  });

  test('a body that is not JSON gets -32700; a batch gets an answer for each request; the default body cap fits the largest write_file', async () => {
    const { port, url } = await start();
    const headers = { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}` };
    const broken = await post(port, '{"jsonrpc":"2.0","id":1,', headers);
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    const init = await post(port, JSON.stringify(INIT), headers);
    const session = { ...headers, 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': '2025-03-26' };
    const batch = await post(port, JSON.stringify([{ jsonrpc: '2.0', id: 11, method: 'ping' }, { jsonrpc: '2.0', id: 12, method: 'ping' }]), session);
    expect(batch.status).toBe(200);
    expect(batch.body).toContain('"id":11');
    expect(batch.body).toContain('"id":12');
    const largest = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/x', content: '€'.repeat(8_388_608) } } });
    expect(parseConfig({}, 'defaults').http.maxBodyBytes).toBeGreaterThanOrEqual(Buffer.byteLength(largest));
    const client = await connect(url);
    await client.ping();
    await client.close();
  });

  test('/healthz answers without a token and says nothing but liveness', async () => {
    const { port } = await start();
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect((await fetch(`http://127.0.0.1:${port}/other`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  test('requests beyond the rate limit get 429 with Retry-After', async () => {
    const { port } = await start({ rateLimit: { perMinute: 1, burst: 2 } });
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await post(port, '{}', { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}` }));
    expect(replies.slice(0, 2).map((r) => r.status)).not.toContain(429);
    expect(replies[2]!.status).toBe(429);
    expect(Number(replies[2]!.headers['retry-after'])).toBeGreaterThan(0);
  });

  test("one client's flood does not 429 another client behind the same address and token: the budget is per session", async () => {
    const { url } = await start({ rateLimit: { perMinute: 1, burst: 4 } });
    const flooder = await connect(url); // initialize + initialized: 2 of the token's 4, not of the session's
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => flooder.ping()));
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBeGreaterThan(0);
    await expect(flooder.ping()).rejects.toThrow();
    // Same token, same address: its own session, its own budget.
    const other = await connect(url);
    await other.ping();
    await other.callTool({ name: 'echo', arguments: { text: 'hi' } });
    await flooder.close();
    await other.close();
  });

  test('200 bad-token requests from one address: they end in 429, and the token holder at that address still gets in', async () => {
    const { port, url } = await start({ rateLimit: { perMinute: 60, burst: 5 } });
    const host = `127.0.0.1:${port}`;
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const auth: Record<string, string> = i % 2 ? { authorization: `Bearer wrong-${i}` } : {};
      statuses.push((await post(port, JSON.stringify(INIT), { host, ...auth })).status);
    }
    // The refused bucket (10 at once, then 30 a minute) runs dry; nothing else is ever answered.
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(-100)).toEqual(Array(100).fill(429));
    const init = await post(port, JSON.stringify(INIT), { host, authorization: `Bearer ${TOKEN}` });
    expect(init.status).toBe(200);
    const client = await connect(url);
    await client.ping();
    await client.close();
  });

  test('refused Origin/Host requests use the same per-address bucket, not the token holder\'s', async () => {
    const { port, url } = await start({ refusedRateLimit: { perMinute: 1, burst: 2 } });
    const auth = `Bearer ${TOKEN}`;
    const evil = () => post(port, JSON.stringify(INIT), { host: `127.0.0.1:${port}`, origin: 'http://evil.example', authorization: auth });
    expect([(await evil()).status, (await evil()).status, (await evil()).status]).toEqual([403, 403, 429]);
    const client = await connect(url);
    await client.ping();
    await client.close();
  });

  test('the token holder is limited per credential: over it, 429 with Retry-After, while refusals keep their own count', async () => {
    const { port } = await start({ rateLimit: { perMinute: 1, burst: 3 } });
    const host = `127.0.0.1:${port}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(port, JSON.stringify(INIT), { host, authorization: `Bearer ${TOKEN}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const over = await post(port, JSON.stringify(INIT), { host, authorization: `Bearer ${TOKEN}` });
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await post(port, JSON.stringify(INIT), { host, authorization: 'Bearer wrong' })).status).toBe(401);
  });

  test('at the session cap the least recently used session is closed; its id then gets 404', async () => {
    const { port, url, http } = await start({ maxSessions: 2 });
    const a = await connect(url);
    const b = await connect(url);
    await b.ping();
    const c = await connect(url);
    expect(http.sessionCount).toBe(2);
    await expect(a.ping()).rejects.toThrow();
    await b.ping();
    await c.ping();
    const unknown = await post(port, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }), { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}`, 'mcp-session-id': 'nope' });
    expect(unknown.status).toBe(404);
    await Promise.all([b.close(), c.close()]);
  });

  test('the server survives a client that disconnects in the middle of a request', async () => {
    const { port, url } = await start();
    const client = await connect(url);
    // Drive a slow call over a raw socket in the same session, then cut the socket mid-request.
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1', port, path: '/mcp', method: 'POST',
        headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      });
      req.on('error', () => resolve());
      req.end(JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/call', params: { name: 'slow', arguments: { ms: 300 } } }));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    // Half a request, then gone.
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}`, 'content-length': '1000', 'content-type': 'application/json' } });
      req.on('error', () => resolve());
      req.write('{"jsonrpc": "2.0", "id"');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await new Promise((r) => setTimeout(r, 400));
    const result = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    expect(result.content).toEqual([{ type: 'text', text: 'still here' }]);
    const other = await connect(url);
    await other.ping();
    await other.close();
    await client.close();
  });
});
