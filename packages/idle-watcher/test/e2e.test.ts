import { describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeHistory } from '@ldm/core';
import { e2eEnv } from '../../core/test/checks/e2e-env';
import { procStat } from '../../core/test/checks/proc-fixture';
import { syntheticHistory } from '../../core/test/idle/history-fixture';

describe('ldm-idle-watcher bundle', () => {
  test('two samples: standby after the quiet period, reclamation warning from a 7-day history, no commands run', async () => {
    const env = await e2eEnv({ idle: { shape: 'micro', minutes: 30 } });
    const now = new Date();
    const since = new Date(now.getTime() - 3_600_000).toISOString();
    mkdirSync(env.stateDir, { recursive: true });
    writeFileSync(
      join(env.stateDir, 'state.json'),
      JSON.stringify({ version: 1, idle: { since, history: encodeHistory(syntheticHistory(7, (ago) => (ago >= 6 * 24 ? 80 : 1), { now })) } }),
    );
    const first = env.run('ldm-idle-watcher', ['--once', '--json']);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ mode: 'active', cpuPercent: null });
    // Within a minute of the first sample nothing is measured (the watcher would measure its own start).
    expect(env.run('ldm-idle-watcher', ['--once']).stdout).toMatch(/^ACTIVE - previous sample too recent/);
    const doc = JSON.parse(readFileSync(join(env.stateDir, 'state.json'), 'utf8'));
    doc.idle.lastSample.at = new Date(Date.now() - 300_000).toISOString();
    writeFileSync(join(env.stateDir, 'state.json'), JSON.stringify(doc));
    // Five minutes pass on the boot clock too (/proc/uptime), which the interval and the quiet time are taken from.
    await env.writeProc({ stat: procStat(1001, 19000), uptime: '86700.00 80000.00\n' });
    const second = env.run('ldm-idle-watcher', ['--once']);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^STANDBY \(entered-standby\) - CPU below 5% and no MCP activity for 65 min; CPU 0\.0%, memory 40\.0% used/);
    expect(second.stdout).toMatch(/reclamation \(micro\): WARN - idle by Oracle's definition for 6 days in a row: reclaimable in 1 more idle days/);
    const state = JSON.parse(readFileSync(join(env.stateDir, 'state.json'), 'utf8'));
    expect(state.mode).toBe('standby');
    expect(state.alerts.map((a: { id: string }) => a.id).sort()).toEqual(['idle-watcher:oracle-idle-reclamation', 'idle-watcher:standby']);
    expect(env.calls()).toEqual([]);
  });
});
