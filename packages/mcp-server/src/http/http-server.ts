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
import { hashSessionId, keepRecords, type SessionBook, type SessionRecord } from './session-book';
import { resumeClient, resumeTransport } from '../sdk/sdk-internals';
import { BoundedEventStore } from './bounded-event-store';

/** One session's MCP server, and what ends the session's own work (its jobs) when it closes. */
export interface SessionServer {
  server: McpServer;
  endSession?: () => void;
}

export interface HttpServerOptions {
  /** A fresh MCP server for each session, opened by the client `who`. */
  createSession: (who: Identity) => Promise<SessionServer>;
  /** null only for the loopback-only test mode (--insecure-no-auth). */
  token: string | null;
  /** OAuth 2.1 (http.publicUrl set): its routes, and access tokens accepted on /mcp besides the bearer token. */
  oauth?: OAuthEndpoint;
  origins: OriginPolicy;
  /** Authenticated requests, per session (outside a session, per credential identity). */
  rateLimit: RateLimit;
  /** Refused requests (no or wrong token, wrong Origin/Host), per address; they never use up a credential's budget. */
  refusedRateLimit?: RateLimit;
  maxBodyBytes: number;
  maxSessions: number;
  sessionIdleMs: number;
  logger: Logger;
  onActivity?: () => void;
  now?: () => number;
  /** Where sessions are kept across restarts; without it a restart ends them (the client gets 404). */
  sessionBook?: SessionBook;
}

interface Session extends SessionServer {
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
  /** The identity that opened it: only that identity may use it, here and after a restart. */
  principal: string;
}

/** What `retry:` tells a client whose SSE stream the server ended (SEP-1699 polling) or that lost it. */
const SSE_RETRY_MS = 1000;

/** Session records are written at most this long after a change. */
const SAVE_DELAY_MS = 500;

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
  /** Sessions a previous process served, by id hash, until their client comes back or they expire. */
  private readonly dormant = new Map<string, SessionRecord>();
  private readonly reviving = new Map<string, Promise<Session | null>>();
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private closing = false;
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

  /** Takes back the sessions a previous process served (kept by `sessionBook`). */
  async restoreSessions(): Promise<number> {
    if (!this.options.sessionBook) return 0;
    const records = await this.options.sessionBook.load().catch((err: Error) => {
      this.options.logger.warn(`http: sessions of the previous run are lost: ${err.message}`);
      return [];
    });
    for (const r of keepRecords(records, this.now(), this.options.sessionIdleMs, this.options.maxSessions)) this.dormant.set(r.idHash, r);
    return this.dormant.size;
  }

  /**
   * Stops serving. The sessions are saved first, so a restart (or socket activation after a
   * standby stop) takes them back; closing them here then ends nothing on disk.
   */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    await this.save();
    this.closing = true;
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id)));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (err) {
      if (err instanceof HttpError) return sendJson(res, err.status, rpcError(err.message, err.rpcCode));
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
    const bucket = this.rateBucketOf(who, req.headers['mcp-session-id']);
    const limited = this.limiter.attempt(bucket, this.now());
    if (limited.wait > 0) {
      if (limited.first) this.options.logger.notice(`http: ${bucket} is over http.rateLimit; answering 429 for ${limited.wait}s`);
      return sendJson(res, 429, rpcError('too many requests'), { 'retry-after': String(limited.wait) });
    }

    const body = req.method === 'POST' ? await readJsonBody(req, this.options.maxBodyBytes) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = this.sessions.get(sessionId) ?? (await this.revive(sessionId, who));
      if (!session || session.principal !== who.id) return sendJson(res, 404, rpcError('unknown or expired session; initialize again', -32001));
      session.lastSeen = this.now();
      this.options.onActivity?.();
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendJson(res, 400, rpcError('no Mcp-Session-Id header: the first request of a session must be initialize'));
    }
    // At the cap, the least recently used session makes room: clients often never send DELETE, and
    // a client that has the token is trusted not to hog the slots on purpose.
    await this.makeRoom();
    await this.startSession(req, res, body, who);
  }

  /**
   * Whose budget a request spends: its session's, once it has one, so clients that share a token,
   * a tunnel or a proxy address do not use up each other's; requests outside a live session (an
   * initialize, an unknown id) spend their credential's. Session ids the server did not hand out
   * open no budget of their own.
   */
  private rateBucketOf(who: Identity, sessionId: string | string[] | undefined): string {
    return typeof sessionId === 'string' && this.sessions.has(sessionId) ? `${who.id} session ${sessionId.slice(0, 8)}…${sessionId.slice(-4)}` : who.id;
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

  private async makeRoom(): Promise<void> {
    while (this.sessions.size >= this.options.maxSessions) {
      const [lru] = [...this.sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen)[0]!;
      this.options.logger.notice(`http: session limit ${this.options.maxSessions} reached; closing the least recently used session ${lru}`);
      await this.closeSession(lru);
    }
  }

  private async startSession(req: IncomingMessage, res: ServerResponse, body: unknown, who: Identity): Promise<void> {
    const { server, endSession } = await this.options.createSession(who);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: new BoundedEventStore(),
      retryInterval: SSE_RETRY_MS,
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, endSession, lastSeen: this.now(), principal: who.id });
        this.options.logger.info(`http: session ${id} opened`, { sessions: this.sessions.size });
        this.saveSoon();
      },
      onsessionclosed: (id) => void this.closeSession(id),
    });
    transport.onerror = (err) => this.options.logger.debug(`http transport: ${err.message}`);
    await server.connect(transport);
    this.options.onActivity?.();
    await transport.handleRequest(req, res, body);
  }

  /**
   * A session id this process did not hand out, from a client the previous process served: the
   * same identity gets its session back, on a fresh server told what the client said in its
   * initialize. Anything else is unknown (404, and the client initializes anew, as the spec says).
   */
  private revive(id: string, who: Identity): Promise<Session | null> {
    const hash = hashSessionId(id);
    const record = this.dormant.get(hash);
    if (!record || record.principal !== who.id || this.now() - record.lastSeen > this.options.sessionIdleMs) return Promise.resolve(null);
    let pending = this.reviving.get(hash);
    if (!pending) {
      pending = this.resume(id, record, who).finally(() => this.reviving.delete(hash));
      this.reviving.set(hash, pending);
    }
    return pending;
  }

  private async resume(id: string, record: SessionRecord, who: Identity): Promise<Session | null> {
    await this.makeRoom();
    const { server, endSession } = await this.options.createSession(who);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      eventStore: new BoundedEventStore(),
      retryInterval: SSE_RETRY_MS,
      onsessionclosed: (closed) => void this.closeSession(closed),
    });
    transport.onerror = (err) => this.options.logger.debug(`http transport: ${err.message}`);
    try {
      resumeTransport(transport, id);
      resumeClient(server.server, record);
      await server.connect(transport);
    } catch (err) {
      this.options.logger.error(`http: couldn't resume session ${id}: ${(err as Error).message}`);
      endSession?.();
      await server.close().catch(() => {});
      return null;
    }
    this.dormant.delete(record.idHash);
    const session: Session = { transport, server, endSession, lastSeen: this.now(), principal: who.id };
    this.sessions.set(id, session);
    this.options.logger.info(`http: session ${id} resumed from the previous run`, { sessions: this.sessions.size });
    return session;
  }

  private async closeSession(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    session.endSession?.();
    await session.server.close().catch(() => {});
    this.options.logger.info(`http: session ${id} closed`, { sessions: this.sessions.size });
    this.saveSoon();
  }

  private async closeIdleSessions(): Promise<void> {
    const cutoff = this.now() - this.options.sessionIdleMs;
    for (const [id, s] of this.sessions) if (s.lastSeen < cutoff) await this.closeSession(id);
    for (const [hash, r] of this.dormant) if (r.lastSeen < cutoff) this.dormant.delete(hash);
    // Also keeps each session's lastSeen on disk roughly current.
    this.saveSoon();
  }

  private saveSoon(): void {
    if (!this.options.sessionBook || this.closing || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  /** Live and dormant sessions to disk, one write at a time. */
  private save(): Promise<void> {
    const book = this.options.sessionBook;
    if (!book || this.closing) return this.saving;
    this.saving = this.saving.then(async () => {
      const live: SessionRecord[] = [...this.sessions].map(([id, s]) => {
        const clientInfo = s.server.server.getClientVersion();
        const capabilities = s.server.server.getClientCapabilities();
        return { idHash: hashSessionId(id), principal: s.principal, lastSeen: s.lastSeen, ...(clientInfo ? { clientInfo } : {}), ...(capabilities ? { capabilities } : {}) };
      });
      const records = keepRecords([...live, ...this.dormant.values()], this.now(), this.options.sessionIdleMs, this.options.maxSessions);
      await book.save(records).catch((err: Error) => this.options.logger.warn(`http: couldn't save the sessions (a restart will end them): ${err.message}`));
    });
    return this.saving;
  }
}
