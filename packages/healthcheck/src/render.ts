import { nagiosLine, type CheckReport } from '@ldm/core';
import type { HealthcheckOutcome } from './run-healthcheck';

/** The --json document: the contract other parts rely on ({status, checks, incidents}) plus what was done. */
export function renderJson(outcome: HealthcheckOutcome): string {
  return `${JSON.stringify(
    {
      status: outcome.status,
      checks: outcome.checks.map(({ id, status, message, metrics, kind }: CheckReport) => ({ id, ...(kind ? { kind } : {}), status, message, metrics })),
      incidents: outcome.incidents,
      cleared: outcome.cleared,
      actions: outcome.actions,
      suggestions: outcome.suggestions,
      notified: outcome.notified,
      heartbeat: outcome.heartbeat,
    },
    null,
    2,
  )}\n`;
}

/** Nagios style: the summary line with perfdata first, then one line per check for a human. */
export function renderText(outcome: HealthcheckOutcome): string {
  const lines = [nagiosLine(outcome.status, outcome.checks)];
  for (const c of outcome.checks) lines.push(`${c.status.toUpperCase().padEnd(7)} ${c.id}${c.kind ? ` (${c.kind}, owner's check)` : ''}: ${c.message}`);
  for (const a of outcome.actions) lines.push(`action: ${a}`);
  for (const s of outcome.suggestions) if (!outcome.actions.includes(s)) lines.push(`suggestion: ${s}`);
  for (const n of outcome.notified) lines.push(`notify ${n.channel}: ${n.event} ${n.subject}: ${n.ok ? 'sent' : `failed (${n.error ?? 'unknown'})`}`);
  if (outcome.heartbeat) lines.push(`heartbeat: ${outcome.heartbeat}`);
  return `${lines.join('\n')}\n`;
}
