import { randomBytes } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolRequest,
  type CallToolResult,
  type ListToolsResult,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { describeErrorChain, type JobOwner } from '@ldm/core';
import type { ServerDeps } from './deps';
import { CONTAINED_META, type ToolDef } from '../tools/tool-def';
import { PolicyGate, type GateSession } from '../policy/policy-gate';
import { OpsContextSource } from '../ops-context/ops-context-source';
import { HostSampler } from '../host/host-sampler';
import { toCallToolResult } from './tool-result';
import type { SessionLog } from './session-log';
import { keepAlive } from '../policy/progress-keepalive';
import { flatFormValidator } from '../policy/elicitation-validator';
import { captureRequestHandlers } from '../sdk/sdk-internals';

// Loaded on the first tools/call (or tools/list without a build-time list): everything a tool
// needs to run, so a session that only connects and lists never builds 42 zod schemas.

/** The facts of a tools/call request the SDK hands its handler: its id, stream, session and progress token. */
export type CallExtra = Pick<RequestHandlerExtra<ServerRequest, ServerNotification>, 'signal' | 'requestId' | 'sessionId' | '_meta' | 'sendNotification'>;

/**
 * The SDK's own tools/list and tools/call, from an McpServer that holds the registered tools but
 * is never connected: registerTool validates input and output with the zod schemas exactly as it
 * would on the session's server, and the session's server hands its requests to these.
 */
function toolHandlersOf(register: (holder: McpServer) => void): { list: () => Promise<ListToolsResult>; call: (request: CallToolRequest, extra: CallExtra) => Promise<CallToolResult> } {
  const holder = new McpServer({ name: 'ldm-mcp-server-tools', version: '0' }, { jsonSchemaValidator: flatFormValidator });
  const captured = captureRequestHandlers(holder.server, () => register(holder), [ListToolsRequestSchema, CallToolRequestSchema]);
  const list = captured.get(ListToolsRequestSchema)!;
  const call = captured.get(CallToolRequestSchema)!;
  return {
    list: async () => (await list({ method: 'tools/list', params: {} } as never, {} as never)) as ListToolsResult,
    call: async (request, extra) => (await call(request as never, extra as never)) as CallToolResult,
  };
}

/** tools/list for `tools` exactly as the SDK renders it; build.mjs bakes the result into the bundle. */
export async function renderToolList(tools: ToolDef[]): Promise<Tool[]> {
  const handlers = toolHandlersOf((holder) => {
    for (const def of tools) holder.registerTool(def.name, registration(def), async () => ({ content: [] }));
  });
  return (await handlers.list()).tools;
}

function registration(def: ToolDef) {
  return {
    title: def.title,
    description: def.description,
    annotations: def.annotations,
    inputSchema: def.inputSchema,
    outputSchema: def.outputSchema,
    ...(def.containedInReadOnly ? { _meta: { [CONTAINED_META]: true } } : {}),
  };
}


/** The approval a call presents: every tool whose gate can ask takes `approval_id` (common-schemas.ts). */
function approvalIdOf(args: unknown): string | undefined {
  const id = (args as { approval_id?: unknown } | null)?.approval_id;
  return typeof id === 'string' ? id : undefined;
}

/** Which session asked, for the human who answers on the host. */
function sessionLabel(session: Server, sessionId: string | undefined): GateSession['label'] {
  const client = session.getClientVersion();
  const who = client ? `${client.name} ${client.version}`.slice(0, 120) : 'unknown client';
  return sessionId ? `${who}, HTTP session ${sessionId.slice(0, 8)}…` : `${who}, stdio, server pid ${process.pid}`;
}

/**
 * The tools of one session, registered and ready to run. Every call that reaches a handler is
 * audited and logged here; `audited` tells the session which request ids those were, so calls the
 * SDK turns away (unknown tool, bad arguments) get their own "rejected" line.
 */
export class ToolRuntime {
  private readonly handlers;

  constructor(session: Server, deps: ServerDeps, tools: ToolDef[], audited: Set<string | number>, jobOwner: JobOwner, log: SessionLog) {
    const ctx = {
      deps,
      jobOwner,
      ops: new OpsContextSource(deps),
      sampler: deps.hostSampler ?? new HostSampler(deps.proc),
    };
    // The session's own secret: an approval asked for here can be redeemed only by this session.
    // It never leaves this process; state.json holds its hash.
    const sessionKey = randomBytes(32).toString('hex');
    const redact = deps.policy.redactSecrets;
    this.handlers = toolHandlersOf((holder) => {
      for (const def of tools) {
        holder.registerTool(def.name, registration(def), async (args: unknown, extra: CallExtra) => {
          audited.add(extra.requestId);
          const started = Date.now();
          let outcome;
          try {
            const gate = new PolicyGate(deps, session, {
              session: { key: sessionKey, label: sessionLabel(session, extra.sessionId) },
              requestId: extra.requestId,
              progressToken: extra._meta?.progressToken,
              sendNotification: extra.sendNotification,
              approvalId: approvalIdOf(args),
              ...(deps.progressEveryMs ? { progressEveryMs: deps.progressEveryMs } : {}),
            });
            const progress = (message: string) => keepAlive(extra.sendNotification, extra._meta?.progressToken, message, deps.progressEveryMs);
            outcome = await def.handler(args as never, { ...ctx, gate, signal: extra.signal, progress });
          } catch (err) {
            // An infrastructure failure (unreadable state, a lock that timed out): the model sees
            // what failed and why; the full story goes to the log.
            deps.logger.error(`tool ${def.name} failed: ${describeErrorChain(err)}`);
            outcome = { isError: true as const, message: `${def.name} failed: ${describeErrorChain(err)}` };
          }
          const result = toCallToolResult(outcome as never, redact, deps.config.mcp.replyMaxBytes);
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
          const facts = [audit.decision, audit.rule && `rule ${audit.rule}`, audit.exitCode !== undefined && `exit ${audit.exitCode}`, `${durationMs} ms`].filter(Boolean).join(', ');
          log.send(extra.sendNotification, result.isError ? 'warning' : 'info', `${def.name}${result.isError ? ' failed or was refused' : ''}: ${facts}`);
          deps.logger.info(`tool ${def.name}`, {
            ...(audit.decision ? { decision: audit.decision } : {}),
            ...(audit.rule ? { rule: audit.rule } : {}),
            ...(audit.exitCode !== undefined ? { exitCode: audit.exitCode } : {}),
            isError: Boolean(result.isError),
            durationMs,
          });
          return result;
        });
      }
    });
  }

  list(): Promise<ListToolsResult> {
    return this.handlers.list();
  }

  call(request: CallToolRequest, extra: CallExtra): Promise<CallToolResult> {
    return this.handlers.call(request, extra);
  }
}
