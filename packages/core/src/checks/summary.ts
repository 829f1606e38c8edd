import type { CheckReport, OverallStatus } from './types';

/**
 * Pure: the run's status. Per-check status keeps `failed` and `skipped`, but the overall status is
 * only ok|warn|crit (the Nagios contract): a check that failed to run counts as warn, because
 * "could not tell" must not read as healthy; a skipped check counts as ok.
 */
export function overallStatus(reports: CheckReport[]): OverallStatus {
  if (reports.some((r) => r.status === 'crit')) return 'crit';
  if (reports.some((r) => r.status === 'warn' || r.status === 'failed')) return 'warn';
  return 'ok';
}

/** Nagios plugin exit codes. */
export const STATUS_EXIT: Record<OverallStatus, number> = { ok: 0, warn: 1, crit: 2 };
const LABEL: Record<OverallStatus, string> = { ok: 'OK', warn: 'WARNING', crit: 'CRITICAL' };

function unitOf(metric: string): string {
  if (metric.endsWith('_pct')) return '%';
  if (metric.endsWith('_ms')) return 'ms';
  return '';
}

/** Perfdata labels must not contain '=' or quotes; quote the rest when they contain spaces. */
function label(text: string): string {
  const clean = text.replace(/['=]/g, '_');
  return /\s/.test(clean) ? `'${clean}'` : clean;
}

/** Pure: `STATUS - text | perfdata`, the first line a Nagios/Icinga check_by_ssh user expects. */
export function nagiosLine(status: OverallStatus, reports: CheckReport[]): string {
  const bad = reports.filter((r) => r.status === 'crit' || r.status === 'warn' || r.status === 'failed');
  const ran = reports.filter((r) => r.status !== 'skipped').length;
  const text = bad.length
    ? bad.map((r) => `${r.id}${r.status === 'failed' ? ' (check failed)' : ''}: ${r.message}`).join('; ')
    : `${ran} checks ok${reports.length > ran ? `, ${reports.length - ran} skipped` : ''}`;
  const perf = reports.flatMap((r) => Object.entries(r.metrics).map(([k, v]) => `${label(`${r.id}.${k}`)}=${v}${unitOf(k)}`));
  return `${LABEL[status]} - ${text.replace(/\|/g, '/')}${perf.length ? ` | ${perf.join(' ')}` : ''}`;
}
