import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuthFile } from '../../../src/http/auth/oauth-file';
import { formatGrants, newPairCode, runOwnerCommand } from '../../../src/http/auth/owner-cli';
import { issueGrant } from '../../../src/http/auth/grant-book';

function setup(isRoot = true) {
  const file = new OAuthFile(join(mkdtempSync(join(tmpdir(), 'ldm-owner-')), 'state', 'oauth.json'));
  const out: string[] = [];
  const err: string[] = [];
  const deps = { file, now: Date.now, out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isRoot, pairTtlMs: 600_000, pairAttempts: 5, connectorUrl: 'https://h.example/mcp' };
  return { file, out, err, deps };
}

describe('ldm-mcp-server pair / grants', () => {
  test('not root: nothing is written and the exit code is 77', async () => {
    const { file, deps, err } = setup(false);
    expect(await runOwnerCommand('pair', [], deps)).toBe(77);
    expect(existsSync(file.path)).toBe(false);
    expect(err.join('')).toContain('root');
  });

  test('pair prints a fresh code each time, stores only its hash, and shows the connector URL', async () => {
    const { file, deps, out } = setup();
    await runOwnerCommand('pair', [], deps);
    await runOwnerCommand('pair', [], deps);
    const codes = out.join('').match(/Pairing code: (\S+)/g)!;
    expect(codes).toHaveLength(2);
    expect(codes[0]).not.toBe(codes[1]);
    expect(out.join('')).toContain('https://h.example/mcp');
    const doc = await file.read();
    expect(JSON.stringify(doc)).not.toContain(codes[1]!.split(' ')[2]!.replace('-', ''));
    expect(doc.pair?.attemptsLeft).toBe(5);
  });

  test('grants revoke of an unknown id fails and changes nothing; bad operands are usage errors', async () => {
    const { file, deps } = setup();
    await file.update((doc) => void issueGrant(doc, { clientId: 'c', clientName: 'C', redirectHost: 'claude.ai', scopes: ['mcp:read'], resource: 'https://h/mcp' }, 'g_0000000a', { access: 'a', refresh: 'r' }, Date.now(), { accessTtlMs: 1e6, refreshTtlMs: 1e9, maxGrants: 5 }));
    expect(await runOwnerCommand('grants', ['revoke', 'g_ffffffff'], deps)).toBe(1);
    expect((await file.read()).grants).toHaveLength(1);
    expect(await runOwnerCommand('grants', ['delete', 'g_0000000a'], deps)).toBe(64);
    expect(await runOwnerCommand('pair', ['extra'], deps)).toBe(64);
    expect(await runOwnerCommand('grants', ['revoke', 'g_0000000a'], deps)).toBe(0);
    expect((await file.read()).grants).toHaveLength(0);
  });

  test('codes avoid look-alike characters; the table has one row per grant', () => {
    for (let i = 0; i < 50; i++) expect(newPairCode()).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(formatGrants([])).toContain('No OAuth grants');
  });
});
