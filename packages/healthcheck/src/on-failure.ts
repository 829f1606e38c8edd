import {
  boundEvent,
  IncidentEngine,
  mergeNotifyState,
  replaceAlerts,
  resolveChannels,
  runNotify,
  notifyStateOf,
  trackedKey,
  type Config,
  type DocumentStore,
  type Logger,
  type RunCommand,
  type SendDeps,
  type TrackedFinding,
} from '@ldm/core';

/** Journal lines of the failed unit kept as evidence (an incident holds at most 20 lines). */
export const ON_FAILURE_JOURNAL_LINES = 18;

/** The check whose findings the hook's incidents are: the next healthcheck run tracks them from there. */
const CHECK = 'failed-units';

export interface OnFailureDeps {
  runCommand: RunCommand;
  now: () => Date;
  uptimeSec: () => Promise<number | null>;
  send: SendDeps;
}

export interface OnFailureOutcome {
  unit: string;
  /** Why nothing was recorded (the suite's own units, an ignored unit), or null. */
  skipped: string | null;
  incidentId: string | null;
  notified: Array<{ channel: string; ok: boolean; error?: string }>;
}

/** Pure: why the hook leaves this unit alone, or null. The suite's units (the hook's own included) never recurse. */
export function skipReason(unit: string, config: Config): string | null {
  if (unit.startsWith('ldm-')) return `${unit} is one of linux-devops-mcp's own units`;
  if (config.healthcheck.checks['failed-units']?.enabled === false) return 'the failed-units check is disabled';
  if (config.healthcheck.checks['failed-units']?.ignore?.includes(unit)) return `${unit} is in healthcheck.checks.failed-units.ignore`;
  return null;
}

/** Pure: a unit name as systemd's %n gives it; anything else is refused before it reaches an argv. */
export function isUnitName(unit: string): boolean {
  return /^[\w@.:\\-]{1,250}\.(service|socket|mount|timer|path|swap|target|scope|automount)$/.test(unit) && !unit.startsWith('-');
}

/**
 * Run by ldm-onfailure@UNIT.service when UNIT enters the failed state (OnFailure=): records the
 * failure as the failed-units check would, with the unit's result and last journal lines, tracks
 * it so the next healthcheck run reports its recovery, and notifies at once.
 */
export async function recordUnitFailure(unit: string, store: DocumentStore, config: Config, logger: Logger, deps: OnFailureDeps): Promise<OnFailureOutcome> {
  if (!isUnitName(unit)) throw Object.assign(new Error(`--on-failure: not a unit name: ${JSON.stringify(unit.slice(0, 100))}`), { exitCode: 64 });
  const skipped = skipReason(unit, config);
  if (skipped) return { unit, skipped, incidentId: null, notified: [] };
  const [show, journal] = await Promise.all([
    deps.runCommand(['systemctl', 'show', unit, '-p', 'Result', '-p', 'ExecMainCode', '-p', 'ExecMainStatus', '-p', 'NRestarts', '--no-pager'], { timeoutMs: 5000 }).catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message })),
    deps.runCommand(['journalctl', '-u', unit, '-n', String(ON_FAILURE_JOURNAL_LINES), '-o', 'short-iso', '--no-pager', '-q'], { timeoutMs: 5000 }).catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message })),
  ]);
  const props = show.stdout.split('\n').filter((l) => l.includes('=')).join(' ');
  const lines = journal.stdout.split('\n').filter((l) => l.trim()).slice(-ON_FAILURE_JOURNAL_LINES);
  const evidence = [`${unit} failed${props ? `: ${props}` : ''}`, ...lines];
  const crit = config.healthcheck.checks['failed-units']?.crit;
  const severity = typeof crit === 'number' && crit <= 1 ? 'crit' : 'warn';
  const summary = `unit ${unit} has failed`;
  const now = deps.now();
  const engine = new IncidentEngine(store, { now: deps.now, uptimeSec: deps.uptimeSec, minConfidence: config.learn.suggestionMinConfidence, maxPatterns: config.learn.maxPatterns });
  const outcome = await engine.record({ source: 'healthcheck', severity, summary, subject: unit, evidence });
  const tracked: TrackedFinding = {
    check: CHECK,
    subject: unit,
    fingerprint: outcome.incident.fingerprints[0] ?? engine.fingerprintOf(summary).fingerprint,
    severity,
    summary,
    incidentId: outcome.incident.id,
    since: outcome.incident.time,
  };
  const state = await store.read('state');
  const alreadyOpen = (state.healthcheck?.open ?? []).some((t) => trackedKey(t) === trackedKey(tracked));
  const fix = outcome.suggestion;
  const event = boundEvent({ kind: 'open', check: CHECK, subject: unit, severity, summary, at: now.toISOString(), incidentId: outcome.incident.id, evidence: lines.slice(-5), ...(fix ? { knownFix: { action: fix.action, successes: fix.successes, failures: fix.failures } } : {}) });
  const channels = config.notify.channels.length ? await resolveChannels(config.notify, deps.send) : [];
  const sent = await runNotify(state.notify, alreadyOpen ? [] : [event], channels, config.notify, deps.send.now);
  await store.update('state', (doc) => {
    const hc = (doc.healthcheck ??= { results: [], open: [], memory: {} });
    if (!hc.open.some((t) => trackedKey(t) === trackedKey(tracked))) hc.open = [...hc.open, tracked];
    replaceAlerts(doc, 'healthcheck', hc.open);
    if (channels.length) doc.notify = mergeNotifyState(notifyStateOf(doc.notify), sent.snapshot, sent.state, config.notify.maxPending);
  });
  for (const r of sent.results) (r.ok ? logger.info : logger.warn)(r.ok ? `notified ${r.item.channel}: ${unit} failed` : `couldn't notify ${r.item.channel}: ${r.error}`);
  return { unit, skipped: null, incidentId: outcome.incident.id, notified: sent.results.map((r) => ({ channel: r.item.channel, ok: r.ok, ...(r.error ? { error: r.error } : {}) })) };
}
