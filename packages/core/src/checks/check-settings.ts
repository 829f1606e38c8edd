import * as z from 'zod';

// What `healthcheck.checks.<id>` may hold, per check. Kept apart from the checks' code so the
// config schema can be strict about ids and keys without loading the checks themselves;
// registry.test.ts holds the two lists to the same ids.

const thresholds = {
  enabled: z.boolean().optional(),
  warn: z.number().optional(),
  crit: z.number().optional(),
};

const Thresholds = z.strictObject(thresholds);

/** Each check's settings, keyed by check id. */
export const CHECK_SETTINGS = {
  disk: Thresholds,
  inodes: Thresholds,
  memory: Thresholds,
  /** anySize: check swap on hosts with 2 GB or more too. */
  swap: z.strictObject({ ...thresholds, anySize: z.boolean().optional() }),
  load: Thresholds,
  oom: Thresholds,
  /** Its reading and mute list are healthcheck.journal (journal-settings.ts). */
  journal: Thresholds,
  /** ignore: unit names whose failure is expected. */
  'failed-units': z.strictObject({ ...thresholds, ignore: z.array(z.string()).optional() }),
  'time-sync': Thresholds,
  ollama: z.strictObject({ ...thresholds, timeoutMs: z.number().int().min(100).max(60_000).optional() }),
  'mcp-sessions': Thresholds,
} as const;

/** healthcheck.checks: an unknown check id or key is an error, not a silent no-op. */
export const ChecksConfigSchema = z.strictObject(
  Object.fromEntries(Object.entries(CHECK_SETTINGS).map(([id, schema]) => [id, schema.optional()])) as {
    [K in keyof typeof CHECK_SETTINGS]: z.ZodOptional<(typeof CHECK_SETTINGS)[K]>;
  },
);
