import * as z from 'zod';

// healthcheck.journal: how the journal check reads error-priority lines (checks/journal-errors.ts).

/** A mute entry: a line's message matches when it equals the entry, `<*>` standing for any text. */
const MuteEntry = z
  .string()
  .min(3)
  .max(512)
  .refine((s) => s.replace(/<\*>/g, '').trim().length >= 3, { message: 'a mute entry must hold at least 3 characters besides <*>' });

export const JournalSettingsSchema = z.strictObject({
  /** Known-benign templates, e.g. "pam_unix(cron:session): session opened for user <*>". */
  mute: z.array(MuteEntry).max(200).default([]),
  /** Lines read per run; a longer backlog is read by the next runs (the cursor stays where reading stopped). */
  maxLines: z.number().int().min(100).max(50_000).default(10_000),
  /** With no cursor yet (first run, or a journal rotated away), how far back to read: the groups' baseline. */
  lookbackMin: z.number().int().min(0).max(1440).default(15),
  /** A known group bursts when a run sees at least this many times its usual count per run... */
  burstFactor: z.number().min(1.5).max(100).default(4),
  /** ...and at least this many lines. */
  burstMin: z.number().int().min(2).max(100_000).default(20),
});

export type JournalSettings = z.infer<typeof JournalSettingsSchema>;
