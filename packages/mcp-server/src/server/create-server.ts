import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ServerDeps } from './deps';
import { ALL_TOOLS, toolsForMode } from '../tools/all-tools';
import type { ToolDef } from '../tools/tool-def';
import { PolicyGate } from '../policy/policy-gate';
import { OpsContextSource } from '../ops-context/ops-context-source';
import { HostSampler } from '../host/host-sampler';
import { toCallToolResult } from './tool-result';
import { registerResources } from '../resources/resources';
import { registerPrompts } from '../prompts/prompts';
import { currentBriefing } from '../briefing/current-briefing';

export interface CreatedServer {
  server: McpServer;
  /** The tools actually offered (read-only mode lists fewer). */
  tools: ToolDef[];
  instructions: string;
}

function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) parts.push(e.message);
  return parts.length ? parts.join(': ') : String(err);
}

/**
 * Builds the MCP server for `deps`: the briefing as instructions, the tools for the policy mode,
 * resources and prompts. No I/O beyond reading the documents for the briefing; no transport.
 */
export async function createServer(deps: ServerDeps, tools: ToolDef[] = ALL_TOOLS): Promise<CreatedServer> {
  const instructions = await currentBriefing(deps);
  const server = new McpServer(
    { name: 'ldm-mcp-server', title: 'linux-devops-mcp', version: deps.version },
    // tools/resources/prompts capabilities are declared by the first register* call, after the
    // tools/call handler has been wrapped for auditing (declaring them here would install it first).
    { instructions, capabilities: { logging: {} } },
  );
  const offered = toolsForMode(deps.config.policy.mode, tools);
  const gate = new PolicyGate(deps, server.server);
  const ops = new OpsContextSource(deps);
  const sampler = deps.hostSampler ?? new HostSampler(deps.proc);
  const redact = deps.policy.redactSecrets;
  const audited = auditRejectedCalls(server, deps);
  for (const def of offered) {
    server.registerTool(
      def.name,
      { title: def.title, description: def.description, annotations: def.annotations, inputSchema: def.inputSchema, outputSchema: def.outputSchema },
      async (args: unknown, extra: { signal: AbortSignal; requestId: string | number }) => {
        audited.add(extra.requestId);
        const started = Date.now();
        let outcome;
        try {
          outcome = await def.handler(args as never, { deps, gate, ops, sampler, signal: extra.signal });
        } catch (err) {
          // An infrastructure failure (unreadable state, a lock that timed out): the model sees
          // what failed and why; the full story goes to the log.
          deps.logger.error(`tool ${def.name} failed: ${describeError(err)}`);
          outcome = { isError: true as const, message: `${def.name} failed: ${describeError(err)}` };
        }
        const result = toCallToolResult(outcome as never, redact);
        const durationMs = Date.now() - started;
        const audit = outcome.audit ?? {};
        void deps.audit.append({
          time: new Date(started).toISOString(),
          tool: def.name,
          args,
          ...audit,
          isError: Boolean(result.isError),
          durationMs,
        });
        deps.logger.info(`tool ${def.name}`, {
          ...(audit.decision ? { decision: audit.decision } : {}),
          ...(audit.rule ? { rule: audit.rule } : {}),
          ...(audit.exitCode !== undefined ? { exitCode: audit.exitCode } : {}),
          isError: Boolean(result.isError),
          durationMs,
        });
        return result;
      },
    );
  }
  registerResources(server, deps);
  registerPrompts(server, deps);
  return { server, tools: offered, instructions };
}

/**
 * Calls the SDK answers without reaching a tool handler (unknown tool, arguments that fail the
 * input schema, a tool hidden by read-only mode) are tool calls too: they get an audit line with
 * decision "rejected". Wraps the tools/call handler McpServer installs on its first registerTool.
 */
function auditRejectedCalls(server: McpServer, deps: ServerDeps): Set<string | number> {
  const audited = new Set<string | number>();
  const inner = server.server;
  const original = inner.setRequestHandler.bind(inner);
  inner.setRequestHandler = ((schema: unknown, handler: (req: never, extra: never) => Promise<unknown>) => {
    const method = (schema as { shape?: { method?: { value?: unknown } } }).shape?.method?.value;
    if (schema !== CallToolRequestSchema && method !== 'tools/call') return original(schema as never, handler as never);
    return original(CallToolRequestSchema, async (req, extra) => {
      const started = Date.now();
      const result = (await handler(req as never, extra as never)) as CallToolResult;
      if (!audited.delete(extra.requestId)) {
        const reason = result.content?.[0]?.type === 'text' ? result.content[0].text : '';
        void deps.audit.append({
          time: new Date(started).toISOString(),
          tool: String(req.params.name).slice(0, 200),
          args: req.params.arguments ?? {},
          decision: 'rejected',
          rule: reason.slice(0, 300),
          isError: true,
          durationMs: Date.now() - started,
        });
        deps.logger.info(`tool ${String(req.params.name).slice(0, 200)} rejected`, { reason: reason.slice(0, 300) });
      }
      return result;
    });
  }) as typeof inner.setRequestHandler;
  return audited;
}
