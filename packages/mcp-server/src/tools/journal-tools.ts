import * as z from 'zod';
import { defineTool, READ_ONLY, refuse } from './tool-def';
import { opsContextField } from './common-schemas';
import { journalArgv, normalizeUnit, PRIORITIES, validateSince } from '../systemd/systemd-args';
import { failureText, runSystem } from './run-system';

export const journalQuery = defineTool({
  name: 'journal_query',
  title: 'Query the journal',
  description:
    'Journal lines (journalctl -o short-iso), newest last, filtered; secrets redacted.',
  annotations: { ...READ_ONLY, idempotentHint: false },
  inputSchema: z
    .object({
      unit: z.string().min(1).max(256).optional().describe('Unit name'),
      priority: z.enum(PRIORITIES).optional().describe('This priority and above'),
      since: z.string().max(64).optional().describe('e.g. "-1h", "30 min ago", "2026-11-24 04:00", "today"'),
      boot: z.union([z.literal(0), z.literal(-1)]).optional().describe('0 this boot, -1 the previous one'),
      grep: z.string().min(1).max(500).optional().describe('PCRE on the message'),
      lines: z.number().int().min(1).max(2000).default(200).describe('The newest N lines'),
    })
    .strict(),
  outputSchema: z.object({ lines: z.array(z.string()), count: z.number(), truncated: z.boolean(), ...opsContextField }),
  handler: async (args, ctx) => {
    let argv: string[];
    try {
      if (args.since) validateSince(args.since);
      const unit = args.unit ? normalizeUnit(args.unit) : undefined;
      argv = journalArgv(ctx.deps.bin.journalctl, { ...args, unit, lines: args.lines });
    } catch (err) {
      return refuse((err as Error).message);
    }
    const r = await runSystem(ctx, argv, 60_000);
    // journalctl exits 1 when --grep matches nothing: that is an empty answer, not a failure.
    if (r.exitCode !== 0 && !(args.grep && r.exitCode === 1 && !r.stderr.trim())) return refuse(failureText('journalctl', r));
    const lines = r.stdout.split('\n').filter(Boolean);
    const ops = await ctx.ops.for(lines, args.unit ? normalizeUnit(args.unit) : undefined);
    return { structured: { lines, count: lines.length, truncated: r.stdoutTruncated, ops_context: ops } };
  },
});

export const JOURNAL_TOOLS = [journalQuery];
