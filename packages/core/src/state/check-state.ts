import * as z from 'zod';

export const CHECK_STATUSES = ['ok', 'warn', 'crit', 'skipped', 'failed'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

// Fields of state.json owned by ldm-healthcheck and ldm-boot-check. Loose, like every document:
// a newer binary's additions survive an older one's rewrite.

/** A problem reported as an incident and not yet cleared; how the next run knows what to clear. */
export const TrackedFindingSchema = z.looseObject({
  check: z.string(),
  subject: z.string(),
  fingerprint: z.string(),
  severity: z.enum(['warn', 'crit']),
  summary: z.string(),
  incidentId: z.string(),
  since: z.string(),
});

export const CheckRecordSchema = z.looseObject({
  id: z.string(),
  status: z.enum(CHECK_STATUSES),
  message: z.string(),
  metrics: z.record(z.string(), z.number()).default({}),
  /** The kind of an owner's check (healthcheck.custom). */
  kind: z.string().optional(),
});

export const HealthcheckStateSchema = z.looseObject({
  lastRun: z.string().optional(),
  status: z.enum(['ok', 'warn', 'crit']).optional(),
  results: z.array(CheckRecordSchema).default([]),
  open: z.array(TrackedFindingSchema).default([]),
  /** Each check's `memory` (e.g. the OOM check's journal cursor), by check id. */
  memory: z.record(z.string(), z.unknown()).default({}),
});

/** Restarts and automatic fixes, for the cap (healthcheck.restartCap). */
export const RestartRecordSchema = z.looseObject({
  at: z.string(),
  kind: z.enum(['restart', 'remediation']),
  target: z.string(),
  reason: z.string(),
  ok: z.boolean(),
  /** The boot and its clock (seconds since boot) at the restart: its age then survives wall-clock steps. */
  bootId: z.string().optional(),
  uptimeSec: z.number().nonnegative().optional(),
});

export const BootCheckedSchema = z.looseObject({
  order: z.number().int(),
  source: z.enum(['pattern', 'standard']),
  id: z.string(),
  patternId: z.string().optional(),
  status: z.enum(CHECK_STATUSES),
  message: z.string(),
});

export const BootFoundSchema = z.looseObject({
  summary: z.string(),
  subject: z.string().optional(),
  severity: z.enum(['info', 'warn', 'crit']),
  count: z.number().int(),
  fingerprint: z.string(),
  incidentId: z.string().optional(),
  suggestion: z.string().optional(),
});

export const LastBootSchema = z.looseObject({
  bootId: z.string(),
  previousBootId: z.string().nullable().default(null),
  rebooted: z.boolean(),
  /** null: the previous boot's journal was not available (volatile journal), so nobody can tell. */
  cleanShutdown: z.boolean().nullable().default(null),
  at: z.string(),
  status: z.enum(['ok', 'warn', 'crit']).optional(),
  checked: z.array(BootCheckedSchema).default([]),
  found: z.array(BootFoundSchema).default([]),
  open: z.array(TrackedFindingSchema).default([]),
});

export type TrackedFinding = z.infer<typeof TrackedFindingSchema>;
export type HealthcheckState = z.infer<typeof HealthcheckStateSchema>;
export type RestartRecord = z.infer<typeof RestartRecordSchema>;
export type LastBoot = z.infer<typeof LastBootSchema>;
export type BootChecked = z.infer<typeof BootCheckedSchema>;
export type BootFound = z.infer<typeof BootFoundSchema>;
export type CheckRecord = z.infer<typeof CheckRecordSchema>;
