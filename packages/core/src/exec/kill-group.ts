/** What killProcessGroup needs from the OS; tests inject a fake. */
export interface KillDeps {
  kill: (pid: number, signal: NodeJS.Signals) => void;
  setTimeout: (fn: () => void, ms: number) => { unref?: () => void };
}

const defaultDeps: KillDeps = { kill: (pid, signal) => process.kill(pid, signal), setTimeout: (fn, ms) => setTimeout(fn, ms) };

/** Sends `signal` to the whole process group led by `pgid`; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals, deps: Pick<KillDeps, 'kill'> = defaultDeps): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to signal process group ${pgid}`);
  try {
    deps.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw new Error(`couldn't send ${signal} to process group ${pgid}`, { cause: err });
  }
}

/**
 * TERM to the group, then KILL after `graceMs`. A shell's children
 * (pipelines, background jobs) are in the same group, so nothing is left behind holding the pipes.
 */
export function killProcessGroup(pgid: number, graceMs: number, deps: KillDeps = defaultDeps): void {
  if (!signalGroup(pgid, 'SIGTERM', deps)) return;
  // KILL the group even when the leader has exited: a child that ignored TERM and let go of the
  // pipes is still in the group. ESRCH (all gone) is not an error.
  const timer = deps.setTimeout(() => {
    try {
      signalGroup(pgid, 'SIGKILL', deps);
    } catch {
      // EPERM after the group id was reused by another user's process: nothing of ours is left.
    }
  }, graceMs);
  timer.unref?.();
}
