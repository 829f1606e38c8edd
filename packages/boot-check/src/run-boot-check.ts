import {
  CHECKS,
  IncidentEngine,
  mergeTracked,
  overallStatus,
  rankPatterns,
  readBootId,
  readHostFacts,
  readUptimeSeconds,
  replaceAlerts,
  runChecks,
  syncFindings,
  type BootChecked,
  type BootFound,
  type CheckDeps,
  type CheckReport,
  type CommandResult,
  type RunCommand,
  type Config,
  type DocumentStore,
  type FindingInput,
  type HealthCheck,
  type HostFacts,
  type LastBoot,
  type Logger,
  type OverallStatus,
} from '@ldm/core';
import { readPreviousBoot, type PreviousBoot } from './read-previous-boot';
import { checksOf, patternCheckId, runPatternCheck } from './pattern-checks';

export interface BootCheckDeps extends CheckDeps {
  /** $PATH, to find the program of a config test. */
  path: string;
  /** The host's static facts (core's readHostFacts, with systeminformation); injected in tests. */
  readHostFacts?: (bootId: string, now: Date) => Promise<HostFacts>;
}

const HOST_FACTS_TIMEOUT_MS = 5_000;

export interface BootCheckOptions {
  store: DocumentStore;
  config: Config;
  logger: Logger;
  deps: BootCheckDeps;
  checks?: readonly HealthCheck[];
  /** Learned patterns whose checks run first, at most. */
  maxPatterns?: number;
}

export interface BootCheckOutcome {
  status: OverallStatus;
  report: LastBoot;
  previousBoot: PreviousBoot | null;
  incidents: string[];
  suggestions: string[];
}

const PREVIOUS_BOOT = 'previous-boot';

/**
 * At boot: what happened to the previous boot (reboot, clean shutdown, its errors), then the checks
 * of the learned patterns, boot-relative ones and the most frequent and recent first, then the
 * standard health checks. Everything found goes through the incident engine; the report goes to
 * state.json `lastBoot` for the MCP briefing.
 */
export async function runBootCheck(options: BootCheckOptions): Promise<BootCheckOutcome> {
  const { store, config, logger, deps } = options;
  const checks = options.checks ?? CHECKS;
  const now = deps.now();
  const state = await store.read('state');
  const last = state.lastBoot;
  const bootId = await readBootId(deps.proc);
  // No earlier report: installed since the last boot, so there is no "previous boot" of ours to judge.
  const rebooted = !!last && last.bootId !== bootId;
  const engine = new IncidentEngine(store, { now: deps.now, uptimeSec: () => readUptimeSeconds(deps.proc), minConfidence: config.learn.suggestionMinConfidence });

  const bootFindings: FindingInput[] = [];
  const concluded = new Set<string>();
  let previousBoot: PreviousBoot | null = null;
  if (rebooted) {
    previousBoot = await readPreviousBoot(deps.runCommand, 30, async (messages) => (await engine.fingerprintsOf(messages)).map((r) => r.fingerprint)).catch((err: Error) => {
      logger.warn(`couldn't read the previous boot's journal: ${err.message}`);
      return null;
    });
    if (previousBoot?.available) {
      concluded.add(PREVIOUS_BOOT);
      for (const p of previousBoot.problems) {
        bootFindings.push({
          check: PREVIOUS_BOOT,
          finding: { subject: p.subject, severity: p.severity, summary: p.summary, evidence: [...p.evidence, `${p.count} line${p.count > 1 ? 's' : ''} like this in boot ${last!.bootId}`], fromJournal: true },
        });
      }
      if (previousBoot.cleanShutdown === false) {
        bootFindings.push({
          check: PREVIOUS_BOOT,
          finding: { subject: 'shutdown', severity: 'warn', summary: 'the previous boot ended without a clean shutdown (crash, power loss or reset)', evidence: [`boot ${last!.bootId}`] },
        });
      }
    } else if (previousBoot) logger.notice(previousBoot.note);
  }

  const checked: BootChecked[] = [];
  let order = 1;
  const standardRuns = new Map<string, Promise<CheckReport | null>>();
  const runStandard = (id: string) => {
    if (!standardRuns.has(id)) standardRuns.set(id, runChecks({ checks, deps, config, state, memory: {}, only: [id] }).then((r) => r.reports[0] ?? null));
    return standardRuns.get(id)!;
  };
  // Pattern checks are read-only probes, and many patterns share a unit or a journal: one run each.
  const memo = new Map<string, Promise<CommandResult>>();
  const probe: RunCommand = (argv, opts) => {
    const key = argv.join('\u0000');
    if (!memo.has(key)) memo.set(key, deps.runCommand(argv, opts));
    return memo.get(key)!;
  };
  const patterns = rankPatterns((await store.read('patterns')).patterns, now, { bootFirst: true }).filter((p) => checksOf(p).length > 0);
  for (const pattern of patterns.slice(0, options.maxPatterns ?? 20)) {
    const key = `pattern:${pattern.id}`;
    let allConcluded = true;
    for (const check of checksOf(pattern)) {
      const result = await runPatternCheck(check, { ...deps, runCommand: probe, runThresholdCheck: runStandard }).catch((err: Error) => ({ status: 'failed' as const, message: err.message }));
      checked.push({ order: order++, source: 'pattern', id: patternCheckId(check), patternId: pattern.id, status: result.status, message: result.message });
      if (result.status === 'failed' || result.status === 'skipped') allConcluded = false;
      if (result.status === 'warn' || result.status === 'crit') {
        // The pattern's own template as the summary: the incident lands on the same pattern, with its known fix.
        bootFindings.push({ check: key, finding: { subject: pattern.subject ?? pattern.subjects[0] ?? pattern.id, severity: result.status, summary: pattern.template, evidence: [result.message] } });
      }
    }
    if (allConcluded) concluded.add(key);
  }

  // The standard set, as the healthcheck runs it; the OOM cursor stays the healthcheck's.
  const { reports } = await runChecks({ checks, deps, config, state, memory: {} });
  for (const r of reports) checked.push({ order: order++, source: 'standard', id: r.id, status: r.status, message: r.message });

  const bootSync = await syncFindings({ engine, source: 'boot-check', previous: last?.open ?? [], current: bootFindings, concluded, now });
  // Standard findings are the healthcheck's: same source, so its next run dedups onto them and clears them.
  const standardSync = await syncFindings({
    engine,
    source: 'healthcheck',
    previous: [],
    current: reports.flatMap((r) => r.findings.map((finding) => ({ check: r.id, finding }))),
    concluded: new Set(),
    now,
  });

  const suggestions: string[] = [];
  for (const { input, outcome } of [...bootSync.recorded, ...standardSync.recorded]) {
    if (!outcome.suggestion || outcome.deduped) continue;
    const s = outcome.suggestion;
    const note = `known fix for "${input.finding.summary}": ${s.action} (worked ${s.successes} of ${s.successes + s.failures} times)`;
    suggestions.push(note);
    logger.notice(note);
  }
  const found: BootFound[] = bootSync.recorded
    .filter((r) => r.input.check === PREVIOUS_BOOT)
    .map(({ input, outcome }) => ({
      summary: input.finding.summary,
      subject: input.finding.subject,
      severity: input.finding.severity,
      count: previousBoot?.problems.find((p) => p.subject === input.finding.subject && p.summary === input.finding.summary)?.count ?? 1,
      fingerprint: outcome.incident.fingerprints[0] ?? '',
      incidentId: outcome.incident.id,
      ...(outcome.suggestion ? { suggestion: outcome.suggestion.action } : {}),
    }));

  const statuses = checked.map((c) => ({ id: c.id, status: c.status, message: c.message, metrics: {}, findings: [], durationMs: 0 }));
  // What the previous boot left behind counts as much as what the checks see now.
  const foundStatus = bootFindings.filter((f) => f.check === PREVIOUS_BOOT).reduce<'ok' | 'warn' | 'crit'>((w, f) => (f.finding.severity === 'crit' || w === 'crit' ? 'crit' : 'warn'), 'ok');
  const status = overallStatus([...statuses, { id: PREVIOUS_BOOT, status: foundStatus, message: '', metrics: {}, findings: [], durationMs: 0 }]);
  const report: LastBoot = {
    bootId,
    previousBootId: rebooted ? last!.bootId : last?.previousBootId ?? null,
    rebooted,
    cleanShutdown: rebooted ? previousBoot?.cleanShutdown ?? null : last?.cleanShutdown ?? null,
    at: now.toISOString(),
    status,
    checked,
    found: rebooted ? found : last?.found ?? [],
    open: bootSync.open,
  };
  // Once per boot: the facts do not change while the host runs, and gathering them costs ~300 ms.
  const hostFacts = state.hostFacts?.bootId === bootId ? null : await gatherHostFacts(deps, bootId, now, logger);
  await store.update('state', (doc) => {
    doc.lastBoot = report;
    if (hostFacts) doc.hostFacts = hostFacts;
    const hc = doc.healthcheck ?? { results: [], open: [], memory: {} };
    hc.open = mergeTracked([], [], [...hc.open, ...standardSync.open]);
    doc.healthcheck = hc;
    replaceAlerts(doc, 'boot-check', bootSync.open);
    replaceAlerts(doc, 'healthcheck', hc.open);
  });
  return {
    status,
    report,
    previousBoot,
    incidents: [...new Set([...bootSync.recorded, ...standardSync.recorded].map((r) => r.outcome.incident.id))],
    suggestions,
  };
}

/** The host's facts, or null (logged) when they cannot be had in time: the boot check goes on without them. */
async function gatherHostFacts(deps: BootCheckDeps, bootId: string, now: Date, logger: Logger): Promise<HostFacts | null> {
  const read = deps.readHostFacts ?? ((id: string, at: Date) => readHostFacts(id, at));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${HOST_FACTS_TIMEOUT_MS} ms`)), HOST_FACTS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([read(bootId, now), timeout]);
  } catch (err) {
    logger.warn(`couldn't read the host's facts (CPU, memory, virtualisation, cloud): ${(err as Error).message}`);
    return null;
  } finally {
    clearTimeout(timer);
  }
}
