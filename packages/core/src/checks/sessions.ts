import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readProcFile, type ProcSource } from '../probe/proc-root';
import { parsePidStat, type ProcessStat } from '../probe/processes';
import { parseUptime } from '../probe/loadavg';
import type { Heartbeat } from '../state/schemas';
import { elapsedMs } from '../time/clamp-future';

/** USER_HZ: 100 on every Linux architecture Node runs on (x86_64, aarch64). */
const CLK_TCK = 100;
/** The server writes its heartbeat after Node started and loaded the bundle; on 1/8 OCPU that can take seconds. */
const START_TOLERANCE_MS = 120_000;
export const MCP_SERVER_MARK = 'ldm-mcp-server';

export type SessionVerdict = 'alive' | 'gone' | 'reused' | 'zombie' | 'stale';

export interface SessionProcess {
  stat: ProcessStat | null;
  cmdline: string;
}

export interface SessionAssessment {
  session: Heartbeat;
  verdict: SessionVerdict;
  reason: string;
  /** Seconds since the last heartbeat. */
  silentSec: number;
}

export interface AssessOptions {
  now: Date;
  staleSec: number;
  currentBootId: string | null;
  /** Wall-clock time of boot, ms (now - uptime). */
  bootTimeMs: number;
  /** Seconds since boot now (CLOCK_BOOTTIME); with the heartbeat's own, silence needs no wall clock. */
  uptimeSec?: number;
}

/**
 * Pure: what to make of one heartbeat given its process. A pid counts as ours only when its
 * cmdline names ldm-mcp-server and it started no later than the heartbeat says (pids get reused),
 * so nothing else is ever reported or killed in its place.
 */
export function assessSession(session: Heartbeat, proc: SessionProcess, options: AssessOptions): SessionAssessment {
  // lastActivity is the server's liveness beat (written every minute even when idle).
  const sameBoot = !!session.bootId && !!options.currentBootId && session.bootId === options.currentBootId;
  // Boot-clock stamps (same boot) are immune to wall-clock steps; older heartbeats fall back to the wall clock.
  const boot = sameBoot ? { thenSec: session.beatUptimeSec, nowSec: options.uptimeSec } : undefined;
  const silentSec = Math.round(elapsedMs(session.lastActivity, options.now, boot) / 1000);
  const base = { session, silentSec };
  if (session.bootId && options.currentBootId && !sameBoot) {
    return { ...base, verdict: 'gone', reason: 'written before the last reboot' };
  }
  if (!proc.stat) return { ...base, verdict: 'gone', reason: `process ${session.pid} no longer exists` };
  if (proc.stat.state === 'Z') return { ...base, verdict: 'zombie', reason: `process ${session.pid} is a zombie (parent ${proc.stat.ppid} has not reaped it)` };
  if (!proc.cmdline.includes(MCP_SERVER_MARK)) return { ...base, verdict: 'reused', reason: `pid ${session.pid} now belongs to another program (${proc.cmdline.slice(0, 60) || proc.stat.comm})` };
  if (sameBoot && session.startTicks !== undefined) {
    if (proc.stat.startTicks !== session.startTicks) {
      return { ...base, verdict: 'reused', reason: `pid ${session.pid} started at tick ${proc.stat.startTicks} since boot, not at ${session.startTicks}` };
    }
  } else if (isLaterProcess(session, proc.stat.startTicks, options.bootTimeMs)) {
    const processStartMs = options.bootTimeMs + (proc.stat.startTicks * 1000) / CLK_TCK;
    return { ...base, verdict: 'reused', reason: `pid ${session.pid} started at ${new Date(processStartMs).toISOString()}, not at ${session.startedAt}` };
  }
  if (silentSec > options.staleSec) return { ...base, verdict: 'stale', reason: `no heartbeat for ${silentSec} s (limit ${options.staleSec} s)` };
  return { ...base, verdict: 'alive', reason: 'heartbeat is recent' };
}

/** Heartbeats without startTicks (older servers): compare the wall-clock start times, with tolerance. */
function isLaterProcess(session: Heartbeat, startTicks: number, bootTimeMs: number): boolean {
  const processStartMs = bootTimeMs + (startTicks * 1000) / CLK_TCK;
  const claimedStartMs = Date.parse(session.startedAt);
  return Number.isFinite(claimedStartMs) && (processStartMs > claimedStartMs + 5000 || claimedStartMs - processStartMs > START_TOLERANCE_MS);
}

export async function readSessionProcess(pid: number, proc: ProcSource): Promise<SessionProcess> {
  const dir = join(proc.procRoot, String(pid));
  const stat = await readFile(join(dir, 'stat'), 'utf8').then(parsePidStat, () => null);
  const cmdline = await readFile(join(dir, 'cmdline'), 'utf8').then((t) => t.replace(/\0+$/, '').replace(/\0/g, ' '), () => '');
  return { stat, cmdline };
}

/** Reads /proc for every heartbeat and assesses it. */
export async function inspectSessions(sessions: Heartbeat[], proc: ProcSource, now: Date, staleSec: number): Promise<SessionAssessment[]> {
  const uptimeSec = parseUptime(await readProcFile(proc, 'uptime'));
  const currentBootId = await readProcFile(proc, 'sys/kernel/random/boot_id').then((t) => t.trim(), () => null);
  const bootTimeMs = now.getTime() - uptimeSec * 1000;
  return Promise.all(
    sessions.map(async (s) => assessSession(s, await readSessionProcess(s.pid, proc), { now, staleSec, currentBootId, bootTimeMs, uptimeSec })),
  );
}
