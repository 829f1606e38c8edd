// The sandbox helper for real, as a local process (inside a unit it is the same program: see
// test/system/sandbox-probe.mjs for the contained path). The cgroupfs is a plain directory here:
// what it proves is the protocol, the gate before exec, kills and the helper's end.
import { describe, test, expect, afterAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandCgroups, HELPER_SOURCE, HelperSession, persistentSandbox, runProcess, type CgroupFs, type SandboxPlan, type SessionDeps } from '@ldm/core';
import { processAlive as alive, waitUntil } from '../support/wait-until';

const root = mkdtempSync(join(tmpdir(), 'ldm-helper-'));
const helpers: ChildProcess[] = [];
afterAll(() => {
  for (const h of helpers) h.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function startHelper(source = HELPER_SOURCE): ChildProcess {
  const child = spawn(process.execPath, ['-e', source], { stdio: ['pipe', 'pipe', 'pipe'] });
  helpers.push(child);
  return child;
}

const plainFs: CgroupFs = {
  mkdir: async (p) => void mkdirSync(p, { recursive: true }),
  write: async (p, text) => writeFileSync(p, text),
  read: async (p) => readFileSync(p, 'utf8'),
  rmdir: async (p) => rmSync(p, { recursive: true, force: true }),
};

let n = 0;
function sessionDeps(unitDir: string, overrides: Partial<SessionDeps> = {}): SessionDeps {
  return {
    cgroups: async (pid) => {
      // A plain directory is no cgroupfs: every pid the helper reports counts as in its leaf here.
      const cg = new CommandCgroups(unitDir, plainFs, null, async () => join(unitDir, 'helper'));
      await cg.adoptHelper(pid);
      return cg;
    },
    limitPrefix: [],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' },
    readyTimeoutMs: 10_000,
    explain: (exit) => exit,
    ...overrides,
  };
}

function session() {
  const unitDir = join(root, `unit${++n}`);
  mkdirSync(unitDir);
  const child = startHelper();
  return { s: new HelperSession('k', child, sessionDeps(unitDir)), child, unitDir };
}


describe('HelperSession with the real helper', () => {
  test('runs a command with its output, stdin and exit status; its pid is in its own cgroup before it execs', async () => {
    const { s, child, unitDir } = session();
    await s.ready;
    expect(readFileSync(join(unitDir, 'helper', 'cgroup.procs'), 'utf8')).toBe(String(child.pid));
    const script = `test "$(cat ${unitDir}/c1/cgroup.procs)" = "$$" && echo placed; cat; echo err >&2; exit 3`;
    const r = await runProcess({ argv: ['/bin/sh', '-c', script], cwd: '/', stdin: 'in put', maxBufferBytes: 4096, timeoutMs: 10_000, launch: (o) => s.run(o, '/') });
    expect(r).toMatchObject({ exitCode: 3, signal: null, stdout: 'placed\nin put', stderr: 'err\n', timedOut: false });
    s.retire();
  });

  test('commands run side by side without mixing; 10 MB of output arrives whole', async () => {
    const { s } = session();
    const big = runProcess({ argv: ['/bin/sh', '-c', 'head -c 10485760 /dev/zero | tr "\\0" x'], maxBufferBytes: 11 << 20, timeoutMs: 20_000, launch: (o) => s.run(o, '/') });
    const small = await Promise.all([1, 2, 3].map((i) => runProcess({ argv: ['/bin/echo', `n${i}`], maxBufferBytes: 100, timeoutMs: 10_000, launch: (o) => s.run(o, '/') })));
    expect(small.map((r) => r.stdout)).toEqual(['n1\n', 'n2\n', 'n3\n']);
    const b = await big;
    expect(b.stdout.length).toBe(10485760);
    expect(b.stdout === 'x'.repeat(10485760)).toBe(true);
    s.retire();
  });

  test('a missing working directory or program is reported, not mistaken for the command', async () => {
    const { s } = session();
    const noDir = await runProcess({ argv: ['/bin/true'], maxBufferBytes: 100, timeoutMs: 10_000, launch: (o) => s.run(o, '/nonexistent-dir') });
    expect(noDir.spawnErrorCode).toBe('ENOCWD');
    const noProg = await runProcess({ argv: ['ldm-no-such-program'], maxBufferBytes: 1000, timeoutMs: 10_000, launch: (o) => s.run(o, '/') });
    expect(noProg.exitCode).toBe(127);
    s.retire();
  });

  test('a timeout stops the command group', async () => {
    const { s } = session();
    const t0 = Date.now();
    const r = await runProcess({ argv: ['/bin/sh', '-c', 'sleep 30 & wait'], maxBufferBytes: 100, timeoutMs: 300, killGraceMs: 500, launch: (o) => s.run(o, '/') });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
    s.retire();
  });

  test('when the server side goes (stdin closes) the helper ends and takes its commands with it', async () => {
    const { s, child } = session();
    const h = s.run({ argv: ['/bin/sleep', '60'], maxBufferBytes: 100 }, '/');
    expect(await waitUntil(() => h.pid !== undefined, 5000)).toBe(true);
    child.stdin!.end();
    expect(await waitUntil(() => !alive(h.pid!), 5000)).toBe(true);
    const end = await h.exited;
    expect(end.exitCode === 0).toBe(false);
    expect(await waitUntil(() => child.exitCode !== null, 5000)).toBe(true);
  });
});

describe('CommandCgroups.place', () => {
  test('moves only a pid still in the helper leaf: a lying helper cannot pull a host process into a command cgroup', async () => {
    const unitDir = join(root, 'place');
    mkdirSync(unitDir);
    const where = new Map([[100, join(unitDir, 'helper')], [1, '/sys/fs/cgroup/init.scope']]);
    const cg = new CommandCgroups(unitDir, plainFs, null, async (pid) => where.get(pid) ?? Promise.reject(new Error('no such pid')));
    await cg.adoptHelper(99);
    const dir = await cg.create(5);
    await expect(cg.place(dir, 1)).rejects.toThrow(/pid 1 is not a process the sandbox helper started/);
    await expect(cg.place(dir, 4242)).rejects.toThrow(/pid 4242/);
    expect(() => readFileSync(join(dir, 'cgroup.procs'))).toThrow();
    await cg.place(dir, 100);
    expect(readFileSync(join(dir, 'cgroup.procs'), 'utf8')).toBe('100');
  });
});

describe('persistentSandbox', () => {
  const plan: SandboxPlan = { user: { name: 'nobody', uid: 65534, gid: 65534 }, writable: [], hidden: [], memoryMax: '512M', memoryMaxBytes: 512 << 20, tasksMax: 256, groups: [], runtimeMaxSec: 600, cgroupCaps: false };

  test('keeps one helper while the plan holds, starts another when a secret appears, falls back when none comes up', async () => {
    let current = plan;
    const started: string[] = [];
    const sandbox = persistentSandbox(plan, {
      planNow: async () => current,
      startHelper: (_p, unit) => {
        started.push(unit);
        mkdirSync(join(root, unit));
        return startHelper(started.length === 3 ? 'process.exit(3)' : HELPER_SOURCE);
      },
      sessionDeps: (_p, unit) => sessionDeps(join(root, unit)),
      fallback: () => (o) => {
        throw new Error(`fallback ${o.argv.join(' ')}`);
      },
      log: () => {},
    });
    const run = (argv: string[]) => runProcess({ argv, maxBufferBytes: 100, timeoutMs: 10_000, launch: sandbox.launch });
    expect((await run(['/bin/echo', 'a'])).stdout).toBe('a\n');
    expect((await run(['/bin/echo', 'b'])).stdout).toBe('b\n');
    expect(started).toHaveLength(1);
    current = { ...plan, hidden: [{ path: '/home/new/.ssh', kind: 'dir' }] };
    expect((await run(['/bin/echo', 'c'])).stdout).toBe('c\n');
    expect(started).toHaveLength(2);
    expect(sandbox.plan).toBe(current);
    current = { ...plan, hidden: [] };
    const fell = await run(['/bin/echo', 'd']);
    expect(started).toHaveLength(3);
    expect(fell.spawnError).toMatch(/fallback \/bin\/echo d/);
  });
});
