import { createHash, timingSafeEqual } from 'node:crypto';
import { OAUTH_LIMITS, type ClientRecord, type Grant, type OAuthDocument } from './oauth-document';

// Pure decisions on oauth.json. Each function changes the document it is given (inside one locked
// read-modify-write, oauth-file.ts) and returns what happened; clock and random values come in.

export interface GrantTerms {
  accessTtlMs: number;
  refreshTtlMs: number;
  maxGrants: number;
}

/** What a client proved and the owner agreed to. */
export interface GrantRequest {
  clientId: string;
  clientName: string;
  redirectHost: string;
  scopes: string[];
  resource: string;
}

/** A token as issued: the value goes to the client once, only its hash is kept. */
export interface IssuedPair {
  access: string;
  refresh: string;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Drops what has expired: access tokens, grants whose refresh token ran out, a stale pair code, clients never granted. */
export function pruneExpired(doc: OAuthDocument, now: number): void {
  doc.grants = doc.grants.filter((g) => g.refresh.expiresAt > now);
  for (const g of doc.grants) g.access = g.access.filter((a) => a.expiresAt > now);
  if (doc.pair && (doc.pair.expiresAt <= now || doc.pair.attemptsLeft <= 0)) doc.pair = null;
  const granted = new Set(doc.grants.map((g) => g.clientId));
  doc.clients = doc.clients.filter((c) => granted.has(c.client_id) || now - c.registered_at < OAUTH_LIMITS.unusedClientMs);
}

/** Stores a registered client. At the cap the oldest one without a grant makes room; when all have one, null. */
export function addClient(doc: OAuthDocument, client: ClientRecord): ClientRecord | null {
  if (doc.clients.length >= OAUTH_LIMITS.maxClients) {
    const granted = new Set(doc.grants.map((g) => g.clientId));
    const idle = doc.clients.filter((c) => !granted.has(c.client_id)).sort((a, b) => a.registered_at - b.registered_at)[0];
    if (!idle) return null;
    doc.clients = doc.clients.filter((c) => c !== idle);
  }
  doc.clients.push(client);
  return client;
}

/** A new grant with its first token pair, or null at terms.maxGrants (the owner revokes one on the host first). */
export function issueGrant(doc: OAuthDocument, req: GrantRequest, id: string, tokens: IssuedPair, now: number, terms: GrantTerms): Grant | null {
  if (doc.grants.length >= terms.maxGrants) return null;
  const grant: Grant = {
    id,
    clientId: req.clientId,
    clientName: req.clientName.slice(0, OAUTH_LIMITS.maxNameChars),
    redirectHost: req.redirectHost.slice(0, 300),
    scopes: req.scopes,
    resource: req.resource,
    createdAt: now,
    lastUsedAt: null,
    refresh: { hash: hashToken(tokens.refresh), expiresAt: now + terms.refreshTtlMs },
    previousRefreshHash: null,
    access: [{ hash: hashToken(tokens.access), expiresAt: now + terms.accessTtlMs }],
  };
  doc.grants.push(grant);
  return grant;
}

/** The grant an access token belongs to, while the token is live. */
export function grantOfAccess(doc: OAuthDocument, token: string, now: number): { grant: Grant; expiresAt: number } | null {
  const hash = hashToken(token);
  for (const grant of doc.grants) {
    const hit = grant.access.find((a) => sameHash(a.hash, hash) && a.expiresAt > now);
    if (hit) return { grant, expiresAt: hit.expiresAt };
  }
  return null;
}

export type RefreshOutcome = { ok: true; grant: Grant } | { ok: false; why: 'unknown' | 'expired' | 'other-client' | 'reused' | 'scope' };

/**
 * Refresh with rotation: the presented refresh token is replaced by tokens.refresh. A refresh token
 * that was already rotated away means two parties hold it, so the whole grant ends (OAuth 2.1 §4.3.1).
 */
export function rotateRefresh(doc: OAuthDocument, clientId: string, presented: string, scopes: string[] | undefined, tokens: IssuedPair, now: number, terms: GrantTerms): RefreshOutcome {
  const hash = hashToken(presented);
  const reused = doc.grants.find((g) => g.previousRefreshHash !== null && sameHash(g.previousRefreshHash, hash));
  if (reused) {
    doc.grants = doc.grants.filter((g) => g !== reused);
    return { ok: false, why: 'reused' };
  }
  const grant = doc.grants.find((g) => sameHash(g.refresh.hash, hash));
  if (!grant) return { ok: false, why: 'unknown' };
  if (grant.clientId !== clientId) return { ok: false, why: 'other-client' };
  if (grant.refresh.expiresAt <= now) return { ok: false, why: 'expired' };
  if (scopes && scopes.some((s) => !grant.scopes.includes(s))) return { ok: false, why: 'scope' };
  grant.previousRefreshHash = grant.refresh.hash;
  grant.refresh = { hash: hashToken(tokens.refresh), expiresAt: now + terms.refreshTtlMs };
  grant.access = [...grant.access.filter((a) => a.expiresAt > now), { hash: hashToken(tokens.access), expiresAt: now + terms.accessTtlMs }].slice(-OAUTH_LIMITS.accessPerGrant);
  grant.lastUsedAt = now;
  return { ok: true, grant };
}

/**
 * RFC 7009 for a client's own token: a refresh token ends its grant (and so every access token of
 * it); an access token ends alone. Another client's token, or an unknown one, changes nothing.
 */
export function revokeToken(doc: OAuthDocument, clientId: string, token: string): 'grant' | 'access' | 'none' {
  const hash = hashToken(token);
  const byRefresh = doc.grants.find((g) => g.clientId === clientId && (sameHash(g.refresh.hash, hash) || (g.previousRefreshHash !== null && sameHash(g.previousRefreshHash, hash))));
  if (byRefresh) {
    doc.grants = doc.grants.filter((g) => g !== byRefresh);
    return 'grant';
  }
  const byAccess = doc.grants.find((g) => g.clientId === clientId && g.access.some((a) => sameHash(a.hash, hash)));
  if (!byAccess) return 'none';
  byAccess.access = byAccess.access.filter((a) => !sameHash(a.hash, hash));
  return 'access';
}

/** The owner's revocation on the host: the grant and all its tokens go at once. */
export function revokeGrant(doc: OAuthDocument, id: string): Grant | null {
  const grant = doc.grants.find((g) => g.id === id) ?? null;
  if (grant) doc.grants = doc.grants.filter((g) => g !== grant);
  return grant;
}

/** Replaces any earlier pair code: only the newest printed code works. */
export function startPair(doc: OAuthDocument, code: string, now: number, ttlMs: number, attempts: number): void {
  doc.pair = { hash: hashToken(normalizePairCode(code)), expiresAt: now + ttlMs, attemptsLeft: attempts };
}

export type PairOutcome = 'ok' | 'wrong' | 'burned' | 'none';

/** One try at the pair code: right uses it up; wrong costs an attempt, and the last wrong one burns it. */
export function tryPair(doc: OAuthDocument, code: string, now: number): PairOutcome {
  const pair = doc.pair;
  if (!pair || pair.expiresAt <= now || pair.attemptsLeft <= 0) {
    doc.pair = null;
    return 'none';
  }
  if (sameHash(pair.hash, hashToken(normalizePairCode(code)))) {
    doc.pair = null;
    return 'ok';
  }
  pair.attemptsLeft -= 1;
  if (pair.attemptsLeft > 0) return 'wrong';
  doc.pair = null;
  return 'burned';
}

/** Codes are shown as XXXX-XXXX; the owner may type them with or without the dash, in any case. */
export function normalizePairCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 64);
}
