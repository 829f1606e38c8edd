import { describe, expect, test } from '@jest/globals';
import { emptyDocument, entryLine, flagGroups, groupLines, journalErrorsCheck, muteMatcher, parseConfig, parseJournalJson, runChecks, type CheckDeps, type JournalEntry } from '@ldm/core';
import { fakeDeps, fakeRunCommand, ok, tmpDir, writeProc } from './proc-fixture';

const T = Date.parse('2026-11-24T10:00:00Z');
let seq = 0;
/** One `journalctl -o json` entry as journald prints it. */
export function entry(message: string, fields: { unit?: string; ident?: string; pid?: number; kernel?: boolean; managerUnit?: string } = {}): string {
  seq++;
  return JSON.stringify({
    __CURSOR: `s=abc;i=${seq.toString(16)}`,
    __REALTIME_TIMESTAMP: String((T + seq * 1000) * 1000),
    MESSAGE: message,
    _HOSTNAME: 'web-1',
    ...(fields.kernel ? { _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel' } : { _TRANSPORT: 'syslog', SYSLOG_IDENTIFIER: fields.ident ?? 'nginx', _PID: String(fields.pid ?? 812) }),
    ...(fields.unit ? { _SYSTEMD_UNIT: fields.unit } : {}),
    ...(fields.managerUnit ? { UNIT: fields.managerUnit, _SYSTEMD_UNIT: 'init.scope' } : {}),
  });
}

async function run(stdout: string | ((argv: string[]) => string), config: unknown = {}, memory: Record<string, unknown> = {}, calls: string[][] = []) {
  const root = await writeProc(await tmpDir(), {});
  const journal = fakeRunCommand({ journalctl: (argv) => ok(typeof stdout === 'string' ? stdout : stdout(argv)) }, calls);
  const deps: Partial<CheckDeps> = { runCommand: journal, systemdRunning: async () => true, now: () => new Date(T) };
  const { reports, memory: after } = await runChecks({ checks: [journalErrorsCheck], deps: fakeDeps(root, deps), config: parseConfig(config, 'test'), state: emptyDocument('state'), memory });
  return { ...reports[0]!, memory: after };
}

const BIND = (port: number) => `nginx: [emerg] bind() to 0.0.0.0:${port} failed (98: Address already in use)`;

describe('reading journalctl -o json', () => {
  test('entries carry the unit (UNIT for the manager\'s lines), a short-iso line, and no control characters', () => {
    const out = [
      entry(BIND(80), { unit: 'nginx.service' }),
      entry("nginx.service: Failed with result 'exit-code'.", { ident: 'systemd', pid: 1, managerUnit: 'nginx.service' }),
      entry('Out of memory: Killed process 4242 (node)', { kernel: true }),
      JSON.stringify({ __CURSOR: 's=abc;i=ff', MESSAGE: [104, 105, 27, 91, 50, 74] }),
      'not json',
    ].join('\n');
    const { entries, cursor } = parseJournalJson(out);
    expect(cursor).toBe('s=abc;i=ff');
    expect(entries.map((e) => e.unit)).toEqual(['nginx.service', 'nginx.service', 'kernel', 'unknown']);
    expect(entryLine(entries[1]!)).toMatch(/^2026-11-24T10:00:\d\d\+0000 localhost systemd\[1\]: nginx\.service: Failed/);
    expect(entryLine(entries[2]!)).toMatch(/ localhost kernel: Out of memory/);
    expect(entries[3]!.message).toBe('hi [2J');
  });
});

describe('grouping and flagging', () => {
  const e = (message: string, unit = 'nginx.service'): JournalEntry => ({ unit, ident: 'x', pid: 1, message, usec: '0' });
  const templateOf = (m: string) => ({ template: m.replace(/\d+/g, '<*>'), fingerprint: m.replace(/\d+/g, '#') });

  test('lines group by unit and template; mute entries match whole messages with <*> as any text', () => {
    const mute = muteMatcher(['pam_unix(cron:session): session opened for user <*>']);
    const { groups, muted } = groupLines([e(BIND(80)), e(BIND(8080)), e(BIND(80), 'other.service'), e('pam_unix(cron:session): session opened for user root by (uid=0)')], templateOf, mute);
    expect(muted).toBe(1);
    expect(groups.map((g) => [g.unit, g.count])).toEqual([['nginx.service', 2], ['other.service', 1]]);
    expect(muteMatcher(['session opened'])('pam_unix(cron:session): session opened for user root')).toBe(false);
  });

  test('a new group is flagged, a known one only when it bursts; the baseline flags nothing; memory stays bounded', () => {
    const opts = { now: new Date(T), burstFactor: 4, burstMin: 20, baseline: false };
    const g = (count: number) => groupLines(Array.from({ length: count }, () => e(BIND(80))), templateOf, () => false).groups;
    const first = flagGroups(g(3), {}, { ...opts, baseline: true });
    expect(first.flagged).toEqual([]);
    expect(flagGroups(g(3), {}, opts).flagged.map((f) => f.reason)).toEqual(['new']);
    expect(flagGroups(g(10), first.memory, opts).flagged).toEqual([]);
    expect(flagGroups(g(30), first.memory, opts).flagged.map((f) => f.reason)).toEqual(['burst']);
    const many = groupLines(Array.from({ length: 400 }, (_, i) => e(`error ${'x'.repeat(i % 20)} in module m${i}`, `u${i}.service`)), (m) => ({ template: m, fingerprint: m }), () => false).groups;
    expect(Object.keys(flagGroups(many, {}, opts).memory)).toHaveLength(300);
  });
});

describe('the journal check', () => {
  test('first run learns a baseline from the look-back; the next run after its cursor records new groups per unit, cause line first', async () => {
    const calls: string[][] = [];
    const base = await run([entry('worker: transient error talking to redis', { unit: 'worker.service' })].join('\n'), {}, {}, calls);
    expect(calls[0]).toEqual(expect.arrayContaining(['--priority', 'err', '--since', '-15min', '--lines', '10000']));
    expect(base.status).toBe('ok');
    expect(base.message).toMatch(/1 error line in the last 15 min \(baseline\)/);
    const out = [
      entry("nginx.service: Failed with result 'exit-code'.", { ident: 'systemd', pid: 1, managerUnit: 'nginx.service' }),
      entry(BIND(80), { unit: 'nginx.service' }),
      entry('worker: transient error talking to redis', { unit: 'worker.service' }),
      entry('pam_unix(sudo:auth): conversation failed', { unit: 'session-4.scope', ident: 'sudo' }),
    ].join('\n');
    const calls2: string[][] = [];
    const next = await run(out, { healthcheck: { journal: { mute: ['pam_unix(sudo:auth): conversation failed'] } } }, base.memory, calls2);
    expect(calls2[0]).toEqual(expect.arrayContaining(['--after-cursor', (base.memory.journal as { cursor: string }).cursor]));
    expect(next.status).toBe('warn');
    expect(next.message).toMatch(/4 error lines since the last run in 3 groups, 1 muted; new errors: nginx\.service/);
    expect(next.findings).toEqual([
      expect.objectContaining({ subject: 'nginx.service', summary: expect.stringContaining(BIND(80)), fromJournal: true, evidence: [expect.stringContaining('Failed with result'), expect.stringContaining(BIND(80))] }),
    ]);
    expect(next.metrics).toMatchObject({ journal_error_lines: 4, journal_new: 2, journal_muted: 1 });
  });

  test('a quiet journal gives no cursor: the next run starts from the first run\'s time and is no baseline', async () => {
    const calls: string[][] = [];
    const quiet = await run('', {}, {}, calls);
    expect(quiet.memory.journal).toMatchObject({ since: Math.floor(T / 1000) - 1 });
    const next = await run(entry(BIND(80), { unit: 'nginx.service' }), {}, quiet.memory, calls);
    expect(calls[1]).toEqual(expect.arrayContaining(['--since', `@${Math.floor(T / 1000) - 1}`]));
    expect(next.findings!.map((f) => f.subject)).toEqual(['nginx.service']);
    expect(next.memory.journal).toMatchObject({ cursor: expect.any(String) });
  });

  test('a noisy run records at most 3 units; the others stay new and are recorded by the next run', async () => {
    const base = await run(entry('worker: transient error', { unit: 'worker.service' }));
    const units = ['a', 'b', 'c', 'd', 'e'];
    const out = units.map((u, i) => Array.from({ length: 5 - i }, () => entry(`${u}: failed to open /var/lib/${u}/db: Permission denied`, { unit: `${u}.service`, ident: u }))).flat().join('\n');
    const first = await run(out, {}, base.memory);
    expect(first.findings!.map((f) => f.subject)).toEqual(['a.service', 'b.service', 'c.service']);
    expect(first.message).toMatch(/2 more units next run/);
    const second = await run(out, {}, first.memory);
    expect(second.findings!.map((f) => f.subject)).toEqual(['d.service', 'e.service']);
  });

  test('a mute entry of fewer than 3 characters besides <*> is a config error naming the key', () => {
    expect(() => parseConfig({ healthcheck: { journal: { mute: ['<*>'] } } }, 'test')).toThrow(/healthcheck\.journal\.mute/);
  });
});
