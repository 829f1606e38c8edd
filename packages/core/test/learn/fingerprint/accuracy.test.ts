import { describe, expect, test } from '@jest/globals';
import { DrainBaseline } from '../../../../../bench/drain-baseline';
import { LOGHUB_2K_SYSTEMS, loadJournalCorpus, loadLoghub2k, loadLoghubLinux } from '../../../../../bench/fingerprint-data';
import { Fingerprinter } from '../../../src/learn/fingerprint/fingerprinter';
import { groupingScore } from '../../../src/learn/fingerprint/grouping-accuracy';
import { splitSyslogHeader } from '../../../src/learn/fingerprint/syslog-header';

// Guards the measured accuracy (docs/fingerprint.md) against regressions. The floors sit a little
// under the figures measured when they were set, not at a target.
function ga(lines: string[], truth: string[]): number {
  const fp = new Fingerprinter();
  const ids = lines.map((l) => fp.learn(l).fingerprint);
  return groupingScore(ids.map((id) => fp.resolve(id)), truth).ga;
}

describe('grouping accuracy', () => {
  test('Loghub Linux_2k, Content column and raw lines', () => {
    const c = loadLoghubLinux();
    expect(c.raw).toHaveLength(2000);
    // 0.995 when set: user=root/guest/test stay three events (categorical values, docs/fingerprint.md).
    expect(ga(c.content, c.truth)).toBeGreaterThanOrEqual(0.98);
    expect(ga(c.raw.map((l) => splitSyslogHeader(l).message), c.truth)).toBeGreaterThanOrEqual(0.98);
  });

  test('hand-labelled journal-like corpus', () => {
    const c = loadJournalCorpus();
    expect(c.raw.length).toBeGreaterThanOrEqual(500);
    // 0.798 when set. 0.842 before discriminating tokens (issue #15): capitals words are
    // constants, so nginx's `request: "GET …"` and `"POST …"` lines, one event in this corpus's
    // labels, are now two groups — the price of never merging EXEC with FAILURE.
    expect(ga(c.raw.map((l) => splitSyslogHeader(l).message), c.truth)).toBeGreaterThanOrEqual(0.78);
  });

  test('the 16 Loghub 2k sets: at least plain Drain on each but Spark, mean GA at least 0.85', () => {
    const rows = LOGHUB_2K_SYSTEMS.map((system) => {
      const c = loadLoghub2k(system);
      const drain = new DrainBaseline();
      return { system, ours: ga(c.content, c.truth), drain: groupingScore(c.content.map((l) => String(drain.add(l))), c.truth).ga };
    });
    // Spark: 0.923 against 0.924 when set — "Changing view acls" and "Changing modify acls"
    // (2 lines) are one group here and two events in the labels (docs/fingerprint.md).
    const tolerance: Record<string, number> = { Spark: 0.002 };
    for (const r of rows) expect({ ...r, ok: r.ours >= r.drain - (tolerance[r.system] ?? 0) }).toMatchObject({ ok: true });
    // 0.905 when set.
    expect(rows.reduce((s, r) => s + r.ours, 0) / rows.length).toBeGreaterThanOrEqual(0.88);
  });
});
