import type { Config } from '../config/schema';
import type { Finding, HealthCheck, CheckResult } from './types';
import { inspectSessions } from './sessions';
import { isUnitInstalled } from './unit-installed';
import { mcpPing } from './mcp-ping';

/** Reads the bearer token for the HTTP transport; an unreadable file is an error worth reporting. */
export async function readToken(readFile: (path: string) => Promise<string>, file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  try {
    return (await readFile(file)).trim();
  } catch (err) {
    // No token file: the server (if it started at all) will answer 401, which the ping reports.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`couldn't read healthcheck.http.tokenFile ${file}`, { cause: err });
  }
}

/**
 * MCP server liveness from the heartbeats in state.json, plus an MCP ping of the HTTP transport
 * when its unit is installed. Read-only: ldm-healthcheck acts on the same assessment (cleans up,
 * kills, restarts); the boot check only reports.
 */
export const mcpSessionsCheck: HealthCheck = {
  id: 'mcp-sessions',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    const now = ctx.deps.now();
    const assessed = await inspectSessions(ctx.state.sessions, ctx.deps.proc, now, ctx.config.healthcheck.heartbeatStaleSec);
    const count = (v: string) => assessed.filter((a) => a.verdict === v).length;
    const metrics: Record<string, number> = {
      sessions: assessed.length,
      alive: count('alive'),
      gone: count('gone') + count('reused'),
      zombie: count('zombie'),
      stale: count('stale'),
    };
    const findings: Finding[] = assessed
      .filter((a) => a.verdict === 'zombie' || a.verdict === 'stale')
      .map((a) => ({
        subject: 'ldm-mcp-server',
        severity: 'warn',
        summary: a.verdict === 'zombie' ? 'an MCP server process is a zombie' : 'an MCP server session stopped sending heartbeats',
        evidence: [`pid ${a.session.pid} (${a.session.transport}, started ${a.session.startedAt}): ${a.reason}`],
      }));
    const parts = [`${metrics.alive} alive`];
    if (metrics.gone) parts.push(`${metrics.gone} gone`);
    if (metrics.stale) parts.push(`${metrics.stale} stale`);
    if (metrics.zombie) parts.push(`${metrics.zombie} zombie`);

    const http = ctx.config.healthcheck.http;
    if (await isUnitInstalled(http.unit, ctx.deps.fileExists)) {
      const token = await readToken(ctx.deps.readFile, http.tokenFile ?? ctx.config.http.tokenFile);
      const url = httpProbeUrl(ctx.config);
      const ping = await mcpPing({ url, token, timeoutMs: http.timeoutMs, fetch: ctx.deps.fetch, signal: ctx.signal });
      metrics.http_up = ping.ok ? 1 : 0;
      metrics.http_ms = ping.ms;
      parts.push(`HTTP ${ping.ok ? ping.message : `ping failed: ${ping.message}`}`);
      if (!ping.ok) {
        findings.push({ subject: http.unit, severity: 'crit', summary: `MCP HTTP transport ${http.unit} does not answer a ping`, evidence: [`${url}: ${ping.message}`] });
      }
    }
    const status = findings.some((f) => f.severity === 'crit') ? 'crit' : findings.length ? 'warn' : 'ok';
    return { status, message: `sessions: ${parts.join(', ')}`, metrics, findings };
  },
};

/** Pure: where the health check pings the HTTP transport: healthcheck.http.url, else /mcp on http.listen. */
export function httpProbeUrl(config: Config): string {
  if (config.healthcheck.http.url) return config.healthcheck.http.url;
  const listen = config.http.listen.replace(/^(?:0\.0\.0\.0|\*)?:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  return `http://${listen}/mcp`;
}
