import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/** What tools/list may cost each conversation: about 4,000 tokens. */
export const TOOL_LIST_MAX_BYTES = 16 * 1024;

function withoutSchemaKeyword(schema: Tool['inputSchema']): Tool['inputSchema'] {
  const { $schema: _ignored, ...rest } = schema as Tool['inputSchema'] & { $schema?: string };
  return rest;
}

/**
 * Pure: tools/list as sent to clients. Every tool is in every conversation's context, so the
 * list keeps only what a client or model acts on:
 * - the input schema, without the draft-07 `$schema` line the SDK repeats in every schema;
 * - no output schema: it was 59 % of the list, read by no model, and a client that validates
 *   against it learns nothing the server has not checked already (the SDK validates every
 *   structuredContent against the tool's full zod schema before it leaves, and the text block
 *   says the same in words);
 * - no `execution`: {taskSupport: "forbidden"} is what its absence means.
 */
export function compactToolList(tools: Tool[]): Tool[] {
  return tools.map(({ outputSchema: _out, execution: _exec, inputSchema, ...tool }) => ({ ...tool, inputSchema: withoutSchemaKeyword(inputSchema) }));
}
