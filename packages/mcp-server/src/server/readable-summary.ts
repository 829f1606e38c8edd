/**
 * Pure: a tool's structured result as text a person (or a model whose client shows only the
 * text block) reads at a glance, instead of a second copy of the JSON. One `key: value` line per
 * field; nested objects and lists indented below their key; multi-line text as an indented block.
 * Fields that say nothing (null, false, '', empty lists) are left out: structuredContent has them.
 */
export function readableSummary(value: Record<string, unknown>, skip: readonly string[] = []): string {
  const lines: string[] = [];
  renderObject(value, '', lines, skip);
  return lines.join('\n');
}

type Json = unknown;

const isEmpty = (v: Json) => v === null || v === undefined || v === false || v === '' || (Array.isArray(v) && v.length === 0);
const isScalar = (v: Json) => v === null || typeof v !== 'object';
const scalar = (v: Json) => (typeof v === 'string' ? v : JSON.stringify(v));

function renderObject(obj: Record<string, Json>, indent: string, lines: string[], skip: readonly string[] = []): void {
  for (const [key, v] of Object.entries(obj)) {
    if (skip.includes(key) || isEmpty(v)) continue;
    renderField(key, v, indent, lines);
  }
}

function renderField(key: string, v: Json, indent: string, lines: string[]): void {
  if (typeof v === 'string' && v.includes('\n')) {
    lines.push(`${indent}${key}:`);
    for (const line of v.replace(/\n$/, '').split('\n')) lines.push(`${indent}  ${line}`);
  } else if (isScalar(v)) lines.push(`${indent}${key}: ${scalar(v)}`);
  else if (Array.isArray(v)) {
    if (v.every(isScalar)) return void lines.push(`${indent}${key}: ${v.map(scalar).join(', ')}`);
    lines.push(`${indent}${key}:`);
    for (const item of v) renderItem(item, `${indent}  `, lines);
  } else {
    lines.push(`${indent}${key}:`);
    renderObject(v as Record<string, Json>, `${indent}  `, lines);
  }
}

/** A list item: one line when all its fields are short scalars, else its fields below a dash. */
function renderItem(item: Json, indent: string, lines: string[]): void {
  if (isScalar(item)) return void lines.push(`${indent}- ${scalar(item)}`);
  if (Array.isArray(item)) return void lines.push(`${indent}- ${JSON.stringify(item)}`);
  const entries = Object.entries(item as Record<string, Json>).filter(([, x]) => !isEmpty(x));
  if (entries.every(([, x]) => isScalar(x) && !(typeof x === 'string' && (x.includes('\n') || x.length > 80)))) {
    return void lines.push(`${indent}- ${entries.map(([k, x]) => `${k}: ${scalar(x)}`).join(', ')}`);
  }
  const [first, ...rest] = entries;
  if (!first) return void lines.push(`${indent}- {}`);
  const sub: string[] = [];
  renderField(first[0], first[1], '', sub);
  lines.push(`${indent}- ${sub[0]}`, ...sub.slice(1).map((l) => `${indent}  ${l}`));
  for (const [k, x] of rest) renderField(k, x, `${indent}  `, lines);
}
