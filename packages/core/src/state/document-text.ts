// How a document is written: its list of records (incidents, patterns) one record per line, the
// rest on the first line. Still one JSON value, so any JSON reader reads it; and each record's
// bytes are its line's, which lets a size bound count what dropping a record saves.

/** Bytes one record takes in the file, with its line's separator. */
export const recordBytes = (record: unknown): number => Buffer.byteLength(JSON.stringify(record), 'utf8') + 2;

/** Pure: the file text of `doc`, with `doc[listKey]` (an array) one record per line, last. */
export function documentText(doc: Record<string, unknown>, listKey?: string): string {
  const list = listKey ? doc[listKey] : undefined;
  if (!Array.isArray(list)) return `${JSON.stringify(doc)}\n`;
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (k !== listKey) rest[k] = v;
  const head = JSON.stringify(rest);
  const open = `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}${JSON.stringify(listKey)}:[`;
  return list.length ? `${open}\n${list.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n` : `${open}]}\n`;
}
