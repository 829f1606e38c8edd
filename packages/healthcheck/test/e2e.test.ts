import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eEnv, ROOT } from '../../core/test/checks/e2e-env';

const FAILED = 'nginx.service loaded failed failed A high performance web server\n';

async function sandbox() {
  const env = await e2eEnv();
  env.answer('systemctl', "'list-units --failed'*", FAILED);
  env.answer('timedatectl', "'show '*", 'NTP=yes\nNTPSynchronized=yes\n');
  env.answer('journalctl', "'-k '*", '-- No entries --\n');
  env.answer('journalctl', "'--priority err '*", '');
  return env;
}

describe('ldm-healthcheck bundle', () => {
  test('--once --json: warn exit 1 twice with one deduped incident, then ok exit 0 and the incident cleared', async () => {
    const env = await sandbox();
    const first = env.run('ldm-healthcheck', ['--once', '--json']);
    expect(first.stderr).not.toMatch(/<3>/);
    expect(first.status).toBe(1);
    const a = JSON.parse(first.stdout);
    expect(a.status).toBe('warn');
    expect(a.checks.find((c: { id: string }) => c.id === 'failed-units')).toMatchObject({ status: 'warn', message: 'failed: nginx.service' });
    expect(a.incidents).toHaveLength(1);
    const second = JSON.parse(env.run('ldm-healthcheck', ['--once', '--json']).stdout);
    expect(second.incidents).toEqual(a.incidents);
    const incidents = JSON.parse(readFileSync(join(env.stateDir, 'incidents.json'), 'utf8')).incidents;
    expect(incidents).toEqual([expect.objectContaining({ count: 2, status: 'open', subject: 'nginx.service' })]);

    env.answer('systemctl', "'list-units --failed'*", '');
    const healed = env.run('ldm-healthcheck', ['--once']);
    expect(healed.status).toBe(0);
    expect(healed.stdout.split('\n')[0]).toMatch(/^OK - \d+ checks ok.* \| /);
    const after = JSON.parse(readFileSync(join(env.stateDir, 'incidents.json'), 'utf8')).incidents;
    expect(after[0].status).toBe('resolved');
    expect(env.calls()).toEqual(expect.arrayContaining(['systemctl list-units --failed --plain --no-legend --no-pager']));
  });

  test('text mode: WARNING first line with perfdata', async () => {
    const env = await sandbox();
    const r = env.run('ldm-healthcheck', ['--once']);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^WARNING - failed-units: failed: nginx\.service \| .*memory\.available_pct=60%/);
  });

  test('a bad config exits 78 and names the key', async () => {
    const env = await sandbox();
    writeFileSync(env.configFile, JSON.stringify({ healthcheck: { checks: { disk: { warn: 'high' } } } }));
    const r = env.run('ldm-healthcheck', ['--once']);
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('healthcheck.checks.disk.warn');
  });

  test('against the real /proc of this machine: does not crash, prints the contract', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-hc-real-'));
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'ldm-healthcheck.mjs'), '--once', '--json', '--state-dir', dir, '--config', join(dir, 'none.json')], { encoding: 'utf8', timeout: 60_000 });
    expect([0, 1, 2]).toContain(r.status);
    const out = JSON.parse(r.stdout);
    expect(['ok', 'warn', 'crit']).toContain(out.status);
    expect(out.checks).toHaveLength(11);
    for (const c of out.checks) expect(['ok', 'warn', 'crit', 'skipped', 'failed']).toContain(c.status);
    expect(out.checks.find((c: { id: string }) => c.id === 'memory').status).not.toBe('failed');
  });
});

describe('learned fixes, through the policy and the real host runner', () => {
  // Seeds a fix the way the MCP server learns one: incidents resolved with it, worked each time.
  async function learn(stateDir: string, commands: string[]) {
    const { DocumentStore, IncidentEngine } = await import('@ldm/core');
    const engine = new IncidentEngine(new DocumentStore({ stateDir }), {});
    for (let i = 0; i < 4; i++) {
      const o = await engine.record({ source: 'healthcheck', severity: 'warn', summary: 'unit nginx.service has failed', subject: 'nginx.service', stateOnly: true });
      await engine.resolve({ id: o.incident.id, resolution: 'fixed', commands, worked: true });
    }
  }

  async function hostWith(commands: string[]) {
    // The human pre-authorised every systemctl and rm command: only the policy stands in the way.
    const env = await e2eEnv({ learn: { autoRemediation: true, autoRemediationAllow: ['systemctl', 'rm'] } });
    env.answer('systemctl', "'list-units --failed'*", FAILED);
    env.answer('timedatectl', "'show '*", 'NTP=yes\nNTPSynchronized=yes\n');
    env.answer('journalctl', "'-k '*", '-- No entries --\n');
    env.answer('journalctl', "'--priority err '*", '');
    env.answer('systemctl', "'restart nginx.service'", '');
    env.answer('systemctl', "'stop '*", '');
    // A canary rm first on PATH: were the fix run, it would be this one, and it leaves a mark.
    writeFileSync(join(env.dir, 'bin', 'rm'), `#!/bin/sh\necho "rm $*" >> '${join(env.dir, 'calls.log')}'\n`, { mode: 0o755 });
    await learn(env.stateDir, commands);
    return env;
  }

  test.each([[['systemctl stop ldm-healthcheck.timer']], [['rm -rf /etc']], [['systemctl restart nginx.service', 'rm -rf /etc']]])(
    'a denied fix never reaches the host: %j',
    async (commands) => {
      const env = await hostWith(commands);
      const r = env.run('ldm-healthcheck', ['--once', '--json']);
      const out = JSON.parse(r.stdout);
      expect(out.actions).toEqual([]);
      expect(out.suggestions[0]).toMatch(/never applied automatically: .* is denied by policy rule builtin:deny:/);
      expect(env.calls().filter((c) => /^rm |^systemctl (stop|restart)/.test(c))).toEqual([]);
    },
  );

  test('an allowed, pre-authorised fix runs through the same runner (the control)', async () => {
    const env = await hostWith(['systemctl restart nginx.service']);
    const out = JSON.parse(env.run('ldm-healthcheck', ['--once', '--json']).stdout);
    expect(out.actions).toEqual([expect.stringMatching(/^auto-remediation: ran systemctl restart nginx.service for pattern /)]);
    expect(env.calls()).toContain('systemctl restart nginx.service');
  });
});
