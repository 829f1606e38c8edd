// What a human reads before approving an action must be the action: a terminal or a chat client
// renders ESC sequences, bidi overrides, zero-width characters and newlines, so a command can look
// like another one. Every such character is shown as an escape instead.

/**
 * Controls (C0, C1, DEL), format characters (zero-width, bidi embeddings, overrides and isolates,
 * BOM, tags), line and paragraph separators, spaces other than U+0020, private-use, unassigned
 * and lone surrogate code points.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\p{Zs}]/u;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

const isHidden = (ch: string) => ch !== ' ' && HIDDEN.test(ch);

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const cp = ch.codePointAt(0)!;
  return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

/** Pure: true when `text` holds a character that visibleText shows as an escape (a backslash aside). */
export function hasHiddenCharacters(text: string): boolean {
  for (const ch of text) if (isHidden(ch)) return true;
  return false;
}

/**
 * Pure: `text` on one line with every control, escape, bidi and invisible character shown as
 * `\n`, `\t`, `\xNN` or `\u{...}`, and a backslash as `\\` (so an escape written in the text
 * cannot pass for a real newline). Cut after `maxChars` characters of the result, with a note of
 * how many characters of `text` were left out.
 */
export function visibleText(text: string, maxChars = 2000): string {
  let out = '';
  let shown = 0;
  for (const ch of text) {
    const piece = ch === '\\' || isHidden(ch) ? escape(ch) : ch;
    if (out.length + piece.length > maxChars) {
      const left = [...text.slice(shown)].length;
      return `${out}… (${left} more character${left === 1 ? '' : 's'} not shown)`;
    }
    out += piece;
    shown += ch.length;
  }
  return out;
}
