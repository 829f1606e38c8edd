import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { SessionRecord } from './session-book';

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
