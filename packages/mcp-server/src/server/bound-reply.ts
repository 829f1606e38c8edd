import { cutText } from '@ldm/core';

// A client drops a session whose reply it cannot take (the SDK's stdio reader has a buffer
// limit), so every reply is cut to mcp.replyMaxBytes here, in the one place results are built.
// Only long strings are cut: types, keys and array lengths stay, so structuredContent still
// validates against the tool's outputSchema.

/** Strings at most this long are never cut: ids, enums, paths and units stay whole. */
const MIN_STRING = 256;

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/** Pure: `value` with every string longer than `max` cut by cutText; the JSON paths of those cut go to `cut`. */
function cutStrings(value: unknown, max: number, path: string, cut: string[]): unknown {
  if (typeof value === 'string') {
    if (value.length <= max) return value;
    cut.push(path || '(the result)');
    return cutText(value, max, (n) => ` …[${n} more chars cut to fit the reply limit mcp.replyMaxBytes]`);
  }
  if (Array.isArray(value)) return value.map((v, k) => cutStrings(v, max, `${path}[${k}]`, cut));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutStrings(v, max, path ? `${path}.${k}` : k, cut)]));
  }
  return value;
}

/** A list the reply holds only the start of: the rest is paged with `offset`. */
export interface ShortenedList {
  /** Top-level field of the result. */
  field: string;
  kept: number;
  total: number;
}

export interface BoundedValue<T> {
  value: T;
  /** JSON paths of the strings that were cut, empty when none was. */
  cut: string[];
  /** The list cut short when cutting strings was not enough; null when none was. */
  shortened: ShortenedList | null;
  /** False when neither cutting strings nor shortening the longest list was enough. */
  fits: boolean;
}

/**
 * Pure: `value` whose JSON takes at most `maxBytes`, by cutting its longest strings to the
 * largest length that fits (halving from maxBytes). Ends after at most log2(maxBytes / MIN_STRING) passes.
 */
export function boundValue<T>(value: T, maxBytes: number): BoundedValue<T> {
  if (bytesOf(value) <= maxBytes) return { value, cut: [], shortened: null, fits: true };
  let cut: string[] = [];
  let out = value;
  for (let max = Math.max(MIN_STRING, Math.floor(maxBytes / 2)); ; max = Math.max(MIN_STRING, Math.floor(max / 2))) {
    cut = [];
    out = cutStrings(value, max, '', cut) as T;
    if (bytesOf(out) <= maxBytes) return { value: out, cut, shortened: null, fits: true };
    if (max === MIN_STRING) break;
  }
  return shortenLongestList(out, cut, maxBytes);
}

/**
 * Pure: `value` (strings already cut) with its longest top-level list kept to the most leading
 * items that fit, found by bisection (at most log2(length) passes). Items stay whole and in order,
 * so the rest is the next page.
 */
function shortenLongestList<T>(value: T, cut: string[], maxBytes: number): BoundedValue<T> {
  const record = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  const lists = record ? Object.entries(record).filter((e): e is [string, unknown[]] => Array.isArray(e[1])) : [];
  if (!record || !lists.length) return { value, cut, shortened: null, fits: false };
  const [field, list] = lists.reduce((a, b) => (bytesOf(b[1]) > bytesOf(a[1]) ? b : a));
  const withKept = (n: number) => ({ ...record, [field]: list.slice(0, n) }) as T;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytesOf(withKept(mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  const kept = withKept(lo);
  const fits = bytesOf(kept) <= maxBytes;
  const keptCut = cut.filter((p) => !p.startsWith(`${field}[`) || Number(/^[^[]+\[(\d+)\]/.exec(p)?.[1] ?? 0) < lo);
  return { value: kept, cut: keptCut, shortened: { field, kept: lo, total: list.length }, fits };
}

/** The note of a reply whose list was cut short: how to ask for the next page. */
export function pageNote(s: ShortenedList, maxBytes: number): string {
  return (
    `This reply holds only the first ${s.kept} of the ${s.total} items of "${s.field}", to fit mcp.replyMaxBytes (${maxBytes} bytes). ` +
    `Next page: call again with the same arguments and offset increased by ${s.kept} (or a smaller limit).`
  );
}

/** The note a cut reply carries: what was cut, and how to read the rest. */
export function cutNote(cut: readonly string[], maxBytes: number): string {
  const listed = cut.slice(0, 10).join(', ') + (cut.length > 10 ? ` and ${cut.length - 10} more` : '');
  return (
    `This reply was cut to fit mcp.replyMaxBytes (${maxBytes} bytes): ${cut.length} long text field(s) end with "…[N more chars cut …]": ${listed}. ` +
    'Read the rest in smaller pieces: narrower arguments (limit, lines, since), or read_file with offset/tail_lines on the file the text comes from.'
  );
}
