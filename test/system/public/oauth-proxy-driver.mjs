// oauth-proxy-driver.mjs - a real OAuth client through the real proxy (run by public-step.sh, in the
// container): the SDK client's auth() does discovery, dynamic registration and PKCE; the owner's
// part is `ldm-mcp-server pair` and the consent form; then tools through Caddy, a refresh, a
// revocation on the host and the 401 after it. Prints one JSON line per check; exit 1 on the first failure.
// Usage: NODE_EXTRA_CA_CERTS=<caddy root.crt> node oauth-proxy-driver.mjs https://HOST:PORT/mcp
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = new URL(process.argv[2]);
const BIN = process.env.LDM_BIN ?? '/opt/linux-devops-mcp/bin/ldm-mcp-server';
const check = (name, ok, detail = '') => {
  console.log(JSON.stringify({ check: name, ok: Boolean(ok), detail: String(detail).slice(0, 300) }));
  if (!ok) process.exit(1);
};

class MemoryClient {
  info; saved; verifier = ''; authorizationUrl = null;
  get redirectUrl() { return 'http://127.0.0.1:9/callback'; }
  get clientMetadata() {
    return { client_name: 'system test connector', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', scope: 'mcp:read mcp:operate' };
  }
  clientInformation() { return this.info; }
  saveClientInformation(i) { this.info = i; }
  tokens() { return this.saved; }
  saveTokens(t) { this.saved = t; }
  redirectToAuthorization(u) { this.authorizationUrl = u; }
  saveCodeVerifier(v) { this.verifier = v; }
  codeVerifier() { return this.verifier; }
}

const rawInit = (token) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });

const first = await rawInit(null);
const challenge = first.headers.get('www-authenticate') ?? '';
check('401 with resource_metadata through the proxy', first.status === 401 && challenge.includes(`resource_metadata="${url.origin}/.well-known/oauth-protected-resource/mcp"`), `${first.status} ${challenge}`);

const client = new MemoryClient();
const scope = 'mcp:read mcp:operate';
check('discovery and dynamic registration lead to the consent page', (await auth(client, { serverUrl: url, scope })) === 'REDIRECT' && client.authorizationUrl?.origin === url.origin, client.authorizationUrl);

const page = await fetch(client.authorizationUrl);
const html = await page.text();
const consentId = /name="consent" value="([^"]+)"/.exec(html)?.[1];
check('the consent page names the client and its redirect host', consentId && html.includes('system test connector') && html.includes('127.0.0.1:9'), page.status);

const printed = execFileSync(BIN, ['pair'], { encoding: 'utf8' });
const code = /Pairing code: (\S+)/.exec(printed)?.[1];
check('ldm-mcp-server pair prints a code', code, printed);

const post = await fetch(new URL('/oauth/consent', url), {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url.origin },
  body: new URLSearchParams({ consent: consentId, code, access: 'operate', decision: 'allow' }).toString(),
});
const location = post.headers.get('location');
const authCode = location ? new URL(location).searchParams.get('code') : null;
check('the pairing code on the form gives an authorization code', post.status === 302 && authCode, `${post.status} ${location}`);
check('the code is exchanged with PKCE for tokens', (await auth(client, { serverUrl: url, authorizationCode: authCode, scope })) === 'AUTHORIZED' && client.saved?.refresh_token, client.saved?.scope);

const mcp = new Client({ name: 'system-test', version: '1' });
await mcp.connect(new StreamableHTTPClientTransport(url, { authProvider: client }));
const tools = (await mcp.listTools()).tools.map((t) => t.name);
check('tools/list through Caddy', tools.includes('read_file') && tools.includes('write_file'), tools.length);
const read = await mcp.callTool({ name: 'read_file', arguments: { path: '/etc/hostname' } });
const hostname = readFileSync('/etc/hostname', 'utf8').trim();
check('a tool call through Caddy', !read.isError && JSON.stringify(read).includes(hostname), JSON.stringify(read).slice(0, 200));
await mcp.close();

const before = client.saved;
check('refresh rotates both tokens', (await auth(client, { serverUrl: url })) === 'AUTHORIZED' && client.saved.access_token !== before.access_token && client.saved.refresh_token !== before.refresh_token);
check('the new access token works', (await rawInit(client.saved.access_token)).status === 200);
check('the old access token still works until it expires', (await rawInit(before.access_token)).status === 200);

const oauthFile = '/var/lib/linux-devops-mcp/oauth.json';
const stored = readFileSync(oauthFile, 'utf8');
check('oauth.json holds no token, only hashes', !stored.includes(client.saved.access_token) && !stored.includes(client.saved.refresh_token));

const listing = execFileSync(BIN, ['grants'], { encoding: 'utf8' });
const grantId = /^(g_[0-9a-f]{8})\s+system test connector/m.exec(listing)?.[1];
check('ldm-mcp-server grants lists the grant', grantId, listing);
execFileSync(BIN, ['grants', 'revoke', grantId], { encoding: 'utf8' });
const after = await rawInit(client.saved.access_token);
check('after grants revoke, the token gets 401 at once', after.status === 401, after.status);
const refreshAfter = await auth(client, { serverUrl: url }).catch((e) => e.constructor.name);
check('and the refresh token is dead too', refreshAfter !== 'AUTHORIZED', refreshAfter);
