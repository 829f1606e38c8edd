import { posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startProcess, type Launch, type ProcessExit, type ProcessHandle, type StartOptions } from '../exec/start-process';
import { bwrapArgv, type BwrapBinaries } from './bwrap-argv';
import { sandboxEnvironment } from './command-env';
import type { SandboxPlan } from './sandbox-plan';
import { systemdRunArgv } from './systemd-run-argv';
import { splitSystemdRunReport, SystemdRunReportFilter } from './systemd-run-report';

export type Backend = 'systemd' | 'bubblewrap';

/** A way to start the model's commands contained. */
export interface Sandbox {
  readonly backend: Backend;
  readonly plan: SandboxPlan;
  readonly launch: Launch;
}

/** What the launchers run besides the command; tests inject a fake `stopUnit`. */
export interface LauncherDeps {
  systemdRun: string;
  /** Stops a unit (TERM, KILL after its TimeoutStopSec); fire and forget. */
  stopUnit: (unit: string) => void;
  bwrap: BwrapBinaries;
  asRoot: boolean;
  env: NodeJS.ProcessEnv;
}

/** Refuses a working directory systemd or bwrap would read as something else. */
export function checkCwd(cwd: string | undefined): string {
  const dir = cwd ?? '/';
  if (!dir.startsWith('/') || /[\0-\x1f\x7f]/.test(dir)) throw new Error(`cwd must be an absolute path without control characters, got ${JSON.stringify(dir)}`);
  return posix.normalize(dir);
}

const memoryNote = (plan: SandboxPlan) => `killed: memory cap ${plan.memoryMax}`;

/** Pure: the exit of a systemd-run client, told by its report (systemd-run-report.ts). */
export function systemdExit(client: ProcessExit, stderr: string, plan: SandboxPlan): ProcessExit {
  if (client.spawnError) return client;
  const { end } = splitSystemdRunReport(stderr, true);
  if (!end) {
    // systemd-run itself failed before the unit ran: not found, or refused by the manager.
    const why = /^(Failed to [^\n]*)/m.exec(stderr)?.[1];
    if (why && /Failed to find executable/.test(why)) return { ...client, exitCode: 127, note: why };
    return why ? { ...client, spawnError: `couldn't start the sandbox unit: ${why}` } : client;
  }
  const exit: ProcessExit = { ...client, exitCode: end.exitCode, signal: end.signal };
  if (end.result === 'oom-kill') exit.note = memoryNote(plan);
  else if (end.result === 'timeout') exit.note = `killed: the sandbox's backstop of ${plan.runtimeMaxSec}s`;
  else if (end.result === 'exit-code' && end.exitCode === 200) exit.note = 'the sandbox could not enter the working directory (missing, or hidden as a secret)';
  else if (end.result === 'exit-code' && end.exitCode !== null && end.exitCode >= 201 && end.exitCode <= 243) exit.note = `the sandbox unit failed to set up (systemd exit status ${end.exitCode})`;
  // Without a memory controller the cap is LimitAS=: an allocation fails instead of the OOM killer.
  else if (!plan.cgroupCaps) return allocationFailed(exit, stderr, plan);
  return exit;
}

/** Pure: a note when a command most likely ran into its address-space cap (RLIMIT_AS: bubblewrap, or systemd without cgroup v2). */
export function allocationFailed(exit: ProcessExit, stderr: string, plan: SandboxPlan): ProcessExit {
  if (exit.spawnError || exit.exitCode === 0) return exit;
  const tail = stderr.slice(-4096);
  if (/memory exhausted|Cannot allocate memory|MemoryError|out of memory|std::bad_alloc/i.test(tail))
    return { ...exit, note: `stopped by the memory cap ${plan.memoryMax}: an allocation failed (the cap is an address-space limit here, RLIMIT_AS)` };
  return exit;
}

function unitName(): string {
  return `ldm-cmd-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Runs every command in a transient systemd unit (systemd-run --pipe --wait). */
export function systemdSandbox(plan: SandboxPlan, deps: LauncherDeps): Sandbox {
  const launch: Launch = (options: StartOptions): ProcessHandle => {
    const unit = unitName();
    const argv = systemdRunArgv(plan, { argv: options.argv, cwd: checkCwd(options.cwd), env: sandboxEnvironment(deps.env) }, unit, deps.systemdRun);
    const report = new SystemdRunReportFilter();
    const client = startProcess({
      ...options, argv, cwd: '/', env: { PATH: deps.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', SYSTEMD_COLORS: '0' }, stderrFilter: report,
    });
    let stopped = false;
    const exited = client.exited.then((exit) => systemdExit(exit, client.stderr.text(false) + report.report, plan));
    let outcome: ProcessExit | null = null;
    void exited.then((e) => (outcome = e));
    return {
      ...client,
      pid: client.pid,
      exited,
      result: () => outcome,
      // Killing systemd-run leaves its unit running: the unit is what must stop. The client goes
      // when its unit ends; should the manager not answer, it is killed after the unit's stop time.
      kill: () => {
        if (outcome || stopped) return;
        stopped = true;
        deps.stopUnit(`${unit}.service`);
        setTimeout(() => client.kill(), 5000).unref();
      },
    };
  };
  return { backend: 'systemd', plan, launch };
}

/** Runs every command under bubblewrap as uid 65534, with rlimits for caps. */
export function bubblewrapSandbox(plan: SandboxPlan, deps: LauncherDeps): Sandbox {
  const launch: Launch = (options: StartOptions): ProcessHandle => {
    const argv = bwrapArgv(plan, { argv: options.argv, cwd: checkCwd(options.cwd), env: sandboxEnvironment(deps.env) }, deps.asRoot, deps.bwrap);
    const handle = startProcess({ ...options, argv, cwd: '/', env: { PATH: deps.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } });
    let outcome: ProcessExit | null = null;
    const exited = handle.exited.then((exit) => (outcome = allocationFailed(exit, handle.stderr.text(false), plan)));
    return { ...handle, pid: handle.pid, exited, result: () => outcome, kill: () => handle.kill() };
  };
  return { backend: 'bubblewrap', plan, launch };
}
