import { errorChain } from '../text/error-chain';
import { EXIT } from '../exit-codes';
import { formatJournalLine, type Logger } from '../log/logger';
import { storageFailureOf } from './storage-failure';

export interface GuardOptions {
  program: string;
  /** Resident processes (the MCP server) log a stray failure and keep serving; oneshots exit non-zero. */
  resident: boolean;
  getLogger: () => Logger | undefined;
  /** Records the failure as an incident; must not throw. */
  recordIncident?: (summary: string, evidence: string[]) => Promise<void>;
  exit?: (code: number) => void;
  stderr?: NodeJS.WritableStream;
}

function describe(err: unknown): { summary: string; evidence: string[] } {
  if (err instanceof Error) {
    const chain = errorChain(err, 6).slice(1).map((e) => `caused by: ${e.message}`);
    return { summary: err.message, evidence: [...(err.stack?.split('\n').slice(0, 8) ?? []), ...chain] };
  }
  return { summary: String(err), evidence: [] };
}

function exitCodeOf(err: unknown): number {
  const code = (err as { exitCode?: unknown } | null)?.exitCode;
  // A failure never borrows a success or Nagios code (0-3): those are verdicts.
  return typeof code === 'number' && Number.isInteger(code) && code >= 64 && code <= 125 ? code : EXIT.SOFTWARE;
}

/**
 * Runs a binary's main under one guard: uncaught exceptions and unhandled rejections are logged
 * and recorded; `main`'s result is the exit code; an error carrying `exitCode` (ConfigError,
 * UsageError) exits with that code and a one-line message, and so does a storage failure
 * (73 for EACCES/EPERM, 74 for ENOSPC/EROFS/EIO). No path ends in 0 or in a Nagios verdict (1, 2)
 * unless `main` returned it: a failure is always 64 or above.
 */
export async function runMain(main: () => Promise<number>, options: GuardOptions): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  // Should the event loop ever drain before exit() (a stream that never finishes), Node would exit 0.
  if (!options.exit) process.exitCode = EXIT.SOFTWARE;
  const stderr = options.stderr ?? process.stderr;
  const logError = (text: string, meta?: Record<string, unknown>) => {
    const logger = options.getLogger();
    if (logger) logger.error(text, meta);
    else stderr.write(formatJournalLine('error', text));
  };
  const report = async (kind: string, err: unknown) => {
    const { summary, evidence } = describe(err);
    logError(`${options.program}: ${kind}: ${summary}`, { stack: evidence.join(' | ') });
    await options.recordIncident?.(`${options.program}: ${kind}: ${summary}`, evidence).catch(() => {});
  };
  let finished = false;
  const onStray = (kind: string) => (err: unknown) => {
    if (finished) {
      // After main: only the last words are left to write; say so, keep the code main chose.
      stderr.write(formatJournalLine('error', `${options.program}: ${kind} while exiting: ${describe(err).summary}`));
      return;
    }
    void report(kind, err).then(async () => {
      if (options.resident) return;
      await options.getLogger()?.close();
      exit(EXIT.SOFTWARE);
    });
  };
  const onException = onStray('uncaught exception');
  const onRejection = onStray('unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  let code: number;
  try {
    code = await main();
  } catch (err) {
    const declared = exitCodeOf(err);
    const storage = declared === EXIT.SOFTWARE ? storageFailureOf(err) : null;
    code = storage?.exitCode ?? declared;
    // Expected failures (bad config, bad flags, a state dir the host can't write): the message is
    // the whole story, no stack, and no incident (it could not be written either).
    if (storage) logError(`${options.program}: ${storage.message}`);
    else if (code === EXIT.SOFTWARE) await report('failed', err);
    else logError((err as Error).message);
  }
  finished = true;
  await options.getLogger()?.close();
  process.off('uncaughtException', onException);
  process.off('unhandledRejection', onRejection);
  exit(code);
}
