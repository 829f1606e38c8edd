import { describe, expect, jest, test } from '@jest/globals';
import { createRequire } from 'node:module';
import * as actual from 'node:child_process';

// Every way of starting a process, spied on; the real functions still work for anything else.
const spies = {
  spawn: jest.fn(actual.spawn),
  spawnSync: jest.fn(actual.spawnSync),
  exec: jest.fn(actual.exec),
  execSync: jest.fn(actual.execSync),
  execFile: jest.fn(actual.execFile),
  execFileSync: jest.fn(actual.execFileSync),
  fork: jest.fn(actual.fork),
};
jest.unstable_mockModule('node:child_process', () => ({ ...actual, ...spies, default: { ...actual, ...spies } }));
// Core loads child_process on first use through require (core/src/node/on-demand.ts), which the
// module mock does not reach: the spies go on the builtin module object as well.
Object.assign(createRequire(import.meta.url)('node:child_process') as object, spies);

const { defaultCheckDeps, DocumentStore, parseConfig, silentLogger } = await import('@ldm/core');
const { defaultIdleDeps, runIdleWatcher } = await import('../src/run-idle-watcher');
const { procStat, tmpDir, writeProc } = await import('../../core/test/checks/proc-fixture');

describe('an idle-watcher sample', () => {
  test('starts no child process, with the real data sources', async () => {
    const procRoot = await writeProc(await tmpDir());
    const store = new DocumentStore({ stateDir: await tmpDir('ldm-idle-nochild-') });
    const deps = defaultIdleDeps(defaultCheckDeps({ LDM_PROC_ROOT: procRoot }));
    const config = parseConfig({}, 't');
    await runIdleWatcher({ store, config, logger: silentLogger, deps });
    await store.update('state', (doc) => {
      doc.idle!.lastSample!.at = new Date(Date.now() - 300_000).toISOString();
    });
    // Five minutes pass on the boot clock too (/proc/uptime), which the interval is taken from.
    await writeProc(procRoot, { stat: procStat(5000, 95000), uptime: '86700.00 80000.00\n' });
    const out = await runIdleWatcher({ store, config, logger: silentLogger, deps });
    expect(out.cpuPercent).not.toBeNull();
    for (const [name, spy] of Object.entries(spies)) expect([name, spy.mock.calls.length]).toEqual([name, 0]);
  });
});
