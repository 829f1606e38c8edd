import { describeErrorChain } from '../text/error-chain';
import type { Config } from '../config/schema';
import type { StateDoc } from '../state/schemas';
import type { CheckDeps, CheckReport, CheckResult, CheckSettings, HealthCheck } from './types';

export interface RunChecksInput {
  checks: readonly HealthCheck[];
  deps: CheckDeps;
  config: Config;
  state: StateDoc;
  /** Each check's `memory` from the last run, by id. */
  memory: Record<string, unknown>;
  /** Run only these ids (the boot check's threshold checks); default: every enabled check. */
  only?: string[];
}

export interface RunChecksOutput {
  reports: CheckReport[];
  memory: Record<string, unknown>;
}

/** healthcheck.checks.<id>, or {} when the config says nothing about the check. */
export function settingsOf(config: Config, id: string): CheckSettings {
  return ((config.healthcheck.checks as Record<string, CheckSettings | undefined>)[id] ?? {}) as CheckSettings;
}

export function isEnabled(check: HealthCheck, config: Config): boolean {
  if (check.kind) return check.defaultEnabled;
  return settingsOf(config, check.id).enabled ?? check.defaultEnabled;
}

const kindOf = (check: HealthCheck) => (check.kind ? { kind: check.kind } : {});

class CheckTimeout extends Error {}

async function runOne(check: HealthCheck, input: RunChecksInput, timeoutMs: number): Promise<{ result: CheckResult; durationMs: number }> {
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CheckTimeout(`check ${check.id} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([
      check.run({
        deps: input.deps,
        config: input.config,
        settings: settingsOf(input.config, check.id),
        previous: input.memory[check.id],
        state: input.state,
        signal: controller.signal,
      }),
      timeout,
    ]);
    return { result, durationMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}


/**
 * Runs the checks concurrently, each under its own timeout. A check that throws or times out is
 * reported as `failed` with the error as its message; the others are unaffected (node_exporter's
 * collector rule). A disabled check is reported as `skipped`.
 */
export async function runChecks(input: RunChecksInput): Promise<RunChecksOutput> {
  const timeoutMs = input.config.healthcheck.checkTimeoutMs;
  const selected = input.only ? input.checks.filter((c) => input.only!.includes(c.id)) : input.checks;
  const settled = await Promise.allSettled(
    selected.map((check) =>
      isEnabled(check, input.config) || input.only
        ? runOne(check, input, check.timeoutMs ?? timeoutMs)
        : Promise.resolve({ result: { status: 'skipped', message: 'disabled in config', metrics: {} } as CheckResult, durationMs: 0 }),
    ),
  );
  const memory = { ...input.memory };
  const reports = selected.map((check, i): CheckReport => {
    const outcome = settled[i]!;
    if (outcome.status === 'rejected') {
      return { id: check.id, ...kindOf(check), status: 'failed', message: describeErrorChain(outcome.reason), metrics: {}, findings: [], durationMs: 0 };
    }
    const { result, durationMs } = outcome.value;
    if (result.memory !== undefined) memory[check.id] = result.memory;
    let findings = result.findings ?? [];
    if ((result.status === 'warn' || result.status === 'crit') && findings.length === 0) {
      findings = [{ subject: check.id, severity: result.status, summary: `${check.id}: ${result.message}` }];
    }
    return { id: check.id, ...kindOf(check), status: result.status, message: result.message, metrics: result.metrics, findings, durationMs };
  });
  return { reports, memory };
}
