import * as z from 'zod';
import { bestResolution, compareCodeUnits, rankPatterns, successRate, type Incident, type KnownFix, type Pattern } from '@ldm/core';
import { offsetField } from './common-schemas';
import { defineTool, READ_ONLY, refuse } from './tool-def';

const incidentSchema = z.object({
  id: z.string(),
  time: z.string(),
  last_seen: z.string(),
  count: z.number(),
  source: z.string(),
  severity: z.string(),
  subject: z.string().nullable(),
  summary: z.string(),
  evidence: z.array(z.string()),
  status: z.string(),
  pattern_id: z.string().nullable(),
  resolution: z.object({ text: z.string(), commands: z.array(z.string()), worked: z.boolean(), time: z.string() }).nullable(),
});

const fixSchema = z.object({
  pattern_id: z.string(),
  template: z.string(),
  fix: z.string(),
  commands: z.array(z.string()),
  worked: z.number(),
  failed: z.number(),
  success_rate: z.number(),
  confidence: z.number(),
  last_used: z.string().nullable(),
});

const patternSchema = z.object({
  id: z.string(),
  template: z.string(),
  subjects: z.array(z.string()),
  count: z.number(),
  first_seen: z.string(),
  last_seen: z.string(),
  best_fix: z.string().nullable(),
  fixes: z.array(z.object({ action: z.string(), worked: z.number(), failed: z.number(), success_rate: z.number() })),
});

const r2 = (n: number) => Math.round(n * 100) / 100;

function toIncident(i: Incident): z.infer<typeof incidentSchema> {
  return {
    id: i.id,
    time: i.time,
    last_seen: i.lastSeen,
    count: i.count,
    source: i.source,
    severity: i.severity,
    subject: i.subject ?? null,
    summary: i.summary,
    evidence: i.evidence,
    status: i.status,
    pattern_id: i.patternId ?? null,
    resolution: i.resolution ? { text: i.resolution.text, commands: i.resolution.commands, worked: i.resolution.worked, time: i.resolution.time } : null,
  };
}

function toFix(f: KnownFix): z.infer<typeof fixSchema> {
  return {
    pattern_id: f.patternId,
    template: f.template,
    fix: f.action,
    commands: f.commands,
    worked: f.successes,
    failed: f.failures,
    success_rate: r2(f.successRate),
    confidence: r2(f.confidence),
    last_used: f.lastUsed,
  };
}

function toPattern(p: Pattern): z.infer<typeof patternSchema> {
  return {
    id: p.id,
    template: p.template,
    subjects: p.subjects,
    count: p.count,
    first_seen: p.firstSeen,
    last_seen: p.lastSeen,
    best_fix: bestResolution(p)?.action ?? null,
    fixes: p.resolutions.map((r) => ({ action: r.action, worked: r.successes, failed: r.failures, success_rate: r2(successRate(r)) })),
  };
}

const text = (max: number) => z.string().min(1).max(max);

export const recordIncident = defineTool({
  name: 'record_incident',
  title: 'Record an incident',
  description:
    'Records a problem you found (deduplicated against open incidents of the same kind). Returns the incident and, when this ' +
    'problem is a known pattern, its known fix and how often it worked.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  inputSchema: z
    .object({
      summary: text(1000).describe('One line: what is wrong, with the error text as it appears'),
      evidence: z.array(text(4000)).max(50).optional().describe('Log lines or outputs that show it'),
      subject: text(256).optional().describe('The unit, path or component affected, e.g. nginx.service'),
      severity: z.enum(['info', 'warn', 'crit']).default('warn').describe('How bad'),
    })
    .strict(),
  outputSchema: z.object({
    incident: incidentSchema,
    deduplicated: z.boolean(),
    pattern_id: z.string(),
    pattern_count: z.number(),
    known_fix: fixSchema.nullable(),
  }),
  handler: async (args, ctx) => {
    const redact = ctx.deps.policy.redactSecrets;
    const out = await ctx.deps.engine.record({
      source: 'mcp',
      severity: args.severity,
      summary: redact(args.summary),
      ...(args.subject ? { subject: args.subject } : {}),
      evidence: (args.evidence ?? []).map(redact),
    });
    return {
      structured: {
        incident: toIncident(out.incident),
        deduplicated: out.deduped,
        pattern_id: out.pattern.id,
        pattern_count: out.pattern.count,
        known_fix: out.suggestion ? toFix(out.suggestion) : null,
      },
      audit: { decision: 'allow' },
    };
  },
});

export const resolveIncident = defineTool({
  name: 'resolve_incident',
  title: 'Resolve an incident',
  description:
    'Closes an incident with what was done and whether it worked; the fix is learned into its pattern so it is suggested next time.',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  inputSchema: z
    .object({
      id: text(128).describe('Incident id'),
      resolution: text(2000).describe('What fixed it (or what was tried)'),
      commands: z.array(text(2000)).max(20).optional().describe('The commands that were run, in order'),
      worked: z.boolean().describe('Whether the fix worked'),
    })
    .strict(),
  outputSchema: z.object({ incident: incidentSchema, pattern: patternSchema.nullable() }),
  handler: async (args, ctx) => {
    const redact = ctx.deps.policy.redactSecrets;
    try {
      const out = await ctx.deps.engine.resolve({
        id: args.id,
        resolution: redact(args.resolution),
        commands: (args.commands ?? []).map(redact),
        worked: args.worked,
        by: 'mcp',
      });
      return { structured: { incident: toIncident(out.incident), pattern: out.pattern ? toPattern(out.pattern) : null }, audit: { decision: 'allow' } };
    } catch (err) {
      if (/no incident with id/.test((err as Error).message)) return refuse(`${(err as Error).message}; list_incidents shows the ids.`);
      throw err;
    }
  },
});

export const listIncidents = defineTool({
  name: 'list_incidents',
  title: 'List incidents',
  description: 'Incidents, newest first: open, resolved or all.',
  annotations: READ_ONLY,
  inputSchema: z
    .object({
      status: z.enum(['open', 'resolved', 'all']).default('open').describe('Which incidents'),
      limit: z.number().int().min(1).max(500).default(20).describe('Rows returned'),
      ...offsetField,
    })
    .strict(),
  outputSchema: z.object({ incidents: z.array(incidentSchema), total: z.number() }),
  handler: async (args, ctx) => {
    const doc = await ctx.deps.store.read('incidents');
    const matching = doc.incidents.filter((i) => args.status === 'all' || i.status === args.status);
    const sorted = [...matching].sort((a, b) => compareCodeUnits(b.lastSeen, a.lastSeen));
    return { structured: { incidents: sorted.slice(args.offset, args.offset + args.limit).map(toIncident), total: matching.length } };
  },
});

export const findKnownFix = defineTool({
  name: 'find_known_fix',
  title: 'Find a known fix',
  description: 'Patterns from this host\'s history that match an error text, with the fixes that worked, best first.',
  annotations: READ_ONLY,
  inputSchema: z.object({ text: text(4000).describe('An error message or log line'), subject: text(256).optional().describe('Unit or component, e.g. nginx.service') }).strict(),
  outputSchema: z.object({ fixes: z.array(fixSchema) }),
  handler: async (args, ctx) => {
    const fixes = await ctx.deps.engine.findKnownFixes(args.text, args.subject, 5);
    return { structured: { fixes: fixes.map(toFix) } };
  },
});

export const listPatterns = defineTool({
  name: 'list_patterns',
  title: 'List learned patterns',
  description: 'Recurring problems learned on this host, ranked by frequency and recency, with their fixes and success rates.',
  annotations: READ_ONLY,
  inputSchema: z.object({ limit: z.number().int().min(1).max(500).default(20).describe('Rows returned'), ...offsetField }).strict(),
  outputSchema: z.object({ patterns: z.array(patternSchema), total: z.number() }),
  handler: async (args, ctx) => {
    const doc = await ctx.deps.store.read('patterns');
    const ranked = rankPatterns(doc.patterns, ctx.deps.now());
    return { structured: { patterns: ranked.slice(args.offset, args.offset + args.limit).map(toPattern), total: ranked.length } };
  },
});

export const INCIDENT_TOOLS = [recordIncident, resolveIncident, listIncidents, findKnownFix, listPatterns];
