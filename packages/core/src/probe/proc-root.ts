import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where /proc is; tests point this at a fixture tree. */
export interface ProcSource {
  procRoot: string;
}

export const DEFAULT_PROC: ProcSource = { procRoot: '/proc' };

export function readProcFile(source: ProcSource, relative: string): Promise<string> {
  return readFile(join(source.procRoot, relative), 'utf8');
}
