import type { CheckSettings, CheckStatus } from './types';

export interface Levels {
  warn: number;
  crit: number;
}

/** The check's thresholds from config (healthcheck.checks.<id>), falling back to its defaults. */
export function levelsOf(settings: CheckSettings, defaults: Levels): Levels {
  return { warn: settings.warn ?? defaults.warn, crit: settings.crit ?? defaults.crit };
}

/** Pure: higher is worse (disk used %, load). */
export function statusAbove(value: number, levels: Levels): 'ok' | 'warn' | 'crit' {
  if (value >= levels.crit) return 'crit';
  if (value >= levels.warn) return 'warn';
  return 'ok';
}

/** Pure: lower is worse (memory available %). */
export function statusBelow(value: number, levels: Levels): 'ok' | 'warn' | 'crit' {
  if (value <= levels.crit) return 'crit';
  if (value <= levels.warn) return 'warn';
  return 'ok';
}

const RANK: Record<CheckStatus, number> = { ok: 0, skipped: 0, failed: 1, warn: 1, crit: 2 };

/** Pure: the worse of two statuses, where failed and skipped never beat warn/crit. */
export function worst(a: 'ok' | 'warn' | 'crit', b: 'ok' | 'warn' | 'crit'): 'ok' | 'warn' | 'crit' {
  return RANK[b] > RANK[a] ? b : a;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
