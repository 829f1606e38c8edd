import * as z from 'zod';
import { OpsContextSchema } from '../ops-context/ops-context';

/** Included by every tool whose result touches the system. */
export const opsContextField = { ops_context: OpsContextSchema.nullable().describe('Active alerts and known patterns relevant to this result, or null') };

export const decisionSchema = z.object({
  action: z.string().describe('allow, or confirm:accepted when a human approved it'),
  rule: z.string(),
  reason: z.string(),
});
