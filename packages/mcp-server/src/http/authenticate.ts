import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { bearerMatches } from './bearer-token';
import { clientAddress } from './client-address';

/** Who sent a request, once authenticated: its rate limit is kept under `id`, which never holds the secret. */
export interface Identity {
  id: string;
  /** OAuth scopes of the grant (auth/scopes.ts); absent for the bearer token, which has the configured policy. */
  scopes?: string[];
}

/** Says who a request is from, or null when it carries no valid credential. */
export type Authenticate = (req: IncomingMessage) => Identity | null;

/**
 * The bearer token of http.tokenFile: one credential, one identity. Another kind of credential
 * (e.g. an OAuth grant) is another Authenticate with an identity per grant.
 */
export function bearerAuthenticator(token: string): Authenticate {
  const identity: Identity = { id: `bearer:${createHash('sha256').update(token).digest('hex').slice(0, 12)}` };
  return (req) => (bearerMatches(req.headers.authorization, token) ? identity : null);
}

/** --insecure-no-auth (loopback test mode): everyone is let in, limited per address. */
export const anonymousByAddress: Authenticate = (req) => ({ id: `anonymous:${clientAddress(req)}` });
