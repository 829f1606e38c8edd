// One rule for every stored or returned text that has a size limit: cut at a word boundary when
// one is near, and say so in the text itself, so a reader never mistakes a cut text for a whole one.

/** The default marker: how much was left out. */
export const cutMarker = (cutChars: number): string => ` …[${cutChars} more chars cut]`;

/**
 * Pure: `text` when it has at most `max` UTF-16 units, else its head cut at the last space in the
 * last quarter before the limit (or at the limit) followed by `marker(charsCut)`, the whole at most
 * `max` units. Never splits a surrogate pair. Linear in `max`, whatever the length of `text`.
 */
export function cutText(text: string, max: number, marker: (cutChars: number) => string = cutMarker): string {
  if (text.length <= max) return text;
  // The marker's length depends on the count only through its digits: size it for the whole text.
  const room = Math.max(0, max - marker(text.length).length);
  let end = room;
  const space = text.lastIndexOf(' ', room);
  if (space >= Math.floor(room * 0.75) && space > 0) end = space;
  const c = text.charCodeAt(end - 1);
  if (end > 0 && c >= 0xd800 && c <= 0xdbff) end--;
  return text.slice(0, end).trimEnd() + marker(text.length - end);
}
