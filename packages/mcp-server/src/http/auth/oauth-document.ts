import * as z from 'zod';

/** Limits of oauth.json: every list in it is bounded, so a flood of registrations cannot grow it. */
export const OAUTH_LIMITS = {
  /** Dynamically registered clients kept; the oldest without a grant makes room. */
  maxClients: 100,
  /** Registered clients that never got a grant are forgotten after this. */
  unusedClientMs: 24 * 3600_000,
  /** Live access tokens per grant (a client that refreshes early may hold two or three). */
  accessPerGrant: 4,
  maxRedirectUris: 10,
  maxNameChars: 100,
} as const;

const Hash = z.string().regex(/^[0-9a-f]{64}$/);

/** A registered client as the SDK's register handler hands it over (RFC 7591 fields), plus when. */
export const ClientRecordSchema = z.looseObject({
  client_id: z.string().max(200),
  redirect_uris: z.array(z.string().max(2000)).max(OAUTH_LIMITS.maxRedirectUris),
  client_name: z.string().max(OAUTH_LIMITS.maxNameChars).optional(),
  registered_at: z.number(),
});
export type ClientRecord = z.infer<typeof ClientRecordSchema>;

/** One owner's consent to one client: the tokens are stored only as sha256 hashes. */
export const GrantSchema = z.strictObject({
  id: z.string().regex(/^g_[0-9a-f]{8}$/),
  clientId: z.string().max(2000),
  clientName: z.string().max(OAUTH_LIMITS.maxNameChars),
  redirectHost: z.string().max(300),
  scopes: z.array(z.string().max(50)).max(10),
  /** The audience: the canonical /mcp URL the tokens are good for. */
  resource: z.string().max(2000),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  refresh: z.strictObject({ hash: Hash, expiresAt: z.number() }),
  /** The refresh token this one replaced: presenting it again means it leaked, and ends the grant. */
  previousRefreshHash: Hash.nullable(),
  access: z.array(z.strictObject({ hash: Hash, expiresAt: z.number() })).max(OAUTH_LIMITS.accessPerGrant),
});
export type Grant = z.infer<typeof GrantSchema>;

/** The code `ldm-mcp-server pair` printed: single use, a few tries, then burned. */
export const PairCodeSchema = z.strictObject({ hash: Hash, expiresAt: z.number(), attemptsLeft: z.number().int().min(0) });
export type PairCode = z.infer<typeof PairCodeSchema>;

/** oauth.json: root-only, in the state directory, which the sandbox hides from the model. */
export const OAuthDocumentSchema = z.strictObject({
  version: z.literal(1),
  clients: z.array(ClientRecordSchema).max(OAUTH_LIMITS.maxClients),
  grants: z.array(GrantSchema).max(1000),
  pair: PairCodeSchema.nullable(),
});
export type OAuthDocument = z.infer<typeof OAuthDocumentSchema>;

export const emptyOAuthDocument = (): OAuthDocument => ({ version: 1, clients: [], grants: [], pair: null });
