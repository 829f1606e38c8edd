import type * as z from 'zod';
import type { ToolContext } from './tool-context';

/** MCP tool annotations; readOnlyHint is required so read-only mode can be derived from it. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What the tool reports for the audit log besides its arguments. */
export interface AuditFacts {
  /** allow | deny | confirm->accepted | confirm->declined | ... ; absent for tools that touch nothing. */
  decision?: string;
  rule?: string;
  exitCode?: number | null;
  /** How a human approved (or is asked to approve) this call. */
  approval?: ApprovalFacts;
}

/** elicitation: the human in the session; host-cli: the human on the host (ldm-mcp-server approve). */
export interface ApprovalFacts {
  id?: string;
  via: 'elicitation' | 'host-cli';
  /** Who answered on the host: uid, sudo user, tty. */
  by?: string;
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

/** The tools offered under a policy mode: in read-only mode only those with readOnlyHint are even listed. */
export function toolsForMode<T extends { annotations?: { readOnlyHint?: boolean } }>(mode: string, tools: T[]): T[] {
  return mode === 'read-only' ? tools.filter((t) => t.annotations?.readOnlyHint === true) : tools;
}
