import {
  findingEvents,
  NOTIFY_CHECK,
  notifyStateOf,
  resolveChannels,
  runNotify,
  syncFindings,
  type Config,
  type IncidentEngine,
  type KnownFixNote,
  type Logger,
  type NotifyRunOutcome,
  type SendDeps,
  type SyncOutput,
  type TrackedFinding,
} from '@ldm/core';

export interface NotifyStepInput {
  engine: IncidentEngine;
  config: Config;
  logger: Logger;
  send: SendDeps;
  /** The findings open before this run (state.json) and this run's sync of the checks' findings. */
  before: TrackedFinding[];
  sync: SyncOutput;
  /** state.json's `notify` at the start of the run. */
  stored: unknown;
  now: Date;
}

export interface NotifyStepOutput {
  /** The run's open findings, with the channels that keep failing among them. */
  open: TrackedFinding[];
  cleared: string[];
  outcome: NotifyRunOutcome | null;
}

/**
 * Tells the channels what opened, escalated or recovered in this run (and retries what earlier
 * runs could not send), then records each channel that keeps failing as a finding of its own.
 */
export async function notifyStep(input: NotifyStepInput): Promise<NotifyStepOutput> {
  const { config, sync, now } = input;
  const mine = (t: TrackedFinding) => t.check !== NOTIFY_CHECK;
  const byIncident = new Map(sync.recorded.map((r) => [r.outcome.incident.id, r]));
  const fixes = new Map<string, KnownFixNote>();
  const evidence = new Map<string, string[]>();
  for (const t of sync.open) {
    const r = byIncident.get(t.incidentId);
    if (!r) continue;
    const key = `${t.check}\u0000${t.subject}\u0000${t.fingerprint}`;
    if (r.outcome.suggestion) fixes.set(key, { action: r.outcome.suggestion.action, successes: r.outcome.suggestion.successes, failures: r.outcome.suggestion.failures });
    evidence.set(key, (r.input.finding.evidence ?? []).slice(-5));
  }
  const events = findingEvents(input.before.filter(mine), sync.open.filter(mine), now, { fixes, evidence });
  const pending = notifyStateOf(input.stored).pending.length;
  let outcome: NotifyRunOutcome | null = null;
  if (config.notify.channels.length && (events.length || pending)) {
    const channels = await resolveChannels(config.notify, input.send);
    outcome = await runNotify(input.stored, events, channels, config.notify, input.send.now);
    for (const r of outcome.results) {
      if (r.ok) input.logger.info(`notified ${r.item.channel}: ${r.item.event.kind} ${r.item.event.subject}`);
      else input.logger.warn(`couldn't notify ${r.item.channel} (attempt ${r.item.attempts + 1}): ${r.error}`);
    }
  }
  const previousChannels = input.before.filter((t) => !mine(t));
  if (!previousChannels.length && !outcome?.findings.length) return { open: sync.open, cleared: [], outcome };
  // Cleared when no channel is failing, including when the channels were removed from the config.
  const channelSync = await syncFindings({
    engine: input.engine,
    source: 'healthcheck',
    previous: previousChannels,
    current: (outcome?.findings ?? []).map((finding) => ({ check: NOTIFY_CHECK, finding })),
    concluded: new Set(outcome || !config.notify.channels.length ? [NOTIFY_CHECK] : []),
    now,
  });
  return { open: [...sync.open.filter(mine), ...channelSync.open], cleared: channelSync.cleared, outcome };
}
