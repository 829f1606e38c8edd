import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import type { AuthorizationParams, OAuthServerProvider } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { InvalidClientMetadataError, InvalidGrantError, InvalidScopeError, InvalidTargetError, InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthClientInformationFull, OAuthTokenRevocationRequest, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { Logger } from '@ldm/core';
import { ExpiringMap } from './bounded-map';
import { CONSENT_HEADERS, renderConsentPage, renderMessagePage } from './consent-page';
import { isMetadataDocumentClientId } from './client-metadata-document';
import { addClient, grantOfAccess, issueGrant, revokeToken, rotateRefresh, tryPair, type GrantTerms, type IssuedPair } from './grant-book';
import { OAUTH_LIMITS, ClientRecordSchema } from './oauth-document';
import type { OAuthFile } from './oauth-file';
import { grantedScopes, knownScopes } from './scopes';

export interface OwnerOAuthOptions {
  file: OAuthFile;
  terms: GrantTerms;
  /** The canonical URL of /mcp: the audience of every token issued here. */
  resource: URL;
  hostName: string;
  logger: Logger;
  /** Fetches a Client ID Metadata Document (client-metadata-document.ts); tests pass their own. */
  fetchClientMetadata: (url: string) => Promise<OAuthClientInformationFull>;
  now?: () => number;
}

interface PendingConsent {
  client: OAuthClientInformationFull;
  params: AuthorizationParams;
  scopes: string[];
}

interface IssuedCode {
  clientId: string;
  clientName: string;
  redirectUri: string;
  challenge: string;
  scopes: string[];
}

/** The outcome of a consent form post, for the route to send. */
export type ConsentAnswer = { redirect: string } | { status: number; html: string };

const randomToken = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;
const hostOf = (uri: string) => {
  try {
    return new URL(uri).host || uri;
  } catch {
    return uri;
  }
};

/**
 * The server as its own authorization server, for one owner (OAuthServerProvider for the SDK's
 * mcpAuthRouter). The SDK does the protocol (metadata, PKCE check, request parsing, client
 * authentication, error shapes); this class decides: who may register, what the owner agreed to,
 * which tokens are alive. Consent needs the pairing code printed on the host.
 */
export class OwnerOAuthProvider implements OAuthServerProvider {
  private readonly now: () => number;
  /** Consent pages shown and not yet answered: 10 minutes, as long as a pair code lives. */
  private readonly pending: ExpiringMap<PendingConsent>;
  /** Authorization codes: one minute, single use. */
  private readonly codes: ExpiringMap<IssuedCode>;
  private readonly metadataDocuments: ExpiringMap<OAuthClientInformationFull>;
  private readonly lastUseWritten = new Map<string, number>();

  constructor(private readonly o: OwnerOAuthOptions) {
    this.now = o.now ?? Date.now;
    this.pending = new ExpiringMap(32, 10 * 60_000, this.now);
    this.codes = new ExpiringMap(32, 60_000, this.now);
    this.metadataDocuments = new ExpiringMap(32, 10 * 60_000, this.now);
  }

  get clientsStore(): OAuthRegisteredClientsStore {
    return {
      getClient: (id) => this.getClient(id),
      registerClient: (client) => this.registerClient(client),
    };
  }

  private async getClient(id: string): Promise<OAuthClientInformationFull | undefined> {
    if (isMetadataDocumentClientId(id)) {
      const cached = this.metadataDocuments.get(id);
      if (cached) return cached;
      try {
        const client = await this.o.fetchClientMetadata(id);
        this.metadataDocuments.set(id, client);
        return client;
      } catch (err) {
        this.o.logger.warn(`oauth: client ${id}: ${(err as Error).message}`);
        return undefined;
      }
    }
    const doc = await this.o.file.read();
    return doc.clients.find((c) => c.client_id === id) as OAuthClientInformationFull | undefined;
  }

  private async registerClient(client: Omit<OAuthClientInformationFull, 'client_id' | 'client_id_issued_at'>): Promise<OAuthClientInformationFull> {
    const full = client as OAuthClientInformationFull;
    if (full.redirect_uris.length > OAUTH_LIMITS.maxRedirectUris) throw new InvalidClientMetadataError(`at most ${OAUTH_LIMITS.maxRedirectUris} redirect_uris`);
    const record = ClientRecordSchema.safeParse({ ...full, client_name: full.client_name?.slice(0, OAUTH_LIMITS.maxNameChars), registered_at: this.now() });
    if (!record.success) throw new InvalidClientMetadataError(`client metadata out of bounds: ${record.error.issues[0]?.message ?? ''}`);
    const stored = await this.o.file.update((doc) => addClient(doc, record.data));
    if (!stored) throw new InvalidClientMetadataError('this server holds as many clients as it keeps; the owner must revoke a grant first');
    this.o.logger.info(`oauth: registered client ${stored.client_id} (${stored.client_name ?? 'no name'})`);
    const { registered_at: _, ...info } = stored;
    return info as OAuthClientInformationFull;
  }

  async authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: Response): Promise<void> {
    this.checkResource(params.resource);
    const consentId = randomBytes(24).toString('base64url');
    const scopes = knownScopes(params.scopes);
    this.pending.set(consentId, { client, params, scopes });
    res.status(200).set(CONSENT_HEADERS).send(renderConsentPage(this.view(consentId, client, params, scopes)));
  }

  /** The form's post: the pairing code decides; a wrong one costs an attempt of the code itself. */
  async answerConsent(form: { consent?: unknown; code?: unknown; access?: unknown; decision?: unknown }): Promise<ConsentAnswer> {
    const consentId = typeof form.consent === 'string' ? form.consent : '';
    const p = this.pending.get(consentId);
    if (!p) return { status: 400, html: renderMessagePage('Request expired', 'This authorization request is unknown or older than 10 minutes. Start the connection again from your client.') };
    const back = new URL(p.params.redirectUri);
    if (p.params.state !== undefined) back.searchParams.set('state', p.params.state);
    if (form.decision === 'deny') {
      this.pending.take(consentId);
      back.searchParams.set('error', 'access_denied');
      return { redirect: back.href };
    }
    const code = typeof form.code === 'string' ? form.code : '';
    const outcome = await this.o.file.update((doc) => ({ result: tryPair(doc, code, this.now()), left: doc.pair?.attemptsLeft ?? 0, full: doc.grants.length >= this.o.terms.maxGrants }));
    if (outcome.result !== 'ok') {
      const why =
        outcome.result === 'wrong'
          ? `Wrong pairing code: ${outcome.left} ${outcome.left === 1 ? 'try' : 'tries'} left before it is void.`
          : outcome.result === 'burned'
            ? 'Wrong pairing code, and that was the last try: the code is void. Run sudo ldm-mcp-server pair again for a new one.'
            : 'There is no valid pairing code. Run sudo ldm-mcp-server pair on the host and type the code it prints.';
      this.o.logger.warn(`oauth: consent for ${p.client.client_id}: pairing code ${outcome.result}`);
      return { status: 403, html: renderConsentPage({ ...this.view(consentId, p.client, p.params, p.scopes), error: why }) };
    }
    if (outcome.full) return { status: 409, html: renderMessagePage('Too many grants', `This host keeps at most ${this.o.terms.maxGrants} grants. Revoke one first: sudo ldm-mcp-server grants, then grants revoke ID.`) };
    this.pending.take(consentId);
    const authCode = randomToken('ldmc_');
    this.codes.set(authCode, {
      clientId: p.client.client_id,
      clientName: p.client.client_name ?? p.client.client_id,
      redirectUri: p.params.redirectUri,
      challenge: p.params.codeChallenge,
      scopes: grantedScopes(p.scopes, form.access === 'operate' ? 'operate' : 'read'),
    });
    back.searchParams.set('code', authCode);
    back.searchParams.set('iss', new URL('/', this.o.resource).href.replace(/\/$/, ''));
    return { redirect: back.href };
  }

  async challengeForAuthorizationCode(client: OAuthClientInformationFull, authorizationCode: string): Promise<string> {
    const c = this.codes.get(authorizationCode);
    if (!c || c.clientId !== client.client_id) throw new InvalidGrantError('unknown, used or expired authorization code');
    return c.challenge;
  }

  async exchangeAuthorizationCode(client: OAuthClientInformationFull, authorizationCode: string, _verifier?: string, redirectUri?: string, resource?: URL): Promise<OAuthTokens> {
    const c = this.codes.take(authorizationCode);
    if (!c || c.clientId !== client.client_id) throw new InvalidGrantError('unknown, used or expired authorization code');
    if (redirectUri !== undefined && redirectUri !== c.redirectUri) throw new InvalidGrantError('redirect_uri differs from the authorization request');
    this.checkResource(resource);
    const tokens = this.newPair();
    const id = `g_${randomBytes(4).toString('hex')}`;
    const grant = await this.o.file.update((doc) =>
      issueGrant(doc, { clientId: c.clientId, clientName: c.clientName, redirectHost: hostOf(c.redirectUri), scopes: c.scopes, resource: this.o.resource.href }, id, tokens, this.now(), this.o.terms),
    );
    if (!grant) throw new ServerError(`this host keeps at most ${this.o.terms.maxGrants} grants; the owner must revoke one first`);
    this.o.logger.notice(`oauth: grant ${grant.id} to ${grant.clientName} (${grant.scopes.join(' ')})`);
    return this.tokenResponse(tokens, grant.scopes);
  }

  async exchangeRefreshToken(client: OAuthClientInformationFull, refreshToken: string, scopes?: string[], resource?: URL): Promise<OAuthTokens> {
    this.checkResource(resource);
    const tokens = this.newPair();
    const out = await this.o.file.update((doc) => rotateRefresh(doc, client.client_id, refreshToken, scopes?.length ? scopes : undefined, tokens, this.now(), this.o.terms));
    if (!out.ok) {
      if (out.why === 'reused') this.o.logger.warn(`oauth: a rotated refresh token of client ${client.client_id} was presented again; its grant is revoked`);
      if (out.why === 'scope') throw new InvalidScopeError('more scope than the grant holds');
      throw new InvalidGrantError(`refresh token ${out.why === 'reused' ? 'was already used; the grant is revoked' : 'is not valid'}`);
    }
    return this.tokenResponse(tokens, scopes?.length ? scopes : out.grant.scopes);
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const now = this.now();
    const hit = grantOfAccess(await this.o.file.read(), token, now);
    if (!hit) throw new InvalidTokenError('unknown, expired or revoked access token');
    this.noteUse(hit.grant.id, now);
    return {
      token,
      clientId: hit.grant.clientId,
      scopes: hit.grant.scopes,
      expiresAt: Math.floor(hit.expiresAt / 1000),
      resource: new URL(hit.grant.resource),
      extra: { grantId: hit.grant.id },
    };
  }

  async revokeToken(client: OAuthClientInformationFull, request: OAuthTokenRevocationRequest): Promise<void> {
    const what = await this.o.file.update((doc) => revokeToken(doc, client.client_id, request.token));
    if (what !== 'none') this.o.logger.info(`oauth: client ${client.client_id} revoked ${what === 'grant' ? 'its grant' : 'an access token'}`);
  }

  /** Tokens are for this server's /mcp only (RFC 8707): a request naming another resource is refused. */
  private checkResource(resource: URL | undefined): void {
    if (resource && resource.href.replace(/\/$/, '') !== this.o.resource.href.replace(/\/$/, '')) {
      throw new InvalidTargetError(`this server issues tokens for ${this.o.resource.href} only`);
    }
  }

  private newPair(): IssuedPair {
    return { access: randomToken('ldma_'), refresh: randomToken('ldmr_') };
  }

  private tokenResponse(tokens: IssuedPair, scopes: string[]): OAuthTokens {
    return {
      access_token: tokens.access,
      token_type: 'Bearer',
      expires_in: Math.floor(this.o.terms.accessTtlMs / 1000),
      refresh_token: tokens.refresh,
      scope: scopes.join(' '),
    };
  }

  private view(consentId: string, client: OAuthClientInformationFull, params: AuthorizationParams, scopes: string[]) {
    return { consentId, clientName: client.client_name ?? '(no name given)', clientId: client.client_id, redirectHost: hostOf(params.redirectUri), requestedScopes: scopes, hostName: this.o.hostName };
  }

  /** "Last used" for `grants`: written at most once a minute per grant, so requests do not each write the file. */
  private noteUse(grantId: string, now: number): void {
    if (now - (this.lastUseWritten.get(grantId) ?? 0) < 60_000) return;
    this.lastUseWritten.set(grantId, now);
    if (this.lastUseWritten.size > 1000) this.lastUseWritten.clear();
    this.o.file
      .update((doc) => {
        const g = doc.grants.find((x) => x.id === grantId);
        if (g) g.lastUsedAt = now;
      })
      .catch((err: Error) => this.o.logger.debug(`oauth: couldn't note the use of grant ${grantId}: ${err.message}`));
  }
}
