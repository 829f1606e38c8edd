import { readFile } from 'node:fs/promises';
import { arch, hostname, release } from 'node:os';
import { join } from 'node:path';
import { BriefingStateSchema, HostFactsSchema, NewerVersionError, describeHostFacts, digestOf, readUptimeSeconds, type BriefingState } from '@ldm/core';
import type { ServerDeps } from '../server/deps';
import type { BriefingSnapshot } from './build-briefing';

/** Pure: PRETTY_NAME from /etc/os-release text. */
export function parseOsRelease(text: string): string | null {
  const m = /^PRETTY_NAME=(?:"([^"]*)"|'([^']*)'|(.*))$/m.exec(text);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '').trim() || null : null;
}

/**
 * Host names from /etc/os-release and the os module, cheap enough for every session's start. The
 * costly facts (CPU, memory, virtualisation, cloud) come from state.json `hostFacts`, which
 * ldm-boot-check gathers with systeminformation once per boot.
 */
export async function readHostSummary(etcRoot = '/etc'): Promise<BriefingSnapshot['host']> {
  const text = await readFile(join(etcRoot, 'os-release'), 'utf8').catch(() => '');
  return { hostname: hostname(), os: parseOsRelease(text) ?? 'Linux', kernel: release(), arch: arch() };
}

/**
 * A document from a newer release is left alone by this one: the briefing goes on without it and
 * says which it could not read. Any other failure is the caller's.
 */
async function unlessNewer<T>(read: Promise<T>, instead: T, unreadable: string[]): Promise<T> {
  try {
    return await read;
  } catch (err) {
    if (!(err instanceof NewerVersionError)) throw err;
    unreadable.push(err.message);
    return instead;
  }
}

/**
 * Everything the briefing needs, read once: state.json, /proc/uptime and the host names, and of
 * incidents.json and patterns.json their digests (whole files only when the digest is stale).
 */
export async function gatherSnapshot(deps: Pick<ServerDeps, 'store' | 'config' | 'paths' | 'proc' | 'now'>): Promise<BriefingSnapshot> {
  const unreadable: string[] = [];
  const noState: BriefingState = { alerts: [] };
  const [state, host, uptimeSec] = await Promise.all([
    unlessNewer(deps.store.readPart('state', BriefingStateSchema), noState, unreadable),
    readHostSummary(),
    readUptimeSeconds(deps.proc).catch(() => null),
  ]);
  const [openIncidents, recurringPatterns] = await Promise.all([
    unlessNewer<BriefingSnapshot['openIncidents']>(digestOf(deps.store, 'incidents', state.digests), { total: 0, lines: [] }, unreadable),
    unlessNewer<BriefingSnapshot['recurringPatterns']>(digestOf(deps.store, 'patterns', state.digests), { total: 0, lines: [] }, unreadable),
  ]);
  const policy = deps.config.policy;
  // Written by another program and read loosely: facts that do not parse are left out, not an error.
  const facts = HostFactsSchema.safeParse(state.hostFacts);
  return {
    now: deps.now(),
    host: facts.success ? { ...host, machine: describeHostFacts(facts.data) } : host,
    uptimeSec,
    lastBoot: state.lastBoot,
    healthcheck: state.healthcheck,
    alerts: state.alerts,
    openIncidents,
    recurringPatterns,
    unreadable,
    policy: { mode: policy.mode, configFile: deps.paths.configFile, allow: policy.allow.length, deny: policy.deny.length, confirm: policy.confirm.length },
  };
}
