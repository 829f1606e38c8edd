import { mostSevereFirst, type Alert, type IncidentsDigest, type PatternsDigest } from '@ldm/core';

export interface BriefingSnapshot {
  now: Date;
  /** machine: what ldm-boot-check found at this boot (CPU, memory, virtualisation, cloud), when it ran. */
  host: { hostname: string; os: string; kernel: string; arch: string; machine?: string };
  uptimeSec: number | null;
  /** state.json `lastBoot` and `healthcheck`: written by other binaries, read loosely. */
  lastBoot: unknown;
  healthcheck: unknown;
  alerts: Alert[];
  /** What the briefing shows of incidents.json and patterns.json, already ordered (state/briefing-digest.ts). */
  openIncidents: Pick<IncidentsDigest, 'total' | 'lines'>;
  recurringPatterns: Pick<PatternsDigest, 'total' | 'lines'>;
  /** Why a document could not be read (one from a newer release); the briefing goes on without it. */
  unreadable?: string[];
  policy: { mode: string; configFile: string; allow: number; deny: number; confirm: number };
}

export interface BriefingLimits {
  /** UTF-8 bytes. The spec asks for at most 2 KB in the initialize instructions. */
  maxBytes: number;
  maxItemChars: number;
}

export const DEFAULT_LIMITS: BriefingLimits = { maxBytes: 2048, maxItemChars: 160 };

export interface Section {
  title: string;
  items: string[];
  /** How many there are in all, when more exist than items holds. */
  total: number;
  /** Sections with a higher number lose items first when the text is too long. */
  dropOrder: number;
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');
/** An item is rendered as `- ITEM` and a newline. */
const LIST_LINE_EXTRA_BYTES = 3;

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatDuration(sec: number): string {
  const d = Math.floor(sec / 86_400);
  const h = Math.floor((sec % 86_400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m`;
}

function ago(iso: string | undefined, now: Date): string {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? `${formatDuration(Math.max(0, (now.getTime() - t) / 1000))} ago` : 'at an unknown time';
}

/** Reads a loose object written by another binary: the first of several plausible field names. */
function pick(obj: unknown, keys: string[]): string | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  for (const key of keys) {
    const value = (obj as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return undefined;
}

function describeRun(label: string, run: unknown, now: Date, redact: Redact): string {
  if (!run || typeof run !== 'object') return `${label}: no record.`;
  const status = pick(run, ['status', 'result', 'outcome', 'overall', 'ok']) ?? 'unknown';
  const time = pick(run, ['time', 'at', 'finishedAt', 'checkedAt', 'lastRun', 'startedAt']);
  const details: string[] = [];
  const summary = pick(run, ['summary', 'message', 'detail']);
  if (summary) details.push(summary);
  const r = run as Record<string, unknown>;
  // Boot check (state.lastBoot): what it found. Healthcheck (state.healthcheck): which checks are not ok.
  if (Array.isArray(r.found) && r.found.length) {
    const first = r.found
      .map((f) => pick(f, ['summary']))
      .filter(Boolean)
      .slice(0, 2);
    details.push(`${r.found.length} problem(s) found${first.length ? `: ${first.join('; ')}` : ''}`);
  }
  if (Array.isArray(r.results)) {
    const bad = r.results.filter((c) => !['ok', 'skipped'].includes(pick(c, ['status']) ?? 'ok')).map((c) => `${pick(c, ['id']) ?? '?'} ${pick(c, ['status'])}`);
    if (bad.length) details.push(`not ok: ${bad.slice(0, 4).join(', ')}${bad.length > 4 ? ` (+${bad.length - 4})` : ''}`);
    // The owner's checks (healthcheck.custom) are named apart: they are the services the host is for.
    const owner = r.results.filter((c) => pick(c, ['kind']) !== undefined);
    if (owner.length) {
      const okCount = owner.filter((c) => ['ok', 'skipped'].includes(pick(c, ['status']) ?? 'ok')).length;
      details.push(`owner checks ${okCount} of ${owner.length} ok (${owner.slice(0, 6).map((c) => `${pick(c, ['id']) ?? '?'} ${pick(c, ['status']) ?? '?'}`).join(', ')}${owner.length > 6 ? ', …' : ''})`);
    }
  }
  const rebooted = r.rebooted === true ? ' after a reboot' : '';
  return redact(`${label}: ${status}${rebooted} ${ago(time, now)}${details.length ? ` — ${details.join('; ')}` : ''}.`);
}

/** Removes secrets from a text (policy.redactSecrets). */
export type Redact = (text: string) => string;

/**
 * Pure: the compact briefing given as the MCP `instructions` and by get_context. Sections lose
 * their least important items first (patterns, then incidents, then alerts) until the text fits.
 * Every text taken from the documents is redacted before it is cut to length, so a cut can never
 * leave the start of a secret that redaction no longer recognises. The host line (from the OS)
 * and the fixed text are not: a host with no history runs no redaction at all.
 */
export function buildBriefing(snap: BriefingSnapshot, redact: Redact, limits: BriefingLimits = DEFAULT_LIMITS): string {
  const max = limits.maxItemChars;
  const item = (text: string) => clip(redact(text), max);
  const now = snap.now;
  const h = snap.host;
  const header = [
    `Host ${h.hostname} (${h.os}, kernel ${h.kernel}, ${h.arch}${h.machine ? `; ${h.machine}` : ''}), up ${snap.uptimeSec == null ? 'unknown' : formatDuration(snap.uptimeSec)}; now ${now.toISOString().slice(0, 16)}Z.`,
    describeRun('Last boot check', snap.lastBoot, now, redact) + ' ' + describeRun('Last healthcheck', snap.healthcheck, now, redact),
    ...(snap.unreadable ?? []).map((why) => `Cannot read: ${clip(why, max * 2)}; left alone, so what it holds is missing here.`),
  ];
  const alerts = [...snap.alerts].sort((a, b) => mostSevereFirst(a.severity, b.severity));
  const open = snap.openIncidents;
  const recurring = snap.recurringPatterns;
  const sections: Section[] = [
    {
      title: 'Active alerts',
      items: alerts.map((a) => item(`[${a.severity}] ${a.message} (since ${ago(a.since, now)})`)),
      total: alerts.length,
      dropOrder: 1,
    },
    {
      title: 'Open incidents',
      items: open.lines.map((i) => item(`[${i.severity}] ${i.id}: ${i.summary}${i.count > 1 ? ` (x${i.count})` : ''}, last ${ago(i.lastSeen, now)}`)),
      total: open.total,
      dropOrder: 2,
    },
    {
      title: 'Recurring patterns',
      items: recurring.lines.map((p) => {
        const fix = p.fix ? `known fix \`${p.fix.action}\` worked ${p.fix.successes}/${p.fix.successes + p.fix.failures}` : 'no known fix yet';
        return item(`${p.id} "${p.template}" x${p.count}, last ${ago(p.lastSeen, now)}; ${fix}`);
      }),
      total: recurring.total,
      dropOrder: 3,
    },
  ];
  const p = snap.policy;
  const footer = [
    `Policy: ${p.mode} mode (${p.allow} allow, ${p.deny} deny, ${p.confirm} confirm rules in ${p.configFile}); risky actions ask the human, the suite's own units and files are protected.`,
    'Work like a careful ops engineer: look first (system_status, journal_query, service_status), change one thing at a time, record_incident for problems and resolve_incident with what fixed them.',
  ];
  const render = () => {
    const body = sections.map((s) => {
      if (s.total === 0) return `${s.title}: none.`;
      const more = s.total - s.items.length;
      const head = `${s.title} (${s.total}):`;
      if (!s.items.length) return `${head} (${more} not shown; see ldm://${s.title === 'Active alerts' ? 'state' : s.title === 'Open incidents' ? 'incidents' : 'patterns'})`;
      return [head, ...s.items.map((i) => `- ${i}`), ...(more > 0 ? [`- (+${more} more)`] : [])].join('\n');
    });
    return [...header, ...body, ...footer].join('\n');
  };
  return truncateBytes(dropToFit(sections, render, limits.maxBytes), limits.maxBytes);
}

/**
 * Drops items, last first, from the least important non-empty section until `render()` fits in
 * maxBytes (or nothing is left to drop), and returns the text. Same result as rendering after
 * every drop, with far fewer renders: the size is first lowered by each dropped line alone. The
 * text really shrinks by less (a "+N more" line appears), so that never drops more than needed,
 * and the exact loop finishes.
 */
export function dropToFit(sections: Section[], render: () => string, maxBytes: number): string {
  const byDropOrder = [...sections].sort((a, b) => b.dropOrder - a.dropOrder);
  const nextVictim = () => byDropOrder.find((s) => s.items.length > 0);
  let size = byteLength(render());
  for (let victim = nextVictim(); size > maxBytes && victim; victim = nextVictim()) {
    size -= byteLength(victim.items.pop()!) + LIST_LINE_EXTRA_BYTES;
  }
  let text = render();
  while (byteLength(text) > maxBytes) {
    const victim = nextVictim();
    if (!victim) break;
    victim.items.pop();
    text = render();
  }
  return text;
}

/** Cuts at a character boundary so the result is valid UTF-8 of at most maxBytes. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  let out = Buffer.from(text, 'utf8').subarray(0, maxBytes - byteLength(ellipsis)).toString('utf8');
  // A cut multi-byte character decodes to U+FFFD: drop it.
  out = out.replace(/\uFFFD$/, '');
  while (byteLength(out) + byteLength(ellipsis) > maxBytes) out = out.slice(0, -1);
  return out + ellipsis;
}
