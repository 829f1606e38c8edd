import { describe, expect, test } from '@jest/globals';
import { ConfigSchema } from '@ldm/core';
import { configForScopes, grantedScopes, knownScopes } from '../../../src/http/auth/scopes';

describe('scopes', () => {
  const config = ConfigSchema.parse({});
  test('without mcp:operate the policy is read-only; with it, the configured one; the bearer token (no scopes) too', () => {
    expect(configForScopes(config, ['mcp:read']).policy.mode).toBe('read-only');
    expect(configForScopes(config, []).policy.mode).toBe('read-only');
    expect(configForScopes(config, ['mcp:read', 'mcp:operate']).policy.mode).toBe(config.policy.mode);
    expect(configForScopes(config, undefined)).toBe(config);
  });

  test('a configured read-only mode is never widened', () => {
    const ro = ConfigSchema.parse({ policy: { mode: 'read-only' } });
    expect(configForScopes(ro, ['mcp:operate']).policy.mode).toBe('read-only');
  });

  test('unknown scopes are dropped, none means read; the owner can only narrow', () => {
    expect(knownScopes(['admin', 'mcp:operate'])).toEqual(['mcp:operate']);
    expect(knownScopes(undefined)).toEqual(['mcp:read']);
    expect(grantedScopes(['mcp:read'], 'operate')).toEqual(['mcp:read']);
    expect(grantedScopes(['mcp:operate'], 'read')).toEqual(['mcp:read']);
    expect(grantedScopes(['mcp:operate'], 'operate')).toEqual(['mcp:read', 'mcp:operate']);
  });
});
