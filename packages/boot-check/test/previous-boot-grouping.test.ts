import { describe, expect, test } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, IncidentEngine, PatternCheckSchema } from '@ldm/core';
import { signatureMatcher } from '../src/pattern-checks';
import { groupProblems, type JournalEntry } from '../src/previous-boot';

const entry = (k: number, message: string): JournalEntry => ({ cursor: `c${k}`, message, subject: 'cron.service', identifier: 'CRON', priority: 3, kernel: false });

describe('previous-boot problems grouped by the incident engine\'s log parser', () => {
  test('lines of one event with other plain-word values are one problem; masking alone splits them', async () => {
    const entries = ['cyrus', 'news', 'games', 'mail'].map((u, k) => entry(k, `pam_unix(cron:session): session closed for user ${u} after job`));
    entries.push(entry(9, 'pam_unix(cron:session): session opened for user root by (uid=0)'));
    expect(groupProblems(entries)).toHaveLength(5);
    const engine = new IncidentEngine(new DocumentStore({ stateDir: await mkdtemp(join(tmpdir(), 'ldm-boot-group-')) }));
    const ids = (await engine.fingerprintsOf(entries.map((e) => e.message))).map((r) => r.fingerprint);
    const problems = groupProblems(entries, 30, ids);
    expect(problems.map((p) => p.count)).toEqual([4, 1]);
    expect(problems[0]!.fingerprint).toBe(ids[0]);
  });
});

describe('previous-boot problems from huge lines', () => {
  test('a 10 MB journal line and a 10 MB stored signature are handled in bounded time', () => {
    const started = performance.now();
    const problems = groupProblems([entry(1, '1'.repeat(10_000_000)), entry(2, 'x '.repeat(5_000_000))]);
    expect(problems).toHaveLength(2);
    const check = PatternCheckSchema.parse({ kind: 'journal-absent', signature: `${'<*> 7 '.repeat(2_000_000)}` });
    const matches = signatureMatcher(check.kind === 'journal-absent' ? check.signature : '');
    expect(matches('9'.repeat(10_000_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test('a signature matches its parts in order, case aside, and not out of order', () => {
    const matches = signatureMatcher('Failed <*> Unit <*>.');
    expect(matches('failed to start unit nginx.service.')).toBe(true);
    expect(matches('unit x. failed')).toBe(false);
  });
});
