import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createOAuthMetadata, getOAuthProtectedResourceMetadataUrl, mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { metadataHandler } from '@modelcontextprotocol/sdk/server/auth/handlers/metadata.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { Logger } from '@ldm/core';
import type { Identity } from '../authenticate';
import { CONSENT_HEADERS, renderMessagePage } from './consent-page';
import type { OwnerOAuthProvider } from './owner-oauth-provider';
import { SUPPORTED_SCOPES } from './scopes';

/** What the HTTP server asks of OAuth: its own routes, and who an /mcp request's access token belongs to. */
export interface OAuthEndpoint {
  /** Every path but /mcp and /healthz: metadata, /authorize, /token, /register, /revoke, the consent form. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The grant behind the request's access token, or null once a 401 (with WWW-Authenticate: … resource_metadata=…) has been sent. */
  authenticate(req: IncomingMessage, res: ServerResponse): Promise<Identity | null>;
  /** For the plain 401 of a request that carries no token at all. */
  readonly resourceMetadataUrl: string;
}

export interface OAuthEndpointOptions {
  provider: OwnerOAuthProvider;
  /** https://HOST (an origin, no path): the address clients reach the server at, through the proxy. */
  publicUrl: URL;
  logger: Logger;
}

export const CONSENT_PATH = '/oauth/consent';

/**
 * The OAuth side of the server, built from the SDK's express handlers (mcpAuthRouter,
 * requireBearerAuth): only the consent form and the decisions (OwnerOAuthProvider) are ours.
 * X-Forwarded-For is believed only from a proxy on loopback ('trust proxy' = loopback), so the
 * SDK's per-address limits on /register, /token and /authorize see the real client behind Caddy.
 */
export function createOAuthEndpoint({ provider, publicUrl, logger }: OAuthEndpointOptions): OAuthEndpoint {
  const issuerUrl = new URL(publicUrl.origin);
  const resource = new URL('/mcp', publicUrl.origin);
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(resource);
  const scopesSupported = [...SUPPORTED_SCOPES];
  // RFC 8414 metadata as the SDK builds it, plus the Client ID Metadata Document flag (client ids that are https URLs).
  const asMetadata = { ...createOAuthMetadata({ provider, issuerUrl, scopesSupported }), client_id_metadata_document_supported: true };
  const prm = { resource: resource.href, authorization_servers: [issuerUrl.href], scopes_supported: scopesSupported, resource_name: `linux-devops-mcp on ${publicUrl.hostname}` };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use('/.well-known/oauth-authorization-server', metadataHandler(asMetadata));
  // RFC 9728 at the root as well as at the /mcp-specific path below it (the same document: /mcp is the only resource).
  app.use('/.well-known/oauth-protected-resource', metadataHandler(prm));
  app.use(mcpAuthRouter({ provider, issuerUrl, scopesSupported, resourceServerUrl: resource, resourceName: prm.resource_name }));
  app.post(CONSENT_PATH, express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), (req: Request, res: Response, next: NextFunction) => {
    // The consent id is the CSRF token; a cross-site post is also refused by its Origin.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== publicUrl.origin) {
      res.status(403).set(CONSENT_HEADERS).send(renderMessagePage('Refused', `A form posted from ${origin} cannot answer this request.`));
      return;
    }
    provider
      .answerConsent((req.body ?? {}) as Record<string, unknown>)
      .then((answer) => ('redirect' in answer ? res.redirect(302, answer.redirect) : res.status(answer.status).set(CONSENT_HEADERS).send(answer.html)))
      .catch(next);
  });
  app.use((_req: Request, res: Response) => void res.status(404).json({ error: 'not_found', error_description: 'MCP is served at /mcp' }));
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    logger.error(`oauth: ${err.message}`);
    if (!res.headersSent) res.status(500).json({ error: 'server_error' });
  });

  const gate = express();
  gate.set('trust proxy', 'loopback');
  gate.use(requireBearerAuth({ verifier: provider, resourceMetadataUrl, expectedResource: resource }));

  type Handler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;
  return {
    resourceMetadataUrl,
    handle: (req, res) => (app as unknown as Handler)(req, res),
    authenticate: (req, res) =>
      new Promise<Identity | null>((resolve, reject) => {
        res.once('finish', () => resolve(null));
        (gate as unknown as Handler)(req, res, (err) => {
          if (err) return reject(err instanceof Error ? err : new Error(String(err)));
          const auth = (req as Request).auth;
          const grantId = auth?.extra?.grantId;
          resolve(auth && typeof grantId === 'string' ? { id: `oauth:${grantId}`, scopes: auth.scopes } : null);
        });
      }),
  };
}
