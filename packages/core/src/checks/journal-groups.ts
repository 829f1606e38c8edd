import * as z from 'zod';
import type { JournalEntry } from './journal-entries';

// Error lines grouped by unit and template, and each group's usual count per run, kept in
// state.json (bounded) so a run can tell a new kind of error, or a burst, from the usual noise.

export const MAX_TRACKED_GROUPS = 300;
const MAX_SAMPLES = 3;
/** Weight of the latest run in a group's usual count per run. */
const RATE_WEIGHT = 0.2;

export const GroupMemorySchema = z.looseObject({
  unit: z.string(),
  template: z.string(),
  /** Usual lines per run in which the group was seen (an exponential average). */
  rate: z.number().nonnegative(),
  runs: z.number().int().nonnegative(),
  lastSeen: z.string(),
});
export type GroupMemory = z.infer<typeof GroupMemorySchema>;

export const JournalMemorySchema = z.looseObject({
  cursor: z.string().optional(),
  /** With no line read yet, where the next run starts (epoch seconds): a quiet journal gives no cursor. */
  since: z.number().int().nonnegative().optional(),
  groups: z.record(z.string(), GroupMemorySchema).default({}),
});
export type JournalMemory = z.infer<typeof JournalMemorySchema>;

export interface LineGroup {
  key: string;
  unit: string;
  template: string;
  count: number;
  /** The first lines of the group, in journal order (bounded). */
  samples: JournalEntry[];
  /** Position of its first line in the run, to keep journal order across groups. */
  first: number;
}

/** Pure: `<*>` in a mute entry stands for any text; the rest is literal, matched on the whole message. */
export function muteMatcher(entries: readonly string[]): (message: string) => boolean {
  if (entries.length === 0) return () => false;
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^(?:${entries.map((e) => e.trim().split('<*>').map(escape).join('.*')).join('|')})$`, 's');
  return (message) => re.test(message);
}

/** Pure: lines grouped by unit and template (`templateOf` gives a template and its id), muted ones counted apart. */
export function groupLines(
  entries: readonly JournalEntry[],
  templateOf: (message: string) => { template: string; fingerprint: string },
  muted: (message: string) => boolean,
): { groups: LineGroup[]; muted: number } {
  const groups = new Map<string, LineGroup>();
  let mutedCount = 0;
  entries.forEach((e, i) => {
    if (muted(e.message)) {
      mutedCount++;
      return;
    }
    const { template, fingerprint } = templateOf(e.message);
    const key = `${e.unit}\u0000${fingerprint}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, unit: e.unit, template, count: 0, samples: [], first: i }));
    g.count++;
    if (g.samples.length < MAX_SAMPLES) g.samples.push(e);
  });
  return { groups: [...groups.values()], muted: mutedCount };
}

export interface Flagged {
  group: LineGroup;
  reason: 'new' | 'burst';
  usual: number;
}

/**
 * Pure: the groups worth an incident (never seen before, or at least burstFactor times their usual
 * count and burstMin lines), and the memory after this run. With `baseline` (no cursor yet) groups
 * are learned, not flagged. The memory keeps the most recently seen groups, bounded.
 */
export function flagGroups(
  groups: readonly LineGroup[],
  memory: Record<string, GroupMemory>,
  opts: { now: Date; burstFactor: number; burstMin: number; baseline: boolean },
): { flagged: Flagged[]; memory: Record<string, GroupMemory> } {
  const flagged: Flagged[] = [];
  const next: Record<string, GroupMemory> = { ...memory };
  const at = opts.now.toISOString();
  for (const g of groups) {
    const known = memory[g.key];
    if (!opts.baseline) {
      if (!known) flagged.push({ group: g, reason: 'new', usual: 0 });
      else if (g.count >= opts.burstMin && g.count >= opts.burstFactor * known.rate) flagged.push({ group: g, reason: 'burst', usual: known.rate });
    }
    const rate = known ? known.rate * (1 - RATE_WEIGHT) + g.count * RATE_WEIGHT : g.count;
    next[g.key] = { unit: g.unit, template: g.template.slice(0, 512), rate, runs: (known?.runs ?? 0) + 1, lastSeen: at };
  }
  const kept = Object.entries(next).sort((a, b) => (a[1].lastSeen < b[1].lastSeen ? 1 : a[1].lastSeen > b[1].lastSeen ? -1 : 0)).slice(0, MAX_TRACKED_GROUPS);
  return { flagged, memory: Object.fromEntries(kept) };
}
