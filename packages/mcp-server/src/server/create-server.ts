import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LOCAL_OWNER, type JobOwner } from '@ldm/core';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ServerDeps } from './deps';
import type { ToolDef } from '../tools/tool-def';
import { toolsForMode } from '../tools/tool-def';
import type { CallExtra, ToolRuntime } from './tool-runtime';
import { registerResources } from '../resources/resources';
import { registerPrompts } from '../prompts/prompts';
import { currentBriefing } from '../briefing/current-briefing';
import { flatFormValidator } from '../policy/elicitation-validator';
import { compactToolList } from './compact-tool-list';
import { SessionLog } from './session-log';

/** tools/list of every tool as the SDK renders it, baked in by build.mjs; undefined when run from source. */
declare const LDM_TOOL_LIST: Tool[] | undefined;

/** Where a session's tools come from. */
export interface ToolSource {
  /** The definitions: zod schemas and handlers. Loaded on the first call that needs them. */
  load(): Promise<ToolDef[]>;
  /** tools/list for all of `load()`, rendered ahead of time by the SDK; without it tools/list loads the tools. */
  listed?: Tool[];
}

export const BUILT_IN_TOOLS: ToolSource = {
  load: async () => (await import('./tool-chunk')).ALL_TOOLS,
  ...(typeof LDM_TOOL_LIST === 'undefined' ? {} : { listed: LDM_TOOL_LIST }),
};

export interface CreatedServer {
  server: McpServer;
  instructions: string;
  /** Who this session's jobs belong to. */
  jobOwner: JobOwner;
  /** The session is over (closed, expired, evicted): its jobs stop, unless they were detached. */
  endSession: () => void;
}

/** Who opens the session: the authenticated client identity over HTTP; absent for stdio (one process, one client). */
export interface SessionOrigin {
  principal: string;
  /** Test-only (serve-http.ts allows it with --insecure-no-auth alone): the conformance suite's fixtures. */
  conformanceFixtures?: boolean;
}

type Fixtures = typeof import('../conformance/conformance-fixtures');

/**
 * Builds the MCP server for `deps`: the briefing as instructions, the tools for the policy mode,
 * resources and prompts. No I/O beyond reading the documents for the briefing; no transport.
 */
export async function createServer(deps: ServerDeps, tools: ToolSource = BUILT_IN_TOOLS, origin?: SessionOrigin): Promise<CreatedServer> {
  const instructions = await currentBriefing(deps);
  const server = new McpServer({ name: 'ldm-mcp-server', title: 'linux-devops-mcp', version: deps.version }, {
    instructions,
    capabilities: { logging: {} },
    jsonSchemaValidator: flatFormValidator,
  });
  // The global Web Crypto, touched only for HTTP sessions: importing node:crypto would load it on every stdio start.
  const jobOwner = origin ? { session: globalThis.crypto.randomUUID(), principal: origin.principal } : LOCAL_OWNER;
  const log = new SessionLog();
  log.install(server.server);
  const fixtures: Fixtures | undefined = origin?.conformanceFixtures ? await import('../conformance/conformance-fixtures') : undefined;
  serveTools(server, deps, tools, jobOwner, log, fixtures);
  registerResources(server, deps);
  registerPrompts(server, deps);
  fixtures?.registerFixtureResourcesAndPrompts(server);
  // The SDK declares listChanged for resources and prompts; the lists never change, so nothing would ever be sent.
  server.server.registerCapabilities({ resources: { listChanged: undefined }, prompts: { listChanged: undefined } });
  return {
    server,
    instructions,
    jobOwner,
    endSession: () => {
      const stopped = deps.jobs.endSession(jobOwner.session);
      if (stopped) deps.logger.info(`session ended: stopped ${stopped} of its background jobs`);
    },
  };
}

/**
 * tools/list and tools/call for the session. The tool definitions (42 zod schemas, the policy
 * engine, the command runner) load on the first tools/call; tools/list is answered from the list
 * the SDK rendered at build time when there is one. Either way the SDK's own handlers, fed by
 * registerTool, validate and run every call (tool-runtime.ts).
 */
function serveTools(server: McpServer, deps: ServerDeps, source: ToolSource, jobOwner: JobOwner, log: SessionLog, fixtures?: Fixtures): void {
  const mode = deps.config.policy.mode;
  const audited = new Set<string | number>();
  let runtime: Promise<ToolRuntime> | undefined;
  const ready = () =>
    (runtime ??= Promise.all([import('./tool-chunk'), source.load()])
      .then(([{ ToolRuntime }, defs]) => new ToolRuntime(server.server, deps, toolsForMode(mode, defs), audited, jobOwner, log))
      .catch((err: unknown) => {
        runtime = undefined; // a later call tries again
        throw err;
      }));
  // The tool set of a session never changes, so there is no list_changed to announce.
  server.server.registerCapabilities({ tools: {} });
  let listed = source.listed ? compactToolList(toolsForMode(mode, source.listed)) : undefined;
  server.server.setRequestHandler(ListToolsRequestSchema, async () => {
    listed ??= compactToolList((await (await ready()).list()).tools);
    return { tools: fixtures ? [...listed, ...fixtures.FIXTURE_TOOLS] : listed };
  });
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const fixture = fixtures && (await fixtures.callFixture(server, request, extra as CallExtra));
    if (fixture) return fixture;
    const started = Date.now();
    let result: CallToolResult;
    try {
      result = await (await ready()).call(request, extra as CallExtra);
    } catch (err) {
      deps.logger.error(`the tools could not be loaded: ${(err as Error).message}`);
      result = { isError: true, content: [{ type: 'text', text: `The server's tools could not be loaded (${(err as Error).message}); nothing was run.` }] };
    }
    // A call the SDK turned away before any handler ran (unknown tool, arguments that fail the
    // input schema, a tool hidden by read-only mode) is a tool call too: it gets a "rejected" line.
    if (!audited.delete(extra.requestId)) {
      const reason = result.content?.[0]?.type === 'text' ? result.content[0].text : '';
      const name = String(request.params.name).slice(0, 200);
      void deps.audit.append({
        time: new Date(started).toISOString(),
        tool: name,
        args: request.params.arguments ?? {},
        decision: 'rejected',
        rule: reason.slice(0, 300),
        isError: true,
        durationMs: Date.now() - started,
      });
      deps.logger.info(`tool ${name} rejected`, { reason: reason.slice(0, 300) });
    }
    return result;
  });
}
