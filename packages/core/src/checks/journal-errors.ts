import { isOutcomeLine } from '../learn/line-role';
import { statelessFingerprint } from '../learn/pattern-fingerprinter';
import { redactSecrets } from '../redact/redact-secrets';
import { entryLine, JOURNAL_FIELDS, parseJournalJson } from './journal-entries';
import { flagGroups, groupLines, JournalMemorySchema, muteMatcher, type Flagged, type GroupMemory, type JournalMemory } from './journal-groups';
import { isNotInstalled } from './run-command';
import type { CheckResult, Finding, HealthCheck } from './types';

const MAX_EVIDENCE = 10;
/**
 * Units recorded per run: each is an incident written under the documents' locks, and a noisy host
 * must not turn one run into dozens. The others stay unlearned, so the next runs record them.
 */
export const MAX_UNITS_PER_RUN = 3;
const MAX_NAMED = 5;

/** The journalctl argv for error-priority lines after `cursor`, else from `since` (epoch seconds), else since the look-back. */
export function journalArgv(from: { cursor?: string; since?: number }, maxLines: number, lookbackMin: number): string[] {
  const start = from.cursor ? ['--after-cursor', from.cursor] : from.since !== undefined ? ['--since', `@${from.since}`] : ['--since', lookbackMin > 0 ? `-${lookbackMin}min` : 'now'];
  return ['journalctl', '--priority', 'err', '--no-pager', '--output', 'json', `--output-fields=${JOURNAL_FIELDS.join(',')}`, '--lines', String(maxLines), ...start];
}

/** Pure: one finding per unit with new or bursting groups; its summary is the first cause line, its evidence the groups' first lines. */
export function journalFindings(flagged: readonly Flagged[]): Finding[] {
  const byUnit = new Map<string, Flagged[]>();
  for (const f of [...flagged].sort((a, b) => a.group.first - b.group.first)) byUnit.set(f.group.unit, [...(byUnit.get(f.group.unit) ?? []), f]);
  return [...byUnit].map(([unit, list]) => {
    const lines = list.flatMap((f) => f.group.samples.slice(0, 1)).map(entryLine);
    const summary = lines.find((l) => !isOutcomeLine(l)) ?? lines[0]!;
    return {
      subject: unit,
      severity: 'warn' as const,
      summary,
      evidence: [...lines, ...list.flatMap((f) => f.group.samples.slice(1)).map(entryLine)].slice(0, MAX_EVIDENCE),
      fromJournal: true,
    };
  });
}

/**
 * The template of a message by masking (the fingerprinter's, without learning), computed once per
 * shape: lines that differ only in their digits (PIDs, ports, addresses, counts) share one, so
 * 10,000 lines cost a few hundred maskings. The coarser shape only merges lines for the
 * new-or-burst decision; what is recorded is fingerprinted in full by the incident engine.
 */
function shapeCache(): (message: string) => { template: string; fingerprint: string } {
  const cache = new Map<string, { template: string; fingerprint: string }>();
  return (message) => {
    const shape = message.replace(/\d+/g, '0');
    let t = cache.get(shape);
    if (!t) cache.set(shape, (t = statelessFingerprint(message)));
    return t;
  };
}

/** Pure: the first MAX_UNITS_PER_RUN units' flagged groups (most lines first); the others' groups keep their previous memory. */
export function capUnits(flagged: readonly Flagged[], memory: Record<string, GroupMemory>, previous: Record<string, GroupMemory>): { flagged: Flagged[]; deferred: number; memory: Record<string, GroupMemory> } {
  const lines = new Map<string, number>();
  for (const f of flagged) lines.set(f.group.unit, (lines.get(f.group.unit) ?? 0) + f.group.count);
  const units = [...lines].sort((a, b) => b[1] - a[1]).map(([u]) => u);
  const kept = new Set(units.slice(0, MAX_UNITS_PER_RUN));
  const next = { ...memory };
  for (const f of flagged) {
    if (kept.has(f.group.unit)) continue;
    const before = previous[f.group.key];
    if (before) next[f.group.key] = before;
    else delete next[f.group.key];
  }
  return { flagged: flagged.filter((f) => kept.has(f.group.unit)), deferred: units.length - kept.size, memory: next };
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
      out = await ctx.deps.runCommand(journalArgv(previous, cfg.maxLines, cfg.lookbackMin), { signal: ctx.signal });
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
    const { groups, muted } = groupLines(entries, shapeCache(), muteMatcher(cfg.mute));
    // Templates are kept in state.json: redacted there, once per group rather than once per line.
    for (const g of groups) g.template = redactSecrets(g.template);
    const baseline = previous.cursor === undefined && previous.since === undefined;
    const all = flagGroups(groups, previous.groups, { now: ctx.deps.now(), burstFactor: cfg.burstFactor, burstMin: cfg.burstMin, baseline });
    const { flagged, deferred, memory: groupMemory } = capUnits(all.flagged, all.memory, previous.groups);
    const position = cursor ?? previous.cursor;
    // No line yet, so no cursor: the next run starts from now (a second back, so none is missed).
    const memory: JournalMemory = { ...(position ? { cursor: position } : { since: previous.since ?? Math.floor(ctx.deps.now().getTime() / 1000) - 1 }), groups: groupMemory };
    const metrics = { journal_error_lines: entries.length, journal_groups: groups.length, journal_muted: muted, journal_new: flagged.filter((f) => f.reason === 'new').length, journal_bursts: flagged.filter((f) => f.reason === 'burst').length };
    const later = deferred ? `; ${deferred} more unit${deferred === 1 ? '' : 's'} next run` : '';
    const head = `${entries.length} error line${entries.length === 1 ? '' : 's'} ${baseline ? `in the last ${cfg.lookbackMin} min (baseline)` : 'since the last run'} in ${groups.length} group${groups.length === 1 ? '' : 's'}${muted ? `, ${muted} muted` : ''}${entries.length >= cfg.maxLines ? ', more left for the next run' : ''}`;
    if (!flagged.length) return { status: 'ok', message: head, metrics, memory };
    return { status: 'warn', message: `${head}${describe(flagged, 'new')}${describe(flagged, 'burst')}${later}`, metrics, findings: journalFindings(flagged), memory };
  },
};
