import { EXIT } from '../exit-codes';
import type { Logger } from '../log/logger';

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
    const chain: string[] = [];
    for (let e: unknown = err.cause; e instanceof Error && chain.length < 5; e = e.cause) chain.push(`caused by: ${e.message}`);
    return { summary: err.message, evidence: [...(err.stack?.split('\n').slice(0, 8) ?? []), ...chain] };
  }
  return { summary: String(err), evidence: [] };
}

function exitCodeOf(err: unknown): number {
  const code = (err as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' ? code : EXIT.SOFTWARE;
}

/**
 * Runs a binary's main under one guard: uncaught exceptions and unhandled rejections are logged
 * and recorded; `main`'s result is the exit code; an error carrying `exitCode` (ConfigError,
 * UsageError) exits with that code and a one-line message.
 */
export async function runMain(main: () => Promise<number>, options: GuardOptions): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stderr = options.stderr ?? process.stderr;
  const report = async (kind: string, err: unknown) => {
    const { summary, evidence } = describe(err);
    const logger = options.getLogger();
    if (logger) logger.error(`${options.program}: ${kind}: ${summary}`, { stack: evidence.join(' | ') });
    else stderr.write(`<3>${options.program}: ${kind}: ${summary}\n`);
    await options.recordIncident?.(`${options.program}: ${kind}: ${summary}`, evidence).catch(() => {});
  };
  const onStray = (kind: string) => (err: unknown) => {
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
    code = exitCodeOf(err);
    if (code === EXIT.SOFTWARE) await report('failed', err);
    else {
      // Expected failures (bad config, bad flags): the message is the whole story, no stack.
      options.getLogger()?.error((err as Error).message);
      if (!options.getLogger()) stderr.write(`<3>${(err as Error).message}\n`);
    }
  }
  process.off('uncaughtException', onException);
  process.off('unhandledRejection', onRejection);
  await options.getLogger()?.close();
  exit(code);
}
