import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { silentLogger } from '@ldm/core';
import { McpHttpServer } from '../../../src/http/http-server';
import { defaultOriginPolicy } from '../../../src/http/origin-guard';
import { createServer } from '../../../src/server/create-server';
import { OwnerOAuthProvider } from '../../../src/http/auth/owner-oauth-provider';
import { createOAuthEndpoint } from '../../../src/http/auth/oauth-endpoint';
import { OAuthFile } from '../../../src/http/auth/oauth-file';
import { configForScopes } from '../../../src/http/auth/scopes';
import { runOwnerCommand } from '../../../src/http/auth/owner-cli';
import { makeDeps } from '../../support/make-deps';
import { MemoryOAuthClient } from '../../support/memory-oauth-client';

const TOKEN = 'static-'.repeat(8);
const running: McpHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** The HTTP server as serve-http builds it, OAuth on, publicUrl http://127.0.0.1:PORT (the SDK allows http for loopback). */
async function start(opts: { file?: OAuthFile; publicOrigin?: string } = {}) {
  const env = makeDeps();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const publicUrl = new URL(opts.publicOrigin ?? origin);
  const file = opts.file ?? new OAuthFile(join(env.deps.paths.stateDir, 'oauth.json'));
  const provider = new OwnerOAuthProvider({
    file,
    terms: { accessTtlMs: 3600_000, refreshTtlMs: 30 * 86_400_000, maxGrants: 20 },
    resource: new URL('/mcp', publicUrl.origin),
    hostName: 'test-host',
    logger: silentLogger,
    fetchClientMetadata: () => Promise.reject(new Error('no metadata documents in this test')),
  });
  const http = new McpHttpServer({
    createSession: (who) => createServer({ ...env.deps, config: configForScopes(env.deps.config, who.scopes) }, undefined, { principal: who.id }),
    token: TOKEN,
    oauth: createOAuthEndpoint({ provider, publicUrl, logger: silentLogger }),
    origins: defaultOriginPolicy('127.0.0.1', port, [publicUrl.host], [publicUrl.origin]),
    rateLimit: { perMinute: 6000, burst: 1000 },
    maxBodyBytes: 1 << 20,
    maxSessions: 8,
    sessionIdleMs: 60_000,
    logger: silentLogger,
  });
  await new Promise<void>((r) => http.server.listen(port, '127.0.0.1', r));
  running.push(http);
  return { env, file, url: new URL(`${origin}/mcp`), origin };
}

const owner = (file: OAuthFile, out: string[] = []) => ({
  file,
  now: Date.now,
  out: (t: string) => void out.push(t),
  err: (t: string) => void out.push(t),
  isRoot: true,
  pairTtlMs: 600_000,
  pairAttempts: 5,
  connectorUrl: null,
});

async function pair(file: OAuthFile): Promise<string> {
  const out: string[] = [];
  expect(await runOwnerCommand('pair', [], owner(file, out))).toBe(0);
  return /Pairing code: (\S+)/.exec(out.join(''))![1]!;
}

/** What the owner does in the browser: opens the page, types the code, picks the access. */
async function consent(client: MemoryOAuthClient, code: string, access: 'read' | 'operate', origin?: string) {
  const page = await fetch(client.authorizationUrl!);
  const html = await page.text();
  const consentId = /name="consent" value="([^"]+)"/.exec(html)?.[1];
  if (!consentId) throw new Error(`no consent form (${page.status}): ${html.slice(0, 300)}`);
  const post = await fetch(new URL('/oauth/consent', client.authorizationUrl!), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
    body: new URLSearchParams({ consent: consentId, code, access, decision: 'allow' }).toString(),
  });
  return { page, html, post, location: post.headers.get('location') };
}

/** Discovery, registration, PKCE and the consent; returns the client holding tokens. */
async function authorize(url: URL, file: OAuthFile, access: 'read' | 'operate', scope = 'mcp:read mcp:operate') {
  const client = new MemoryOAuthClient('Jest connector', scope);
  expect(await auth(client, { serverUrl: url, scope })).toBe('REDIRECT');
  const { location } = await consent(client, await pair(file), access);
  const code = new URL(location!).searchParams.get('code')!;
  expect(await auth(client, { serverUrl: url, authorizationCode: code, scope })).toBe('AUTHORIZED');
  return client;
}

async function connect(url: URL, client: MemoryOAuthClient) {
  const mcp = new Client({ name: 'jest', version: '1' });
  await mcp.connect(new StreamableHTTPClientTransport(url, { authProvider: client }));
  return mcp;
}

const rawPost = (url: URL, token: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });

describe('OAuth 2.1 against the server, no proxy', () => {
  test('a 401 on /mcp points at the protected resource metadata, which names this server as its authorization server', async () => {
    const { url, origin } = await start();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toContain(`resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`);
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const prm = (await (await fetch(origin + path)).json()) as Record<string, unknown>;
      expect(prm.resource).toBe(`${origin}/mcp`);
      expect(prm.authorization_servers).toEqual([`${origin}/`]);
    }
    const as = (await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(as).toMatchObject({ code_challenge_methods_supported: ['S256'], client_id_metadata_document_supported: true, registration_endpoint: `${origin}/register` });
  });

  test('the whole flow with the SDK client: register, consent with the pairing code, tools, refresh with rotation', async () => {
    const { url, file, env } = await start();
    const client = await authorize(url, file, 'operate');
    expect(client.saved!.scope).toBe('mcp:read mcp:operate');
    const stored = readFileSync(file.path, 'utf8');
    expect(stored).not.toContain(client.saved!.access_token);
    expect(stored).not.toContain(client.saved!.refresh_token!);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);

    const mcp = await connect(url, client);
    const names = (await mcp.listTools()).tools.map((t) => t.name);
    expect(names).toContain('write_file');
    const target = join(env.dir, 'written-by-operate');
    await mcp.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } });
    expect(existsSync(target)).toBe(true);

    // Refresh: a new pair of tokens, the old refresh token dead; presenting it again ends the grant.
    const first = client.saved!;
    expect(await auth(client, { serverUrl: url })).toBe('AUTHORIZED');
    const second = client.saved!;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await rawPost(url, second.access_token)).status).toBe(200);
    const replay = await fetch(new URL('/token', url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: (client.info as { client_id: string }).client_id }).toString(),
    });
    expect(replay.status).toBe(400);
    expect((await rawPost(url, second.access_token)).status).toBe(401);
    await mcp.close().catch(() => {});
  });

  test('a read-only grant lists no changing tool and cannot write a file', async () => {
    const { url, file, env } = await start();
    const client = await authorize(url, file, 'read');
    expect(client.saved!.scope).toBe('mcp:read');
    const mcp = await connect(url, client);
    expect((await mcp.listTools()).tools.map((t) => t.name)).not.toContain('write_file');
    const target = join(env.dir, 'written-by-read');
    const result = await mcp.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } }).catch((e: Error) => ({ isError: true, e }));
    expect(result.isError).toBe(true);
    expect(existsSync(target)).toBe(false);
    await mcp.close();
  });

  test('grants lists the grant, and `grants revoke` ends its tokens at once; RFC 7009 revocation too', async () => {
    const { url, file } = await start();
    const a = await authorize(url, file, 'operate');
    const b = await authorize(url, file, 'read');
    const out: string[] = [];
    await runOwnerCommand('grants', [], owner(file, out));
    const table = out.join('');
    expect(table).toContain('Jest connector');
    expect(table).toMatch(/operate/);
    expect(table).toMatch(/read/);
    const doc = await file.read();
    const grantA = doc.grants.find((g) => g.scopes.includes('mcp:operate'))!;
    expect((await rawPost(url, a.saved!.access_token)).status).toBe(200);
    expect(await runOwnerCommand('grants', ['revoke', grantA.id], owner(file))).toBe(0);
    expect((await rawPost(url, a.saved!.access_token)).status).toBe(401);

    const clientId = (b.info as { client_id: string }).client_id;
    const revoke = await fetch(new URL('/revoke', url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: b.saved!.access_token, client_id: clientId }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect((await rawPost(url, b.saved!.access_token)).status).toBe(401);
  });

  test("a session belongs to the credential that opened it: a read-only grant cannot use an operate session", async () => {
    const { url, file } = await start();
    const op = await authorize(url, file, 'operate');
    const ro = await authorize(url, file, 'read');
    const opened = await rawPost(url, op.saved!.access_token);
    const session = opened.headers.get('mcp-session-id')!;
    const list = (token: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      });
    expect((await list(ro.saved!.access_token)).status).toBe(404);
    expect((await list(TOKEN)).status).toBe(404);
    expect((await list(op.saved!.access_token)).status).toBe(200);
  });

  test('the static bearer token still works next to OAuth', async () => {
    const { url } = await start();
    expect((await rawPost(url, TOKEN)).status).toBe(200);
    expect((await rawPost(url, 'not-a-token')).status).toBe(401);
  });

  test('no code is issued without the pairing code; wrong codes burn it', async () => {
    const { url, file } = await start();
    const client = new MemoryOAuthClient('Guesser', 'mcp:operate');
    expect(await auth(client, { serverUrl: url, scope: 'mcp:operate' })).toBe('REDIRECT');
    const none = await consent(client, 'AAAA-AAAA', 'operate');
    expect(none.post.status).toBe(403);
    expect(none.location).toBeNull();

    const real = await pair(file);
    for (let i = 0; i < 5; i++) expect((await consent(client, 'ZZZZ-ZZZZ', 'operate')).location).toBeNull();
    const late = await consent(client, real, 'operate');
    expect(late.location).toBeNull();
    expect((await file.read()).grants).toHaveLength(0);

    const fresh = await pair(file);
    const ok = await consent(client, fresh.toLowerCase().replace('-', ''), 'operate');
    expect(new URL(ok.location!).searchParams.get('code')).toBeTruthy();
    // Single use: the same code does not work twice.
    expect((await consent(client, fresh, 'operate')).location).toBeNull();
  });

  test('the consent page names client and redirect host, and cannot be framed or posted from another site', async () => {
    const { url, file } = await start();
    const client = new MemoryOAuthClient('<b>Evil</b> Corp', 'mcp:read', 'https://attacker.example/cb');
    expect(await auth(client, { serverUrl: url, scope: 'mcp:read' })).toBe('REDIRECT');
    const code = await pair(file);
    const { page, html, post, location } = await consent(client, code, 'read', 'https://attacker.example');
    expect(html).toContain('&#60;b&#62;Evil&#60;/b&#62; Corp');
    expect(html).toContain('attacker.example');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(post.status).toBe(403);
    expect(location).toBeNull();
    expect((await file.read()).pair).not.toBeNull();
  });

  test('a token is good only for the resource it was issued for', async () => {
    const a = await start();
    const client = await authorize(a.url, a.file, 'operate');
    expect((await rawPost(a.url, client.saved!.access_token)).status).toBe(200);
    // Same grants file, but this server is https://other.example/mcp: the audience differs.
    const b = await start({ file: a.file, publicOrigin: 'https://other.example' });
    const res = await fetch(b.url, {
      method: 'POST',
      headers: { host: 'other.example', 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${client.saved!.access_token}` },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  test('an authorization request for another resource gets invalid_target, and no consent page', async () => {
    const { origin } = await start();
    const reg = (await (
      await fetch(`${origin}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none', client_name: 'x' }) })
    ).json()) as { client_id: string };
    const q = new URLSearchParams({ response_type: 'code', client_id: reg.client_id, redirect_uri: 'http://127.0.0.1:9/cb', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', resource: 'https://elsewhere.example/mcp' });
    const res = await fetch(`${origin}/authorize?${q}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_target');
  });
});
