import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EXIT, ConfigError, UsageError, readBootId } from '@ldm/core';
import { Heartbeat } from '../heartbeat/heartbeat';
import { HostSampler } from '../host/host-sampler';
import { createServer } from '../server/create-server';
import type { ServerDeps } from '../server/deps';
import { McpHttpServer } from './http-server';
import { SessionBook } from './session-book';
import { parseListenAddress } from './listen-address';
import { checkHttpStartup } from './startup-rules';
import { readTokenFile } from './bearer-token';
import { defaultOriginPolicy } from './origin-guard';
import { configForScopes } from './auth/scopes';
import { listenFdFromEnv, startWatchdog, systemdNotify, watchdogIntervalMs } from './systemd-integration';

export interface HttpFlags {
  listen?: string;
  tokenFile?: string;
  /** Test-only: no bearer token. Refused on anything but loopback. */
  insecureNoAuth?: boolean;
}

/** The HTTP sessions a restart takes back (session-book.ts), in the state dir. */
export const SESSION_BOOK_FILE = 'http-sessions.json';

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * Serves MCP over Streamable HTTP on /mcp until a signal arrives. Takes the listening socket from
 * systemd when one was passed (socket activation), else binds --listen (default 127.0.0.1:8765).
 */
export async function serveHttp(deps: ServerDeps, flags: HttpFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const cfg = deps.config.http;
  const fd = listenFdFromEnv(env, process.pid);
  let address;
  try {
    address = parseListenAddress(flags.listen ?? cfg.listen);
  } catch (err) {
    if (flags.listen !== undefined) throw new UsageError((err as Error).message);
    throw new ConfigError(`http.listen in the config: ${(err as Error).message}`);
  }
  const insecure = Boolean(flags.insecureNoAuth);
  let token: string | null = null;
  if (!insecure) {
    try {
      token = await readTokenFile(flags.tokenFile ?? cfg.tokenFile);
    } catch (err) {
      throw new ConfigError(`ldm-mcp-server --http: ${(err as Error).message}`, { cause: err });
    }
  }
  const fixtures = env.LDM_MCP_CONFORMANCE_FIXTURES === '1';
  if (fixtures && !insecure) throw new ConfigError('LDM_MCP_CONFORMANCE_FIXTURES is for the conformance test alone: it needs --insecure-no-auth (loopback only)');
  const refusal = checkHttpStartup(fd === null ? address.host : '127.0.0.1', token !== null, insecure);
  if (refusal) throw new ConfigError(`ldm-mcp-server --http: ${refusal}`);

  const bootId = await readBootId(deps.proc).catch(() => undefined);
  const heartbeat = new Heartbeat({ store: deps.store, logger: deps.logger, pid: process.pid, bootId, transport: 'http', proc: deps.proc, runningJobs: () => deps.jobs.runningCount });
  const shared: ServerDeps = { ...deps, hostSampler: deps.hostSampler ?? new HostSampler(deps.proc) };
  // Behind the proxy, the public name is a Host and Origin of ours.
  const publicHosts = cfg.publicUrl ? [new URL(cfg.publicUrl).host] : [];
  const publicOrigins = cfg.publicUrl ? [new URL(cfg.publicUrl).origin] : [];
  const originPolicy = (host: string, port: number) => defaultOriginPolicy(host, port, [...cfg.allowedHosts, ...publicHosts], [...cfg.allowedOrigins, ...publicOrigins]);
  const oauth = cfg.publicUrl && !insecure ? (await import('./auth/oauth-setup')).oauthFromConfig(cfg, deps.paths.stateDir, deps.logger) : undefined;
  const http = new McpHttpServer({
    createSession: (who) => createServer({ ...shared, config: configForScopes(shared.config, who.scopes) }, undefined, { principal: who.id, ...(fixtures ? { conformanceFixtures: true } : {}) }),
    token,
    ...(oauth ? { oauth } : {}),
    origins: originPolicy(address.host, address.port),
    rateLimit: { perMinute: cfg.rateLimit.perMinute, burst: cfg.rateLimit.burst },
    refusedRateLimit: { perMinute: cfg.rateLimit.refusedPerMinute, burst: cfg.rateLimit.refusedBurst },
    maxBodyBytes: cfg.maxBodyBytes,
    maxSessions: cfg.maxSessions,
    sessionIdleMs: cfg.sessionIdleMin * 60_000,
    logger: deps.logger,
    onActivity: () => {
      heartbeat.touch();
      deps.onActivity?.();
    },
    sessionBook: new SessionBook(join(deps.paths.stateDir, SESSION_BOOK_FILE)),
  });
  const resumable = await http.restoreSessions();

  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    if (fd !== null) http.server.listen({ fd }, resolve);
    else http.server.listen(address.port, address.host, resolve);
  });
  const bound = http.server.address() as AddressInfo;
  // A socket handed over by systemd may be on any address: the token rule applies to it as well.
  const boundRefusal = checkHttpStartup(bound.address, token !== null, insecure);
  if (boundRefusal) {
    await http.close();
    throw new ConfigError(`ldm-mcp-server --http: ${boundRefusal}`);
  }
  // The real port (a socket from systemd, or port 0) decides which Host headers are ours.
  http.setOriginPolicy(originPolicy(fd !== null ? bound.address : address.host, bound.port));
  await heartbeat.start();
  const notify = systemdNotify(env);
  await notify('READY=1');
  const interval = watchdogIntervalMs(env, process.pid);
  const stopWatchdog = interval ? startWatchdog(interval, notify, () => http.server.listening) : () => {};
  deps.logger.info(`ldm-mcp-server ${deps.version} serving MCP on http://${bound.address}:${bound.port}/mcp`, {
    socketActivated: fd !== null,
    auth: token ? (oauth ? `bearer + OAuth for ${cfg.publicUrl}/mcp` : 'bearer') : 'NONE (test mode)',
    watchdogMs: interval ?? 0,
    resumableSessions: resumable,
  });

  const code = await new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of SHUTDOWN_SIGNALS) process.off(s, onSignal);
      deps.logger.info(`ldm-mcp-server: stopping (${signal})`);
      resolve(EXIT.OK);
    };
    for (const s of SHUTDOWN_SIGNALS) process.on(s, onSignal);
  });
  stopWatchdog();
  await notify('STOPPING=1');
  deps.jobs.disposeAll();
  await http.close();
  await heartbeat.stop();
  return code;
}
