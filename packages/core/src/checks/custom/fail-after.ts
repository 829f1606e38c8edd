// monit's cycles: a check that failed fewer than `failures` times in its last `runs` runs is
// pending, not a finding, so one lost packet does not open an incident.

export interface FailAfter {
  failures: number;
  runs: number;
}

/** Pure: the last `runs` outcomes (true = failed), newest last, with this run's added. */
export function recordRun(history: unknown, failed: boolean, rule: FailAfter): boolean[] {
  const before = Array.isArray(history) ? history.filter((h): h is boolean => typeof h === 'boolean') : [];
  return [...before, failed].slice(-rule.runs);
}

/** Pure: whether the failures in `history` (see recordRun) are enough to open a finding. */
export function failedEnough(history: boolean[], rule: FailAfter): boolean {
  return history.filter(Boolean).length >= rule.failures;
}
