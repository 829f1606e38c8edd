import { describe, test, expect } from '@jest/globals';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, redactSecrets, silentLogger } from '@ldm/core';
import { AuditLog, auditLine, shortenForAudit } from '../../src/audit/audit-log';
import { Heartbeat } from '../../src/heartbeat/heartbeat';
import { redactDeep, toCallToolResult } from '../../src/server/tool-result';
import { pendingApprovalRefusal, declinedRefusal, howToAllow } from '../../src/policy/confirm-text';

const entry = (args: unknown) => ({ time: '2026-11-24T05:00:00Z', tool: 'run_command', args, decision: 'allow', exitCode: 0, isError: false, durationMs: 3 });

describe('audit log', () => {
  test('lines are JSON with secrets redacted and long strings cut', () => {
    const line = auditLine(entry({ command: 'mysql --password=hunter2', content: 'y'.repeat(10_000) }), redactSecrets);
    const parsed = JSON.parse(line);
    expect(line).not.toContain('hunter2');
    expect(parsed.args.content.length).toBeLessThan(2200);
    expect(shortenForAudit({ a: ['x'.repeat(3000)] })).toEqual({ a: [expect.stringMatching(/…\(\+952 chars\)$/)] });
  });

  test('file is mode 0640 and rotates when it would pass maxBytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-audit-'));
    const file = join(dir, 'log', 'audit.log');
    const log = new AuditLog({ file, maxBytes: 600, files: 2, redact: redactSecrets });
    for (let i = 0; i < 12; i++) await log.append(entry({ i }));
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(statSync(file).size).toBeLessThanOrEqual(600);
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    const last = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).args.i);
    expect(last.at(-1)).toBe(11);
  });
});

describe('heartbeat', () => {
  test('start writes the session, touch is throttled, stop removes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-hb-'));
    const store = new DocumentStore({ stateDir: dir, logger: silentLogger });
    let t = Date.parse('2026-11-24T05:00:00Z');
    const hb = new Heartbeat({ store, logger: silentLogger, pid: 4242, bootId: 'b', now: () => new Date(t), throttleMs: 10_000, intervalMs: 3_600_000 });
    await hb.start();
    const s1 = (await store.read('state')).sessions;
    expect(s1).toEqual([expect.objectContaining({ pid: 4242, startedAt: '2026-11-24T05:00:00.000Z', lastActivity: '2026-11-24T05:00:00.000Z', bootId: 'b', transport: 'stdio' })]);
    t += 5_000;
    hb.touch();
    await hb.settled();
    expect((await store.read('state')).sessions[0]!.lastActivity).toBe('2026-11-24T05:00:00.000Z');
    t += 6_000;
    hb.touch();
    await hb.settled();
    expect((await store.read('state')).sessions[0]).toMatchObject({ lastActivity: '2026-11-24T05:00:11.000Z', lastRequest: '2026-11-24T05:00:11.000Z' });
    await hb.stop();
    expect((await store.read('state')).sessions).toEqual([]);
  });

  test('before start, touches write nothing and the request time is kept for the first beat; stop writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-hb-'));
    const store = new DocumentStore({ stateDir: dir, logger: silentLogger });
    const t = Date.parse('2026-11-24T05:00:00Z');
    const hb = new Heartbeat({ store, logger: silentLogger, pid: 77, now: () => new Date(t), intervalMs: 3_600_000 });
    hb.touch();
    await hb.settled();
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
    await hb.start();
    expect((await store.read('state')).sessions).toEqual([expect.objectContaining({ pid: 77, lastRequest: '2026-11-24T05:00:00.000Z' })]);
    await hb.stop();

    await hb.start(); // after stop: nothing is written again
    expect((await store.read('state')).sessions).toEqual([]);

    const never = new Heartbeat({ store: new DocumentStore({ stateDir: join(dir, 'other'), logger: silentLogger }), logger: silentLogger, pid: 78 });
    await never.stop();
    expect(existsSync(join(dir, 'other', 'state.json'))).toBe(false);
  });

  test('other sessions are left alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-hb-'));
    const store = new DocumentStore({ stateDir: dir, logger: silentLogger });
    await store.update('state', (d) => void d.sessions.push({ pid: 1, startedAt: 'a', lastActivity: 'a', transport: 'stdio' }));
    const hb = new Heartbeat({ store, logger: silentLogger, pid: 2, intervalMs: 3_600_000 });
    await hb.start();
    await hb.stop();
    expect((await store.read('state')).sessions.map((s) => s.pid)).toEqual([1]);
  });
});

describe('tool results', () => {
  test('structuredContent and its readable summary carry the same redacted content', () => {
    const r = toCallToolResult({ structured: { stdout: 'token=abc123', n: 1 }, notes: ['note with password=s3cr3t'] }, redactSecrets);
    expect(r.structuredContent).toEqual({ stdout: 'token=[REDACTED]', n: 1 });
    expect((r.content[0] as { text: string }).text).toBe('stdout: token=[REDACTED]\nn: 1');
    expect((r.content[1] as { text: string }).text).not.toContain('s3cr3t');
    expect(redactDeep({ a: [{ b: 'secret=1' }] }, redactSecrets)).toEqual({ a: [{ b: 'secret=[REDACTED]' }] });
  });

  test('a pending approval tells the model the host command and the id, and the human a config route', () => {
    const p = { tool: 'run_command', action: 'curl x | sh', rule: 'default:confirm:pipe-to-shell', reason: 'runs what it downloads' };
    const now = new Date('2026-11-24T05:00:00Z');
    const approval = {
      id: 'abcd2345', tool: 'run_command', action: p.action, actionCut: false, details: {}, hash: '0'.repeat(64), rule: p.rule, reason: p.reason,
      session: { key: '1'.repeat(64), label: 'test' }, requestedAt: now.toISOString(), expiresAt: '2026-11-24T05:10:00Z', status: 'pending' as const,
    };
    const text = pendingApprovalRefusal(p, approval, '/opt/ldm/bin/ldm-mcp-server approve', 'unsupported', '/etc/linux-devops-mcp/config.json', now);
    expect(text).toContain('sudo /opt/ldm/bin/ldm-mcp-server approve abcd2345');
    expect(text).toContain('approval_id "abcd2345"');
    expect(text).toContain('add a policy.allow rule matching "curl x | sh" in /etc/linux-devops-mcp/config.json');
    expect(declinedRefusal(p, 'decline')).toContain('declined');
  });
});

test('howToAllow follows the policy order: config rules by index, default ones by allow, built-in ones only by mode', () => {
  const f = '/etc/ldm.json';
  expect(howToAllow('config:policy.confirm[2]', 'x', f)).toBe('remove or narrow policy.confirm[2] in /etc/ldm.json');
  expect(howToAllow('config:policy.paths.confirmWrite[0]', 'write /srv/prod/a', f)).toBe('remove or narrow policy.paths.confirmWrite[0] in /etc/ldm.json');
  expect(howToAllow('default:confirm:run-script', 'bash x.sh', f)).toBe('add a policy.allow rule matching "bash x.sh" in /etc/ldm.json');
  expect(howToAllow('builtin:confirm:system-write', 'write /etc/x', f)).toMatch(/only policy.mode "unrestricted" in \/etc\/ldm.json/);
  expect(howToAllow('something-new', 'x', f)).toContain('docs/policy.md');
});
