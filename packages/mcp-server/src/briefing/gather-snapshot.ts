import { readFile } from 'node:fs/promises';
import { arch, hostname, release } from 'node:os';
import { join } from 'node:path';
import { readUptimeSeconds } from '@ldm/core';
import type { ServerDeps } from '../server/deps';
import type { BriefingSnapshot } from './build-briefing';

/** Pure: PRETTY_NAME from /etc/os-release text. */
export function parseOsRelease(text: string): string | null {
  const m = /^PRETTY_NAME=(?:"([^"]*)"|'([^']*)'|(.*))$/m.exec(text);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '').trim() || null : null;
}

/**
 * Host facts from /etc/os-release and the os module: systeminformation would add ~10 MB and
 * tens of ms to every cold start for the same four strings.
 */
export async function readHostSummary(etcRoot = '/etc'): Promise<BriefingSnapshot['host']> {
  const text = await readFile(join(etcRoot, 'os-release'), 'utf8').catch(() => '');
  return { hostname: hostname(), os: parseOsRelease(text) ?? 'Linux', kernel: release(), arch: arch() };
}

/** Everything the briefing needs, read once: three documents, /proc/uptime and the host names. */
export async function gatherSnapshot(deps: Pick<ServerDeps, 'store' | 'config' | 'paths' | 'proc' | 'now'>): Promise<BriefingSnapshot> {
  const [state, incidents, patterns, host, uptimeSec] = await Promise.all([
    deps.store.read('state'),
    deps.store.read('incidents'),
    deps.store.read('patterns'),
    readHostSummary(),
    readUptimeSeconds(deps.proc).catch(() => null),
  ]);
  const policy = deps.config.policy;
  return {
    now: deps.now(),
    host,
    uptimeSec,
    lastBoot: (state as Record<string, unknown>).lastBoot,
    healthcheck: (state as Record<string, unknown>).healthcheck,
    alerts: state.alerts,
    incidents: incidents.incidents,
    patterns: patterns.patterns,
    policy: { mode: policy.mode, configFile: deps.paths.configFile, allow: policy.allow.length, deny: policy.deny.length, confirm: policy.confirm.length },
  };
}
