import type { Config } from '../../config/schema';
import type { CheckResult, HealthCheck } from '../types';
import { subjectOf, type CustomCheck } from './custom-check-config';
import { failedEnough, recordRun } from './fail-after';
import { httpProbe } from './http-probe';
import { nagiosProbe } from './nagios-probe';
import { pathProbe } from './path-probe';
import { processProbe } from './process-probe';
import type { Probe } from './probe-result';
import { tcpProbe } from './tcp-probe';
import { tlsProbe } from './tls-probe';
import { unitProbe } from './unit-probe';

/** One probe per kind: a new kind is a new file and a line here. */
const PROBES: { [K in CustomCheck['kind']]: Probe<Extract<CustomCheck, { kind: K }>> } = {
  http: httpProbe,
  tcp: tcpProbe,
  tls: tlsProbe,
  unit: unitProbe,
  process: processProbe,
  path: pathProbe,
  nagios: nagiosProbe,
};

/** What an owner's check keeps in state.json between runs: its failAfter window and its probe's memory. */
interface CustomMemory {
  history?: unknown;
  probe?: unknown;
}

/** An owner's check as one more health check of the same shape as the built-in ones. */
export function customCheck(check: CustomCheck): HealthCheck {
  const probe = PROBES[check.kind] as Probe;
  return {
    id: check.id,
    kind: check.kind,
    defaultEnabled: check.enabled,
    // The probe's own limit plus room to judge; the probe gives up first and says why.
    timeoutMs: check.timeoutMs + 1000,
    async run(ctx): Promise<CheckResult> {
      const previous = (ctx.previous ?? {}) as CustomMemory;
      const seen = await probe(check, ctx, previous.probe);
      const history = recordRun(previous.history, seen.status !== 'ok', check.failAfter);
      const memory: CustomMemory = { history, ...(seen.memory !== undefined ? { probe: seen.memory } : {}) };
      if (seen.status === 'ok') return { status: 'ok', message: seen.message, metrics: seen.metrics, memory };
      if (!failedEnough(history, check.failAfter)) {
        const failed = history.filter(Boolean).length;
        const pending = `${seen.message} (pending: failed ${failed} of the last ${history.length} runs, a finding opens at ${check.failAfter.failures} of ${check.failAfter.runs})`;
        return { status: 'ok', message: pending, metrics: seen.metrics, memory };
      }
      return {
        status: seen.status,
        message: seen.message,
        metrics: seen.metrics,
        memory,
        findings: [{ subject: subjectOf(check), severity: seen.status, summary: `${check.kind} check ${check.id}: ${seen.problem ?? 'failed'}`, evidence: seen.evidence?.slice(0, 5) }],
      };
    },
  };
}

/** The owner's checks (healthcheck.custom), in config order. */
export const customChecksOf = (config: Config): HealthCheck[] => config.healthcheck.custom.map(customCheck);
