/** Pure: `systemctl show` key=value output (the value is everything after the first `=`). */
export function parseShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).replace(/\r$/, '');
  }
  return out;
}

export interface FailedUnit {
  unit: string;
  load: string;
  active: string;
  sub: string;
  description: string;
}

const UNIT_NAME = /^[\w@.:\\-]+\.[a-z]+$/;

/**
 * Pure: `systemctl list-units --failed --plain --no-legend` rows. Newer systemd marks failed rows
 * with `●` or `×` even with --plain; lines that do not start with a unit name (hints, blank lines)
 * are dropped.
 */
export function parseFailedUnits(text: string): FailedUnit[] {
  const rows: FailedUnit[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*[●*×]\s*/u, '').trim();
    const [unit = '', load = '', active = '', sub = '', ...rest] = line.split(/\s+/);
    if (UNIT_NAME.test(unit)) rows.push({ unit, load, active, sub, description: rest.join(' ') });
  }
  return rows;
}
