import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { DEFAULT_PROC, readProcFile, type ProcSource } from '../probe/proc-root';
import { parsePidStat } from '../probe/processes';
import { judgeHolder, type Holder, type HolderVerdict, type PidProbe } from './holder';

/** Tells whether a lock's holder or a temp file's writer still runs; the lock layer's only view of processes. */
export interface HolderProbe {
  /** This process, as it is recorded in locks and temp file names. */
  self(): Promise<Holder>;
  verdict(holder: Holder): Promise<HolderVerdict>;
  /** For messages: the holder's command name, when /proc shows it. */
  commandOf(pid: number): Promise<string | null>;
}

export interface HolderProbeDeps {
  proc: ProcSource;
  pid: number;
  /** process.kill(pid, 0): tells a pid that /proc hides from one that does not exist. */
  signalZero: (pid: number) => void;
}

const defaultDeps = (): HolderProbeDeps => ({ proc: DEFAULT_PROC, pid: process.pid, signalZero: (pid) => process.kill(pid, 0) });

async function probePid(deps: HolderProbeDeps, pid: number): Promise<PidProbe> {
  let text: string;
  try {
    text = await readFile(join(deps.proc.procRoot, String(pid), 'stat'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { kind: 'unknown' };
    try {
      deps.signalZero(pid);
      return { kind: 'unknown' };
    } catch (signalErr) {
      return (signalErr as NodeJS.ErrnoException).code === 'ESRCH' ? { kind: 'absent' } : { kind: 'unknown' };
    }
  }
  try {
    const stat = parsePidStat(text);
    return { kind: 'running', start: stat.startTicks, state: stat.state };
  } catch {
    return { kind: 'unknown' };
  }
}

export function createHolderProbe(deps: HolderProbeDeps = defaultDeps()): HolderProbe {
  // The boot id and this process's start time do not change while it runs.
  let boot: Promise<string | null> | undefined;
  let self: Promise<Holder> | undefined;
  const currentBoot = () =>
    (boot ??= readProcFile(deps.proc, 'sys/kernel/random/boot_id').then(
      (t) => t.trim() || null,
      () => null,
    ));
  return {
    self: () =>
      (self ??= Promise.all([currentBoot(), probePid(deps, deps.pid)]).then(([b, p]) => ({
        pid: deps.pid,
        start: p.kind === 'running' ? p.start : null,
        boot: b,
      }))),
    verdict: async (holder) => judgeHolder(holder, await currentBoot(), await probePid(deps, holder.pid)),
    commandOf: (pid) => readProcFile(deps.proc, `${pid}/comm`).then((t) => t.trim() || null, () => null),
  };
}

let processProbe: HolderProbe | undefined;
/** The probe of the real /proc, shared by every store in this process. */
export const defaultHolderProbe = (): HolderProbe => (processProbe ??= createHolderProbe());
