import { describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eEnv } from '../../core/test/checks/e2e-env';
import { BOOT_A, BOOT_B } from '../../core/test/checks/proc-fixture';

const line = (fields: Record<string, unknown>, i: number) => JSON.stringify({ __CURSOR: `c${i}`, PRIORITY: '3', ...fields });

describe('ldm-boot-check bundle', () => {
  test('a simulated reboot (boot id changed in the fixture): report in state.json lastBoot, incidents recorded, exit reflects the worst', async () => {
    const env = await e2eEnv({}, { bootId: BOOT_B, uptime: '40.0 30.0\n' });
    mkdirSync(env.stateDir, { recursive: true });
    writeFileSync(
      join(env.stateDir, 'state.json'),
      JSON.stringify({ version: 1, lastBoot: { bootId: BOOT_A, previousBootId: null, rebooted: false, cleanShutdown: null, at: '2026-11-20T00:00:00Z', checked: [], found: [], open: [] } }),
    );
    env.answer('journalctl', "*'-b -1 --no-pager -n 40 -o cat'*", 'Started foo.\nReached target System Power Off.\n');
    env.answer('journalctl', "*'-b -1 --no-pager -p err'*", `${line({ MESSAGE: 'Failed to start redis-server.service - Redis.', SYSLOG_IDENTIFIER: 'systemd', UNIT: 'redis-server.service' }, 1)}\n`);
    env.answer('journalctl', "*'-b -1 --no-pager -k'*", `${line({ MESSAGE: 'Kernel panic - not syncing: Fatal exception', _TRANSPORT: 'kernel', PRIORITY: '0' }, 2)}\n`);
    env.answer('journalctl', "'-k '*", '-- No entries --\n');
    env.answer('journalctl', "'-b 0 '*", 'Started redis-server.service.\n');
    env.answer('systemctl', "'show redis-server.service '*", 'LoadState=loaded\nActiveState=active\nSubState=running\nResult=success\nType=notify\n');
    env.answer('systemctl', "'list-units --failed'*", '');
    env.answer('timedatectl', "'show '*", 'NTP=yes\nNTPSynchronized=no\n');

    const r = env.run('ldm-boot-check', ['--once', '--json']);
    expect(r.stderr).not.toMatch(/<3>/);
    expect(r.status).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ status: 'crit', bootId: BOOT_B, previousBootId: BOOT_A, rebooted: true, cleanShutdown: true });
    expect(out.found.map((f: { subject: string; severity: string }) => [f.subject, f.severity]).sort()).toEqual([['kernel', 'crit'], ['redis-server.service', 'warn']]);
    // Time sync is not judged in the first 10 minutes after boot.
    expect(out.checked.find((c: { id: string }) => c.id === 'time-sync')).toMatchObject({ status: 'ok' });
    const state = JSON.parse(readFileSync(join(env.stateDir, 'state.json'), 'utf8'));
    expect(state.lastBoot).toMatchObject({ bootId: BOOT_B, rebooted: true });
    expect(state.lastBoot.checked.length).toBeGreaterThanOrEqual(10);

    // At the next boot, the redis pattern's check (learned from its unit) runs before the standard set.
    await env.writeProc({ bootId: 'cccccccc-bbbb-cccc-dddd-eeeeeeeeeeee', uptime: '40.0 30.0\n' });
    const next = JSON.parse(env.run('ldm-boot-check', ['--once', '--json']).stdout);
    const firstStandard = next.checked.findIndex((c: { source: string }) => c.source === 'standard');
    expect(firstStandard).toBeGreaterThan(0);
    expect(next.checked.slice(0, firstStandard)).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'pattern', id: 'unit-active:redis-server.service', status: 'ok' })]));
    expect(env.calls()).toEqual(expect.arrayContaining(['systemctl show redis-server.service -p LoadState,ActiveState,SubState,Result,Type,UnitFileState']));
  });
});
