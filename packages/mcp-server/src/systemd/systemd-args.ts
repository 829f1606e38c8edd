// Pure validation and argv building for systemctl and journalctl. Values are passed as
// --option=value single argv elements, never through a shell, so a value starting with '-'
// cannot become an option.

const UNIT_TYPES = ['service', 'socket', 'timer', 'target', 'mount', 'automount', 'path', 'slice', 'scope', 'device', 'swap'];
const UNIT_RE = /^[A-Za-z0-9_:@][A-Za-z0-9_:.@\\-]{0,250}$/;

/** "nginx" -> "nginx.service"; throws naming the value when it is not a unit name. */
export function normalizeUnit(raw: string): string {
  if (!UNIT_RE.test(raw) || raw.includes('..')) {
    throw new Error(`not a valid systemd unit name: ${JSON.stringify(raw)} (letters, digits and :_.@\\- only, e.g. nginx.service)`);
  }
  const dot = raw.lastIndexOf('.');
  const suffix = dot > 0 ? raw.slice(dot + 1) : '';
  if (UNIT_TYPES.includes(suffix)) return raw;
  return `${raw}.service`;
}

export const PRIORITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

const SINCE_FORMATS = [
  /^(today|yesterday|now)$/,
  /^-\d{1,6} ?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days|w|week|weeks)$/,
  /^\d{1,6} ?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days|w|week|weeks) ago$/,
  /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$/,
];

export function validateSince(since: string): string {
  if (!SINCE_FORMATS.some((re) => re.test(since))) {
    throw new Error(
      `since must be like "2026-11-24", "2026-11-24 04:00", "-1h", "30 min ago", "today" or "yesterday"; got ${JSON.stringify(since)}`,
    );
  }
  return since;
}

export interface JournalQuery {
  unit?: string;
  priority?: (typeof PRIORITIES)[number];
  since?: string;
  boot?: 0 | -1;
  grep?: string;
  lines: number;
}

export function journalArgv(journalctl: string, q: JournalQuery): string[] {
  const argv = [journalctl, '--output=short-iso', '--no-pager', '--quiet', `--lines=${q.lines}`];
  if (q.unit) argv.push(`--unit=${normalizeUnit(q.unit)}`);
  if (q.priority) argv.push(`--priority=${q.priority}`);
  if (q.since) argv.push(`--since=${validateSince(q.since)}`);
  if (q.boot !== undefined) argv.push(`--boot=${q.boot}`);
  if (q.grep) argv.push(`--grep=${q.grep}`);
  return argv;
}

