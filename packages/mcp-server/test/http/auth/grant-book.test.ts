import { describe, expect, test } from '@jest/globals';
import { addClient, grantOfAccess, hashToken, issueGrant, pruneExpired, revokeGrant, revokeToken, rotateRefresh, startPair, tryPair } from '../../../src/http/auth/grant-book';
import { emptyOAuthDocument, OAUTH_LIMITS, type OAuthDocument } from '../../../src/http/auth/oauth-document';

const TERMS = { accessTtlMs: 3600_000, refreshTtlMs: 30 * 86_400_000, maxGrants: 3 };
const REQ = { clientId: 'c1', clientName: 'Client', redirectHost: 'chatgpt.com', scopes: ['mcp:read'], resource: 'https://h.example/mcp' };
const T0 = 1_000_000;

function withGrant(): OAuthDocument {
  const doc = emptyOAuthDocument();
  issueGrant(doc, REQ, 'g_00000001', { access: 'a1', refresh: 'r1' }, T0, TERMS);
  return doc;
}

describe('grant book', () => {
  test('keeps only hashes, and finds a live access token', () => {
    const doc = withGrant();
    expect(JSON.stringify(doc)).not.toContain('"a1"');
    expect(doc.grants[0]!.access[0]!.hash).toBe(hashToken('a1'));
    expect(grantOfAccess(doc, 'a1', T0 + 1)?.grant.id).toBe('g_00000001');
    expect(grantOfAccess(doc, 'a1', T0 + TERMS.accessTtlMs)).toBeNull();
    expect(grantOfAccess(doc, 'a2', T0)).toBeNull();
  });

  test('refresh rotates; the old refresh token is dead, and presenting it again ends the grant', () => {
    const doc = withGrant();
    const r = rotateRefresh(doc, 'c1', 'r1', undefined, { access: 'a2', refresh: 'r2' }, T0 + 10, TERMS);
    expect(r.ok).toBe(true);
    expect(grantOfAccess(doc, 'a2', T0 + 20)).not.toBeNull();
    expect(rotateRefresh(doc, 'c1', 'r1', undefined, { access: 'a3', refresh: 'r3' }, T0 + 30, TERMS)).toEqual({ ok: false, why: 'reused' });
    expect(doc.grants).toHaveLength(0);
    expect(grantOfAccess(doc, 'a2', T0 + 40)).toBeNull();
  });

  test("refresh refuses another client's token, an expired one, and more scope", () => {
    const doc = withGrant();
    expect(rotateRefresh(doc, 'c2', 'r1', undefined, { access: 'x', refresh: 'y' }, T0, TERMS)).toEqual({ ok: false, why: 'other-client' });
    expect(rotateRefresh(doc, 'c1', 'r1', ['mcp:operate'], { access: 'x', refresh: 'y' }, T0, TERMS)).toEqual({ ok: false, why: 'scope' });
    expect(rotateRefresh(doc, 'c1', 'r1', undefined, { access: 'x', refresh: 'y' }, T0 + TERMS.refreshTtlMs, TERMS)).toEqual({ ok: false, why: 'expired' });
    expect(rotateRefresh(doc, 'c1', 'nope', undefined, { access: 'x', refresh: 'y' }, T0, TERMS)).toEqual({ ok: false, why: 'unknown' });
  });

  test('access tokens per grant stay bounded however often a client refreshes', () => {
    const doc = withGrant();
    let refresh = 'r1';
    for (let i = 0; i < 20; i++) {
      const next = `r${i + 2}`;
      expect(rotateRefresh(doc, 'c1', refresh, undefined, { access: `a${i + 2}`, refresh: next }, T0 + i, TERMS).ok).toBe(true);
      refresh = next;
    }
    expect(doc.grants[0]!.access).toHaveLength(OAUTH_LIMITS.accessPerGrant);
  });

  test('RFC 7009: a refresh token ends the grant, an access token itself; another client cannot revoke', () => {
    const doc = withGrant();
    expect(revokeToken(doc, 'c2', 'a1')).toBe('none');
    expect(revokeToken(doc, 'c1', 'a1')).toBe('access');
    expect(grantOfAccess(doc, 'a1', T0)).toBeNull();
    expect(doc.grants).toHaveLength(1);
    expect(revokeToken(doc, 'c1', 'r1')).toBe('grant');
    expect(doc.grants).toHaveLength(0);
  });

  test('the owner revokes a grant by id; max grants holds', () => {
    const doc = withGrant();
    expect(issueGrant(doc, REQ, 'g_00000002', { access: 'b', refresh: 'rb' }, T0, TERMS)).not.toBeNull();
    expect(issueGrant(doc, REQ, 'g_00000003', { access: 'c', refresh: 'rc' }, T0, TERMS)).not.toBeNull();
    expect(issueGrant(doc, REQ, 'g_00000004', { access: 'd', refresh: 'rd' }, T0, TERMS)).toBeNull();
    expect(revokeGrant(doc, 'g_00000002')?.id).toBe('g_00000002');
    expect(revokeGrant(doc, 'g_00000002')).toBeNull();
    expect(grantOfAccess(doc, 'b', T0)).toBeNull();
  });

  test('pruning drops expired tokens, grants, the pair code and clients never granted', () => {
    const doc = withGrant();
    addClient(doc, { client_id: 'c1', redirect_uris: ['https://x/cb'], registered_at: T0 });
    addClient(doc, { client_id: 'lonely', redirect_uris: ['https://x/cb'], registered_at: T0 });
    startPair(doc, 'ABCD-EFGH', T0, 600_000, 5);
    pruneExpired(doc, T0 + OAUTH_LIMITS.unusedClientMs + 1);
    expect(doc.grants[0]!.access).toHaveLength(0);
    expect(doc.pair).toBeNull();
    expect(doc.clients.map((c) => c.client_id)).toEqual(['c1']);
    pruneExpired(doc, T0 + TERMS.refreshTtlMs);
    expect(doc.grants).toHaveLength(0);
  });

  test('at the client cap the oldest client without a grant makes room; when all have grants, none is added', () => {
    const doc = emptyOAuthDocument();
    for (let i = 0; i < OAUTH_LIMITS.maxClients; i++) addClient(doc, { client_id: `c${i}`, redirect_uris: [], registered_at: T0 + i });
    expect(addClient(doc, { client_id: 'new', redirect_uris: [], registered_at: T0 + 999 })).not.toBeNull();
    expect(doc.clients.map((c) => c.client_id)).not.toContain('c0');
    expect(doc.clients).toHaveLength(OAUTH_LIMITS.maxClients);
    doc.grants = doc.clients.map((c, i) => ({ ...withGrant().grants[0]!, id: `g_${i.toString(16).padStart(8, '0')}`, clientId: c.client_id }));
    expect(addClient(doc, { client_id: 'one-more', redirect_uris: [], registered_at: T0 })).toBeNull();
  });
});

describe('pairing code', () => {
  test('right once, then spent', () => {
    const doc = emptyOAuthDocument();
    startPair(doc, 'ABCD-EFGH', T0, 600_000, 5);
    expect(JSON.stringify(doc)).not.toContain('ABCD');
    expect(tryPair(doc, 'abcdefgh', T0 + 1)).toBe('ok');
    expect(tryPair(doc, 'ABCD-EFGH', T0 + 2)).toBe('none');
  });

  test('wrong tries count down, and the last one burns the code', () => {
    const doc = emptyOAuthDocument();
    startPair(doc, 'ABCD-EFGH', T0, 600_000, 3);
    expect(tryPair(doc, 'WRONG', T0)).toBe('wrong');
    expect(tryPair(doc, 'WRONG', T0)).toBe('wrong');
    expect(tryPair(doc, 'WRONG', T0)).toBe('burned');
    expect(tryPair(doc, 'ABCD-EFGH', T0)).toBe('none');
  });

  test('expires', () => {
    const doc = emptyOAuthDocument();
    startPair(doc, 'ABCD-EFGH', T0, 600_000, 5);
    expect(tryPair(doc, 'ABCD-EFGH', T0 + 600_000)).toBe('none');
  });
});
