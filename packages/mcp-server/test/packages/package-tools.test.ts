import { afterEach, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideCommand, decideHostCommand, decidePath, redactSecrets, resolvePathForPolicy } from '@ldm/core';
import { makeDeps, type TestEnv } from '../support/make-deps';
import { connect, type Connected } from '../support/connect';
import { ALL_TOOLS, toolsForMode } from '../../src/tools/all-tools';
import { aptArgv, packageProblem } from '../../src/packages/apt-argv';
import type { PolicyPort } from '../../src/server/deps';

/** The real policy engine, so what needs the human here is what needs the human on a host. */
const realPolicy: PolicyPort = { decideCommand, decideHostCommand, decidePath, resolvePathForPolicy, redactSecrets };
const ACCEPT = () => ({ action: 'accept' as const, content: { approve: true } });
const DECLINE = () => ({ action: 'decline' as const });

type Result = { isError?: boolean; content: Array<{ text?: string }>; structuredContent?: Record<string, unknown> };

let open: Connected | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

async function server(options: { config?: unknown; elicit?: typeof ACCEPT | typeof DECLINE; mode?: string } = {}) {
  const env = makeDeps({ config: options.config ?? {}, policy: realPolicy });
  if (options.mode) writeFileSync(join(env.dir, 'apt-get.mode'), options.mode);
  open = await connect(env.deps, options.elicit ? { elicit: options.elicit } : {});
  return env;
}

async function call(args: Record<string, unknown>): Promise<Result> {
  const r = (await open!.client.callTool({ name: 'package_action', arguments: args })) as Result;
  if (!r.isError) ALL_TOOLS.find((t) => t.name === 'package_action')!.outputSchema.parse(r.structuredContent);
  return r;
}

/** Each apt-get run as [env DEBIAN_FRONTEND, ...argv after the program]. */
function aptCalls(env: TestEnv): string[][] {
  const file = join(env.dir, 'apt-get.calls');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')) : [];
}

describe('package_action input', () => {
  test.each([
    ['install', ['-o', 'Dpkg::Pre-Invoke=touch /tmp/pwned']],
    ['install', ['-oDpkg::Pre-Invoke=touch /tmp/pwned']],
    ['install', ['--allow-unauthenticated', 'nginx']],
    ['install', ['nginx curl']],
    ['install', ['nginx;reboot']],
    ['install', ['$(reboot)']],
    ['install', ['`id`']],
    ['install', ['nginx|sh']],
    ['install', ['Nginx']],
    ['install', ['nginx-']],
    ['install', ['nginx/bookworm-backports']],
    ['install', ['x.deb']],
    ['install', ['/tmp/a b.deb']],
    ['install', ['/tmp/x.rpm']],
    ['install', []],
    ['remove', ['/tmp/x.deb']],
    ['remove', ['nginx=1.2']],
    ['remove', ['nosuch+']],
    ['update', ['nginx']],
    ['upgrade', ['nginx']],
  ])('%s %j is refused and apt-get never runs', async (action, packages) => {
    const env = await server({ elicit: ACCEPT });
    const r = await call({ action, packages });
    expect(r.isError).toBe(true);
    expect(aptCalls(env)).toEqual([]);
    expect(open!.elicitations).toEqual([]);
  });

  test('an unknown action or extra field is refused by the schema', async () => {
    const env = await server({ elicit: ACCEPT });
    expect((await call({ action: 'dist-upgrade' })).isError).toBe(true);
    expect((await call({ action: 'update', options: ['-o', 'x'] })).isError).toBe(true);
    expect(aptCalls(env)).toEqual([]);
  });

  test('pure: the grammar takes real names, arch and versions', () => {
    for (const ok of ['nginx', 'g++', 'libstdc++6', 'python3.11', 'libc6:amd64', 'nginx=1.22.1-9', 'openssl:arm64=3.0.11-1~deb12u2', 'xz-utils=5.4.1-0.2', 'libfoo=1:2.0']) {
      expect({ ok, problem: packageProblem('install', ok) }).toEqual({ ok, problem: null });
    }
    expect(aptArgv('install', ['a', 'b'], { installRecommends: false })).toEqual(['apt-get', 'install', '-y', '-q', '--no-remove', '--no-install-recommends', '--', 'a', 'b']);
  });
});

describe('package_action runs apt-get on the host', () => {
  test('update runs without approval in standard mode, with exactly this argv and environment', async () => {
    const env = await server();
    const r = await call({ action: 'update' });
    expect(r.isError).toBeFalsy();
    expect(aptCalls(env)).toEqual([['DEBIAN_FRONTEND=noninteractive', 'update', '-q']]);
    expect(r.structuredContent).toMatchObject({ argv: ['apt-get', 'update', '-q'], exit_code: 0, lock_retries: 0 });
  });

  test('install asks the human about the exact argv; once approved, that argv runs', async () => {
    const env = await server({ elicit: ACCEPT });
    const r = await call({ action: 'install', packages: ['nginx', 'libc6:amd64=2.36-9'] });
    expect(r.isError).toBeFalsy();
    expect(open!.elicitations).toHaveLength(1);
    expect(JSON.stringify(open!.elicitations[0])).toContain('apt-get install -y -q --no-remove -- nginx libc6:amd64=2.36-9');
    expect(aptCalls(env)).toEqual([['DEBIAN_FRONTEND=noninteractive', 'install', '-y', '-q', '--no-remove', '--', 'nginx', 'libc6:amd64=2.36-9']]);
    expect(r.structuredContent).toMatchObject({
      summary: '0 upgraded, 1 newly installed, 0 to remove and 3 not upgraded.',
      decision: { action: 'confirm:accepted', rule: 'default:confirm:package-install' },
    });
  });

  test('--no-install-recommends only when the config says so', async () => {
    const env = await server({ elicit: ACCEPT, config: { mcp: { packageInstallRecommends: false } } });
    await call({ action: 'install', packages: ['nginx'] });
    expect(aptCalls(env)[0]).toEqual(['DEBIAN_FRONTEND=noninteractive', 'install', '-y', '-q', '--no-remove', '--no-install-recommends', '--', 'nginx']);
  });

  test.each([
    ['remove', ['nginx'], ['remove', '-y', '-q', '--', 'nginx']],
    ['upgrade', [], ['upgrade', '-y', '-q']],
  ])('%s is approved first, then runs', async (action, packages, argv) => {
    const env = await server({ elicit: ACCEPT });
    const r = await call({ action, packages });
    expect(r.isError).toBeFalsy();
    expect(open!.elicitations).toHaveLength(1);
    expect(aptCalls(env)).toEqual([['DEBIAN_FRONTEND=noninteractive', ...argv]]);
  });

  test.each([['no elicitation', undefined], ['a human who declines', DECLINE]])('install/remove/upgrade with %s: nothing runs', async (_what, elicit) => {
    const env = await server(elicit ? { elicit } : {});
    for (const args of [{ action: 'install', packages: ['nginx'] }, { action: 'remove', packages: ['nginx'] }, { action: 'upgrade' }]) {
      expect((await call(args)).isError).toBe(true);
    }
    expect(aptCalls(env)).toEqual([]);
  });

  test('a config allow rule pre-authorises installs, as for any host command', async () => {
    const env = await server({ config: { policy: { allow: ['apt-get install **'] } } });
    expect((await call({ action: 'install', packages: ['nginx'] })).isError).toBeFalsy();
    expect(aptCalls(env)).toHaveLength(1);
  });

  test('not offered in read-only mode', () => {
    expect(toolsForMode('read-only').map((t) => t.name)).not.toContain('package_action');
    expect(toolsForMode('standard').map((t) => t.name)).toContain('package_action');
  });
});

describe('a local .deb', () => {
  test('a regular file is passed to apt by its resolved path; a symlink by its target', async () => {
    const env = await server({ elicit: ACCEPT });
    const dir = join(env.dir, 'debs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tool_1.0_all.deb'), 'not really a deb');
    symlinkSync(join(dir, 'tool_1.0_all.deb'), join(dir, 'link.deb'));
    await call({ action: 'install', packages: [join(dir, 'tool_1.0_all.deb')] });
    await call({ action: 'install', packages: [join(dir, 'link.deb')] });
    expect(aptCalls(env).map((c) => c.slice(-1)[0])).toEqual([join(dir, 'tool_1.0_all.deb'), join(dir, 'tool_1.0_all.deb')]);
  });

  test('a directory, a missing file or a symlink to something that is not a .deb is refused', async () => {
    const env = await server({ elicit: ACCEPT });
    const dir = join(env.dir, 'debs');
    mkdirSync(join(dir, 'dir.deb'), { recursive: true });
    writeFileSync(join(dir, 'payload'), '#!/bin/sh\n');
    symlinkSync(join(dir, 'payload'), join(dir, 'sneaky.deb'));
    for (const p of ['dir.deb', 'missing.deb', 'sneaky.deb']) expect((await call({ action: 'install', packages: [join(dir, p)] })).isError).toBe(true);
    expect(aptCalls(env)).toEqual([]);
  });
});

describe('apt failing', () => {
  test('the dpkg lock held by another process: a clear "busy" error with apt\'s last lines, nothing changed', async () => {
    await server({ config: { mcp: { packageLockWaitSec: 0 } }, mode: 'lock' });
    const r = await call({ action: 'update' });
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toMatch(/busy/);
    expect(r.content[0]!.text).toContain('It is held by process 4242 (unattended-upgr)');
  });

  test('the lock freed while waiting: apt is run again and succeeds', async () => {
    const env = await server({ config: { mcp: { packageLockWaitSec: 30 } }, mode: 'lock-once' });
    const r = await call({ action: 'update' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.lock_retries).toBe(1);
    expect(aptCalls(env)).toHaveLength(2);
  });

  test('a failing run: its exit code and apt\'s own error line', async () => {
    await server({ elicit: ACCEPT, mode: 'fail' });
    const r = await call({ action: 'install', packages: ['nosuchpkg'] });
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toContain('exit code 100');
    expect(r.content[0]!.text).toContain('E: Unable to locate package nosuchpkg');
  });
});

// The real apt-get reads the argv this tool builds: run it in simulation (-s added by a wrapper,
// so the host is not changed). Skipped where there is no apt-get or no candidate for "hello".
const realApt = existsSync('/usr/bin/apt-get') && /Candidate: (?!\(none\))/.test(spawnSync('apt-cache', ['policy', 'hello'], { encoding: 'utf8' }).stdout ?? '');
(realApt ? describe : describe.skip)('with the real apt-get, simulating', () => {
  function simulating(env: TestEnv) {
    const wrapper = join(env.dir, 'bin', 'apt-get-simulate');
    writeFileSync(wrapper, '#!/bin/sh\nexec /usr/bin/apt-get -s "$@"\n', { mode: 0o755 });
    env.deps.bin.aptGet = wrapper;
  }

  test('install, remove and upgrade argv are understood as meant', async () => {
    const env = makeDeps({ policy: realPolicy });
    simulating(env);
    open = await connect(env.deps, { elicit: ACCEPT });
    const install = await call({ action: 'install', packages: ['hello'] });
    expect(install.isError).toBeFalsy();
    expect(install.structuredContent!.output).toEqual(expect.arrayContaining([expect.stringMatching(/^Inst hello /)]));
    expect(install.structuredContent!.summary).toMatch(/^\d+ upgraded, 1 newly installed, 0 to remove/);
    const upgrade = await call({ action: 'upgrade' });
    expect(upgrade.isError).toBeFalsy();
    expect(upgrade.structuredContent!.summary).toMatch(/, 0 to remove and /);
    const missing = await call({ action: 'install', packages: ['ldm-no-such-package'] });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]!.text).toContain('E: Unable to locate package ldm-no-such-package');
  });
});
