import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { EXIT, formatJournalLine } from '@ldm/core';
import { BUILT_IN_TOOLS } from './create-server';
import { toolsForMode } from '../tools/tool-def';

export interface ConfigErrorServerOptions {
  version: string;
  /** tools/list; each call answers with the error. Defaults to the read-only tools rendered at build time. */
  tools?: Tool[];
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Pure: what the client and the model read instead of the briefing. */
export function configErrorText(message: string): string {
  return `linux-devops-mcp cannot operate this host until its config is fixed:\n${message}\nEvery tool answers with this error and runs nothing. Fix the file as root (the lines above name each bad field), then reconnect.`;
}

/**
 * The stdio server when the config is invalid. Exiting at once would show a client nothing but
 * "connection closed" (Claude Desktop keeps stderr in a log file few people open), so the session
 * starts, the initialize result's instructions carry the error, and every tools/call returns it
 * as an isError result the model relays. Nothing runs: without a valid policy there is none.
 * The error also goes to stderr (the client's server log, or the terminal of `ssh host ...`).
 * Resolves to EX_CONFIG when the client leaves.
 */
export async function serveConfigError(message: string, options: ConfigErrorServerOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  // At err priority on every line, like the daemons: journald (ssh under systemd) files them as errors.
  for (const line of message.split('\n')) stderr.write(formatJournalLine('error', `ldm-mcp-server: ${line}`));
  const text = configErrorText(message);
  const server = new McpServer({ name: 'ldm-mcp-server', title: 'linux-devops-mcp', version: options.version }, { instructions: text });
  const tools = options.tools ?? toolsForMode('read-only', BUILT_IN_TOOLS.listed ?? []);
  server.server.registerCapabilities({ tools: {} });
  server.server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => ({
    isError: true,
    content: [{ type: 'text', text: `${String(request.params.name).slice(0, 200)} was not run. ${text}` }],
  }));
  const transport = new StdioServerTransport(options.stdin as NodeJS.ReadStream | undefined, options.stdout as NodeJS.WriteStream | undefined);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    (options.stdin ?? process.stdin).once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
  return EXIT.CONFIG;
}
