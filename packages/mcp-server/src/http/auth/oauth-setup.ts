import { hostname } from 'node:os';
import type { Config, Logger } from '@ldm/core';
import { fetchClientMetadata } from './client-metadata-document';
import { createOAuthEndpoint, type OAuthEndpoint } from './oauth-endpoint';
import { OAuthFile } from './oauth-file';
import { oauthFileOf } from './oauth-path';
import { OwnerOAuthProvider } from './owner-oauth-provider';

/** The grant lifetimes and cap of http.oauth. */
export function grantTermsOf(cfg: Config['http']['oauth']) {
  return { accessTtlMs: cfg.accessTokenMin * 60_000, refreshTtlMs: cfg.refreshTokenDays * 86_400_000, maxGrants: cfg.maxGrants };
}

/** OAuth for http.publicUrl, wired from the config; loaded only when publicUrl is set (express and the SDK's auth handlers are not small). */
export function oauthFromConfig(http: Config['http'], stateDir: string, logger: Logger): OAuthEndpoint {
  const publicUrl = new URL(http.publicUrl!);
  const provider = new OwnerOAuthProvider({
    file: new OAuthFile(oauthFileOf(stateDir, http.oauth.file)),
    terms: grantTermsOf(http.oauth),
    resource: new URL('/mcp', publicUrl.origin),
    hostName: `${publicUrl.hostname} (${hostname()})`,
    logger,
    fetchClientMetadata: (url) => fetchClientMetadata(url),
  });
  return createOAuthEndpoint({ provider, publicUrl, logger });
}
