import * as z from 'zod';
import { defineTool, READ_ONLY } from './tool-def';
import { currentBriefing } from '../briefing/current-briefing';

export const getContext = defineTool({
  name: 'get_context',
  title: 'Host briefing',
  description:
    'The briefing given at the start of the session, built fresh: host, uptime, last boot check, alerts, open incidents, recurring patterns with known fixes, policy.',
  annotations: { ...READ_ONLY, idempotentHint: false },
  inputSchema: z.object({}).strict(),
  outputSchema: z.object({ briefing: z.string(), bytes: z.number() }),
  handler: async (_args, ctx) => {
    const briefing = await currentBriefing(ctx.deps);
    return { structured: { briefing, bytes: Buffer.byteLength(briefing) } };
  },
});

export const CONTEXT_TOOLS = [getContext];
