import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolOutcome } from '../tools/tool-def';
import { cutText } from '@ldm/core';
import { opsContextText, type OpsContext } from '../ops-context/ops-context';
import { boundValue, cutNote, pageNote } from './bound-reply';
import { readableSummary } from './readable-summary';

/** mcp.replyMaxBytes's default: what a result costs when a config does not say. */
export const DEFAULT_REPLY_MAX_BYTES = 1_048_576;

// Room for the JSON-RPC envelope, the notes and the ops context around the result and its summary.
const ENVELOPE_BYTES = 8192;
const MAX_NOTE_CHARS = 2048;

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
 * Pure: the MCP result of a handler's outcome. structuredContent carries the (redacted) result and
 * the first text block says the same in readable lines (readable-summary.ts), for clients that show
 * the model only text; notes and the ops context follow as short text blocks. The whole
 * reply takes at most about `maxBytes`: long strings are cut, with a note naming them.
 */
export function toCallToolResult(outcome: ToolOutcome<Record<string, unknown>>, redact: (s: string) => string, maxBytes = DEFAULT_REPLY_MAX_BYTES): CallToolResult {
  // structuredContent and the text block each say the whole result: each gets half.
  const half = Math.max(1024, Math.floor((maxBytes - ENVELOPE_BYTES) / 2));
  if (outcome.isError) return { isError: true, content: [{ type: 'text', text: cutText(redact(outcome.message), half) }] };
  const bounded = boundValue(redactDeep(outcome.structured, redact), half);
  if (!bounded.fits) {
    return { isError: true, content: [{ type: 'text', text: `the result does not fit mcp.replyMaxBytes (${maxBytes} bytes) even with its texts cut and its list shortened: ask for less (limit, lines, path, since)` }] };
  }
  const structured = bounded.value;
  const content: CallToolResult['content'] = [{ type: 'text', text: cutText(readableSummary(structured, ['ops_context']) || '(nothing to report)', half) }];
  for (const note of outcome.notes ?? []) content.push({ type: 'text', text: cutText(redact(note), MAX_NOTE_CHARS) });
  if (bounded.cut.length) content.push({ type: 'text', text: cutNote(bounded.cut, maxBytes) });
  if (bounded.shortened) content.push({ type: 'text', text: pageNote(bounded.shortened, maxBytes) });
  const ops = (structured as { ops_context?: OpsContext | null }).ops_context;
  if (ops) content.push({ type: 'text', text: opsContextText(ops) });
  return { content, structuredContent: structured };
}
