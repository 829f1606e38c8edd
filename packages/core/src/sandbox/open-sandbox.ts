import { access, readdir, readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { nodeChildProcess } from '../node/on-demand';
import type { PolicyConfig } from '../policy/policy-config';
import { chooseBackend, type ChooseDeps } from './choose-backend';
import { planSandbox, type PlanDeps } from './sandbox-plan';
import { bubblewrapSandbox, systemdSandbox, type Sandbox } from './sandbox-launcher';
import { bwrapArgv } from './bwrap-argv';
import type { SuiteSecrets } from './secret-paths';

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

/**
 * Chooses the backend and resolves the plan, once per server (the caller caches the promise).
 * `stopUnit` runs `systemctl stop` on a command's unit.
 */
export async function openSandbox(policy: PolicyConfig, suite: SuiteSecrets, runtimeMaxSec: number, env: NodeJS.ProcessEnv, systemctl = 'systemctl'): Promise<SandboxChoice> {
  let planned: ReturnType<typeof planSandbox> | undefined;
  const plan = () => (planned ??= planSandbox(policy.sandbox, policy.mode, suite, runtimeMaxSec, fsPlanDeps));
  const choice = await chooseBackend(policy.sandbox.backend, hostChooseDeps(env, plan));
  if ('unavailable' in choice) return choice;
  const deps = {
    systemdRun: choice.systemdRun,
    bwrap: choice.bwrap,
    asRoot: process.getuid?.() === 0,
    env,
    stopUnit: (unit: string) => void spawnQuiet([systemctl, 'stop', '--no-block', unit], 10_000),
  };
  const p = await plan();
  return { sandbox: choice.backend === 'systemd' ? systemdSandbox(p, deps) : bubblewrapSandbox(p, deps) };
}
