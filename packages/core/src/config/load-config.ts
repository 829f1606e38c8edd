import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { ConfigSchema, type Config } from './schema';
import { keysAt, nearestKey } from './unknown-key';
import { EXIT } from '../exit-codes';

/** A config that cannot be used. Carries EX_CONFIG so every binary exits the same way. */
export class ConfigError extends Error {
  readonly exitCode = EXIT.CONFIG;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: Config;
  /** The file it came from, or null when it was missing and the defaults apply. */
  source: string | null;
}

const MAX_LISTED_KEYS = 16;

/** One line per problem, each whole: "invalid config: FILE: FIELD: WHY". */
function describeIssues(file: string, error: z.ZodError): string {
  const lines = error.issues.flatMap((issue) => {
    const at = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : '(top level)');
    if (issue.code !== 'unrecognized_keys') return [`invalid config: ${file}: ${at(issue.path)}: ${issue.message}`];
    const known = keysAt(ConfigSchema, issue.path);
    return issue.keys.map((key) => {
      const near = nearestKey(key, known);
      const hint = near ? ` (did you mean "${near}"?)` : known.length && known.length <= MAX_LISTED_KEYS ? ` (known: ${known.join(', ')})` : '';
      return `invalid config: ${file}: ${at([...issue.path, key])}: unknown key${hint}`;
    });
  });
  return lines.join('\n');
}

/** Pure: validates an already-parsed value. */
export function parseConfig(value: unknown, file: string): Config {
  // Parsed once per process: zod's generated fast path would cost more to compile than it saves.
  const result = ConfigSchema.safeParse(value, { jitless: true });
  if (!result.success) throw new ConfigError(describeIssues(file, result.error));
  return result.data;
}

/** Reads the config file. A missing file means defaults; an unreadable or invalid one is a ConfigError. Never writes. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: parseConfig({}, file), source: null };
    throw new ConfigError(`invalid config: ${file}: couldn't read it: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`invalid config: ${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return { config: parseConfig(value, file), source: file };
}
