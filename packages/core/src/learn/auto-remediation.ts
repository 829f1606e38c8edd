import type { Pattern, PatternResolution } from '../state/schemas';
import { bestResolution } from './rank-patterns';

export interface AutoRemediationRules {
  enabled: boolean;
  /** Command prefixes an automatic fix may consist of, e.g. "systemctl restart". */
  allow: string[];
  minSuccesses?: number;
  /** No failure among this many most recent uses. */
  cleanRecentUses?: number;
}

export type AutoDecision = { apply: true; resolution: PatternResolution } | { apply: false; reason: string };

/** Pure: whether a learned fix may be applied without a human. Caps on attempts are the caller's. */
export function decideAutoRemediation(pattern: Pattern, rules: AutoRemediationRules): AutoDecision {
  if (!rules.enabled) return { apply: false, reason: 'auto-remediation is off (learn.autoRemediation)' };
  const best = bestResolution(pattern);
  if (!best) return { apply: false, reason: 'no fix has worked yet' };
  if (best.commands.length === 0) return { apply: false, reason: `the fix "${best.action}" has no commands to run` };
  const offList = best.commands.find((c) => !rules.allow.some((prefix) => c.trim() === prefix || c.trim().startsWith(`${prefix} `)));
  if (offList) return { apply: false, reason: `"${offList}" is not in learn.autoRemediationAllow` };
  if (best.commands.some((c) => /[;&|`$<>\n]/.test(c))) return { apply: false, reason: 'the fix uses shell syntax; only plain commands run automatically' };
  const minSuccesses = rules.minSuccesses ?? 3;
  if (best.successes < minSuccesses) return { apply: false, reason: `worked ${best.successes} times; needs ${minSuccesses}` };
  const window = best.recent.slice(0, rules.cleanRecentUses ?? 5);
  if (window.includes(false)) return { apply: false, reason: 'failed in one of its last 5 uses' };
  return { apply: true, resolution: best };
}
