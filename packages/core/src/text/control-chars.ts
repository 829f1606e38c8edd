// Log lines can carry bytes a terminal acts on: ESC starts a control sequence that can recolour,
// move the cursor or retitle the window of whoever reads a template, a briefing or the CLI's
// output, and NUL truncates strings in C tools. These never pass through: each is written as a
// visible \xNN escape.

// C0 controls other than the whitespace that splits tokens (\t \n \v \f \r), DEL, and the C1
// controls (U+0080–U+009F; U+009B is a one-character CSI for many terminals).
const isControl = (c: number): boolean => c < 9 || (c > 13 && c < 32) || (c >= 127 && c <= 159);

/** True when text holds a character that escapeControlChars would rewrite. */
export function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/** The text with each control character (not tab or line breaks) written as a visible `\xNN`. */
export function escapeControlChars(text: string): string {
  if (!hasControlChars(text)) return text;
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isControl(c)) continue;
    out += `${text.slice(last, i)}\\x${c.toString(16).padStart(2, '0')}`;
    last = i + 1;
  }
  return out + text.slice(last);
}
