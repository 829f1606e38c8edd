import { describe, expect, test } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, IncidentEngine } from '@ldm/core';
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
