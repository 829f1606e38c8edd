import {
  CHECKS,
  customCheckConfig,
  IncidentEngine,
  isEnabled,
  mergeNotifyState,
  notifyStateOf,
  pingHeartbeat,
  mergeTracked,
  overallStatus,
  readProcFile,
  readUptimeSeconds,
  replaceAlerts,
  runChecks,
  stateDirReport,
  syncFindings,
  type CheckReport,
  type CheckRecord,
  type CustomCheck,
  type Config,
  type DocumentStore,
  type FindingInput,
  type HealthCheck,
  type HostAction,
  type HostRunner,
  type Logger,
  type OverallStatus,
  type PolicyContext,
  type RestartRecord,
  type SendDeps,
} from '@ldm/core';
import { notifyStep, type NotifyStepOutput } from './notify-step';
import { superviseSessions, type SuperviseDeps } from './supervise-sessions';
import { mayRestart, pruneRestarts, stampOf, type BootClock } from './restart-cap';
import { remediate } from './remediation';
import { heal, healPlan, type HealPlan } from './heal';


export interface HealthcheckDeps extends SuperviseDeps {
  /** Runs learned fixes on the host: the runner the MCP server's typed tools use (core's runOnHost). */
  runHost: HostRunner;
  /** Notification channels and the push heartbeat (core's defaultSendDeps). */
  send: SendDeps;
  /** The host changes made through MCP tool calls since a time (core's readHostActions on the audit log): a cleared incident learns from them. */
  hostActions?: (since: string) => Promise<HostAction[]>;
}

export interface HealthcheckOptions {
  store: DocumentStore;
  config: Config;
  logger: Logger;
  deps: HealthcheckDeps;
  /** The suite's units, config and directories, for the policy decision on learned fixes (policyContextOf). */
  policyContext: PolicyContext;
  checks?: readonly HealthCheck[];
  /** Run only this check (an owner's check's own timer, `--only ID`); the other results stay as they were. */
  only?: string;
}

export interface HealthcheckOutcome {
  status: OverallStatus;
  checks: CheckReport[];
  /** Incidents opened or updated by this run. */
  incidents: string[];
  cleared: string[];
  actions: string[];
  suggestions: string[];
  /** Sends to notification channels made by this run. */
  notified: Array<{ channel: string; event: string; subject: string; ok: boolean; error?: string }>;
  /** The push heartbeat: null when none is configured, 'ok', or why it failed. */
  heartbeat: string | null;
}

/** The pseudo-check under which a restart cap that was hit is reported and cleared. */
const RESTART_CAP = 'restart-cap';
/** How many seconds an action's effect is waited for (a web server that takes a moment to listen). */
const RECHECK_TRIES = 15;
/** ...and never longer than this in all, so a run stays inside its unit's TimeoutStartSec. */
const RECHECK_WINDOW_MS = 20_000;

/** Pure: the results to store: `before` (a run of one check keeps the others') with this run's reports in their place. */
export function mergeResults(before: CheckRecord[], reports: CheckReport[]): CheckRecord[] {
  const mine = reports.map(({ id, status, message, metrics, kind }) => ({ id, status, message, metrics, ...(kind ? { kind } : {}) }));
  const ids = new Set(mine.map((r) => r.id));
  return [...before.filter((r) => !ids.has(r.id)), ...mine];
}

/**
 * One health check run: the checks, then the actions the config allows (session clean-up, kills,
 * restarting the HTTP transport within the cap, known fixes), then incidents and state.json.
 */
export async function runHealthcheck(options: HealthcheckOptions): Promise<HealthcheckOutcome> {
  const outcome = await checkAndRecord(options);
  const { config, deps, logger } = options;
  outcome.heartbeat = await pingHeartbeat(config.heartbeat, outcome.status, `${outcome.status.toUpperCase()}: ${outcome.checks.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.message}`).join('; ') || 'all checks ok'}`, deps.send);
  if (outcome.heartbeat && outcome.heartbeat !== 'ok') logger.warn(`push heartbeat failed: ${outcome.heartbeat}`);
  return outcome;
}

async function checkAndRecord(options: HealthcheckOptions): Promise<HealthcheckOutcome> {
  const { store, config, logger, deps } = options;
  // The probes of the owner's checks load only when there are some (custom-checks-chunk.ts).
  const custom = config.healthcheck.custom.length ? await import('./custom-checks-chunk') : null;
  const checks = options.checks ?? [...CHECKS, ...(custom?.customChecksOf(config) ?? [])];
  if (options.only && !checks.some((c) => c.id === options.only)) throw new Error(`--only ${JSON.stringify(options.only)}: no such check (ids: ${checks.map((c) => c.id).join(', ')})`);
  const only = options.only ? [options.only] : undefined;
  const now = deps.now();
  const state = await store.read('state');
  const previous = state.healthcheck;
  const boot: BootClock = {
    bootId: await readProcFile(deps.proc, 'sys/kernel/random/boot_id').then((t) => t.trim() || null, () => null),
    uptimeSec: await readUptimeSeconds(deps.proc).then((u) => (Number.isFinite(u) ? u : null), () => null),
  };
  const engine = new IncidentEngine(store, {
    now: deps.now,
    uptimeSec: () => readUptimeSeconds(deps.proc),
    minConfidence: config.learn.suggestionMinConfidence,
    ...(deps.hostActions ? { hostActions: deps.hostActions } : {}),
  });

  const ran = await runChecks({ checks, deps, config, state, memory: previous?.memory ?? {}, only });
  const { reports } = ran;
  // A full run forgets the memory of checks that are no longer configured.
  const memory = only ? ran.memory : Object.fromEntries(Object.entries(ran.memory).filter(([id]) => checks.some((c) => c.id === id)));
  for (const r of reports) if (r.status === 'failed') logger.warn(`check ${r.id} failed: ${r.message}`);

  /** After an action: the check again, once a second for up to RECHECK_TRIES seconds, until the finding is gone. */
  const recheckUntilPassing = async (check: HealthCheck, subject: string): Promise<boolean> => {
    const started = performance.now();
    for (let i = 0; i < RECHECK_TRIES && performance.now() - started < RECHECK_WINDOW_MS; i++) {
      await deps.sleep(1000);
      const again = await runChecks({ checks: [check], deps, config, state, memory: {}, only: [check.id] });
      const report = again.reports[0];
      if (report && report.status !== 'failed' && !report.findings.some((f) => f.subject === subject)) return true;
    }
    return false;
  };

  const actions: string[] = [];
  try {
    const sessionsCheck = checks.find((c) => c.id === 'mcp-sessions');
    const supervision =
      sessionsCheck && isEnabled(sessionsCheck, config) && !only
        ? await superviseSessions(state.sessions, { deps, staleSec: config.healthcheck.heartbeatStaleSec, killStale: config.healthcheck.killStaleSessions, logger })
        : { remove: [], actions: [] };
    actions.push(...supervision.actions);

    const restarts: RestartRecord[] = [...state.restarts];
    const known = restarts.length;
    const extra: FindingInput[] = [];
    const cap = config.healthcheck.restartCap;
    const httpUnit = config.healthcheck.http.unit;
    const httpDown = reports.find((r) => r.id === 'mcp-sessions')?.findings.find((f) => f.subject === httpUnit);
    if (httpDown) {
      if (mayRestart(restarts, httpUnit, now, cap, boot)) {
        const res = await deps.runCommand(['systemctl', 'restart', httpUnit], { timeoutMs: 60_000 }).catch((err: Error) => ({ exitCode: -1, stderr: err.message, stdout: '' }));
        const ok = res.exitCode === 0;
        restarts.push({ ...stampOf(now, boot), kind: 'restart', target: httpUnit, reason: httpDown.evidence?.[0] ?? httpDown.summary, ok });
        const note = `systemctl restart ${httpUnit}: ${ok ? 'done' : `failed (exit ${res.exitCode}: ${res.stderr.trim().split('\n')[0]})`}`;
        actions.push(note);
        (ok ? logger.notice : logger.error)(note);
      } else {
        extra.push({
          check: RESTART_CAP,
          finding: {
            subject: `${RESTART_CAP}:${httpUnit}`,
            severity: 'crit',
            summary: `${httpUnit} was restarted ${cap.max} times within ${cap.windowMin} minutes; no more automatic restarts until the window passes`,
            evidence: [httpDown.evidence?.[0] ?? httpDown.summary],
          },
        });
        logger.error(`restart cap reached for ${httpUnit}: not restarting it again`);
      }
    }

    // The owner's checks that failed and name an action: run after the findings are recorded, or
    // reported under the cap when it is reached.
    const healing = new Map<string, { check: CustomCheck; plan: HealPlan }>();
    for (const r of reports) {
      const check = r.kind && r.findings.length ? customCheckConfig(config, r.id) : undefined;
      const plan = check && healPlan(check);
      if (!check || !plan) continue;
      if (mayRestart(restarts, plan.target, now, cap, boot)) {
        healing.set(r.id, { check, plan });
        continue;
      }
      extra.push({
        check: RESTART_CAP,
        finding: {
          subject: `${RESTART_CAP}:${plan.target}`,
          severity: 'crit',
          summary: `${plan.target} was acted on ${cap.max} times within ${cap.windowMin} minutes for check ${check.id}; no more automatic actions until the window passes`,
          evidence: [r.findings[0]!.evidence?.[0] ?? r.findings[0]!.summary],
        },
      });
      logger.error(`restart cap reached for ${plan.target} (check ${check.id}): not acting on it again`);
    }

    const concluded = new Set(reports.filter((r) => r.status === 'ok' || r.status === 'warn' || r.status === 'crit').map((r) => r.id));
    // Every cap finding that still holds was raised again above, so a full run clears the rest; a
    // run of one check cannot tell about the others' targets.
    if (!only) concluded.add(RESTART_CAP);
    const sync = await syncFindings({
      engine,
      source: 'healthcheck',
      previous: previous?.open ?? [],
      current: [...reports.flatMap((r) => r.findings.map((finding) => ({ check: r.id, finding }))), ...extra],
      concluded,
      now,
    });

    const suggestions: string[] = [];
    const healed = new Set<string>();
    for (const { input, outcome } of sync.recorded) {
      const todo = healing.get(input.check);
      if (!todo) continue;
      healing.delete(input.check);
      const result = await heal({
        ...todo,
        outcome,
        store,
        engine,
        policy: config.policy,
        policyContext: options.policyContext,
        preAuthorised: config.learn.autoRemediationAllow,
        runHost: deps.runHost,
        restarts,
        cap,
        boot,
        now: deps.now,
        logger,
        recheck: () => recheckUntilPassing(custom!.customCheck({ ...todo.check, failAfter: { failures: 1, runs: 1 } }), input.finding.subject),
      });
      actions.push(result.note);
      if (result.worked) healed.add(outcome.incident.id);
    }
    for (const { input, outcome } of sync.recorded) {
      if (outcome.deduped || !outcome.suggestion || customCheckConfig(config, input.check)?.action) continue;
      const result = await remediate({
        outcome,
        store,
        engine,
        config,
        logger,
        restarts,
        policyContext: options.policyContext,
        runHost: deps.runHost,
        boot,
        now: deps.now,
        recheck: async () => {
          await deps.sleep(2000);
          const again = await runChecks({ checks, deps, config, state: await store.read('state'), memory, only: [input.check] });
          const report = again.reports[0];
          return !!report && report.status !== 'failed' && !report.findings.some((f) => f.subject === input.finding.subject);
        },
      });
      suggestions.push(result.note);
      if (result.ran) actions.push(result.note);
    }

    const results = mergeResults(only ? (previous?.results ?? []) : [], reports);
    const capReport = extra.length ? [{ id: RESTART_CAP, status: 'crit' as const, message: '', metrics: {}, findings: [], durationMs: 0 }] : [];
    const status = overallStatus([...results.map((r) => ({ ...r, findings: [], durationMs: 0 })), ...capReport]);
    // A finding its action fixed is resolved already: its alert goes now, and the channels hear of its recovery now.
    const stillOpen = sync.open.filter((t) => !healed.has(t.incidentId));
    const notified: NotifyStepOutput = await notifyStep({ engine, config, logger, send: deps.send, before: previous?.open ?? [], sync: { ...sync, open: stillOpen }, stored: state.notify, now });
    const added = restarts.slice(known);
    await store.update('state', (doc) => {
      doc.healthcheck = {
        lastRun: now.toISOString(),
        status,
        results,
        open: mergeTracked(doc.healthcheck?.open ?? [], previous?.open ?? [], notified.open, sync.open.filter((t) => healed.has(t.incidentId))),
        memory,
      };
      doc.restarts = pruneRestarts([...doc.restarts, ...added], now, cap, boot);
      doc.sessions = doc.sessions.filter((s) => !supervision.remove.some((r) => r.pid === s.pid && r.startedAt === s.startedAt));
      replaceAlerts(doc, 'healthcheck', doc.healthcheck.open);
      if (notified.outcome) doc.notify = mergeNotifyState(notifyStateOf(doc.notify), notified.outcome.snapshot, notified.outcome.state, config.notify.maxPending);
    });

    return {
      status,
      checks: reports,
      incidents: [...new Set(sync.recorded.map((r) => r.outcome.incident.id))],
      cleared: [...sync.cleared, ...notified.cleared],
      actions,
      suggestions,
      notified: (notified.outcome?.results ?? []).map((r) => ({ channel: r.item.channel, event: r.item.event.kind, subject: r.item.event.subject, ok: r.ok, ...(r.error ? { error: r.error } : {}) })),
      heartbeat: null,
    };
  } catch (err) {
    // The checks ran; only recording them failed. A state dir the host cannot write (full,
    // read-only, failing) is the run's verdict, CRITICAL, reported with the checks' results.
    const report = stateDirReport(err, store.stateDir);
    if (!report) throw err;
    logger.error(`${report.id}: ${report.message}`);
    return { status: 'crit', checks: [report, ...reports], incidents: [], cleared: [], actions, suggestions: [], notified: [], heartbeat: null };
  }
}
