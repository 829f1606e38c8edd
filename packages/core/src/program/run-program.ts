import { parseProgramArgs, helpText, type ProgramSpec, type ParsedArgs } from '../cli/common-args';
import { resolvePaths, type ResolvedPaths } from '../paths/resolve-paths';
import { loadConfig, ConfigError } from '../config/load-config';
import type { Config } from '../config/schema';
import { createLogger, type Logger } from '../log/logger';
import { DocumentStore } from '../state/document-store';
import { keepBriefingDigests } from '../briefing/briefing-cache';
import { runMain } from '../guard/run-main';
import { redactSecrets } from '../redact/redact-secrets';
import { VERSION } from '../version';
import { EXIT } from '../exit-codes';
import { access, constants } from 'node:fs/promises';
import { describeErrno, ensureDir } from '../paths/ensure-dir';

export interface ProgramContext {
  args: ParsedArgs;
  paths: ResolvedPaths;
  config: Config;
  configSource: string | null;
  logger: Logger;
  store: DocumentStore;
  env: NodeJS.ProcessEnv;
}

/**
 * A program that has something better to do with an invalid config than exit 78 (the stdio MCP
 * server: a client shows only "connection closed"). Returns the exit code, or undefined to exit
 * with the config error as usual.
 */
export type OnConfigError = (err: ConfigError, args: ParsedArgs) => Promise<number> | undefined;

export interface ProgramIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: NodeJS.WritableStream;
}

const defaultIo = (): ProgramIo => ({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd(), stdout: process.stdout });

/**
 * Creates the state dir and checks that this user may write it, so a wrong --state-dir or owner
 * fails at once in one line (EX_CANTCREAT) instead of deep in a lock's retries. A read-only or
 * full filesystem is left to the run: for a health check that is a verdict about the host.
 */
export async function prepareStateDir(program: string, stateDir: string): Promise<void> {
  try {
    await ensureDir(stateDir, 0o750);
  } catch (err) {
    throw Object.assign(new Error(`${program}: state dir: ${(err as Error).message}`, { cause: err }), { exitCode: EXIT.CANT_CREATE });
  }
  try {
    await access(stateDir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EACCES';
    if (code === 'EROFS') return;
    throw Object.assign(new Error(`${program}: state dir ${stateDir} is not writable: ${code} (${describeErrno(code)})`, { cause: err }), { exitCode: EXIT.CANT_CREATE });
  }
}

/**
 * The start of every binary: flags, then paths, then config, then logger and store, then `body`
 * under the guard. --help and --version print to stdout and touch nothing else.
 */
export async function runProgram(
  spec: ProgramSpec & { resident?: boolean; onConfigError?: OnConfigError },
  body: (ctx: ProgramContext) => Promise<number>,
  io: ProgramIo = defaultIo(),
): Promise<void> {
  let logger: Logger | undefined;
  let store: DocumentStore | undefined;
  await runMain(
    async () => {
      const args = parseProgramArgs(spec, io.argv);
      if (args.help) {
        io.stdout.write(helpText(spec));
        return EXIT.OK;
      }
      if (args.version) {
        io.stdout.write(`${spec.name} ${VERSION}\n`);
        return EXIT.OK;
      }
      const paths = resolvePaths({ stateDirFlag: args.stateDir, logDirFlag: args.logDir, configFlag: args.config, env: io.env, cwd: io.cwd });
      const loaded = await loadConfig(paths.configFile).catch((err: unknown) => {
        const handled = err instanceof ConfigError ? spec.onConfigError?.(err, args) : undefined;
        if (handled) return handled;
        throw err;
      });
      if (typeof loaded === 'number') return loaded;
      const { config, source } = loaded;
      await prepareStateDir(spec.name, paths.stateDir);
      logger = createLogger({
        program: spec.name,
        level: config.logging.level,
        logDir: paths.logDir,
        errorLogMaxBytes: config.logging.errorLogMaxBytes,
        errorLogFiles: config.logging.errorLogFiles,
        redact: redactSecrets,
      });
      store = new DocumentStore({
        stateDir: paths.stateDir,
        logger,
        lockStaleMs: config.state.lockStaleMs,
        lockWaitMs: config.state.lockWaitMs,
        maxIncidents: config.state.maxIncidents,
        onWritten: keepBriefingDigests,
      });
      logger.debug(`${spec.name} ${VERSION} starting`, { stateDir: paths.stateDir, config: source ?? `${paths.configFile} (missing, defaults)` });
      return body({ args, paths, config, configSource: source, logger, store, env: io.env });
    },
    {
      program: spec.name,
      resident: spec.resident ?? false,
      getLogger: () => logger,
      recordIncident: async (summary, evidence) => {
        await store?.appendIncident({ source: 'guard', severity: 'crit', subject: spec.name, summary, evidence });
      },
    },
  );
}
