import {
  CHECKS,
  IncidentEngine,
  isEnabled,
  mergeTracked,
  overallStatus,
  readProcFile,
  readUptimeSeconds,
  replaceAlerts,
  runChecks,
  stateDirReport,
  syncFindings,
  type CheckReport,
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
} from '@ldm/core';
import { superviseSessions, type SuperviseDeps } from './supervise-sessions';
import { mayRestart, pruneRestarts, stampOf, type BootClock } from './restart-cap';
import { remediate } from './remediation';

export interface HealthcheckDeps extends SuperviseDeps {
  /** Runs learned fixes on the host: the runner the MCP server's typed tools use (core's runOnHost). */
  runHost: HostRunner;
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
}

export interface HealthcheckOutcome {
  status: OverallStatus;
  checks: CheckReport[];
  /** Incidents opened or updated by this run. */
  incidents: string[];
  cleared: string[];
  actions: string[];
  suggestions: string[];
}

/** The pseudo-check under which a restart cap that was hit is reported and cleared. */
const RESTART_CAP = 'restart-cap';

/**
 * One health check run: the checks, then the actions the config allows (session clean-up, kills,
 * restarting the HTTP transport within the cap, known fixes), then incidents and state.json.
 */
export async function runHealthcheck(options: HealthcheckOptions): Promise<HealthcheckOutcome> {
  const { store, config, logger, deps } = options;
  const checks = options.checks ?? CHECKS;
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

  const { reports, memory } = await runChecks({ checks, deps, config, state, memory: previous?.memory ?? {} });
  for (const r of reports) if (r.status === 'failed') logger.warn(`check ${r.id} failed: ${r.message}`);

  const actions: string[] = [];
  try {
    const sessionsCheck = checks.find((c) => c.id === 'mcp-sessions');
    const supervision =
      sessionsCheck && isEnabled(sessionsCheck, config)
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

    const concluded = new Set(reports.filter((r) => r.status === 'ok' || r.status === 'warn' || r.status === 'crit').map((r) => r.id));
    // The cap alert clears once the unit answers again or the window lets restarts resume.
    if (!httpDown || mayRestart(restarts, httpUnit, now, cap, boot)) concluded.add(RESTART_CAP);
    const sync = await syncFindings({
      engine,
      source: 'healthcheck',
      previous: previous?.open ?? [],
      current: [...reports.flatMap((r) => r.findings.map((finding) => ({ check: r.id, finding }))), ...extra],
      concluded,
      now,
    });

    const suggestions: string[] = [];
    for (const { input, outcome } of sync.recorded) {
      if (outcome.deduped || !outcome.suggestion) continue;
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

    const status = overallStatus(reports.concat(extra.length ? [{ id: RESTART_CAP, status: 'crit', message: '', metrics: {}, findings: [], durationMs: 0 }] : []));
    const added = restarts.slice(known);
    await store.update('state', (doc) => {
      doc.healthcheck = {
        lastRun: now.toISOString(),
        status,
        results: reports.map(({ id, status: s, message, metrics }) => ({ id, status: s, message, metrics })),
        open: mergeTracked(doc.healthcheck?.open ?? [], previous?.open ?? [], sync.open),
        memory,
      };
      doc.restarts = pruneRestarts([...doc.restarts, ...added], now, cap, boot);
      doc.sessions = doc.sessions.filter((s) => !supervision.remove.some((r) => r.pid === s.pid && r.startedAt === s.startedAt));
      replaceAlerts(doc, 'healthcheck', doc.healthcheck.open);
    });

    return {
      status,
      checks: reports,
      incidents: [...new Set(sync.recorded.map((r) => r.outcome.incident.id))],
      cleared: sync.cleared,
      actions,
      suggestions,
    };
  } catch (err) {
    // The checks ran; only recording them failed. A state dir the host cannot write (full,
    // read-only, failing) is the run's verdict, CRITICAL, reported with the checks' results.
    const report = stateDirReport(err, store.stateDir);
    if (!report) throw err;
    logger.error(`${report.id}: ${report.message}`);
    return { status: 'crit', checks: [report, ...reports], incidents: [], cleared: [], actions, suggestions: [] };
  }
}
