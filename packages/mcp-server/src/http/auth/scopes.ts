import type { Config } from '@ldm/core';

/** Read-only: the tools and commands policy.mode "read-only" allows, whatever the configured mode. */
export const SCOPE_READ = 'mcp:read';
/** The configured policy, as over ssh. */
export const SCOPE_OPERATE = 'mcp:operate';
export const SUPPORTED_SCOPES = [SCOPE_READ, SCOPE_OPERATE] as const;

/** Pure: the scopes a client asked for that this server knows, in a fixed order. Nothing asked for means read. */
export function knownScopes(requested: string[] | undefined): string[] {
  const asked = new Set(requested ?? []);
  const known = SUPPORTED_SCOPES.filter((s) => asked.has(s));
  return known.length ? known : [SCOPE_READ];
}

/** Pure: what the owner's choice on the consent page grants. Operate includes read; never more than was asked. */
export function grantedScopes(requested: string[], ownerChoice: 'read' | 'operate'): string[] {
  return ownerChoice === 'operate' && requested.includes(SCOPE_OPERATE) ? [SCOPE_READ, SCOPE_OPERATE] : [SCOPE_READ];
}

/**
 * Pure: the config a session of these scopes runs under. Without mcp:operate the policy is put in
 * read-only mode, so the read-only tool set and command list apply, as for policy.mode "read-only".
 * A configured read-only mode is never widened.
 */
export function configForScopes(config: Config, scopes: readonly string[] | undefined): Config {
  if (scopes === undefined || scopes.includes(SCOPE_OPERATE)) return config;
  return { ...config, policy: { ...config.policy, mode: 'read-only' } };
}
