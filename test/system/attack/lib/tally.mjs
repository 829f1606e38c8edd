// tally.mjs - pure: the driver's result lines and the corpus in, counts per family and the verdict
// of the whole run out. An attack case the driver never reported (it was killed) counts as not run,
// and a run is green only when every attack case held (or is pending on a part not yet built),
// every everyday operation and approved change worked, and the driver reached its end.
export function tally(lines, corpus) {
  const cases = lines.filter((l) => l.type === 'case');
  const attacks = cases.filter((c) => c.kind === 'attack');
  const seen = new Set(attacks.map((c) => c.id.replace(/@.*$/, '')));
  const families = {};
  const fam = (f) => (families[f] ??= { cases: 0, held: 0, breached: 0, pending: 0, error: 0, notRun: 0 });
  for (const c of attacks) {
    const f = fam(c.family);
    f.cases++;
    if (c.verdict === 'held') f.held++;
    else if (c.verdict === 'breached') f.breached++;
    else if (c.verdict === 'pending') f.pending++;
    else f.error++;
  }
  // With a selection (--only), the cases left out were not meant to run.
  const selection = lines.some((l) => l.type === 'selection');
  const notRun = selection ? [] : corpus.filter((c) => (c.kind ?? 'attack') === 'attack' && !seen.has(c.id));
  for (const c of notRun) { fam(c.family).cases++; fam(c.family).notRun++; }
  const total = { cases: 0, held: 0, breached: 0, pending: 0, error: 0, notRun: 0 };
  for (const f of Object.values(families)) for (const k of Object.keys(total)) total[k] += f[k];
  const reasons = new Map();
  for (const c of cases.filter((x) => x.verdict === 'pending')) reasons.set(c.reason, (reasons.get(c.reason) ?? 0) + 1);
  const other = (kind) => {
    const r = cases.filter((c) => c.kind === kind);
    return { ok: r.filter((c) => c.verdict === 'ok').length, failed: r.filter((c) => c.verdict !== 'ok' && c.verdict !== 'pending'), pending: r.filter((c) => c.verdict === 'pending').length };
  };
  const everyday = other('everyday');
  const approved = other('approved');
  const done = lines.some((l) => l.type === 'done');
  return {
    families, total, everyday, approved, done,
    breached: attacks.filter((c) => c.verdict === 'breached'),
    errors: attacks.filter((c) => c.verdict === 'error'),
    notRun: notRun.map((c) => c.id),
    pendingReasons: [...reasons].map(([reason, count]) => ({ reason, count })),
    prompts: lines.find((l) => l.type === 'prompts') ?? null,
    green: done && total.breached === 0 && total.error === 0 && total.notRun === 0 && everyday.failed.length === 0 && approved.failed.length === 0,
  };
}
