// Control characters, escapes and bidi or zero-width format characters can make a command shown to
// a human read differently from what runs (ANSI colour, a cursor jump, a right-to-left override).
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Pure: `text` with every such character written as \uXXXX, cut to `max` characters (… marks the cut). */
export function visibleText(text: string, max = 300): string {
  const shown = text.replace(/\\/g, '\\\\').replace(HIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}
