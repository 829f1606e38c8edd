import type { Pattern, PatternResolution } from '../state/schemas';
import { bestResolution } from './rank-patterns';

export interface AutoRemediationRules {
  enabled: boolean;
  minSuccesses?: number;
  /** No failure among this many most recent uses. */
  cleanRecentUses?: number;
}

export type AutoDecision = { apply: true; resolution: PatternResolution } | { apply: false; reason: string };

/**
 * Pure: whether a learned fix has earned being applied without a human. Whether its commands may
 * run at all is the policy's (gateFix in fix-gate.ts); caps on attempts are the caller's.
 */
export function decideAutoRemediation(pattern: Pattern, rules: AutoRemediationRules): AutoDecision {
  if (!rules.enabled) return { apply: false, reason: 'auto-remediation is off (learn.autoRemediation)' };
  const best = bestResolution(pattern);
  if (!best) return { apply: false, reason: 'no fix has worked yet' };
  if (best.commands.length === 0) return { apply: false, reason: `the fix "${best.action}" has no commands to run` };
  if (best.commands.some((c) => /[;&|`$<>\n]/.test(c))) return { apply: false, reason: 'the fix uses shell syntax; only plain commands run automatically' };
  const minSuccesses = rules.minSuccesses ?? 3;
  if (best.successes < minSuccesses) return { apply: false, reason: `worked ${best.successes} times; needs ${minSuccesses}` };
  const window = best.recent.slice(0, rules.cleanRecentUses ?? 5);
  if (window.includes(false)) return { apply: false, reason: 'failed in one of its last 5 uses' };
  return { apply: true, resolution: best };
}
