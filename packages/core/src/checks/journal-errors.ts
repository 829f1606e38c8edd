import { isOutcomeLine } from '../learn/line-role';
import { learnableText, statelessFingerprint } from '../learn/pattern-fingerprinter';
import { JOURNAL_FIELDS, parseJournalJson, type JournalEntry } from './journal-entries';
import { flagGroups, groupLines, JournalMemorySchema, muteMatcher, type Flagged, type JournalMemory } from './journal-groups';
import { isNotInstalled } from './run-command';
import type { CheckResult, Finding, HealthCheck } from './types';

const MAX_EVIDENCE = 10;
const MAX_NAMED = 5;

/** The journalctl argv for error-priority lines after `cursor`, or since the look-back without one. */
export function journalArgv(cursor: string | undefined, maxLines: number, lookbackMin: number): string[] {
  const from = cursor ? ['--after-cursor', cursor] : ['--since', lookbackMin > 0 ? `-${lookbackMin}min` : 'now'];
  return ['journalctl', '--priority', 'err', '--no-pager', '--output', 'json', `--output-fields=${JOURNAL_FIELDS.join(',')}`, '--lines', String(maxLines), ...from];
}

/** Pure: one finding per unit with new or bursting groups; its summary is the first cause line, its evidence the groups' first lines. */
export function journalFindings(flagged: readonly Flagged[]): Finding[] {
  const byUnit = new Map<string, Flagged[]>();
  for (const f of [...flagged].sort((a, b) => a.group.first - b.group.first)) byUnit.set(f.group.unit, [...(byUnit.get(f.group.unit) ?? []), f]);
  return [...byUnit].map(([unit, list]) => {
    const lines: JournalEntry[] = list.flatMap((f) => f.group.samples.slice(0, 1));
    const summary = (lines.find((e) => !isOutcomeLine(e.line)) ?? lines[0]!).line;
    return {
      subject: unit,
      severity: 'warn' as const,
      summary,
      evidence: [...lines, ...list.flatMap((f) => f.group.samples.slice(1))].slice(0, MAX_EVIDENCE).map((e) => e.line),
      fromJournal: true,
    };
  });
}

function describe(flagged: readonly Flagged[], reason: Flagged['reason']): string {
  const units = [...new Set(flagged.filter((f) => f.reason === reason).map((f) => f.group.unit))];
  if (!units.length) return '';
  return `; ${reason === 'new' ? 'new errors' : 'bursts'}: ${units.slice(0, MAX_NAMED).join(', ')}${units.length > MAX_NAMED ? ` and ${units.length - MAX_NAMED} more` : ''}`;
}

/**
 * Error-priority journal lines since the last run (journalctl -p err after the stored cursor),
 * grouped by unit and template: a group never seen before, or a burst beyond its usual count per
 * run, becomes a finding of its unit. healthcheck.journal.mute silences known-benign templates.
 * Without a cursor, the look-back only teaches the groups' usual counts, so installing on a noisy
 * host opens no incidents for old noise.
 */
export const journalErrorsCheck: HealthCheck = {
  id: 'journal',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    if (!(await ctx.deps.systemdRunning())) return { status: 'skipped', message: 'systemd is not running (not PID 1)', metrics: {} };
    const parsed = JournalMemorySchema.safeParse(ctx.previous ?? {});
    const previous: JournalMemory = parsed.success ? parsed.data : { groups: {} };
    const cfg = ctx.config.healthcheck.journal;
    let out;
    try {
      out = await ctx.deps.runCommand(journalArgv(previous.cursor, cfg.maxLines, cfg.lookbackMin), { signal: ctx.signal });
    } catch (err) {
      if (isNotInstalled(err)) return { status: 'skipped', message: 'journalctl is not installed', metrics: {} };
      throw err;
    }
    if (out.exitCode !== 0) {
      const why = out.stderr.trim().split('\n')[0] || out.stdout.trim().split('\n')[0] || '';
      // A cursor from a journal that was vacuumed or rotated away: the next run starts from the look-back.
      if (previous.cursor && /cursor/i.test(why)) return { status: 'ok', message: `journal cursor no longer valid, reset (${why})`, metrics: {}, memory: { groups: previous.groups } };
      if (/No journal files|No entries/i.test(`${out.stderr} ${out.stdout}`)) return { status: 'skipped', message: `no journal: ${why}`, metrics: {} };
      throw new Error(`journalctl --priority err exited ${out.exitCode}: ${why}`);
    }
    const { entries, cursor } = parseJournalJson(out.stdout);
    const cache = new Map<string, { template: string; fingerprint: string }>();
    const templateOf = (message: string): { template: string; fingerprint: string } => {
      let t = cache.get(message);
      if (!t) cache.set(message, (t = statelessFingerprint(learnableText(message))));
      return t;
    };
    const { groups, muted } = groupLines(entries, templateOf, muteMatcher(cfg.mute));
    const baseline = previous.cursor === undefined;
    const { flagged, memory: groupMemory } = flagGroups(groups, previous.groups, { now: ctx.deps.now(), burstFactor: cfg.burstFactor, burstMin: cfg.burstMin, baseline });
    const memory: JournalMemory = { ...(cursor ?? previous.cursor ? { cursor: (cursor ?? previous.cursor)! } : {}), groups: groupMemory };
    const metrics = { journal_error_lines: entries.length, journal_groups: groups.length, journal_muted: muted, journal_new: flagged.filter((f) => f.reason === 'new').length, journal_bursts: flagged.filter((f) => f.reason === 'burst').length };
    const head = `${entries.length} error line${entries.length === 1 ? '' : 's'} ${baseline ? `in the last ${cfg.lookbackMin} min (baseline)` : 'since the last run'} in ${groups.length} group${groups.length === 1 ? '' : 's'}${muted ? `, ${muted} muted` : ''}${entries.length >= cfg.maxLines ? ', more left for the next run' : ''}`;
    if (!flagged.length) return { status: 'ok', message: head, metrics, memory };
    return { status: 'warn', message: `${head}${describe(flagged, 'new')}${describe(flagged, 'burst')}`, metrics, findings: journalFindings(flagged), memory };
  },
};
