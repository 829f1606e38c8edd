// Who holds a lock or wrote a temp file, told apart from any other process that ever had the same
// pid: pid, process start time (/proc/PID/stat field 22, clock ticks since boot) and boot id. None of
// them depends on the wall clock, so judging a holder dead or alive survives clock steps.

export interface Holder {
  pid: number;
  /** Start time in clock ticks after boot; null where /proc could not be read. */
  start: number | null;
  /** /proc/sys/kernel/random/boot_id, or its first 8 hex digits in a temp file's name; null if unknown. */
  boot: string | null;
}

/** A lock file's content: its holder and a token unique to that one acquisition. */
export interface HolderRecord extends Holder {
  token: string;
}

/** What /proc says of a pid now. */
export type PidProbe =
  | { kind: 'running'; start: number; state: string }
  | { kind: 'absent' }
  /** It exists but /proc hides it (hidepid, ProtectProc=invisible), or /proc failed otherwise. */
  | { kind: 'unknown' };

export type HolderVerdict = 'alive' | 'dead';

/**
 * Pure. Dead only when that is proven: another boot, no such pid, a zombie, or a pid reused by a
 * process that started at another time. Anything unknown counts as alive: a live holder's lock must
 * never be taken, and a lock of an unknowable holder is only waited for.
 */
export function judgeHolder(holder: Holder, currentBoot: string | null, probe: PidProbe): HolderVerdict {
  if (holder.boot && currentBoot && !currentBoot.startsWith(holder.boot)) return 'dead';
  if (probe.kind === 'absent') return 'dead';
  if (probe.kind === 'unknown') return 'alive';
  if (probe.state === 'Z' || probe.state === 'X') return 'dead';
  if (holder.start !== null && probe.start !== holder.start) return 'dead';
  return 'alive';
}

export function formatHolderRecord(record: HolderRecord): string {
  return `${JSON.stringify({ pid: record.pid, start: record.start, boot: record.boot, token: record.token })}\n`;
}

/** Pure. Null for anything that is not a whole record (a lock of an older release, a torn file). */
export function parseHolderRecord(text: string): HolderRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const { pid, start, boot, token } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return null;
  if (start !== null && !Number.isSafeInteger(start)) return null;
  if (boot !== null && typeof boot !== 'string') return null;
  if (typeof token !== 'string' || !/^[0-9a-f]{8,64}$/.test(token)) return null;
  return { pid: pid as number, start: start as number | null, boot: boot as string | null, token };
}

const BOOT_PREFIX = 8;

/** The writer part of a temp file's name: `PID-START-BOOT8`, `x` for an unknown part. */
export function writerTag(holder: Holder): string {
  return `${holder.pid}-${holder.start ?? 'x'}-${holder.boot ? holder.boot.slice(0, BOOT_PREFIX) : 'x'}`;
}

export interface TempName {
  /** The file the temp file was to replace, in the same directory. */
  target: string;
  /** Its writer; `start` and `boot` null for a name from a release that wrote only the pid. */
  writer: Holder;
}

const TEMP = /^\.(.+)\.(\d+)-(\d+|x)-([0-9a-f]{8}|x)\.([0-9a-z]+)\.tmp$/;
const LEGACY_TEMP = /^\.(.+)\.(\d+)\.([0-9a-z]+)\.tmp$/;

/** Pure. The temp file names this suite writes (`.FILE.WRITER.SEQ.tmp`, and the older `.FILE.PID.SEQ.tmp`); null for any other name. */
export function parseTempName(name: string): TempName | null {
  const m = TEMP.exec(name);
  if (m) {
    return { target: m[1]!, writer: { pid: Number(m[2]), start: m[3] === 'x' ? null : Number(m[3]), boot: m[4] === 'x' ? null : m[4]! } };
  }
  const legacy = LEGACY_TEMP.exec(name);
  if (legacy) return { target: legacy[1]!, writer: { pid: Number(legacy[2]), start: null, boot: null } };
  return null;
}
