import { createServer as createNodeServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@ldm/core';
import { anonymousByAddress, bearerAuthenticator, type Authenticate, type Identity } from './authenticate';
import type { OAuthEndpoint } from './auth/oauth-endpoint';
import { clientAddress } from './client-address';
import { checkOriginAndHost, type OriginPolicy } from './origin-guard';
import { RateLimiter, type RateLimit } from './rate-limiter';
import { HttpError, readJsonBody } from './read-body';

export interface HttpServerOptions {
  /** A fresh MCP server for each session, for the credential that opened it (its OAuth scopes decide the policy mode). */
  createSession: (who: Identity) => Promise<McpServer>;
  /** null only for the loopback-only test mode (--insecure-no-auth). */
  token: string | null;
  /** OAuth 2.1 (http.publicUrl set): its routes, and access tokens accepted on /mcp besides the bearer token. */
  oauth?: OAuthEndpoint;
  origins: OriginPolicy;
  /** Authenticated requests, per credential identity. */
  rateLimit: RateLimit;
  /** Refused requests (no or wrong token, wrong Origin/Host), per address; they never use up a credential's budget. */
  refusedRateLimit?: RateLimit;
  maxBodyBytes: number;
  maxSessions: number;
  sessionIdleMs: number;
  logger: Logger;
  onActivity?: () => void;
  now?: () => number;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
  /** The identity that opened it: another credential cannot use it (a read-only grant cannot borrow an operate session). */
  owner: string;
}

export const MCP_PATH = '/mcp';
export const HEALTH_PATH = '/healthz';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** A JSON-RPC error body, so MCP clients show the message instead of a bare status. */
const rpcError = (message: string, code = -32000) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/** Tight: a client that sends no valid token has nothing to do here but get it right. */
export const DEFAULT_REFUSED_RATE_LIMIT: RateLimit = { perMinute: 30, burst: 10 };

/**
 * The Streamable HTTP endpoint: every /mcp request passes Host/Origin checks, bearer
 * authentication, a rate limit and a body cap before it reaches the SDK transport. Requests that
 * are refused before authentication count against their address only, in a bucket of their own,
 * so nobody can lock the token holder out by sending bad requests; authenticated requests count
 * against their credential. /healthz answers without a token and says nothing but "ok".
 */
export class McpHttpServer {
  readonly server: Server;
  private readonly sessions = new Map<string, Session>();
  private readonly limiter: RateLimiter;
  private readonly refused: RateLimiter;
  private readonly authenticate: Authenticate;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;
  private origins: OriginPolicy;

  constructor(private readonly options: HttpServerOptions) {
    this.now = options.now ?? Date.now;
    this.origins = options.origins;
    this.limiter = new RateLimiter(options.rateLimit);
    this.refused = new RateLimiter(options.refusedRateLimit ?? DEFAULT_REFUSED_RATE_LIMIT);
    this.authenticate = options.token === null ? anonymousByAddress : bearerAuthenticator(options.token);
    this.server = createNodeServer((req, res) => void this.handle(req, res));
    // A client that goes away mid-request must not take the process with it.
    this.server.on('clientError', (err, socket) => {
      options.logger.debug(`http client error: ${err.message}`);
      socket.destroy();
    });
    this.server.requestTimeout = 120_000;
    this.server.headersTimeout = 15_000;
    this.sweeper = setInterval(() => void this.closeIdleSessions(), Math.min(60_000, options.sessionIdleMs));
    this.sweeper.unref();
  }

  setOriginPolicy(policy: OriginPolicy): void {
    this.origins = policy;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id)));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (err) {
      if (err instanceof HttpError) return sendJson(res, err.status, rpcError(err.message));
      this.options.logger.error(`http request failed: ${(err as Error).message}`);
      sendJson(res, 500, rpcError('internal error', -32603));
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { status: 'method not allowed' }, { allow: 'GET, HEAD' });
      return sendJson(res, 200, { status: 'ok' });
    }
    if (path !== MCP_PATH) {
      if (!this.options.oauth) return sendJson(res, 404, rpcError(`no such endpoint; MCP is served at ${MCP_PATH}`));
      // The OAuth routes are reached by browsers and by the clients' backends from any origin; the Host must still be ours.
      const hostOk = checkOriginAndHost({ host: req.headers.host }, this.origins);
      if (!hostOk.ok) return this.refuse(req, res, hostOk.reason, 403, { error: 'invalid_request', error_description: `forbidden: ${hostOk.reason}` });
      return this.options.oauth.handle(req, res);
    }

    const verdict = checkOriginAndHost({ host: req.headers.host, origin: req.headers.origin }, this.origins);
    if (!verdict.ok) return this.refuse(req, res, verdict.reason, 403, rpcError(`forbidden: ${verdict.reason}`));
    let who = this.authenticate(req);
    if (!who && this.options.oauth && req.headers.authorization) {
      who = await this.options.oauth.authenticate(req, res);
      if (!who) {
        this.refused.attempt(clientAddress(req), this.now());
        if (!res.headersSent) sendJson(res, 401, rpcError('unauthorized'));
        return;
      }
    }
    if (!who) {
      const challenge = this.options.oauth ? `Bearer resource_metadata="${this.options.oauth.resourceMetadataUrl}"` : 'Bearer realm="ldm-mcp"';
      return this.refuse(req, res, 'missing or wrong bearer token', 401, rpcError('unauthorized: send Authorization: Bearer <token>'), { 'www-authenticate': challenge });
    }
    const limited = this.limiter.attempt(who.id, this.now());
    if (limited.wait > 0) {
      if (limited.first) this.options.logger.notice(`http: ${who.id} is over http.rateLimit; answering 429 for ${limited.wait}s`);
      return sendJson(res, 429, rpcError('too many requests'), { 'retry-after': String(limited.wait) });
    }

    const body = req.method === 'POST' ? await readJsonBody(req, this.options.maxBodyBytes) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = this.sessions.get(sessionId);
      if (!session || session.owner !== who.id) return sendJson(res, 404, rpcError('unknown or expired session; initialize again', -32001));
      session.lastSeen = this.now();
      this.options.onActivity?.();
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendJson(res, 400, rpcError('no Mcp-Session-Id header: the first request of a session must be initialize'));
    }
    // At the cap, the least recently used session makes room: clients often never send DELETE, and
    // a client that has the token is trusted not to hog the slots on purpose.
    while (this.sessions.size >= this.options.maxSessions) {
      const [lru] = [...this.sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen)[0]!;
      this.options.logger.notice(`http: session limit ${this.options.maxSessions} reached; closing the least recently used session ${lru}`);
      await this.closeSession(lru);
    }
    await this.startSession(req, res, body, who);
  }

  /**
   * A request refused before authentication. It counts against its address alone; once that
   * address is over http.rateLimit.refused* it gets 429, logged once instead of once per request.
   */
  private refuse(req: IncomingMessage, res: ServerResponse, why: string, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const address = clientAddress(req);
    const limited = this.refused.attempt(address, this.now());
    if (limited.wait > 0) {
      if (limited.first) this.options.logger.warn(`http: too many refused requests from ${address}; answering 429 for ${limited.wait}s`);
      return sendJson(res, 429, rpcError('too many requests'), { 'retry-after': String(limited.wait) });
    }
    this.options.logger.warn(`http: refused ${req.method} from ${address}: ${why}`);
    sendJson(res, status, body, headers);
  }

  private async startSession(req: IncomingMessage, res: ServerResponse, body: unknown, who: Identity): Promise<void> {
    const server = await this.options.createSession(who);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, lastSeen: this.now(), owner: who.id });
        this.options.logger.info(`http: session ${id} opened`, { sessions: this.sessions.size });
      },
      onsessionclosed: (id) => void this.closeSession(id),
    });
    transport.onerror = (err) => this.options.logger.debug(`http transport: ${err.message}`);
    await server.connect(transport);
    this.options.onActivity?.();
    await transport.handleRequest(req, res, body);
  }

  private async closeSession(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    await session.server.close().catch(() => {});
    this.options.logger.info(`http: session ${id} closed`, { sessions: this.sessions.size });
  }

  private async closeIdleSessions(): Promise<void> {
    const cutoff = this.now() - this.options.sessionIdleMs;
    for (const [id, s] of this.sessions) if (s.lastSeen < cutoff) await this.closeSession(id);
  }
}
