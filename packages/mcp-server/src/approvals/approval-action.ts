import { createHash } from 'node:crypto';

// An approval covers one action exactly: the tool and every argument that changes what happens
// (argv and cwd; path, content hash, mode; typed arguments). The binding is a hash of that
// action in a canonical form, so the same action always gives the same hash and any other
// action, one byte apart, another.

export type SubjectValue = string | number | boolean | null | string[];
/** The arguments of an action that an approval binds, by name. */
export type ActionSubject = Record<string, SubjectValue>;

/** Pure: JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The hash an approval of `tool` doing `subject` is bound to. */
export function actionHash(tool: string, subject: ActionSubject): string {
  return sha256Hex(canonicalJson({ tool, subject }));
}
