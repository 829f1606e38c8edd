// Scores a log parser's grouping against ground truth, as the Loghub benchmarks define it.
//   GA  (Zhu et al., ICSE-SEIP 2019): share of lines whose predicted group holds exactly the
//       lines of their true group.
//   FGA (Jiang et al., Loghub-2.0, ISSTA 2024): F1 over groups, where a predicted group is
//       correct when its line set equals one true group's line set.

export interface GroupingScore {
  lines: number;
  /** Grouping accuracy, 0..1. */
  ga: number;
  /** F1 of group accuracy, 0..1. */
  fga: number;
  precision: number;
  recall: number;
  predictedGroups: number;
  trueGroups: number;
  correctGroups: number;
}

/** Pure: `predicted[i]` and `truth[i]` are the group labels of line i. */
export function groupingScore(predicted: readonly string[], truth: readonly string[]): GroupingScore {
  if (predicted.length !== truth.length) {
    throw new Error(`expected as many predicted labels as true ones, got ${predicted.length} and ${truth.length}`);
  }
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  // For each predicted group: its size, and the one true label all its lines share (or null).
  const groups = new Map<string, { size: number; label: string | null }>();
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i]!;
    const t = truth[i]!;
    const g = groups.get(p);
    if (g === undefined) groups.set(p, { size: 1, label: t });
    else {
      g.size++;
      if (g.label !== t) g.label = null;
    }
  }
  let correctLines = 0;
  let correctGroups = 0;
  for (const g of groups.values()) {
    if (g.label !== null && truthSize.get(g.label) === g.size) {
      correctLines += g.size;
      correctGroups++;
    }
  }
  const lines = predicted.length;
  const precision = groups.size === 0 ? 0 : correctGroups / groups.size;
  const recall = truthSize.size === 0 ? 0 : correctGroups / truthSize.size;
  return {
    lines,
    ga: lines === 0 ? 0 : correctLines / lines,
    fga: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    precision,
    recall,
    predictedGroups: groups.size,
    trueGroups: truthSize.size,
    correctGroups,
  };
}
