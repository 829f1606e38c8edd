import { errorChain } from '../text/error-chain';
import { EXIT } from '../exit-codes';
import { describeErrno } from '../paths/ensure-dir';
import type { CheckReport } from '../checks/types';

/**
 * The host's storage is in trouble: a verdict about the host (CRITICAL), not a bug in the program.
 * EACCES and EPERM are a set-up mistake instead (wrong owner, wrong --state-dir).
 */
const HOST_ERRNOS: Record<string, string> = { ENOSPC: 'is full', EDQUOT: 'is over its quota', EROFS: 'is read-only', EIO: 'has I/O errors' };
const ACCESS_ERRNOS = new Set(['EACCES', 'EPERM']);

export interface StorageFailure {
  kind: 'host' | 'access';
  code: string;
  /** One line: the outermost message (it names the file) and the errno. */
  message: string;
  exitCode: number;
}

/** Pure: the errno of a storage failure anywhere in `err`'s cause chain (bounded), else null. */
export function storageFailureOf(err: unknown): StorageFailure | null {
  for (const e of errorChain(err, 8)) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) continue;
    const kind = code in HOST_ERRNOS ? 'host' : ACCESS_ERRNOS.has(code) ? 'access' : null;
    if (!kind) continue;
    const outer = (err as Error).message;
    const message = outer.includes(code) ? outer : `${outer}: ${code} (${describeErrno(code)})`;
    return { kind, code, message, exitCode: kind === 'host' ? EXIT.IO_ERROR : EXIT.CANT_CREATE };
  }
  return null;
}

/** The pseudo-check under which a state dir the host cannot write is reported. */
export const STATE_DIR_CHECK = 'state-dir';

/**
 * Pure: a CRITICAL report when `err` says the state dir's filesystem is full, read-only or
 * failing; null for any other error (the caller rethrows it). The message names the state dir,
 * what it is (full, read-only) and the file and errno that showed it.
 */
export function stateDirReport(err: unknown, stateDir: string): CheckReport | null {
  const failure = storageFailureOf(err);
  if (!failure || failure.kind !== 'host') return null;
  return {
    id: STATE_DIR_CHECK,
    status: 'crit',
    message: `${stateDir} ${HOST_ERRNOS[failure.code]}: ${failure.message}`,
    metrics: {},
    findings: [],
    durationMs: 0,
  };
}
