import { access, mkdir, readdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { nodeChildProcess } from '../node/on-demand';
import type { PolicyConfig } from '../policy/policy-config';
import { chooseBackend, type ChooseDeps } from './choose-backend';
import { planSandbox, type PlanDeps } from './sandbox-plan';
import { allocationFailed, bubblewrapSandbox, checkCwd, systemdSandbox, type LauncherDeps, type Sandbox } from './sandbox-launcher';
import { bwrapArgv } from './bwrap-argv';
import type { SuiteSecrets } from './secret-paths';
import type { SandboxPlan } from './sandbox-plan';
import { CommandCgroups, unitCgroupDir, type CgroupFs } from './command-cgroup';
import { deferredHandle } from './deferred-handle';
import { HELPER_SOURCE } from './helper-source';
import type { HelperProcess, SessionDeps } from './helper-session';
import { persistentSandbox } from './persistent-sandbox';
import { sandboxEnvironment } from './command-env';
import { helperUnitArgv } from './systemd-run-argv';
import type { Launch } from '../exec/start-process';

export type SandboxChoice = { sandbox: Sandbox } | { unavailable: string };

const fsPlanDeps: PlanDeps = {
  kind: async (p) => {
    try {
      return (await stat(p)).isDirectory() ? 'dir' : 'file';
    } catch {
      return null;
    }
  },
  readdir: (p) => readdir(p),
  readFile: (p) => readFile(p, 'utf8'),
};

function spawnQuiet(argv: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = nodeChildProcess().spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
    child.once('error', (err) => resolve({ code: null, stderr: err.message }));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

function hostChooseDeps(env: NodeJS.ProcessEnv, plan: () => Promise<import('./sandbox-plan').SandboxPlan>): ChooseDeps {
  return {
    isRoot: process.getuid?.() === 0,
    systemdIsInit: () => access('/run/systemd/system').then(() => true, () => false),
    which: async (name) => {
      for (const dir of (env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
        const file = join(dir, name);
        if (await access(file, 1).then(() => true, () => false)) return file;
      }
      return null;
    },
    bwrapWorks: async (bins) => {
      const argv = bwrapArgv(await plan(), { argv: ['true'], cwd: '/', env: { PATH: '/usr/bin:/bin' } }, process.getuid?.() === 0, bins);
      const r = await spawnQuiet(argv, 10_000);
      return r.code === 0 ? null : r.stderr.trim().split('\n').at(-1) || `exit ${r.code}`;
    },
  };
}

const cgroupFs: CgroupFs = {
  mkdir: (p) => mkdir(p).then(() => {}),
  write: (p, text) => writeFile(p, text),
  read: (p) => readFile(p, 'utf8'),
  rmdir: (p) => rmdir(p),
};

/** Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup, or its unified part on a hybrid (v1) host. */
async function v2Mount(): Promise<string> {
  return (await access('/sys/fs/cgroup/cgroup.controllers').then(() => true, () => false)) ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
}

function startHelper(systemdRun: string, env: NodeJS.ProcessEnv) {
  return (plan: SandboxPlan, unit: string): HelperProcess => {
    const argv = helperUnitArgv(plan, unit, [process.execPath, '-e', HELPER_SOURCE], systemdRun);
    return nodeChildProcess().spawn(argv[0]!, argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', SYSTEMD_COLORS: '0' },
    });
  };
}

function helperSessionDeps(plan: SandboxPlan, unit: string, launcher: LauncherDeps): SessionDeps {
  return {
    cgroups: async (pid) => {
      const mount = await v2Mount();
      const cgroupOf = async (p: number) => unitCgroupDir(await readFile(`/proc/${p}/cgroup`, 'utf8'), mount);
      const dir = await cgroupOf(pid);
      // Said before any model command ran, yet checked: only a process of our own unit is adopted.
      if (!dir.endsWith(`/${unit}.service`)) throw new Error(`the sandbox helper (pid ${pid}) is not in ${unit}.service but in ${dir}`);
      const cg = new CommandCgroups(dir, cgroupFs, plan.cgroupCaps ? { memoryMaxBytes: plan.memoryMaxBytes, tasksMax: plan.tasksMax } : null, cgroupOf);
      await cg.adoptHelper(pid);
      return cg;
    },
    limitPrefix: plan.cgroupCaps ? [] : [launcher.bwrap.prlimit, `--as=${plan.memoryMaxBytes}`, `--nproc=${plan.tasksMax}`, '--core=0', '--'],
    env: sandboxEnvironment(launcher.env),
    readyTimeoutMs: 15_000,
    explain: (exit, stderr, oom) => (oom ? { ...exit, note: `killed: memory cap ${plan.memoryMax}` } : plan.cgroupCaps ? exit : allocationFailed(exit, stderr, plan)),
  };
}

/** A launcher that plans again for each command (a secret made since is hidden), then starts as `byPlan` says. */
function freshLaunch(planNow: () => Promise<SandboxPlan>, byPlan: (plan: SandboxPlan) => Launch): Launch {
  return (options) => {
    checkCwd(options.cwd);
    return deferredHandle(options, planNow().then((plan) => byPlan(plan)(options)));
  };
}

/**
 * Chooses the backend, once per server (the caller caches the promise). The plan is made again
 * for every command. `stopUnit` runs `systemctl stop` on a command's unit (per-command units).
 */
export async function openSandbox(policy: PolicyConfig, suite: SuiteSecrets, runtimeMaxSec: number, env: NodeJS.ProcessEnv, systemctl = 'systemctl'): Promise<SandboxChoice> {
  const planNow = () => planSandbox(policy.sandbox, policy.mode, suite, runtimeMaxSec, fsPlanDeps);
  let firstPlan: Promise<SandboxPlan> | undefined;
  const choice = await chooseBackend(policy.sandbox.backend, hostChooseDeps(env, () => (firstPlan ??= planNow())));
  if ('unavailable' in choice) return choice;
  const deps: LauncherDeps = {
    systemdRun: choice.systemdRun,
    bwrap: choice.bwrap,
    asRoot: process.getuid?.() === 0,
    env,
    stopUnit: (unit: string) => void spawnQuiet([systemctl, 'stop', '--no-block', unit], 10_000),
  };
  const plan = await (firstPlan ?? planNow());
  if (choice.backend === 'bubblewrap') return { sandbox: { ...bubblewrapSandbox(plan, deps), launch: freshLaunch(planNow, (p) => bubblewrapSandbox(p, deps).launch) } };
  if (!policy.sandbox.persistent) return { sandbox: { ...systemdSandbox(plan, deps), launch: freshLaunch(planNow, (p) => systemdSandbox(p, deps).launch) } };
  return {
    sandbox: persistentSandbox(plan, {
      planNow,
      startHelper: startHelper(choice.systemdRun, env),
      sessionDeps: (p, unit) => helperSessionDeps(p, unit, deps),
      fallback: (p) => systemdSandbox(p, deps).launch,
      log: (message) => process.stderr.write(`ldm-mcp-server: ${message}\n`),
    }),
  };
}
