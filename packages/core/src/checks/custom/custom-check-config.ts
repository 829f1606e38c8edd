import * as z from 'zod';
import { CHECK_SETTINGS } from '../check-settings';

// healthcheck.custom: the owner's own checks, one strict object per kind. This file is the one
// shape of them; the probes, the docs (docs/checks.md) and the timer units all read it.

/** A unit name systemctl accepts, without templates left open. */
const UnitName = z.string().regex(/^[\w@.:-]+\.(service|socket|timer|mount|path|target|scope)$/, 'expected a unit name such as "nginx.service"');

/** warn and crit in the check's own unit; which way is worse is the kind's. */
const Levels = z.strictObject({ warn: z.number(), crit: z.number() });

/** On failure: restart a unit, or run a command line; both go through the policy gate and the restart cap. */
export const CheckActionSchema = z.union([
  z.strictObject({ restart: UnitName }),
  z.strictObject({ fix: z.string().min(1).max(500) }),
]);

/** Ids become unit instance names (ldm-healthcheck-check@ID.timer) and state keys. */
const CheckId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected 1-64 letters, digits, "_", "." or "-"');

const common = {
  id: CheckId,
  enabled: z.boolean().default(true),
  /** Runs this often from its own timer (ldm-healthcheck-check@ID.timer) as well as with every healthcheck run. */
  intervalSec: z.number().int().min(10).max(86_400).optional(),
  /** monit's cycles: a finding opens only when the check failed `failures` times in the last `runs` runs. */
  failAfter: z
    .strictObject({ failures: z.number().int().min(1).max(20), runs: z.number().int().min(1).max(20) })
    .refine((f) => f.failures <= f.runs, 'failures must not exceed runs')
    .prefault({ failures: 1, runs: 1 }),
  /** The severity of a hard failure (down, missing, exit 2); thresholds bring their own level. */
  severity: z.enum(['warn', 'crit']).default('crit'),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  action: CheckActionSchema.optional(),
};

export const HttpCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  /** Accepted statuses; default any 2xx or 3xx. */
  status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1).max(20)]).optional(),
  /** Must appear in the first 256 KiB of the body. */
  keyword: z.string().min(1).max(256).optional(),
  latencyMs: Levels.optional(),
  /** https only: days left on the server's certificate. */
  certDays: Levels.default({ warn: 14, crit: 3 }),
  /** https only: accept a certificate no trusted CA signed (self-signed); expiry is still checked. */
  tlsVerify: z.boolean().default(true),
});

export const TcpCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('tcp'),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65_535),
  latencyMs: Levels.optional(),
});

export const TlsCheckSchema = z
  .strictObject({
    ...common,
    kind: z.literal('tls'),
    host: z.string().min(1).max(253).optional(),
    port: z.number().int().min(1).max(65_535).default(443),
    /** SNI name; defaults to host. */
    servername: z.string().min(1).max(253).optional(),
    /** A PEM certificate file instead of a server. */
    file: z.string().startsWith('/').optional(),
    days: Levels.default({ warn: 14, crit: 3 }),
  })
  .refine((c) => (c.host === undefined) !== (c.file === undefined), 'give either host (and port) or file, not both');

export const UnitCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('unit'),
  unit: UnitName,
  /** Expected sub-states (e.g. "running"); default: any while active. */
  sub: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(10)]).optional(),
  /** Growth of NRestarts between two runs: a crash loop even while the unit reads "active". */
  restarts: Levels.default({ warn: 1, crit: 3 }),
});

export const ProcessCheckSchema = z
  .strictObject({
    ...common,
    kind: z.literal('process'),
    /** The process name (comm, as in ps -e) or, when longer than 15 characters, a substring of its command line. */
    name: z.string().min(1).max(256).optional(),
    pidfile: z.string().startsWith('/').optional(),
    minCount: z.number().int().min(1).max(10_000).default(1),
    /** CPU % of one core, summed over the matching processes, since the previous run. */
    cpuPct: Levels.optional(),
    /** Resident memory in MiB, summed over the matching processes. */
    memMiB: Levels.optional(),
  })
  .refine((c) => (c.name === undefined) !== (c.pidfile === undefined), 'give either name or pidfile');

export const PathCheckSchema = z
  .strictObject({
    ...common,
    kind: z.literal('path'),
    path: z.string().startsWith('/'),
    /** Seconds since the file or directory was last modified (e.g. a nightly backup: warn 93600). */
    ageSec: Levels.optional(),
    /** Free space on the path's filesystem, in %; lower is worse. */
    freePct: Levels.optional(),
  });

export const NagiosCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('nagios'),
  /** The plugin and its arguments, no shell; it runs in the containment sandbox. */
  command: z.array(z.string().max(4096)).min(1).max(64),
});

export const CUSTOM_CHECK_SCHEMAS = [HttpCheckSchema, TcpCheckSchema, TlsCheckSchema, UnitCheckSchema, ProcessCheckSchema, PathCheckSchema, NagiosCheckSchema] as const;
export const CUSTOM_KINDS = ['http', 'tcp', 'tls', 'unit', 'process', 'path', 'nagios'] as const;

export const CustomCheckSchema = z.discriminatedUnion('kind', CUSTOM_CHECK_SCHEMAS, {
  error: (iss) =>
    iss.code === 'invalid_union'
      ? `unknown check kind ${JSON.stringify((iss.input as { kind?: unknown } | undefined)?.kind)}; expected one of ${CUSTOM_KINDS.join(', ')}`
      : undefined,
});

/** Names the healthcheck reports under already; an owner's check may not shadow them. */
const RESERVED_IDS = new Set([...Object.keys(CHECK_SETTINGS), 'restart-cap', 'state-dir']);

/** healthcheck.custom: at most 100 checks, ids unique and distinct from the built-in checks. */
export const CustomChecksSchema = z
  .array(CustomCheckSchema)
  .max(100)
  .superRefine((checks, ctx) => {
    const seen = new Map<string, number>();
    checks.forEach((c, i) => {
      if (RESERVED_IDS.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `id ${JSON.stringify(c.id)} is a built-in check's` });
      const first = seen.get(c.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `id ${JSON.stringify(c.id)} is used by healthcheck.custom[${first}] too` });
      else seen.set(c.id, i);
    });
  });

export type CustomCheck = z.infer<typeof CustomCheckSchema>;
export type CustomCheckOf<K extends CustomCheck['kind']> = Extract<CustomCheck, { kind: K }>;
export type CheckAction = z.infer<typeof CheckActionSchema>;
export type LevelPair = z.infer<typeof Levels>;

/** Pure: the finding's subject. A unit check is about its unit, so a learned "systemctl restart" attaches to it. */
export const subjectOf = (check: CustomCheck) => (check.kind === 'unit' ? check.unit : check.id);

/** The owner's check with this id, if there is one. */
export const customCheckConfig = (config: { healthcheck: { custom: CustomCheck[] } }, id: string): CustomCheck | undefined => config.healthcheck.custom.find((c) => c.id === id);
