import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolOutcome } from '../tools/tool-def';
import { opsContextText, type OpsContext } from '../ops-context/ops-context';

/** Pure: every string in a JSON value passed through `redact`. */
export function redactDeep<T>(value: T, redact: (s: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)])) as T;
  }
  return value;
}

/**
 * Pure: the MCP result of a handler's outcome. structuredContent and the first text block carry
 * the same (redacted) content; notes and the ops context follow as short text blocks.
 */
export function toCallToolResult(outcome: ToolOutcome<Record<string, unknown>>, redact: (s: string) => string): CallToolResult {
  if (outcome.isError) return { isError: true, content: [{ type: 'text', text: redact(outcome.message) }] };
  const structured = redactDeep(outcome.structured, redact);
  const content: CallToolResult['content'] = [{ type: 'text', text: JSON.stringify(structured) }];
  for (const note of outcome.notes ?? []) content.push({ type: 'text', text: redact(note) });
  const ops = (structured as { ops_context?: OpsContext | null }).ops_context;
  if (ops) content.push({ type: 'text', text: opsContextText(ops) });
  return { content, structuredContent: structured };
}
