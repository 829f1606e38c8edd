import { describe, test, expect } from '@jest/globals';
import {
  builtinSecretPaths,
  bwrapArgv,
  escapeUnitArg,
  groupsFrom,
  helperUnitArgv,
  parseByteSize,
  sandboxUserFrom,
  planSandbox,
  sandboxEnvironment,
  SandboxConfigSchema,
  splitSystemdRunReport,
  systemdExit,
  systemdRunArgv,
  type PlanDeps,
  type SandboxPlan,
} from '@ldm/core';

const plan: SandboxPlan = {
  user: { name: 'nobody', uid: 65534, gid: 65534 },
  writable: ['/srv/scratch'],
  hidden: [
    { path: '/etc/shadow', kind: 'file' },
    { path: '/root', kind: 'dir' },
    { path: '/home/bob/.ssh', kind: null },
  ],
  memoryMax: '512M',
  memoryMaxBytes: 512 * 1024 ** 2,
  tasksMax: 256,
  groups: [{ name: 'adm', gid: 4 }, { name: 'systemd-journal', gid: 999 }],
  runtimeMaxSec: 86_400,
  cgroupCaps: true,
};
const run = { argv: ['bash', '-c', 'echo $HOME ${X} $$'], cwd: '/var/log', env: { PATH: '/usr/bin:/bin', HOME: '/tmp' } };
const bins = { bwrap: '/usr/bin/bwrap', prlimit: '/usr/bin/prlimit', setpriv: '/usr/bin/setpriv' };

describe('policy.sandbox config', () => {
  test('defaults fit a 1 GB host; sizes and paths are checked, unknown keys refused', () => {
    expect(SandboxConfigSchema.parse({})).toEqual({ backend: 'auto', writablePaths: [], hiddenPaths: [], memoryMax: '512M', tasksMax: 256, persistent: true });
    expect(parseByteSize('512M')).toBe(536_870_912);
    expect(parseByteSize('1G')).toBe(1024 ** 3);
    expect(() => parseByteSize('512MB')).toThrow(/512MB/);
    expect(SandboxConfigSchema.safeParse({ memoryMax: '1M' }).success).toBe(false);
    expect(SandboxConfigSchema.safeParse({ writablePaths: ['relative/dir'] }).success).toBe(false);
    expect(SandboxConfigSchema.safeParse({ writablePaths: ['/'] }).success).toBe(false);
    expect(SandboxConfigSchema.safeParse({ hiddenPaths: ['/a b'] }).success).toBe(false);
    expect(SandboxConfigSchema.safeParse({ backend: 'docker' }).success).toBe(false);
    expect(SandboxConfigSchema.safeParse({ writeable: [] }).success).toBe(false);
  });
});

describe('the built-in secrets', () => {
  test('shadow, keys, /root, the suite config and state; each home .ssh; host private keys but not their .pub', () => {
    const paths = builtinSecretPaths({ configDir: '/etc/linux-devops-mcp', stateDir: '/var/lib/linux-devops-mcp' }, ['alice', 'bob'], [
      'sshd_config',
      'ssh_host_ed25519_key',
      'ssh_host_ed25519_key.pub',
    ]);
    for (const p of ['/etc/shadow', '/etc/gshadow', '/etc/ssl/private', '/root', '/etc/linux-devops-mcp', '/var/lib/linux-devops-mcp', '/home/alice/.ssh', '/home/bob/.ssh', '/etc/ssh/ssh_host_ed25519_key'])
      expect(paths).toContain(p);
    expect(paths).not.toContain('/etc/ssh/ssh_host_ed25519_key.pub');
    expect(paths).not.toContain('/etc/ssh/sshd_config');
    expect(paths).not.toContain('/');
  });

  test('planSandbox: secrets with their kind, log groups that exist, no writable path in read-only mode, missing writable dirs refused', async () => {
    const tree: Record<string, 'dir' | 'file'> = { '/etc/shadow': 'file', '/root': 'dir', '/srv/scratch': 'dir', '/extra': 'file' };
    const deps: PlanDeps = {
      kind: async (p) => tree[p] ?? null,
      readdir: async (p) => (p === '/home' ? ['bob'] : []),
      readFile: async (p) => (p === '/etc/group' ? 'root:x:0:\nadm:x:4:syslog\nsystemd-journal:x:999:\n' : 'cpu io memory pids\n'),
    };
    const config = SandboxConfigSchema.parse({ writablePaths: ['/srv/scratch'], hiddenPaths: ['/extra'] });
    const suite = { configDir: '/etc/ldm', stateDir: '/var/lib/ldm' };
    const p = await planSandbox(config, 'standard', suite, 600, deps);
    expect(p.hidden).toContainEqual({ path: '/etc/shadow', kind: 'file' });
    expect(p.hidden).toContainEqual({ path: '/root', kind: 'dir' });
    expect(p.hidden).toContainEqual({ path: '/extra', kind: 'file' });
    expect(p.hidden).toContainEqual({ path: '/home/bob/.ssh', kind: null });
    expect(p.groups).toEqual([{ name: 'adm', gid: 4 }, { name: 'systemd-journal', gid: 999 }]);
    expect(p.writable).toEqual(['/srv/scratch']);
    expect(p.cgroupCaps).toBe(true);
    expect((await planSandbox(config, 'read-only', suite, 600, deps)).writable).toEqual([]);
    await expect(planSandbox(SandboxConfigSchema.parse({ writablePaths: ['/nope'] }), 'standard', suite, 600, deps)).rejects.toThrow(/\/nope/);
    expect(groupsFrom('adm:x:4:\n', ['adm', 'systemd-journal'])).toEqual([{ name: 'adm', gid: 4 }]);
  });
});

describe('systemd-run command line', () => {
  const argv = systemdRunArgv(plan, run, 'ldm-cmd-1-ab');
  const props = argv.flatMap((a, i) => (argv[i - 1] === '-p' ? [a] : []));

  test('a transient unit, piped and waited for, unprivileged, hardened, capped', () => {
    expect(argv.slice(0, 6)).toEqual(['systemd-run', '--pipe', '--wait', '--collect', '--service-type=exec', '--unit=ldm-cmd-1-ab']);
    expect(argv).not.toContain('--quiet');
    for (const p of [
      'User=nobody', 'CapabilityBoundingSet=', 'AmbientCapabilities=', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=read-only',
      'PrivateTmp=yes', 'RestrictNamespaces=yes', 'RestrictSUIDSGID=yes', 'ProtectKernelTunables=yes', 'ProtectControlGroups=yes', 'SystemCallFilter=~@debug', 'SystemCallErrorNumber=EPERM',
      'MemoryMax=512M', 'MemorySwapMax=0', 'TasksMax=256', 'RuntimeMaxSec=86400', 'SupplementaryGroups=adm systemd-journal',
      'InaccessiblePaths=-/etc/shadow', 'InaccessiblePaths=-/root', 'InaccessiblePaths=-/home/bob/.ssh', 'ReadWritePaths=-/srv/scratch',
      'WorkingDirectory=/var/log',
    ]) expect(props).toContain(p);
    expect(props.some((p) => p.startsWith('LimitAS='))).toBe(false);
    expect(argv).toContain('--setenv=HOME=/tmp');
  });

  test('the command is passed with every $ doubled, so the manager expands nothing', () => {
    expect(argv.slice(argv.indexOf('--') + 1)).toEqual(['bash', '-c', 'echo $$HOME $${X} $$$$']);
    expect(escapeUnitArg('100%')).toBe('100%');
  });

  test('without cgroup v2 memory and pids controllers the caps fall back to rlimits', () => {
    const fallback = systemdRunArgv({ ...plan, cgroupCaps: false }, run, 'u');
    expect(fallback).toContain(`LimitAS=${512 * 1024 ** 2}`);
    expect(fallback).toContain('LimitNPROC=256');
  });

  test('a path with blanks is quoted the way systemd unquotes it', () => {
    const a = systemdRunArgv({ ...plan, hidden: [{ path: '/home/a b/.ssh', kind: 'dir' }] }, run, 'u');
    expect(a).toContain('InaccessiblePaths="-/home/a b/.ssh"');
  });
});

describe('the persistent sandbox unit', () => {
  const helper = ['/usr/bin/node', '-e', 'const x = `${a}`'];
  const argv = helperUnitArgv({ ...plan, user: { name: 'ldm-sandbox', uid: 998, gid: 997 } }, 'ldm-sbx-1-ab', helper);
  const props = argv.flatMap((a, i) => (argv[i - 1] === '-p' ? [a] : []));
  const perCommand = systemdRunArgv({ ...plan, user: { name: 'ldm-sandbox', uid: 998, gid: 997 } }, run, 'u').flatMap((a, i, all) => (all[i - 1] === '-p' ? [a] : []));

  test("has every containment property of a command's own unit; only caps, lifetime and cwd differ", () => {
    const differ = /^(MemoryMax|TasksMax|RuntimeMaxSec|WorkingDirectory|Delegate)=/;
    expect(props.filter((p) => !differ.test(p)).sort()).toEqual(perCommand.filter((p) => !differ.test(p)).sort());
    expect(props).toContain('User=ldm-sandbox');
    expect(props).toContain('Delegate=yes');
    expect(props).toContain('WorkingDirectory=/');
    expect(props.some((p) => p.startsWith('RuntimeMaxSec='))).toBe(false);
  });

  test('all its commands together stay under one cap, a little above one command for the helper itself', () => {
    const mem = Number(props.find((p) => p.startsWith('MemoryMax='))!.slice('MemoryMax='.length));
    expect(mem).toBeGreaterThan(plan.memoryMaxBytes);
    expect(mem).toBeLessThanOrEqual(plan.memoryMaxBytes + 128 * 1024 ** 2);
    const tasks = Number(props.find((p) => p.startsWith('TasksMax='))!.slice('TasksMax='.length));
    expect(tasks).toBeGreaterThan(plan.tasksMax);
    // The helper is Node: an address-space rlimit on the unit would stop it; the commands get theirs from the helper.
    expect(helperUnitArgv({ ...plan, cgroupCaps: false }, 'u', helper).some((a) => a.startsWith('LimitAS='))).toBe(false);
  });

  test('the helper is quiet systemd-run (no report lines in the protocol) and its source reaches node unexpanded', () => {
    expect(argv).toContain('--quiet');
    expect(argv.slice(argv.indexOf('--') + 1)).toEqual(['/usr/bin/node', '-e', 'const x = `$${a}`']);
  });
});

describe('the sandbox user', () => {
  test('ldm-sandbox when setup created it, else nobody; never root', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
    expect(sandboxUserFrom(passwd)).toEqual({ name: 'nobody', uid: 65534, gid: 65534 });
    expect(sandboxUserFrom(`${passwd}ldm-sandbox:x:998:997::/nonexistent:/usr/sbin/nologin\n`)).toEqual({ name: 'ldm-sandbox', uid: 998, gid: 997 });
    expect(sandboxUserFrom(`${passwd}ldm-sandbox:x:0:0::/root:/bin/bash\n`).name).toBe('nobody');
  });

  test('bubblewrap drops to the same user', () => {
    const argv = bwrapArgv({ ...plan, user: { name: 'ldm-sandbox', uid: 998, gid: 997 } }, run, true, bins);
    expect(argv).toContain('--reuid=998');
    expect(argv).toContain('--regid=997');
  });
});

describe("systemd-run's report", () => {
  const report = (tail: string) => `Running as unit: ldm-cmd-x.service\nerr line\n${tail}`;

  test('exit status, signal, result; the report leaves stderr', () => {
    const a = splitSystemdRunReport(report('Finished with result: exit-code\nMain processes terminated with: code=exited/status=7\nService runtime: 62ms\n'), true);
    expect(a).toEqual({ stderr: 'err line\n', end: { result: 'exit-code', exitCode: 7, signal: null } });
    const b = splitSystemdRunReport(report('Finished with result: success\nMain processes terminated with: code=killed/status=TERM\nService runtime: 992ms\n'), true);
    expect(b.end).toEqual({ result: 'success', exitCode: null, signal: 'SIGTERM' });
  });

  test("a command's own imitation of the report does not decide: the real one comes last", () => {
    const fake = 'Finished with result: success\nMain processes terminated with: code=exited/status=0\nmore output\n';
    const r = splitSystemdRunReport(report(`${fake}Finished with result: exit-code\nMain processes terminated with: code=exited/status=3\n`), true);
    expect(r.end!.exitCode).toBe(3);
    expect(r.stderr).toContain('more output');
  });

  test('no report (systemd-run failed before the unit): stderr is kept, the exit tells what happened', () => {
    const p = { ...plan };
    const client = { exitCode: 1, signal: null, durationMs: 5 };
    expect(splitSystemdRunReport('Failed to find executable nope: No such file or directory\n', true).end).toBeNull();
    expect(systemdExit(client, 'Failed to find executable nope: No such file or directory\n', p)).toMatchObject({ exitCode: 127 });
    expect(systemdExit(client, 'Failed to start transient service unit: Access denied\n', p).spawnError).toMatch(/Access denied/);
  });

  test('oom-kill says which cap; a systemd set-up failure and a cwd that cannot be entered are named', () => {
    const client = { exitCode: 1, signal: null, durationMs: 5 };
    const oom = systemdExit(client, report('Finished with result: oom-kill\nMain processes terminated with: code=killed/status=KILL\n'), plan);
    expect(oom).toMatchObject({ exitCode: null, signal: 'SIGKILL', note: 'killed: memory cap 512M' });
    expect(systemdExit(client, report('Finished with result: exit-code\nMain processes terminated with: code=exited/status=200\n'), plan).note).toMatch(/working directory/);
  });
});

describe('bubblewrap command line', () => {
  const argv = bwrapArgv(plan, run, true, bins);
  const after = (flag: string) => argv.flatMap((a, i) => (argv[i - 1] === flag ? [a] : []));

  test('rlimits, then uid 65534 with the log groups and no capabilities, then the mount and namespace sandbox', () => {
    expect(argv.slice(0, 5)).toEqual(['/usr/bin/prlimit', `--as=${512 * 1024 ** 2}`, '--nproc=256', '--core=0', '--']);
    expect(argv).toContain('--reuid=65534');
    expect(argv).toContain('--groups=4,999');
    expect(argv).toContain('--bounding-set=-all');
    for (const f of ['--unshare-user', '--disable-userns', '--unshare-pid', '--unshare-ipc', '--die-with-parent', '--clearenv']) expect(argv).toContain(f);
    expect(argv).not.toContain('--new-session');
    expect(argv).not.toContain('--proc');
    expect(argv.slice(argv.indexOf('--ro-bind'), argv.indexOf('--ro-bind') + 3)).toEqual(['--ro-bind', '/', '/']);
  });

  test('secrets: an empty file over a file, an empty unreadable directory over a directory; absent ones skipped', () => {
    expect(argv.join(' ')).toContain('--ro-bind /dev/null /etc/shadow');
    expect(argv.join(' ')).toContain('--perms 0000 --tmpfs /root --remount-ro /root');
    expect(argv).not.toContain('/home/bob/.ssh');
    expect(after('--bind')).toEqual(['/srv/scratch']);
    expect(argv.slice(argv.indexOf('--chdir'), argv.indexOf('--chdir') + 2)).toEqual(['--chdir', '/var/log']);
    expect(argv.slice(-3)).toEqual(run.argv);
  });

  test('not root: no uid change (bwrap runs as the server user)', () => {
    expect(bwrapArgv(plan, run, false, bins)).not.toContain('/usr/bin/setpriv');
  });

  test('the environment: only locale, PATH and TZ pass; HOME is the private /tmp', () => {
    expect(sandboxEnvironment({ PATH: '/bin', LANG: 'C.UTF-8', LDM_TOKEN: 'x', SSH_AUTH_SOCK: '/run/a', HOME: '/root' })).toEqual({ PATH: '/bin', LANG: 'C.UTF-8', HOME: '/tmp', TERM: 'dumb' });
  });
});

test('secret files the config names (notification URLs, tokens, passwords) are hidden like the built-in ones', () => {
  const paths = builtinSecretPaths({ configDir: '/etc/linux-devops-mcp', stateDir: '/var/lib/linux-devops-mcp', files: ['/srv/secrets/slack-url', '/srv/secrets/../secrets/smtp-pw'] }, [], []);
  expect(paths).toEqual(expect.arrayContaining(['/srv/secrets/slack-url', '/srv/secrets/smtp-pw']));
});
