import * as z from 'zod';
import { OpsContextSchema } from '../ops-context/ops-context';

/** Included by every tool whose result touches the system. */
export const opsContextField = { ops_context: OpsContextSchema.nullable().describe('Active alerts and known patterns relevant to this result, or null') };

/**
 * Taken by every tool whose gate can ask the human. It only refers to an approval the human gave
 * on the host for exactly this call; nothing the model sends can create or answer one.
 */
export const approvalIdField = {
  approval_id: z
    .string()
    .max(32)
    .optional()
    .describe("Only when a refusal gave one: the owner's approval on the host of exactly these arguments"),
};

/** Taken by the list tools: a reply cut to mcp.replyMaxBytes says which offset its next page starts at. */
export const offsetField = { offset: z.number().int().min(0).max(1_000_000).default(0).describe('Items to skip (next page)') };

export const decisionSchema = z.object({
  action: z.string().describe('allow, or confirm:accepted / confirm:approved when a human approved it'),
  rule: z.string(),
  reason: z.string(),
});
