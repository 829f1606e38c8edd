import { join } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { JobRegistry, readBootId, readUptimeSeconds, EXIT, MCP_MAX_MESSAGE_BYTES, type ProgramContext } from '@ldm/core';
import { AuditLog } from '../audit/audit-log';
import { Heartbeat } from '../heartbeat/heartbeat';
import { createServer } from './create-server';
import { LineCap } from './line-cap';
import { answerForReadError, tooLargeResponse, type RpcErrorResponse } from './rpc-errors';
import { onDemandIncidents, onDemandSandbox } from './on-demand-services';
import { DEFAULT_INSTALL_PREFIX, suiteSecretsOf, type PolicyPort, type ServerDeps } from './deps';

declare const LDM_VERSION: string | undefined;

const MAX_MESSAGE_BYTES = MCP_MAX_MESSAGE_BYTES;

const STOP_DEADLINE_MS = 3000;

const FIRST_BEAT_LATEST_MS = 1000;

/** A sandboxed command's unit ends after this even if the server lost track of it (it crashed). */
const SANDBOX_BACKSTOP_SEC = 86_400;

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** Builds the deps from what runProgram gives every binary. */
export function depsFromProgram(ctx: ProgramContext, policy: PolicyPort): ServerDeps {
  const { config, paths, store, logger } = ctx;
  const proc = { procRoot: '/proc' };
  return {
    config,
    paths,
    installPrefix: ctx.env.LDM_INSTALL_PREFIX ?? DEFAULT_INSTALL_PREFIX,
    store,
    engine: onDemandIncidents(
      (IncidentEngine, m) =>
        new IncidentEngine(store, {
          uptimeSec: () => readUptimeSeconds(proc),
          minConfidence: config.learn.suggestionMinConfidence,
          // resolve_incident without commands learns what this server's tool calls changed meanwhile.
          hostActions: (since) => m.readHostActions(paths.logDir, since),
        }),
    ),
    logger,
    policy,
    jobs: new JobRegistry({ maxJobs: config.mcp.maxJobs, bufferBytes: config.mcp.jobBufferBytes }),
    sandbox: onDemandSandbox((m) => m.openSandbox(config.policy, suiteSecretsOf({ paths, config }), SANDBOX_BACKSTOP_SEC, ctx.env)),
    audit: new AuditLog({
      file: join(paths.logDir, 'audit.log'),
      maxBytes: config.mcp.auditMaxBytes,
      files: config.mcp.auditFiles,
      redact: policy.redactSecrets,
      onError: (err) => logger.error(`couldn't write the audit log: ${err.message}`),
    }),
    bin: { systemctl: 'systemctl', journalctl: 'journalctl', bash: '/bin/bash', aptGet: 'apt-get' },
    proc,
    now: () => new Date(),
    version: typeof LDM_VERSION === 'string' ? LDM_VERSION : '0.0.0-dev',
  };
}

/**
 * Serves MCP on stdin/stdout until the client closes stdin or a signal arrives, with this
 * session's heartbeat in state.json for the whole time. Resolves to the exit code.
 */
export async function serveStdio(deps: ServerDeps): Promise<number> {
  const [bootId, { server }] = await Promise.all([readBootId(deps.proc).catch(() => undefined), createServer(deps)]);
  const heartbeat = new Heartbeat({ store: deps.store, logger: deps.logger, pid: process.pid, bootId, transport: 'stdio', proc: deps.proc, runningJobs: () => deps.jobs.runningCount });
  // Set once the transport exists: what stdin could not deliver is answered on stdout, the protocol's own channel.
  let answer: (response: RpcErrorResponse) => void = () => {};
  const stdin = process.stdin.pipe(
    new LineCap(MAX_MESSAGE_BYTES, (bytes, id) => {
      deps.logger.warn(`refused a ${bytes}-byte message: larger than ${MAX_MESSAGE_BYTES} bytes`);
      answer(tooLargeResponse(bytes, MAX_MESSAGE_BYTES, id));
    }),
  );
  // The SDK closes the whole session when its read buffer passes maxBufferSize (10 MiB by
  // default); with LineCap in front, an oversized message is dropped and the session lives on.
  const transport = new StdioServerTransport(stdin, process.stdout, { maxBufferSize: MAX_MESSAGE_BYTES + 4 * 1024 * 1024 });
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let closing = false;
  // The first beat (loading the lock module, a locked write with fsync) and the "serving" line
  // (redacting it compiles the redaction patterns, about 2 ms) wait until the client has
  // finished initializing, so they are not on the path of the first answers; the line waits for
  // the answers already queued. A client that never initializes gets both after FIRST_BEAT_LATEST_MS.
  const sessionReady = () => {
    clearTimeout(latestFirstBeat);
    void heartbeat.start();
    setImmediate(() => deps.logger.info(`ldm-mcp-server ${deps.version} serving on stdio`, { mode: deps.config.policy.mode, stateDir: deps.paths.stateDir }));
  };
  const latestFirstBeat = setTimeout(sessionReady, FIRST_BEAT_LATEST_MS);
  server.server.oninitialized = sessionReady;
  const shutdown = async (why: string, code: number) => {
    if (closing) return;
    closing = true;
    deps.logger.info(`ldm-mcp-server: stopping (${why})`);
    clearTimeout(latestFirstBeat);
    deps.jobs.disposeAll();
    // A lock held by a stuck process must not keep a closing session alive: the healthcheck
    // finds a leftover entry by its dead pid.
    await Promise.race([heartbeat.stop(), new Promise((r) => setTimeout(r, STOP_DEADLINE_MS).unref())]);
    await server.close().catch(() => {});
    resolveDone(code);
  };
  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal, EXIT.OK);
  for (const s of SHUTDOWN_SIGNALS) process.on(s, onSignal);
  // Broken JSON on stdin is the client's problem: answer it, log it and keep serving.
  server.server.onerror = (err) => deps.logger.debug(`protocol error: ${err.message}`);
  server.server.onclose = () => void shutdown('client closed the connection', EXIT.OK);
  stdin.on('end', () => void shutdown('stdin closed', EXIT.OK));
  // The client went away mid-answer (ssh dropped): EPIPE on stdout ends the session like EOF.
  process.stdout.on('error', (err) => void shutdown(`stdout: ${err.message}`, EXIT.OK));
  await server.connect(transport);
  answer = (response) => void transport.send(response as never).catch(() => {});
  // The SDK's reader reports a line it cannot parse only to onerror; the client gets an answer too.
  const onerror = transport.onerror;
  transport.onerror = (err) => {
    const response = answerForReadError(err);
    if (response) answer(response);
    onerror?.(err);
  };
  // Every incoming message counts as activity; the heartbeat throttles its own writes.
  const onmessage = transport.onmessage;
  transport.onmessage = (message) => {
    heartbeat.touch();
    deps.onActivity?.();
    onmessage?.(message);
  };
  const code = await done;
  for (const s of SHUTDOWN_SIGNALS) process.off(s, onSignal);
  return code;
}
