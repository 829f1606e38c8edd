import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import * as z from 'zod';
import type { OAuthClientInformationFull } from '@modelcontextprotocol/sdk/shared/auth.js';
import { OAUTH_LIMITS } from './oauth-document';
import { isPublicAddress } from './public-address';

/** Bounds of one fetch of a client's metadata document (the draft suggests 5 kB). */
export const CIMD_LIMITS = { maxBytes: 5120, timeoutMs: 5000 } as const;

/**
 * Pure: whether a client_id is a Client ID Metadata Document URL (draft-ietf-oauth-client-id-metadata-document):
 * https, a path other than "/", no credentials or fragment.
 */
export function isMetadataDocumentClientId(clientId: string): boolean {
  if (!clientId.startsWith('https://')) return false;
  try {
    const u = new URL(clientId);
    return u.protocol === 'https:' && u.pathname !== '/' && !u.hash && !u.username && !u.password && !/\/\.\.?(\/|$)/.test(u.pathname);
  } catch {
    return false;
  }
}

const DocumentSchema = z.looseObject({
  client_id: z.string(),
  client_name: z.string().max(OAUTH_LIMITS.maxNameChars).optional(),
  redirect_uris: z.array(z.url()).min(1).max(OAUTH_LIMITS.maxRedirectUris),
  token_endpoint_auth_method: z.literal('none').optional(),
  grant_types: z.array(z.string()).max(10).optional(),
  response_types: z.array(z.string()).max(10).optional(),
  client_uri: z.url().optional(),
  logo_uri: z.url().optional(),
});

/**
 * Pure: the client a fetched document describes. Its client_id must be the URL it was fetched from,
 * it must name its redirect URIs, and it can hold no secret (a public client: PKCE is its proof).
 */
export function clientFromMetadataDocument(url: string, body: unknown): OAuthClientInformationFull {
  const parsed = DocumentSchema.safeParse(body);
  if (!parsed.success) throw new Error(`client metadata document ${url} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 300)}`);
  const doc = parsed.data;
  if (doc.client_id !== url) throw new Error(`client metadata document ${url} names another client_id (${JSON.stringify(doc.client_id.slice(0, 200))})`);
  if ('client_secret' in doc) throw new Error(`client metadata document ${url} carries a client_secret; such a client must be public`);
  return {
    client_id: url,
    redirect_uris: doc.redirect_uris,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    ...(doc.client_name ? { client_name: doc.client_name } : {}),
    ...(doc.client_uri ? { client_uri: doc.client_uri } : {}),
  };
}

/** Resolves like dns.lookup, then refuses the name if any of its addresses is not public (a name may point inside). */
export function publicOnlyLookup(resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const inside = list.find((a) => !isPublicAddress(a.address));
      if (inside || list.length === 0) {
        const e = Object.assign(new Error(`${hostname} resolves to ${inside?.address ?? 'nothing'}, which is not a public address`), { code: 'EPRIVATE' });
        return callback(e, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export interface FetchOptions {
  maxBytes?: number;
  timeoutMs?: number;
  lookup?: LookupFunction;
  /** Tests only: a CA for a local https server. */
  ca?: string | Buffer;
}

/**
 * Fetches a client's metadata document: https only, public addresses only (checked on the address
 * actually connected to, so DNS rebinding cannot slip past), no redirects, at most maxBytes, and
 * timeoutMs for the whole exchange.
 */
export function fetchClientMetadata(url: string, options: FetchOptions = {}): Promise<OAuthClientInformationFull> {
  const maxBytes = options.maxBytes ?? CIMD_LIMITS.maxBytes;
  const timeoutMs = options.timeoutMs ?? CIMD_LIMITS.timeoutMs;
  if (!isMetadataDocumentClientId(url)) return Promise.reject(new Error(`client_id ${JSON.stringify(url.slice(0, 200))} is not an https URL with a path`));
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (/^[\d.]+$/.test(host) || host.includes(':')) {
    if (!isPublicAddress(host)) return Promise.reject(new Error(`client_id ${url} points at ${host}, which is not a public address`));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { accept: 'application/json' }, lookup: options.lookup ?? publicOnlyLookup(), timeout: timeoutMs, ...(options.ca ? { ca: options.ca } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`client metadata document ${url} answered HTTP ${res.statusCode} (redirects are not followed)`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy();
          return reject(new Error(`client metadata document ${url} is larger than ${maxBytes} bytes`));
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        try {
          resolve(clientFromMetadataDocument(url, JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch (err) {
          reject(err instanceof SyntaxError ? new Error(`client metadata document ${url} is not JSON`, { cause: err }) : err);
        }
      });
      res.on('error', reject);
    });
    const deadline = setTimeout(() => req.destroy(new Error(`client metadata document ${url} took longer than ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(new Error(`client metadata document ${url} took longer than ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new Error(`couldn't fetch client metadata document ${url}: ${err.message}`, { cause: err })));
    req.end();
  });
}
