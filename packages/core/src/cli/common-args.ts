import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT } from '../exit-codes';

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

export interface ProgramSpec {
  name: string;
  summary: string;
  options?: Record<string, OptionSpec>;
  /** How the usage line names the operands a subcommand takes (e.g. "[ID]"); without it, operands are refused. */
  operands?: string;
}

const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show this help and exit' },
  version: { type: 'boolean', short: 'V', description: 'print the version and exit' },
  'state-dir': { type: 'string', valueName: 'DIR', description: 'state directory (else $LDM_STATE_DIR, $STATE_DIRECTORY, ./state)' },
  'log-dir': { type: 'string', valueName: 'DIR', description: 'log directory (else $LDM_LOG_DIR, $LOGS_DIRECTORY, <state-dir>/logs)' },
  config: { type: 'string', valueName: 'FILE', description: 'config file (else $LDM_CONFIG, /etc/linux-devops-mcp/config.json)' },
};

/** Bad command-line input. Exits 64 (EX_USAGE). */
export class UsageError extends Error {
  readonly exitCode = EXIT.USAGE;
}

export function helpText(spec: ProgramSpec): string {
  const all = { ...COMMON_OPTIONS, ...spec.options };
  const rows = Object.entries(all).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(30)} ${o.description}`;
  });
  return `Usage: ${spec.name} [options]${spec.operands ? ` ${spec.operands}` : ''}\n\n${spec.summary}\n\nOptions:\n${rows.join('\n')}\n`;
}

export interface ParsedArgs {
  help: boolean;
  version: boolean;
  stateDir?: string;
  logDir?: string;
  config?: string;
  values: Record<string, string | boolean | undefined>;
  /** Operands after the options; always empty for a program without `operands`. */
  positionals: string[];
}

/** Parses the flags every binary shares plus its own. Unknown flags are a UsageError naming the flag. */
export function parseProgramArgs(spec: ProgramSpec, argv: string[]): ParsedArgs {
  const options = Object.fromEntries(
    Object.entries({ ...COMMON_OPTIONS, ...spec.options }).map(([name, { type, short, multiple }]) => [
      name,
      { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) },
    ]),
  ) as ParseArgsConfig['options'];
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: spec.operands !== undefined }));
  } catch (err) {
    throw new UsageError(`${spec.name}: ${(err as Error).message}\nTry '${spec.name} --help'.`);
  }
  const str = (key: string) => {
    const value = values[key];
    if (value === '') throw new UsageError(`${spec.name}: --${key} needs a non-empty value`);
    return value as string | undefined;
  };
  return {
    help: Boolean(values.help),
    version: Boolean(values.version),
    stateDir: str('state-dir'),
    logDir: str('log-dir'),
    config: str('config'),
    values: values as ParsedArgs['values'],
    positionals,
  };
}
