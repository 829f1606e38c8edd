import { randomBytes } from 'node:crypto';
import type { Launch, ProcessHandle, StartOptions } from '../exec/start-process';
import { deferredHandle } from './deferred-handle';
import { HelperSession, type HelperProcess, type SessionDeps } from './helper-session';
import type { SandboxPlan } from './sandbox-plan';
import { checkCwd, type Sandbox } from './sandbox-launcher';

/** What the persistent sandbox runs on; open-sandbox.ts gives the real ones, tests their own. */
export interface PersistentDeps {
  /** The plan of this moment: a secret made since the last command changes it. */
  planNow(): Promise<SandboxPlan>;
  /** Starts the helper in a hardened unit named `unit` (systemd-run --pipe). */
  startHelper(plan: SandboxPlan, unit: string): HelperProcess;
  sessionDeps(plan: SandboxPlan, unit: string): SessionDeps;
  /** Per-command units, for when the helper cannot come up here. */
  fallback(plan: SandboxPlan): Launch;
  log(message: string): void;
}

/** Pure: what must match for a running sandbox unit to serve a command planned as `plan`. */
export function planKey(plan: SandboxPlan): string {
  const { hidden, writable, user, groups, memoryMaxBytes, tasksMax, cgroupCaps } = plan;
  return JSON.stringify({ hidden, writable, user, groups, memoryMaxBytes, tasksMax, cgroupCaps });
}

function unitName(): string {
  return `ldm-sbx-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/**
 * The systemd backend without a unit per command: one hardened unit runs a helper that starts
 * the commands (helper-source.ts), so a command costs a fork and an exec instead of a unit's
 * start-up with its mount namespace. Replaced when the plan changes (a new home, a new key); if it
 * cannot come up at all, every command gets its own unit as before.
 */
export function persistentSandbox(first: SandboxPlan, deps: PersistentDeps): Sandbox {
  let latest = first;
  let session: HelperSession | null = null;
  let broken = false;
  const sessionFor = (plan: SandboxPlan): HelperSession => {
    const key = planKey(plan);
    if (session && !session.dead && session.key === key) return session;
    session?.retire();
    const unit = unitName();
    const s = new HelperSession(key, deps.startHelper(plan, unit), deps.sessionDeps(plan, unit));
    s.ready.catch((err: Error) => {
      if (broken) return;
      broken = true;
      deps.log(`the persistent command sandbox did not come up (${err.message}); each command now gets its own unit`);
    });
    return (session = s);
  };
  const start = async (options: StartOptions, cwd: string): Promise<ProcessHandle> => {
    const plan = (latest = await deps.planNow());
    if (broken) return deps.fallback(plan)(options);
    const s = sessionFor(plan);
    try {
      await s.ready;
    } catch {
      return deps.fallback(plan)(options);
    }
    return s.run(options, cwd);
  };
  return {
    backend: 'systemd',
    get plan() {
      return latest;
    },
    launch: (options) => deferredHandle(options, start(options, checkCwd(options.cwd))),
  };
}
