import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { SessionRecord } from '../http/session-book';

// The one place the server reaches past the MCP SDK's public API (1.x). Each reach fails loudly
// when an SDK upgrade moves what it relies on, and test/sdk/sdk-internals.test.ts holds each
// against the installed SDK, so an upgrade that breaks one fails the tests, not a session.

type RequestHandler = (request: never, extra: never) => Promise<unknown> | unknown;

/**
 * The request handlers `register` makes the SDK install on `server` (an McpServer's registerTool
 * installs tools/list and tools/call), captured by schema so another server can hand requests to
 * them. Why: the tool definitions and their zod validation are loaded on the first tools/call, not
 * at start-up, and the SDK offers no public way to get its handlers.
 */
export function captureRequestHandlers(server: Server, register: () => void, schemas: readonly unknown[]): Map<unknown, RequestHandler> {
  const captured = new Map<unknown, RequestHandler>();
  const setRequestHandler = server.setRequestHandler.bind(server);
  server.setRequestHandler = ((schema: unknown, handler: RequestHandler) => {
    captured.set(schema, handler);
    return setRequestHandler(schema as never, handler as never);
  }) as typeof server.setRequestHandler;
  register();
  const missing = schemas.filter((s) => !captured.has(s));
  if (missing.length) throw new Error(`the MCP SDK did not install the expected request handlers (${missing.length} missing): an SDK version change?`);
  return captured;
}

// The SDK (1.x) has no way to take back a session another process began: its transport accepts a
// session id only after it has answered that session's initialize itself, and the server learns
// the client's capabilities only from that initialize. These two functions set exactly that
// state, and fail loudly (the client then gets 404 and initializes anew) if an SDK upgrade moved it.

interface TransportInternals {
  _webStandardTransport?: { sessionId?: string; _initialized?: boolean };
}

interface ServerInternals {
  _clientCapabilities?: unknown;
  _clientVersion?: unknown;
}

/** A fresh transport, made to serve the already initialized session `id`. */
export function resumeTransport(transport: StreamableHTTPServerTransport, id: string): void {
  const inner = (transport as unknown as TransportInternals)._webStandardTransport;
  if (!inner || inner._initialized !== false) throw new Error('the MCP SDK transport has changed: cannot resume a session (StreamableHTTPServerTransport internals)');
  inner.sessionId = id;
  inner._initialized = true;
}

/** A fresh server, told what the client said in the session's initialize. */
export function resumeClient(server: Server, record: SessionRecord): void {
  const inner = server as unknown as ServerInternals;
  const capabilities = record.capabilities ?? {};
  inner._clientCapabilities = capabilities;
  inner._clientVersion = record.clientInfo;
  if (server.getClientCapabilities() !== capabilities) throw new Error('the MCP SDK server has changed: cannot resume a session (Server internals)');
}
