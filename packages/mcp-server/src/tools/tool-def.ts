import type * as z from 'zod';
import type { ToolContext } from './tool-context';
import type { AuditFacts } from '../audit/audit-facts';

/** MCP tool annotations; readOnlyHint is required so read-only mode can be derived from it. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/**
 * A handler's answer. `structured` must conform to outputSchema; it is also given as text.
 * `isError` marks a refusal or a failure the model should see (bad input, denied by policy).
 */
export type ToolOutcome<O> =
  | { isError?: false; structured: O; audit?: AuditFacts; notes?: string[] }
  | { isError: true; message: string; audit?: AuditFacts };

/** One tool: its schema, annotations and handler in one value. */
export interface ToolDef<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  inputSchema: I;
  outputSchema: O;
  /**
   * In read-only mode the tool is read-only by construction, not by its nature: run_command, whose
   * sandbox then has no writable path and no way to the host. It is offered there with readOnlyHint.
   */
  containedInReadOnly?: true;
  handler: (args: z.infer<I>, ctx: ToolContext) => Promise<ToolOutcome<z.infer<O>>>;
}

/** Keeps the input and output types of one tool tied together while ALL_TOOLS holds them as one type. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDef<I, O>): ToolDef {
  return def as unknown as ToolDef;
}

export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Shorthand for a refusal the model should read. */
export function refuse(message: string, audit?: AuditFacts): ToolOutcome<never> {
  return { isError: true, message, ...(audit ? { audit } : {}) };
}

/** The mark a containedInReadOnly tool carries in tools/list, so a list rendered ahead of time keeps it. */
export const CONTAINED_META = 'linux-devops-mcp/readOnlyWhenContained';

type ModeTool = { annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean }; containedInReadOnly?: true; _meta?: Record<string, unknown> };

/**
 * The tools offered under a policy mode. In read-only mode only those whose readOnlyHint holds
 * there are even listed: read-only tools, and contained ones with the hint set for that mode.
 */
export function toolsForMode<T extends ModeTool>(mode: string, tools: T[]): T[] {
  if (mode !== 'read-only') return tools;
  return tools.flatMap((t) => {
    if (t.annotations?.readOnlyHint === true) return [t];
    if (t.containedInReadOnly || t._meta?.[CONTAINED_META] === true) return [{ ...t, annotations: { ...t.annotations, readOnlyHint: true, destructiveHint: false } }];
    return [];
  });
}
