import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IncidentsDocSchema } from '@ldm/core';
import { DIST, ROOT } from './support/spawn-worker';

const BINARIES = ['ldm-mcp-server', 'ldm-healthcheck', 'ldm-idle-watcher', 'ldm-boot-check'];
const version = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version as string;
const run = (file: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 30_000, input: '' });
const tmp = () => mkdtemp(join(tmpdir(), 'ldm-prog-'));

describe.each(BINARIES)('%s bundle', (bin) => {
  const file = join(DIST, `${bin}.mjs`);

  test('--version prints the name and version to stdout', () => {
    const r = run(file, ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${bin} ${version}\n`);
  });

  test('--help lists the common flags', () => {
    const r = run(file, ['--help']);
    expect(r.status).toBe(0);
    for (const flag of ['--state-dir DIR', '--config FILE', '--version']) expect(r.stdout).toContain(flag);
  });

  test('an unknown flag exits 64 and names it', () => {
    const r = run(file, ['--frobnicate']);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('--frobnicate');
    expect(r.stdout).toBe('');
  });

  test('an invalid config exits 78, names file and field, and writes nothing', async () => {
    const dir = await tmp();
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ idle: { minutes: -5 } }));
    const stateDir = join(dir, 'state');
    const r = run(file, ['--state-dir', stateDir, '--config', config]);
    expect(r.status).toBe(78);
    expect(r.stderr).toContain(config);
    expect(r.stderr).toContain('idle.minutes');
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  test('LDM_CONFIG is honoured when --config is absent', async () => {
    const dir = await tmp();
    const config = join(dir, 'c.json');
    await writeFile(config, '{"nope": 1}');
    const r = run(file, ['--state-dir', join(dir, 'state')], { LDM_CONFIG: config });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('nope');
  });
});

describe('the guard', () => {
  const worker = join(DIST, 'workers', 'guarded-program.mjs');

  test('a oneshot that throws exits 70 with the message and records a guard incident', async () => {
    const dir = await tmp();
    const r = run(worker, ['throw', '--state-dir', dir, '--config', join(dir, 'none.json')]);
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/^<3>ldm-guard-test: failed: the check exploded/m);
    const { incidents } = IncidentsDocSchema.parse(JSON.parse(await readFile(join(dir, 'incidents.json'), 'utf8')));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ source: 'guard', severity: 'crit', subject: 'ldm-guard-test' });
    expect(incidents[0]!.evidence.join('\n')).toContain('caused by: disk on fire');
  });

  test('a oneshot with an unhandled rejection exits non-zero at once', async () => {
    const dir = await tmp();
    const started = Date.now();
    const r = run(worker, ['reject-oneshot', '--state-dir', dir, '--config', join(dir, 'none.json')]);
    expect(r.status).toBe(70);
    expect(r.stderr).toContain('unhandled rejection: stray rejection');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('a oneshot whose event loop empties before main settles exits 70, not 0', async () => {
    const dir = await tmp();
    const r = run(worker, ['drain', '--state-dir', dir, '--config', join(dir, 'none.json')]);
    expect(r.status).toBe(70);
  });

  test('an error may not borrow a verdict code (0-3): it exits 70', async () => {
    const dir = await tmp();
    const r = run(worker, ['verdict-code', '--state-dir', dir, '--config', join(dir, 'none.json')]);
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/^<3>ldm-guard-test: failed: not really a warning/m);
  });

  test('a resident process logs a failed call and keeps serving', async () => {
    const dir = await tmp();
    const r = run(worker, ['survive-resident', '--state-dir', dir, '--config', join(dir, 'none.json')]);
    expect(r.stdout).toBe('still serving\n');
    expect(r.stderr).toContain('uncaught exception: one tool call failed');
    expect(r.status).toBe(0);
  });
});
