import { describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findJsonRpcResponse, mcpPing } from '@ldm/core';

/** A minimal stateful Streamable HTTP MCP endpoint: initialize gives a session, ping needs it. */
function mcpServer(options: { token?: string; sse?: boolean; failPing?: boolean }): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.headers['mcp-session-id'] ?? '-'}`);
      if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return res.writeHead(401).end();
      if (req.method === 'DELETE') return res.writeHead(200).end();
      const msg = JSON.parse(body) as { id?: number; method: string };
      if (msg.method === 'notifications/initialized') return res.writeHead(202).end();
      if (msg.method !== 'initialize' && req.headers['mcp-session-id'] !== 'sess-1') return res.writeHead(400).end('no session');
      const result = msg.method === 'initialize' ? { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 't', version: '1' } } : {};
      const reply = options.failPing && msg.method === 'ping' ? { jsonrpc: '2.0', id: msg.id, error: { code: -32603, message: 'broken' } } : { jsonrpc: '2.0', id: msg.id, result };
      const headers: Record<string, string> = { 'mcp-session-id': 'sess-1' };
      if (options.sse) res.writeHead(200, { ...headers, 'content-type': 'text/event-stream' }).end(`event: message\ndata: ${JSON.stringify(reply)}\n\n`);
      else res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, seen })));
}

describe('mcpPing', () => {
  test('initialize, initialized, ping with the session id, then DELETE; over SSE and with a token', async () => {
    const { server, url, seen } = await mcpServer({ token: 'secret', sse: true });
    try {
      const r = await mcpPing({ url, token: 'secret', timeoutMs: 2000, fetch });
      expect(r.ok).toBe(true);
      expect(seen).toEqual(['POST -', 'POST sess-1', 'POST sess-1', 'DELETE sess-1']);
      expect((await mcpPing({ url, token: 'wrong', timeoutMs: 2000, fetch })).message).toBe('initialize: HTTP 401');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('a JSON-RPC error to ping, and a closed port, are failures with a reason', async () => {
    const { server, url } = await mcpServer({ failPing: true });
    try {
      expect(await mcpPing({ url, timeoutMs: 2000, fetch })).toMatchObject({ ok: false, message: 'ping: broken' });
    } finally {
      await new Promise((r) => server.close(r));
    }
    const closed = await mcpPing({ url, timeoutMs: 2000, fetch });
    expect(closed.ok).toBe(false);
    expect(closed.message).toMatch(/fetch failed|ECONNREFUSED/);
  });

  test('finds the response by id in JSON or SSE bodies', () => {
    expect(findJsonRpcResponse('{"jsonrpc":"2.0","id":2,"result":{}}', 'application/json', 2)).toEqual({ jsonrpc: '2.0', id: 2, result: {} });
    expect(findJsonRpcResponse('data: {"id":1,"result":1}\n\ndata: {"id":2,"result":{}}\n\n', 'text/event-stream', 2)).toEqual({ id: 2, result: {} });
    expect(findJsonRpcResponse('garbage', 'application/json', 2)).toBeNull();
  });
});
