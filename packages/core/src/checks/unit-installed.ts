import { join } from 'node:path';

/** Where systemd looks for unit files, in its own order of precedence. */
export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/**
 * Whether a unit is installed, by its file: no systemctl process, so the idle watcher's samples
 * stay free of children. The socket unit of a socket-activated service counts too.
 */
export async function isUnitInstalled(unit: string, fileExists: (path: string) => Promise<boolean>, dirs: string[] = UNIT_DIRS): Promise<boolean> {
  for (const dir of dirs) if (await fileExists(join(dir, unit))) return true;
  return false;
}
