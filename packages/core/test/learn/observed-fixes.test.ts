import { describe, expect, test } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, hostActionOf, IncidentEngine, observedFix, readHostActions, type HostAction } from '@ldm/core';

const at = (min: number) => new Date(Date.parse('2026-03-01T10:00:00Z') + min * 60_000).toISOString();
const audit = (min: number, tool: string, args: unknown, extra: Record<string, unknown> = {}) => ({ time: at(min), tool, args, decision: 'allow', isError: false, durationMs: 5, ...extra });

describe('which tool calls changed the host', () => {
  test('service actions, file writes, package actions and host commands count; sandboxed, refused and failed calls do not', () => {
    expect(hostActionOf(audit(1, 'service_action', { unit: 'nginx', action: 'restart' }))).toMatchObject({ action: 'systemctl restart nginx.service', subjects: ['nginx.service'] });
    expect(hostActionOf(audit(1, 'write_file', { path: '/etc/nginx/nginx.conf', content: 'x' }))).toMatchObject({ action: 'write_file /etc/nginx/nginx.conf', commands: [] });
    expect(hostActionOf(audit(1, 'package_action', { action: 'install', packages: ['fail2ban'] }))).toMatchObject({ commands: ['apt-get install -y fail2ban'] });
    expect(hostActionOf(audit(1, 'run_command', { command: 'journalctl --vacuum-size=200M', host: true }, { exitCode: 0 }))).toMatchObject({ commands: ['journalctl --vacuum-size=200M'] });
    expect(hostActionOf(audit(1, 'run_command', { command: 'rm -rf /var/cache/x' }, { exitCode: 0 }))).toBeNull();
    expect(hostActionOf(audit(1, 'service_action', { unit: 'nginx', action: 'restart' }, { decision: 'deny', isError: true }))).toBeNull();
    expect(hostActionOf(audit(1, 'run_command', { command: 'false', host: true }, { exitCode: 1 }))).toBeNull();
    expect(hostActionOf(audit(1, 'read_file', { path: '/etc/passwd' }))).toBeNull();
  });

  test('an incident is taught the changes to its subject made while it was open; with none, the few made meanwhile, less surely', () => {
    const a = (min: number, action: string, subjects: string[] = []): HostAction => ({ time: at(min), action, commands: [action], subjects });
    const actions = [a(-5, 'systemctl restart nginx.service', ['nginx.service']), a(2, 'systemctl stop apache2.service', ['apache2.service']), a(3, 'systemctl restart nginx.service', ['nginx.service'])];
    expect(observedFix({ time: at(0), subject: 'nginx.service' }, actions, at(10))).toEqual({ action: 'systemctl restart nginx.service', commands: ['systemctl restart nginx.service'], confidence: 0.9 });
    expect(observedFix({ time: at(0), subject: 'redis.service' }, actions, at(10))).toMatchObject({ confidence: 0.5, commands: ['systemctl stop apache2.service', 'systemctl restart nginx.service'] });
    expect(observedFix({ time: at(0), subject: 'redis.service' }, actions, at(1))).toBeNull();
    // A command that names the unit touches it; "/" (the whole disk) is no subject to match on.
    expect(observedFix({ time: at(0), subject: 'cron.service' }, [a(1, 'sed -i s/x/y/ /etc/crontab && systemctl restart cron')], at(2))?.confidence).toBe(0.9);
    expect(observedFix({ time: at(0), subject: '/' }, Array.from({ length: 4 }, (_, i) => a(i + 1, `write_file /etc/x${i}`, [`/etc/x${i}`])), at(9))).toBeNull();
  });
});

describe('the engine learns what was done', () => {
  async function setup() {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-observed-'));
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const log: unknown[] = [];
    const engine = new IncidentEngine(new DocumentStore({ stateDir: dir }), {
      now: () => new Date(clock),
      hostActions: async () => {
        await writeFile(join(dir, 'audit.log'), log.map((l) => JSON.stringify(l)).join('\n'));
        return readHostActions(dir, '');
      },
    });
    return { engine, dir, log, now: () => new Date(clock).toISOString(), advance: (min: number) => (clock += min * 60_000) };
  }
  const failure = { source: 'healthcheck' as const, severity: 'crit' as const, subject: 'nginx.service', summary: 'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)' };
  const didFix = (env: Awaited<ReturnType<typeof setup>>) => {
    env.log.push({ time: env.now(), tool: 'run_command', args: { command: 'ss -ltnp' }, decision: 'allow', exitCode: 0, isError: false, durationMs: 3 });
    env.log.push({ time: env.now(), tool: 'service_action', args: { unit: 'apache2', action: 'stop' }, decision: 'allow', exitCode: 0, isError: false, durationMs: 3 });
    env.log.push({ time: env.now(), tool: 'service_action', args: { unit: 'nginx', action: 'restart' }, decision: 'allow', exitCode: 0, isError: false, durationMs: 3 });
  };

  test('a cleared incident teaches the changes made to its unit; suggested only once they worked a second time', async () => {
    const env = await setup();
    const first = await env.engine.record(failure);
    env.advance(2);
    didFix(env);
    env.advance(3);
    await env.engine.clear('healthcheck', 'nginx.service');
    const pattern = (await env.engine.exportPatterns()).patterns.find((p) => p.id === first.pattern.id)!;
    expect(pattern.resolutions).toEqual([expect.objectContaining({ action: 'systemctl restart nginx.service', learnedFrom: 'observed', confidence: 0.9, successes: 1 })]);
    expect(await env.engine.findKnownFixes(failure.summary, 'nginx.service')).toEqual([]);

    env.advance(60);
    const second = await env.engine.record(failure);
    expect(second.suggestion).toBeNull();
    env.advance(1);
    didFix(env);
    await env.engine.clear('healthcheck', 'nginx.service');
    const [fix] = await env.engine.findKnownFixes(failure.summary, 'nginx.service');
    expect(fix).toMatchObject({ commands: ['systemctl restart nginx.service'], successes: 2 });
  });

  test('resolve_incident without commands learns what was done too; the fix it states comes first', async () => {
    const env = await setup();
    const first = await env.engine.record({ ...failure, source: 'mcp' });
    env.advance(1);
    didFix(env);
    const { pattern } = await env.engine.resolve({ id: first.incident.id, resolution: 'freed port 80', worked: true });
    expect(pattern!.resolutions.map((r) => [r.action, r.learnedFrom])).toEqual([['freed port 80', 'stated'], ['systemctl restart nginx.service', 'observed']]);
    const [fix] = await env.engine.findKnownFixes(failure.summary, 'nginx.service');
    expect(fix?.action).toBe('freed port 80');
  });

  test('an unreadable audit log teaches nothing and fails nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-observed-'));
    const engine = new IncidentEngine(new DocumentStore({ stateDir: dir }), { hostActions: async () => { throw new Error('EACCES'); } });
    const r = await engine.record(failure);
    expect(await engine.clear('healthcheck', 'nginx.service')).toEqual([r.incident.id]);
  });
});

test('readHostActions reads the audit log and its last rotation, oldest first, from a time on', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ldm-audit-'));
  await writeFile(join(dir, 'audit.log.1'), `${JSON.stringify(audit(1, 'service_action', { unit: 'a', action: 'restart' }))}\n`);
  await writeFile(join(dir, 'audit.log'), `not json\n${JSON.stringify(audit(3, 'service_action', { unit: 'c', action: 'restart' }))}\n${JSON.stringify(audit(2, 'service_action', { unit: 'b', action: 'restart' }))}\n`);
  expect((await readHostActions(dir, at(0))).map((a) => a.subjects[0])).toEqual(['a.service', 'b.service', 'c.service']);
  expect((await readHostActions(dir, at(2))).map((a) => a.subjects[0])).toEqual(['b.service', 'c.service']);
  expect(await readHostActions(join(dir, 'none'), '')).toEqual([]);
});
