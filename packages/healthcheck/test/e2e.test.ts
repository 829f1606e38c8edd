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
    expect(out.checks).toHaveLength(10);
    for (const c of out.checks) expect(['ok', 'warn', 'crit', 'skipped', 'failed']).toContain(c.status);
    expect(out.checks.find((c: { id: string }) => c.id === 'memory').status).not.toBe('failed');
  });
});
