import { cutText } from './cut-text';

/**
 * Longest template, in UTF-16 units, made or read back (PatternSchema): a template names a kind of
 * event, and a longer one is data.
 */
export const MAX_TEMPLATE_CHARS = 2048;

// Fixed, so that lines cut at the same place get the same template and id whatever their length.
const TEMPLATE_CUT = ' <cut>';

/** Pure: a template cut to MAX_TEMPLATE_CHARS at a token boundary, marked with " <cut>". */
export function capTemplate(template: string): string {
  return cutText(template, MAX_TEMPLATE_CHARS, () => TEMPLATE_CUT);
}
