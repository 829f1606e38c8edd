import type { CheckContext } from '../types';
import type { CustomCheck } from './custom-check-config';

/** What one probe of an owner's check saw. A probe that cannot tell throws: the check is then `failed`. */
export interface ProbeResult {
  status: 'ok' | 'warn' | 'crit';
  message: string;
  metrics: Record<string, number>;
  /** When not ok: the problem in words that do not change with the numbers (the incident's fingerprint). */
  problem?: string;
  evidence?: string[];
  /** Kept for the probe's next run (NRestarts, CPU ticks). */
  memory?: unknown;
}

export type Probe<C extends CustomCheck = CustomCheck> = (check: C, ctx: CheckContext, previous: unknown) => Promise<ProbeResult>;

/** The probe's own time limit within the run's: whichever ends first aborts it. */
export function probeSignal(ctx: CheckContext, timeoutMs: number): AbortSignal {
  return AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
}

/** Pure: the worse of two probe statuses. */
export const worse = (a: ProbeResult['status'], b: ProbeResult['status']) => (a === 'crit' || b === 'crit' ? 'crit' : a === 'warn' || b === 'warn' ? 'warn' : 'ok');

/** Pure: days from `now` until a certificate's notAfter date text. */
export function daysLeft(validTo: string, now: Date): number {
  const end = Date.parse(validTo);
  if (!Number.isFinite(end)) throw new Error(`unreadable certificate end date ${JSON.stringify(validTo)}`);
  return Math.floor(((end - now.getTime()) / 86_400_000) * 10) / 10;
}
