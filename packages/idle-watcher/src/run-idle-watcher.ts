import { arch } from 'node:os';
import {
  markActivity,
  quietMs,
  IncidentEngine,
  addToHistory,
  clampFuture,
  assessReclamation,
  decideIdle,
  decodeHistory,
  encodeHistory,
  detectShape,
  figuresSince,
  isUnitInstalled,
  readSample,
  readUptimeSeconds,
  referenceMbps,
  replaceAlerts,
  syncFindings,
  toIdleSample,
  type CheckDeps,
  type Config,
  type DocumentStore,
  type Heartbeat,
  type IdleDecision,
  type IdleState,
  type Logger,
  type ReclamationAssessment,
  type Shape,
  type TrackedFinding,
} from '@ldm/core';

export interface IdleWatcherDeps extends Pick<CheckDeps, 'proc' | 'runCommand' | 'now' | 'fileExists'> {
  arch: string;
}

export interface IdleWatcherOptions {
  store: DocumentStore;
  config: Config;
  logger: Logger;
  deps: IdleWatcherDeps;
}

export interface IdleOutcome {
  mode: 'active' | 'standby';
  transition: 'entered-standby' | 'left-standby' | null;
  decision: IdleDecision;
  cpuPercent: number | null;
  memUsedPercent: number;
  netBytesPerSec: number | null;
  lastActivity: string;
  shape: Shape;
  reclamation: ReclamationAssessment | null;
  actions: string[];
  incidents: string[];
}

export const STANDBY_ALERT_SUBJECT = 'standby';
const RECLAIM_SUBJECT = 'oracle-idle-reclamation';

export function defaultIdleDeps(base: Pick<CheckDeps, 'proc' | 'runCommand' | 'now' | 'fileExists'>): IdleWatcherDeps {
  return { ...base, arch: arch() };
}

/**
 * When a session last did something for a client. The server's `lastActivity` is its liveness beat
 * (refreshed every minute even when idle); `lastRequest` is the last message from the client, and a
 * session that never had one counts from its start.
 */
function activityOf(session: Heartbeat, now: Date): string {
  if (runsJobs(session, now)) return now.toISOString();
  const request = (session as { lastRequest?: unknown }).lastRequest;
  return typeof request === 'string' ? request : session.startedAt;
}

/** A server beats every minute; a beat older than this is a leftover (a crashed server), whatever it said. */
const LIVE_BEAT_MS = 3 * 60_000;

/** The server had a background job running at a recent beat: the host is busy for as long as it runs. */
function runsJobs(session: Heartbeat, now: Date): boolean {
  const age = now.getTime() - Date.parse(session.lastActivity);
  return (session.runningJobs ?? 0) > 0 && age >= -LIVE_BEAT_MS && age <= LIVE_BEAT_MS;
}

function newest(...isoTimes: Array<string | undefined>): string | undefined {
  return isoTimes.filter((t): t is string => !!t && Number.isFinite(Date.parse(t))).sort((a, b) => Date.parse(b) - Date.parse(a))[0];
}

/**
 * One sample: CPU, memory and network from /proc deltas since the previous sample (kept in
 * state.json), MCP activity from the heartbeats. Starts a child process only on the transition to
 * standby, to stop the HTTP transport (socket activation brings it back).
 */
export async function runIdleWatcher(options: IdleWatcherOptions): Promise<IdleOutcome> {
  const { store, config, logger, deps } = options;
  const now = deps.now();
  const state = await store.read('state');
  const previous: IdleState = state.idle ?? { history: '' };
  const previousHistory = decodeHistory(previous.history);
  const reading = await readSample(deps.proc);
  const figures = figuresSince(previous.lastSample, reading, now);

  // Times written before the clock was set back would hold the host "active" for the length of the step.
  const since = clampFuture(previous.since ?? now.toISOString(), now);
  const lastActivity = clampFuture(newest(previous.lastActivity, ...state.sessions.map((x) => activityOf(x, now))) ?? since, now);
  const activityClock = markActivity(previous.activityClock, lastActivity, now, reading);
  const decision = decideIdle({
    now,
    cpuPercent: figures.cpuPercent,
    lastActivity: new Date(lastActivity),
    quietMs: quietMs(activityClock, lastActivity, now, reading),
    cpuThreshold: config.idle.cpuPercent,
    minutes: config.idle.minutes,
    tooSoon: figures.tooSoon,
  });

  const history =
    figures.cpuPercent === null
      ? previousHistory
      : addToHistory(previousHistory, { at: now, cpuPercent: figures.cpuPercent, memUsedPercent: figures.memUsedPercent, netBytes: figures.netBytes, netSec: figures.netSec });

  const shape: Shape = config.idle.shape === 'auto' ? detectShape({ arch: deps.arch, memTotalBytes: reading.mem.totalBytes, cpuCount: reading.cpu.cpuCount }) : config.idle.shape;
  const reclamation = config.idle.reclaimCheck
    ? assessReclamation(history, now, { shape, referenceMbps: referenceMbps(shape, reading.cpu.cpuCount, config.idle.referenceMbps), warnDays: config.idle.reclaimWarnDays })
    : null;

  const wasStandby = state.mode === 'standby';
  const mode = decision.idle === null ? state.mode : decision.idle ? 'standby' : 'active';
  const transition = mode === 'standby' && !wasStandby ? 'entered-standby' : mode === 'active' && wasStandby ? 'left-standby' : null;
  const actions: string[] = [];
  if (transition === 'entered-standby') {
    logger.notice(`entering standby: ${decision.reason}`);
    const unit = config.healthcheck.http.unit;
    if (await isUnitInstalled(unit, deps.fileExists)) {
      const res = await deps.runCommand(['systemctl', 'stop', unit], { timeoutMs: 60_000 }).catch((err: Error) => ({ exitCode: -1, stderr: err.message, stdout: '' }));
      const note = `systemctl stop ${unit}: ${res.exitCode === 0 ? 'done (socket activation starts it on the next request)' : `failed (exit ${res.exitCode}: ${res.stderr.trim().split('\n')[0]})`}`;
      actions.push(note);
      (res.exitCode === 0 ? logger.notice : logger.error)(note);
    }
  } else if (transition === 'left-standby') {
    logger.notice(`leaving standby: ${decision.reason}`);
  }

  const engine = new IncidentEngine(store, { now: deps.now, uptimeSec: () => readUptimeSeconds(deps.proc), minConfidence: config.learn.suggestionMinConfidence });
  const previousOpen = ((previous as { open?: TrackedFinding[] }).open ?? []) as TrackedFinding[];
  const reclaimFindings =
    reclamation && reclamation.status !== 'ok'
      ? [{ check: 'reclamation', finding: { subject: RECLAIM_SUBJECT, severity: reclamation.status, summary: "the instance is idle by Oracle's Always Free reclamation rule", evidence: [reclamation.message] } }]
      : [];
  const sync = await syncFindings({
    engine,
    source: 'idle-watcher',
    previous: previousOpen,
    current: reclaimFindings,
    concluded: new Set(reclamation ? ['reclamation'] : []),
    now,
  });
  for (const { outcome } of sync.recorded) if (!outcome.deduped) logger.warn(reclamation!.message);

  const netBytesPerSec = figures.netBytes !== null && figures.netSec > 0 ? figures.netBytes / figures.netSec : null;
  const lastIdle = { at: now.toISOString(), cpuPercent: figures.cpuPercent, memUsedPercent: figures.memUsedPercent, netBytesPerSec, idle: decision.idle === true, reason: decision.reason };
  await store.update('state', (doc) => {
    const current = doc.idle ?? { history: '' };
    doc.idle = {
      ...current,
      lastSample: figures.tooSoon ? current.lastSample : toIdleSample(reading, now),
      since,
      // Re-read under the lock: a heartbeat written since our read still counts.
      lastActivity: clampFuture(newest(lastActivity, ...doc.sessions.map((x) => activityOf(x, now))) ?? lastActivity, now),
      activityClock,
      standbySince: mode === 'standby' ? (wasStandby ? clampFuture(previous.standbySince ?? now.toISOString(), now) : now.toISOString()) : undefined,
      last: lastIdle,
      history: encodeHistory(history),
      reclamation: reclamation ? { ...reclamation, at: now.toISOString() } : undefined,
      open: sync.open,
    };
    doc.mode = mode;
    const alerts = sync.open.map((t) => ({ ...t }));
    if (mode === 'standby') {
      alerts.push({
        check: 'standby',
        subject: STANDBY_ALERT_SUBJECT,
        fingerprint: '',
        severity: 'warn',
        summary: `host in standby since ${doc.idle.standbySince}: ${decision.reason}`,
        incidentId: '',
        since: doc.idle.standbySince ?? now.toISOString(),
      });
    }
    replaceAlerts(doc, 'idle-watcher', alerts);
  });

  return {
    mode,
    transition,
    decision,
    cpuPercent: figures.cpuPercent,
    memUsedPercent: figures.memUsedPercent,
    netBytesPerSec,
    lastActivity,
    shape,
    reclamation,
    actions,
    incidents: sync.recorded.map((r) => r.outcome.incident.id),
  };
}
