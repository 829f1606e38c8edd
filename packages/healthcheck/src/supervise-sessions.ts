import { inspectSessions, type SessionAssessment, type CheckDeps, type Heartbeat, type Logger } from '@ldm/core';

export interface SuperviseDeps extends CheckDeps {
  kill: (pid: number, signal: NodeJS.Signals | 0) => void;
  sleep: (ms: number) => Promise<void>;
}

export interface SupervisionOutcome {
  /** Heartbeats to drop from state.json: their process is gone, reused, or was killed. */
  remove: Heartbeat[];
  actions: string[];
}

const TERM_GRACE_MS = 3000;

function exists(deps: SuperviseDeps, pid: number): boolean {
  try {
    deps.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Acts on the heartbeats: drops those whose process is gone (or whose pid now belongs to another
 * program), and, when healthcheck.killStaleSessions allows it, ends stale sessions with SIGTERM then
 * SIGKILL. Identity is re-checked right before each signal, so a pid reused since the check ran is
 * never signalled.
 */
export async function superviseSessions(
  sessions: Heartbeat[],
  options: { deps: SuperviseDeps; staleSec: number; killStale: boolean; logger: Logger },
): Promise<SupervisionOutcome> {
  const { deps, logger } = options;
  const now = deps.now();
  const assessed = await inspectSessions(sessions, deps.proc, now, options.staleSec);
  const remove: Heartbeat[] = [];
  const actions: string[] = [];
  for (const a of assessed) {
    if (a.verdict === 'gone' || a.verdict === 'reused') {
      remove.push(a.session);
      actions.push(`removed the heartbeat of pid ${a.session.pid}: ${a.reason}`);
      continue;
    }
    if (a.verdict !== 'stale') continue;
    if (!options.killStale) {
      logger.warn(`stale MCP session pid ${a.session.pid} left running (healthcheck.killStaleSessions is false): ${a.reason}`);
      continue;
    }
    if (await killVerified(a, deps, options.staleSec, logger)) {
      remove.push(a.session);
      actions.push(`killed stale MCP session pid ${a.session.pid}: ${a.reason}`);
    }
  }
  return { remove, actions };
}

async function stillStale(a: SessionAssessment, deps: SuperviseDeps, staleSec: number): Promise<boolean> {
  const [fresh] = await inspectSessions([a.session], deps.proc, deps.now(), staleSec);
  return fresh?.verdict === 'stale';
}

async function killVerified(a: SessionAssessment, deps: SuperviseDeps, staleSec: number, logger: Logger): Promise<boolean> {
  const pid = a.session.pid;
  if (!(await stillStale(a, deps, staleSec))) return false;
  try {
    deps.kill(pid, 'SIGTERM');
  } catch (err) {
    logger.warn(`couldn't SIGTERM stale MCP session pid ${pid}: ${(err as Error).message}`);
    return false;
  }
  for (let waited = 0; waited < TERM_GRACE_MS; waited += 250) {
    await deps.sleep(250);
    if (!exists(deps, pid)) return true;
  }
  // Same test as before the SIGTERM: only a process that is still this session gets SIGKILL.
  if (await stillStale(a, deps, staleSec)) {
    try {
      deps.kill(pid, 'SIGKILL');
    } catch (err) {
      logger.warn(`couldn't SIGKILL stale MCP session pid ${pid}: ${(err as Error).message}`);
      return false;
    }
  }
  return true;
}

