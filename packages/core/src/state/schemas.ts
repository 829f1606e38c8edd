import { HostFactsSchema } from '../probe/host-facts';
import * as z from 'zod';
import { HealthcheckStateSchema, LastBootSchema, RestartRecordSchema } from './check-state';
import { IdleStateSchema } from '../idle/idle-state';
import { FingerprinterStateSchema } from '../learn/fingerprint/fingerprinter-state';
import { capTemplate } from '../text/cap-template';
import { cutText } from '../text/cut-text';
import { AlertSchema, SEVERITIES } from './alert-schema';
import { ApprovalsFieldSchema } from './approval-schema';

// Documents are loose objects: a newer binary may add fields, and an older one that rewrites
// the file must carry them through rather than drop them.

export { SEVERITIES, AlertSchema, mostSevereFirst } from './alert-schema';
export const INCIDENT_SOURCES = ['healthcheck', 'boot-check', 'idle-watcher', 'mcp', 'guard', 'store'] as const;

export const IncidentResolutionSchema = z.looseObject({
  time: z.string(),
  text: z.string(),
  commands: z.array(z.string()).default([]),
  worked: z.boolean(),
  by: z.string().optional(),
  /** What was done on the host while it was open, learned as a candidate fix (learn/observed-fixes.ts). */
  observed: z.looseObject({ action: z.string(), confidence: z.number() }).optional(),
});

/** Bounds of one incident, enforced on write and on read: 20 evidence lines of 1 KiB, a 2 KiB summary. */
export const INCIDENT_LIMITS = { evidenceLines: 20, evidenceLineChars: 1024, summaryChars: 2048 } as const;

// The newest lines are kept (the engine appends): the first line says how many older ones were cut.
function boundEvidence(lines: string[]): string[] {
  const { evidenceLines, evidenceLineChars } = INCIDENT_LIMITS;
  const kept = lines.length <= evidenceLines ? lines : [`…[${lines.length - evidenceLines + 1} earlier evidence lines cut]`, ...lines.slice(-(evidenceLines - 1))];
  return kept.map((l) => cutText(l, evidenceLineChars));
}

export const IncidentSchema = z.looseObject({
  id: z.string().min(1),
  /** First seen, ISO 8601. */
  time: z.string(),
  lastSeen: z.string(),
  /** How many times the same open problem was observed (dedup). */
  count: z.number().int().min(1).default(1),
  source: z.enum(INCIDENT_SOURCES),
  severity: z.enum(SEVERITIES),
  subject: z.string().optional(),
  summary: z.string().overwrite((t) => cutText(t, INCIDENT_LIMITS.summaryChars)),
  evidence: z.array(z.string()).default([]).overwrite(boundEvidence),
  fingerprints: z.array(z.string()).default([]),
  patternId: z.string().optional(),
  status: z.enum(['open', 'resolved']).default('open'),
  resolvedAt: z.string().optional(),
  resolution: IncidentResolutionSchema.optional(),
});

export const IncidentsDocSchema = z.looseObject({
  version: z.literal(1),
  incidents: z.array(IncidentSchema),
});

export const PatternResolutionSchema = z.looseObject({
  action: z.string(),
  commands: z.array(z.string()).default([]),
  successes: z.number().int().min(0).default(0),
  failures: z.number().int().min(0).default(0),
  lastUsed: z.string().optional(),
  /** Most recent outcomes first, true for worked; bounded. */
  recent: z.array(z.boolean()).default([]),
  /**
   * Where the fix came from: stated in resolve_incident, or observed (a changing action taken on the
   * host while the incident was open, learn/observed-fixes.ts). Observed fixes are suggested only
   * once they have worked twice.
   */
  learnedFrom: z.enum(['stated', 'observed']).optional(),
  /** For an observed fix: how sure the match of action to incident was (time and subject), 0..1. */
  confidence: z.number().min(0).max(1).optional(),
});

/** Bound of the lines a pattern is recognised by (its summary and evidence). */
export const MAX_PATTERN_LINES = 8;

/** A template or signature, cut on read and on write: one stored from a huge line must not cost every reader its size. */
const TemplateTextSchema = z.string().overwrite(capTemplate);

/** How to tell whether the failure a pattern describes is present now. Run by the boot check first. */
export const PatternCheckSchema = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('unit-active'), unit: z.string() }),
  z.looseObject({ kind: z.literal('config-test'), argv: z.array(z.string()).min(1) }),
  z.looseObject({ kind: z.literal('journal-absent'), signature: TemplateTextSchema, unit: z.string().optional() }),
  z.looseObject({ kind: z.literal('threshold'), check: z.string(), metric: z.string(), op: z.enum(['<', '<=', '>', '>=']), value: z.number() }),
]);

export const PatternSchema = z.looseObject({
  id: z.string().min(1),
  fingerprint: z.string(),
  template: TemplateTextSchema,
  subject: z.string().optional(),
  subjects: z.array(z.string()).default([]),
  sources: z.array(z.string()).default([]),
  count: z.number().int().min(0).default(0),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** Seconds after boot at which recent occurrences happened (bounded), for "within 10 min of boot". */
  sinceBootSec: z.array(z.number()).default([]),
  checks: z.array(PatternCheckSchema).default([]),
  resolutions: z.array(PatternResolutionSchema).default([]),
  /**
   * The lines the pattern is recognised by: its summary and evidence lines as the log parser groups
   * them, and whether each is an outcome line (learn/line-role.ts). Bounded.
   */
  lines: z
    .array(z.looseObject({ fingerprint: z.string(), template: TemplateTextSchema, outcome: z.boolean().default(false) }))
    .overwrite((l) => l.slice(0, MAX_PATTERN_LINES))
    .optional(),
});

export const PatternsDocSchema = z.looseObject({
  /** 2: fingerprints follow the identity rule of docs/fingerprint.md; 1 is migrated on the next write (learn/migrate-patterns.ts). */
  version: z.union([z.literal(1), z.literal(2)]),
  patterns: z.array(PatternSchema),
  /** The incident engine's log parser (learn/pattern-fingerprinter.ts), learned under this file's lock. */
  fingerprinter: FingerprinterStateSchema.optional(),
});

export const HeartbeatSchema = z.looseObject({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  lastActivity: z.string(),
  transport: z.enum(['stdio', 'http']).default('stdio'),
  bootId: z.string().optional(),
  /** The server's start in clock ticks since boot (/proc/self/stat field 22): its identity, whatever the wall clock did. */
  startTicks: z.number().int().nonnegative().optional(),
  /** Seconds since boot (CLOCK_BOOTTIME) at the last beat: silence measured without the wall clock. */
  beatUptimeSec: z.number().nonnegative().optional(),
  /** Background jobs the server had running at the last beat: the idle watcher never stops it while one runs. */
  runningJobs: z.number().int().nonnegative().optional(),
});

export const StateDocSchema = z.looseObject({
  version: z.literal(1),
  mode: z.enum(['active', 'standby']).default('active'),
  sessions: z.array(HeartbeatSchema).default([]),
  alerts: z.array(AlertSchema).default([]),
  /** Written by ldm-healthcheck: last run, results, open findings, check memory (state/check-state.ts). */
  healthcheck: HealthcheckStateSchema.optional(),
  /** Restart and auto-remediation history for healthcheck.restartCap. */
  restarts: z.array(RestartRecordSchema).default([]),
  /** Written by ldm-boot-check: the boot report. */
  lastBoot: LastBootSchema.optional(),
  /** Written by ldm-boot-check once per boot: what machine this is (probe/host-facts.ts). */
  hostFacts: HostFactsSchema.optional(),
  /** Written by ldm-idle-watcher: last sample and the 7-day history (idle/idle-state.ts). */
  idle: IdleStateSchema.optional(),
  /**
   * What the briefing shows of incidents.json and patterns.json (briefing/briefing-digest.ts), kept
   * by their writers through the store's onWritten hook (briefing/briefing-cache.ts). Checked where
   * it is used: a bad digest is ignored, never a reason to move state.json aside.
   */
  digests: z.unknown().optional(),
  /** The notification queue, dedup and channel health (notify/outbox.ts), parsed where used like `digests`. */
  notify: z.unknown().optional(),
  /** Approvals asked for by MCP sessions and answered on the host (state/approval-schema.ts). */
  approvals: ApprovalsFieldSchema,
});

export type Incident = z.infer<typeof IncidentSchema>;
export type IncidentsDoc = z.infer<typeof IncidentsDocSchema>;
export type Pattern = z.infer<typeof PatternSchema>;
export type PatternCheck = z.infer<typeof PatternCheckSchema>;
export type PatternResolution = z.infer<typeof PatternResolutionSchema>;
export type PatternLine = NonNullable<Pattern['lines']>[number];
export type PatternsDoc = z.infer<typeof PatternsDocSchema>;
export type StateDoc = z.infer<typeof StateDocSchema>;
export type Heartbeat = z.infer<typeof HeartbeatSchema>;
export type Alert = z.infer<typeof AlertSchema>;
export type Severity = (typeof SEVERITIES)[number];
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

/** The three documents the programs share: their schemas (file names and empty values: document-files.ts). */
export const DOCUMENTS = {
  state: { schema: StateDocSchema },
  incidents: { schema: IncidentsDocSchema },
  patterns: { schema: PatternsDocSchema },
} as const;

export type DocumentName = keyof typeof DOCUMENTS;
export interface DocumentTypes {
  state: StateDoc;
  incidents: IncidentsDoc;
  patterns: PatternsDoc;
}
