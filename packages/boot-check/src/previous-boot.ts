import { compareCodeUnits, statelessFingerprint } from '@ldm/core';

export interface JournalEntry {
  cursor: string;
  message: string;
  /** The unit the line is about: UNIT for systemd's own lines, else _SYSTEMD_UNIT, else the identifier. */
  subject: string;
  identifier: string;
  priority: number;
  kernel: boolean;
}

/** journald writes non-UTF-8 messages as byte arrays. */
function messageOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return Buffer.from(value.filter((n): n is number => typeof n === 'number')).toString('utf8');
  return '';
}

/** Pure: `journalctl -o json` output (one object a line); lines that are not JSON are skipped. */
export function parseJournalJson(stdout: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const message = messageOf(e.MESSAGE).trim();
    if (!message) continue;
    const kernel = e._TRANSPORT === 'kernel';
    const identifier = String(e.SYSLOG_IDENTIFIER ?? (kernel ? 'kernel' : e._COMM ?? 'unknown'));
    const unit = typeof e.UNIT === 'string' && identifier === 'systemd' ? e.UNIT : typeof e._SYSTEMD_UNIT === 'string' && e._SYSTEMD_UNIT !== 'init.scope' ? e._SYSTEMD_UNIT : null;
    entries.push({
      cursor: String(e.__CURSOR ?? line),
      message,
      subject: kernel ? 'kernel' : unit ?? identifier,
      identifier,
      priority: Number(e.PRIORITY ?? 6),
      kernel,
    });
  }
  return entries;
}

const KERNEL_TROUBLE = /Out of memory|oom-kill|Killed process|Kernel panic|\bBUG:|\bOops\b|general protection fault|soft lockup|hard LOCKUP|blocked for more than \d+ seconds|I\/O error|EXT4-fs error|BTRFS error|XFS .*error|segfault at/i;
const SEVERE_KERNEL = /Out of memory|Killed process|Kernel panic|\bBUG:|\bOops\b|hard LOCKUP/i;

/** Pure: kernel lines worth an incident (OOM, panics, lockups, I/O and filesystem errors). */
export function isKernelTrouble(entry: JournalEntry): boolean {
  return KERNEL_TROUBLE.test(entry.message);
}

const SHUTDOWN_MARKS = [
  /Reached target .*(Shutdown|Power-Off|Power Off|Reboot|Halt|Kexec|Final Step)/i,
  /System is (powering down|rebooting|halting)/i,
  /Journal stopped/i,
  /systemd-shutdown/i,
];

/**
 * Pure: whether the previous boot's last journal lines show systemd's orderly shutdown. A boot
 * that ends without them crashed, lost power or was reset. null when there are no lines at all
 * (volatile journal: nobody can tell).
 */
export function wasCleanShutdown(lastLines: string[]): boolean | null {
  const lines = lastLines.filter((l) => l.trim() && !/^-- .* --$/.test(l.trim()));
  if (lines.length === 0) return null;
  return lines.some((l) => SHUTDOWN_MARKS.some((re) => re.test(l)));
}

export interface Problem {
  fingerprint: string;
  subject: string;
  severity: 'warn' | 'crit';
  summary: string;
  evidence: string[];
  count: number;
}

const MAX_SUMMARY = 300;

/**
 * Pure: journal lines grouped into distinct problems (same group of the log parser, same
 * subject), most frequent first, at most `limit`. One problem becomes one incident whatever its
 * line count. `fingerprints` holds one group id per entry (IncidentEngine.fingerprintsOf); without
 * it, lines group by their masked text alone.
 */
export function groupProblems(entries: JournalEntry[], limit = 30, fingerprints?: readonly string[]): Problem[] {
  const seen = new Set<string>();
  const groups = new Map<string, Problem>();
  for (const [k, e] of entries.entries()) {
    if (seen.has(e.cursor)) continue;
    seen.add(e.cursor);
    const fingerprint = fingerprints?.[k] ?? statelessFingerprint(e.message).fingerprint;
    const key = `${fingerprint}|${e.subject}`;
    const severe = e.priority <= 2 || (e.kernel && SEVERE_KERNEL.test(e.message));
    const line = `${e.identifier}: ${e.message}`.slice(0, MAX_SUMMARY);
    const group = groups.get(key);
    if (group) {
      group.count++;
      if (severe) group.severity = 'crit';
      if (group.evidence.length < 5 && !group.evidence.includes(line)) group.evidence.push(line);
      continue;
    }
    groups.set(key, { fingerprint, subject: e.subject, severity: severe ? 'crit' : 'warn', summary: e.message.slice(0, MAX_SUMMARY), evidence: [line], count: 1 });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || compareCodeUnits(a.summary, b.summary)).slice(0, limit);
}
