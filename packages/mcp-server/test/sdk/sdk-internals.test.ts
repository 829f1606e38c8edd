import { describe, expect, test } from '@jest/globals';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, PingRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { captureRequestHandlers, resumeClient, resumeTransport } from '../../src/sdk/sdk-internals';

// Each reach past the SDK's public API, held against the installed SDK: an upgrade that moves
// what one relies on fails here.

describe('the SDK internals the server relies on', () => {
  test("registerTool's tools/list and tools/call handlers are captured and answer like the SDK", async () => {
    const holder = new McpServer({ name: 't', version: '0' });
    const handlers = captureRequestHandlers(
      holder.server,
      () => holder.registerTool('echo', { description: 'echo', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] })),
      [ListToolsRequestSchema, CallToolRequestSchema],
    );
    const list = (await handlers.get(ListToolsRequestSchema)!({ method: 'tools/list', params: {} } as never, {} as never)) as { tools: { name: string }[] };
    expect(list.tools.map((t) => t.name)).toEqual(['echo']);
    const call = (await handlers.get(CallToolRequestSchema)!({ method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } } as never, { signal: new AbortController().signal } as never)) as { content: { text: string }[] };
    expect(call.content[0]!.text).toBe('hi');
    const bad = (await handlers.get(CallToolRequestSchema)!({ method: 'tools/call', params: { name: 'echo', arguments: { text: 7 } } } as never, { signal: new AbortController().signal } as never)) as { isError?: boolean };
    expect(bad.isError).toBe(true);
  });

  test('a handler the SDK did not install is an error that says so, not a silent gap', () => {
    const holder = new McpServer({ name: 't', version: '0' });
    expect(() => captureRequestHandlers(holder.server, () => {}, [PingRequestSchema, ListToolsRequestSchema])).toThrow(/did not install the expected request handlers/);
  });

  test('a fresh transport takes an initialized session id, once', () => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => 'unused' });
    resumeTransport(transport, 'session-1');
    expect(transport.sessionId).toBe('session-1');
    expect(() => resumeTransport(transport, 'session-2')).toThrow(/cannot resume a session/);
  });

  test("a fresh server learns the client's capabilities and info from the session record", () => {
    const server = new McpServer({ name: 't', version: '0' }).server;
    const capabilities = { elicitation: {} };
    resumeClient(server, { idHash: 'a'.repeat(64), principal: 'token', lastSeen: 0, clientInfo: { name: 'client', version: '1.0' }, capabilities });
    expect(server.getClientCapabilities()).toBe(capabilities);
    expect(server.getClientVersion()).toEqual({ name: 'client', version: '1.0' });
  });
});
